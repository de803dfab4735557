import Foundation
import LessonKit
import Pretraining

// MARK: - Section 1: a labeller's answers and the preference pairs

/// One single-digit sum, as a prompt.
struct Sum: Hashable {
  var a: Int
  var b: Int
  var prompt: String { "\(a)+\(b)" }
  var answer: Int { a + b }
}

/// The two kinds of preference pair each question gets.
enum PairKind: Int, CaseIterable {
  /// The right answer over one too high.
  case rightOverOffByOne
  /// One too high over two too high: both wrong, the closer preferred.
  case closerOverFarther

  var chosenOffset: Int { rawValue }
  var label: String { self == .rightOverOffByOne ? "right over off by one" : "off by one over off by two" }
}

/// Everything one run trains and measures on.
struct PreferenceData {
  /// The run's seed: it drew the held-out questions, and it seeds every model of the run and its batches.
  let seed: UInt64
  let tokenizer: CharTokenizer
  let train: [Sum]
  let heldOut: [Sum]
  /// Every question with each of the labeller's four answers, prompts masked: the reference's data.
  let demonstrations: ChatDataset
  /// Two pairs per question, in question order, kinds in ``PairKind`` order.
  let trainPairs: PreferenceDataset
  let heldOutPairs: PreferenceDataset
  /// The held-out questions with their right answers, prompts masked (for the KL measurement).
  let heldOutAnswers: ChatDataset

  /// The labeller's answers to `sum`: right half the time, otherwise one or two too high.
  static func labellerAnswers(_ sum: Sum) -> [String] { [0, 0, 1, 2].map { "\(sum.answer + $0)" } }

  /// Each question's two pairs.
  static func pairs(_ sums: [Sum]) -> [(prompt: String, chosen: String, rejected: String)] {
    sums.flatMap { sum in
      PairKind.allCases.map { kind in
        (sum.prompt, "\(sum.answer + kind.chosenOffset)", "\(sum.answer + kind.chosenOffset + 1)")
      }
    }
  }

  init(seed: UInt64, train: [Sum], heldOut: [Sum], tokenizer: CharTokenizer) throws {
    (self.seed, self.train, self.heldOut, self.tokenizer) = (seed, train, heldOut, tokenizer)
    demonstrations = try ChatDataset(
      pairs: (train + heldOut).flatMap { sum in Self.labellerAnswers(sum).map { (sum.prompt, $0) } }, tokenizer: tokenizer)
    trainPairs = try PreferenceDataset(pairs: Self.pairs(train), tokenizer: tokenizer)
    heldOutPairs = try PreferenceDataset(pairs: Self.pairs(heldOut), tokenizer: tokenizer)
    heldOutAnswers = try ChatDataset(pairs: heldOut.map { ($0.prompt, "\($0.answer)") }, tokenizer: tokenizer)
  }

  /// The pairs the runs train on (`.train`) or are measured on (`.val`).
  func pairs(_ split: Split) -> PreferenceDataset { split == .train ? trainPairs : heldOutPairs }
}

extension DPOLesson {
  @LessonBundleBuilder static var preferenceData: [BundleEntry] {
    Step(
      "dpo-data", writes: [dataKey], parameters: [heldOutCount, runCount],
      measures: ["dpo-vocabulary-size", "dpo-question-count", "dpo-train-questions", "dpo-demonstrations",
                 "dpo-train-pairs", "dpo-held-out-pairs", "dpo-wrong-chosen-share", "dpo-held-out-unseen",
                 "dpo-longest-row"]
    ) { context in
      // lesson:begin dpo-data
      let tokenizer = try ChatTemplate.extendedTokenizer("0123456789+")   // digits, "+" and the template's markers
      let runs = try (0..<context[runCount]).map { run in
        let seed = context.seed &+ UInt64(run)                             // run 0 has the lesson seed
        var rng = SeededGenerator(seed: seed)
        var questions = (0...9).flatMap { a in (0...9).map { b in Sum(a: a, b: b) } }
        questions.shuffle(using: &rng)
        let heldOut = Array(questions.prefix(context[heldOutCount]))       // none of this run's models trains on their pairs
        return try PreferenceData(seed: seed, train: Array(questions.dropFirst(heldOut.count)), heldOut: heldOut, tokenizer: tokenizer)
      }
      // lesson:end
      context[dataKey] = runs
      let data = runs[0]
      let example = data.train[0]
      context.table(
        "the two preference pairs of \(example.prompt)", headers: ["prompt", "chosen", "rejected", "kind"],
        rows: PairKind.allCases.map { kind in
          let chosen = example.answer + kind.chosenOffset
          return [example.prompt, "\(chosen)", "\(chosen + 1)", kind.label]
        })
      let chosen = data.trainPairs.chosen.examples.count
      let wrongChosen = PreferenceData.pairs(data.train).filter { pair in
        data.train.contains { $0.prompt == pair.prompt && "\($0.answer)" != pair.chosen }
      }.count
      let leaked = runs.map { run in
        let pairedPrompts = Set(PreferenceData.pairs(run.train).map(\.prompt))
        return run.heldOut.filter { pairedPrompts.contains($0.prompt) }.count
      }.reduce(0, +)
      let heldOutUnion = Set(runs.flatMap { $0.heldOut })
      context.text("Over the \(runs.count) runs, \(heldOutUnion.count) of the \(data.train.count + data.heldOut.count) questions are held out at least once.")
      context.measure("dpo-vocabulary-size", tokenizer.vocabularySize)
      context.measure("dpo-question-count", data.train.count + data.heldOut.count)
      context.measure("dpo-train-questions", data.train.count)
      context.measure("dpo-demonstrations", data.demonstrations.count)
      context.measure("dpo-train-pairs", data.trainPairs.count)
      context.measure("dpo-held-out-pairs", data.heldOutPairs.count)
      context.measure("dpo-wrong-chosen-share", Double(wrongChosen) / Double(chosen))
      context.measure("dpo-held-out-unseen", leaked == 0,
        detail: "\(runs.count) runs of \(data.heldOut.count) held-out questions, \(leaked) of them in a training pair of their run")
      context.measure("dpo-longest-row", runs.map { max($0.demonstrations.longestExample, $0.trainPairs.longestExample) }.max() ?? 0)
    }
  }
}
