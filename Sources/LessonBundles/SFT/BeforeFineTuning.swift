import Foundation
import LessonKit
import Pretraining

// MARK: - Section 4: a completer, still

extension SFTLesson {
  @LessonBundleBuilder static var beforeFineTuning: [BundleEntry] {
    Step("sft-before", after: ["sft-pretrain", "sft-addition-data"]) { context in
      let base = try context.require(baseKey).model
      let data = try context.require(dataKey)
      let tokenizer = data.chat.tokenizer
      // lesson:begin sft-before
      let report = try answers(of: base, to: data.heldOut, tokenizer: tokenizer)   // greedy, up to "#"
      // lesson:end
      context[beforeKey] = report
      let (title, headers, rows) = answerTable("held-out questions, base model", report)
      context.table(title, headers: headers, rows: rows)
      let question = data.heldOut[0]
      let prompt = "\(ChatTemplate.promptStart)\(question.prompt)\(ChatTemplate.promptEnd)"
      let continued = try base.generate(prompt: try tokenizer.encode(prompt), count: 60, greedy: true)
      context.text("Greedy continuation of \"\(prompt)\":\n\(prompt)\(tokenizer.decode(continued))")
      context.scalar("held-out accuracy", report.accuracy)
      context.scalar("p(a digit comes next)", report.digitProbability)
    }

    Check("sft-accuracy-before", after: ["sft-before"]) { context in
      .number(try context.require(beforeKey).accuracy)
    }
    Check("sft-digit-probability-before", after: ["sft-before"]) { context in
      .number(try context.require(beforeKey).digitProbability)
    }
  }
}
