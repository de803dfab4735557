import Foundation
import LessonKit
import LessonWidgets
import Pretraining

// MARK: - Section 3: prediction is compression

/// The lesson's trained MiniGPT and what its training run recorded.
struct TrainedRun {
  var model: MiniGPT
  var trainer: Trainer
  var summary: TrainingSummary
  var sampleBefore: String
}

/// One model's average held-out loss.
struct CompressionRow {
  var model: String
  var nats: Double
  var bits: Double { nats / log(2) }
}

extension PretrainLesson {
  /// The prompt whose continuation the lesson shows before and after training.
  static let samplePrompt = "To be"

  @LessonBundleBuilder static var compression: [BundleEntry] {
    Step("train-lesson-model", after: ["load-corpus"]) { context in
      let data = try context.require(datasetKey)
      let config = try MiniGPTConfig.lesson(vocabSize: data.tokenizer.vocabularySize)
      let model = try MiniGPT(config: config, seed: context.seed, threads: trainingThreads)
      let sampleBefore = try continuation(of: samplePrompt, by: model, tokenizer: data.tokenizer)
      let steps = trainingSteps
      let bar = TrainingProgressView(total: steps, tokensPerStep: batchSize * contextLength, context: context)
      // lesson:begin train-lesson-model
      let options = TrainingOptions(steps: steps, evalInterval: evalInterval, seed: context.seed)
      let trainer = try Trainer(model: model, options: options)
      let summary = try trainer.run(nextBatch: { split, rng in
        try data.batch(split: split, size: 32, context: 64, using: &rng)
      }, progress: { p in bar.report(p) })
      // lesson:end
      bar.finish()
      context[trainedKey] = TrainedRun(model: model, trainer: trainer, summary: summary, sampleBefore: sampleBefore)
      let last = summary.evaluations.last
      context.text(
        "Trained \(steps) steps at \(fixed(summary.millisecondsPerStep, 1)) ms per step "
          + "(\(grouped(Int(summary.tokensPerSecond))) tokens/s); final train loss "
          + "\(fixed(Double(last?.train ?? .nan), 3)), val loss \(fixed(Double(last?.val ?? .nan), 3)).")
      context.expect(summary.losses.allSatisfy(\.isFinite), "every training loss is finite")
    }

    Step("compression-table", after: ["train-lesson-model"]) { context in
      let data = try context.require(datasetKey)
      let trained = try context.require(trainedKey)
      let held = data.tokens(.val)
      // lesson:begin compression-table
      var rows = [CompressionRow(model: "uniform", nats: NGramModel.uniformLoss(vocabularySize: data.tokenizer.vocabularySize))]
      for (order, name) in [(1, "unigram"), (2, "bigram"), (3, "trigram")] {
        let counts = try NGramModel(order: order, dataset: data)   // counted on the training split
        rows.append(CompressionRow(model: name, nats: try counts.averageLoss(on: held)))
      }
      rows.append(CompressionRow(model: "MiniGPT", nats: try heldOutLoss(of: trained.model, on: held)))
      // lesson:end
      context[compressionKey] = rows
      context.table(
        "held-out loss per character", headers: ["model", "nats", "bits"],
        rows: rows.map { [$0.model, fixed($0.nats, 3), fixed($0.bits, 3)] })
      context.chart(.bars(labels: rows.map(\.model), values: rows.map(\.bits), title: "bits per character (lower compresses better)"))
    }

    Check("uniform-bits", after: ["compression-table"]) { context in
      .number(try compressionRow("uniform", context).bits)
    }
    Check("unigram-bits", after: ["compression-table"]) { context in
      .number(try compressionRow("unigram", context).bits)
    }
    Check("bigram-bits", after: ["compression-table"]) { context in
      .number(try compressionRow("bigram", context).bits)
    }
    Check("trigram-bits", after: ["compression-table"]) { context in
      .number(try compressionRow("trigram", context).bits)
    }
    Check("minigpt-bits", after: ["compression-table"]) { context in
      .number(try compressionRow("MiniGPT", context).bits)
    }
    Check("compression-ordering", after: ["compression-table"]) { context in
      let rows = try context.require(compressionKey)
      let decreasing = zip(rows, rows.dropFirst()).allSatisfy { $1.bits < $0.bits }
      return .boolean(decreasing, detail: rows.map { "\($0.model) \(fixed($0.bits, 3))" }.joined(separator: " > "))
    }
    Check("tokens-per-parameter-large") { _ in
      .number(1e11 / 1e8)
    }
  }

  static func compressionRow(_ name: String, _ context: StepContext) throws -> CompressionRow {
    guard let row = try context.require(compressionKey).first(where: { $0.model == name }) else {
      throw LessonBundleError.missing("no compression row named \(name)")
    }
    return row
  }

  // MARK: - Progress

  /// A seeded sample continuing a prompt, as text (greedy decoding of a small model loops on "the the").
  static func continuation(
    of prompt: String, by model: MiniGPT, tokenizer: CharTokenizer, count: Int = 120, seed: UInt64 = 1337
  ) throws -> String {
    let ids = try tokenizer.encode(prompt)
    return prompt + tokenizer.decode(try model.generate(prompt: ids, count: count, temperature: 0.8, seed: seed))
  }

  /// Mean next-token loss over a token sequence, in nats per character.
  ///
  /// The sequence is cut into windows of T + 1 tokens overlapping by one, so every token after
  /// the first is predicted exactly once (from the start of its window), as the n-gram
  /// models' average over the same tokens.
  static func heldOutLoss(of model: MiniGPT, on tokens: [TokenID]) throws -> Double {
    let t = model.config.contextLength
    var starts = Array(stride(from: 0, to: tokens.count - 1, by: t))
    var total = 0.0
    var graded = 0
    while !starts.isEmpty {
      let chunk = starts.prefix(32)
      starts.removeFirst(chunk.count)
      // Windows must share one length; the short tail window goes on its own.
      for group in [chunk.filter { $0 + t < tokens.count }, chunk.filter { $0 + t >= tokens.count }] where !group.isEmpty {
        let length = min(t, tokens.count - 1 - group[0])
        var inputs: [TokenID] = [], targets: [TokenID] = []
        for s in group {
          inputs += tokens[s ..< s + length]
          targets += tokens[s + 1 ..< s + length + 1]
        }
        guard let loss = try model.forward(inputs: inputs, targets: targets, batchSize: group.count) else { continue }
        total += Double(loss) * Double(model.scoredPositions)
        graded += model.scoredPositions
      }
    }
    return total / Double(max(graded, 1))
  }
}

/// A state mismatch inside the lesson's own bundle.
enum LessonBundleError: Error, CustomStringConvertible {
  case missing(String)
  var description: String {
    switch self {
    case .missing(let what): return "lesson bundle: \(what)"
    }
  }
}
