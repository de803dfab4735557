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
  /// The prompt in the chat template, up to where the reply starts.
  var templatedPrompt: String { "\(ChatTemplate.promptStart)\(prompt)\(ChatTemplate.promptEnd)" }
}

/// The fine-tuning data: the seen and held-out questions, each split in the chat template with
/// the prompt masked and with every target kept.
struct AdditionData {
  let train: [AdditionQuestion]
  let heldOut: [AdditionQuestion]
  /// [prompt masked, every target kept] × [train, held out].
  private let datasets: [[ChatDataset]]

  init(train: [AdditionQuestion], heldOut: [AdditionQuestion], tokenizer: CharTokenizer) throws {
    (self.train, self.heldOut) = (train, heldOut)
    datasets = try [true, false].map { masksPrompt in
      try [train, heldOut].map { questions in
        try ChatDataset(pairs: questions.map { ($0.prompt, $0.answer) }, tokenizer: tokenizer, masksPrompt: masksPrompt)
      }
    }
  }

  /// The pairs of `split` (`.val`: the held-out questions); with `masksPrompt`, prompt targets are −100.
  func pairs(_ split: Split, masksPrompt: Bool = true) -> ChatDataset { datasets[masksPrompt ? 0 : 1][split == .train ? 0 : 1] }
  var tokenizer: CharTokenizer { pairs(.train).tokenizer }
}

extension SFTLesson {
  @LessonBundleBuilder static var additionData: [BundleEntry] {
    Step(
      "sft-addition-data", reads: [corpusKey], writes: [dataKey], parameters: [heldOutCount],
      measures: ["sft-question-count", "sft-train-count", "sft-held-out-unseen", "sft-two-digit-answers",
                 "sft-longest-pair", "sft-prompt-target"]
    ) { context in
      // lesson:begin sft-addition-data
      let tokenizer = try context.require(corpusKey).tokenizer             // the vocabulary of section 1
      var rng = SeededGenerator(seed: context.seed)
      var questions = (0...9).flatMap { a in (0...9).map { b in AdditionQuestion(a: a, b: b) } }
      for i in stride(from: questions.count - 1, to: 0, by: -1) {          // seeded shuffle
        questions.swapAt(i, rng.uniformInt(below: i + 1))
      }
      let heldOut = Array(questions.prefix(context[heldOutCount]))         // never shown in training
      let train = Array(questions.dropFirst(heldOut.count))
      let data = try AdditionData(train: train, heldOut: heldOut, tokenizer: tokenizer)   // in the chat template
      // lesson:end
      context[dataKey] = data
      let first = train[0], example = data.pairs(.train).examples[0]
      context.text("Held-out questions: " + heldOut.map { "\($0.a)+\($0.b)" }.joined(separator: ", "))
      context.table(
        ChatTemplate.render(prompt: first.prompt, response: first.answer), headers: ["t", "input", "target"],
        rows: example.inputs.indices.map { t in
          ["\(t)", tokenizer.visible(example.inputs[t]),
           example.targets[t] == ignoreIndex ? "−100" : tokenizer.visible(example.targets[t])]
        })
      let leaked = Set(heldOut).intersection(train)
      context.measure("sft-question-count", questions.count)
      context.measure("sft-train-count", train.count)
      context.measure("sft-held-out-unseen", leaked.isEmpty,
        detail: "\(heldOut.count) held-out questions, \(leaked.count) of them among the \(train.count) training questions")
      context.measure("sft-two-digit-answers", questions.filter { $0.answer.count == 2 }.count)
      context.measure("sft-longest-pair", data.pairs(.train).longestExample)
      context.measure("sft-prompt-target", Int(example.targets[0]), detail: "the target after \"<\" in the first pair")
    }
  }
}
