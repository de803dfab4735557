import Foundation
import LessonKit
import Pretraining

// MARK: - Section 4: a completer, still; and how any model answers

/// How a model answers a set of questions.
struct AnswerReport {
  var questions: [AdditionQuestion]
  /// The greedy reply to each question, up to the end marker.
  var replies: [String]
  /// Mean probability of a digit as the first token after the prompt.
  var digitProbability: Double

  /// Fraction of replies that are exactly the right sum.
  var accuracy: Double { Double(zip(questions, replies).filter { $0.answer == $1 }.count) / Double(max(questions.count, 1)) }

  /// The first `count` questions and replies, whitespace made visible.
  func rows(_ count: Int) -> [[String]] {
    zip(questions, replies).prefix(count).map { q, reply in
      ["\(q.a)+\(q.b)", q.answer, reply.unicodeScalars.map(CharTokenizer.visible).joined(), q.answer == reply ? "✓" : "✗"]
    }
  }
}

extension SFTLesson {
  /// Greedy replies of `model`, read up to the end marker "#" and at most two digits and the marker.
  static func answers(of model: MiniGPT, to questions: [AdditionQuestion], tokenizer: CharTokenizer) throws -> AnswerReport {
    let digits = "0123456789".unicodeScalars.compactMap(tokenizer.id(of:))
    var replies: [String] = [], digitProbability = 0.0
    for question in questions {
      let prompt = try tokenizer.encode(question.templatedPrompt)
      let reply = tokenizer.decode(try model.generate(prompt: prompt, count: 3, greedy: true))
      replies.append(String(reply.prefix { $0 != Character(ChatTemplate.responseEnd) }))
      let p = try model.nextTokenProbabilities(after: prompt)
      digitProbability += digits.reduce(0.0) { $0 + Double(p[Int($1)]) } / Double(questions.count)
    }
    return AnswerReport(questions: questions, replies: replies, digitProbability: digitProbability)
  }

  static let answerHeaders = ["question", "expected", "reply", ""]

  @LessonBundleBuilder static var answering: [BundleEntry] {
    Step(
      "sft-before", reads: [baseKey, dataKey], measures: ["sft-accuracy-before", "sft-digit-probability-before"]
    ) { context in
      // lesson:begin sft-before
      let base = try context.require(baseKey).makeModel()                          // the model of section 2
      let data = try context.require(dataKey)
      let report = try answers(of: base, to: data.heldOut, tokenizer: data.tokenizer)   // greedy, up to "#"
      // lesson:end
      let tokenizer = data.tokenizer
      context.table("held-out questions, base model", headers: answerHeaders, rows: report.rows(8))
      let prompt = data.heldOut[0].templatedPrompt
      let continued = try base.generate(prompt: try tokenizer.encode(prompt), count: 60, greedy: true)
      context.text("Greedy continuation of \"\(prompt)\":\n\(prompt)\(tokenizer.decode(continued))")
      context.measure("sft-accuracy-before", report.accuracy)
      context.measure("sft-digit-probability-before", report.digitProbability)
    }
  }
}
