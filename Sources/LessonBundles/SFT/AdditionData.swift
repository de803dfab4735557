import Foundation
import LessonKit
import Pretraining

// MARK: - Section 3: questions and answers

/// One single-digit addition question.
struct AdditionQuestion: Hashable {
  var a: Int
  var b: Int
  var prompt: String { "What is \(a)+\(b)?" }
  var answer: String { "\(a + b)" }
}

/// The fine-tuning data: every single-digit sum, split into seen and held-out questions.
struct AdditionData {
  var train: [AdditionQuestion]
  var heldOut: [AdditionQuestion]
  /// Training pairs with the prompt masked.
  var chat: ChatDataset
  /// Held-out pairs with the prompt masked (the fine-tuning run's "val" split).
  var heldOutChat: ChatDataset
  /// The same training pairs with every target kept, prompt included.
  var unmaskedChat: ChatDataset
  var heldOutUnmaskedChat: ChatDataset
}

extension SFTLesson {
  @LessonBundleBuilder static var additionData: [BundleEntry] {
    Step("sft-addition-data", after: ["sft-vocabulary"]) { context in
      let tokenizer = try context.require(corpusKey).tokenizer
      var rng = SeededGenerator(seed: context.seed)
      // lesson:begin sft-addition-data
      var questions = (0...9).flatMap { a in (0...9).map { b in AdditionQuestion(a: a, b: b) } }
      for i in stride(from: questions.count - 1, to: 0, by: -1) {          // seeded shuffle
        questions.swapAt(i, rng.uniformInt(below: i + 1))
      }
      let heldOut = Array(questions.prefix(heldOutCount))                  // never shown in training
      let train = Array(questions.dropFirst(heldOutCount))
      let chat = try ChatDataset(pairs: train.map { ($0.prompt, $0.answer) }, tokenizer: tokenizer)
      // lesson:end
      let heldOutChat = try ChatDataset(pairs: heldOut.map { ($0.prompt, $0.answer) }, tokenizer: tokenizer)
      let unmasked = try ChatDataset(pairs: train.map { ($0.prompt, $0.answer) }, tokenizer: tokenizer, masksPrompt: false)
      let heldOutUnmasked = try ChatDataset(
        pairs: heldOut.map { ($0.prompt, $0.answer) }, tokenizer: tokenizer, masksPrompt: false)
      context[dataKey] = AdditionData(
        train: train, heldOut: heldOut, chat: chat, heldOutChat: heldOutChat, unmaskedChat: unmasked,
        heldOutUnmaskedChat: heldOutUnmasked)
      let first = train[0]
      context.text("A training pair in the template: " + ChatTemplate.render(prompt: first.prompt, response: first.answer))
      context.text("Held-out questions: " + heldOut.map { "\($0.a)+\($0.b)" }.joined(separator: ", "))
      let example = chat.examples[0]
      context.table(
        ChatTemplate.render(prompt: first.prompt, response: first.answer), headers: ["t", "input", "target"],
        rows: example.inputs.indices.map { t in
          [
            "\(t)", tokenizer.visible(example.inputs[t]),
            example.targets[t] == ignoreIndex ? "−100" : tokenizer.visible(example.targets[t]),
          ]
        })
    }

    Check("sft-question-count", after: ["sft-addition-data"]) { context in
      let data = try context.require(dataKey)
      return .number(Double(data.train.count + data.heldOut.count))
    }
    Check("sft-train-count", after: ["sft-addition-data"]) { context in
      .number(Double(try context.require(dataKey).train.count))
    }
    Check("sft-held-out-count", after: ["sft-addition-data"]) { context in
      .number(Double(try context.require(dataKey).heldOut.count))
    }
    Check("sft-held-out-unseen", after: ["sft-addition-data"]) { context in
      let data = try context.require(dataKey)
      let seenPrompts = Set(data.train.map(\.prompt))
      let leaked = data.heldOut.filter { seenPrompts.contains($0.prompt) }
      return .boolean(
        leaked.isEmpty, detail: "\(data.heldOut.count) held-out prompts, \(leaked.count) of them among the \(data.train.count) training prompts")
    }
    Check("sft-longest-pair", after: ["sft-addition-data"]) { context in
      .number(Double(try context.require(dataKey).chat.longestExample))
    }
    Check("sft-two-digit-answers", after: ["sft-addition-data"]) { context in
      let data = try context.require(dataKey)
      return .number(Double((data.train + data.heldOut).filter { $0.a + $0.b >= 10 }.count))
    }
  }
}
