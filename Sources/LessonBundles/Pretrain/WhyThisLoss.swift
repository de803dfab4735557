import Foundation
import LessonKit
import Pretraining

// MARK: - Section 2: why this loss and not another

extension PretrainLesson {
  /// BERT's masking rate.
  static let maskedLanguageModelRate: Float = 0.15

  @LessonBundleBuilder static var whyThisLoss: [BundleEntry] {
    Step(
      "causal-vs-masked", reads: [datasetKey], parameters: [batchSize, contextLength],
      measures: [
        "zero-labels", "loss-terms-per-window", "causal-loss-positions", "mlm-loss-positions", "causal-vs-mlm-ratio",
        "mlm-mask-rate", "mlm-expected-ratio",
      ]
    ) { context in
      let data = try context.require(datasetKey)
      var rng = SeededGenerator(seed: context.seed &+ 2)
      let batch = try data.batch(split: .train, size: context[batchSize], context: context[contextLength], using: &rng)
      let model = try MiniGPT(config: try modelConfig(data, context: batch.context), seed: context.seed)
      // lesson:begin causal-vs-masked
      // Causal: every position's target is the next token.
      let causal = try model.forwardPass(batch).scoredPositions
      // Masked (BERT-style): only the 15% of positions hidden behind [MASK] carry a target.
      var maskedTargets = [TokenID](repeating: ignoreIndex, count: batch.inputs.count)
      for i in maskedTargets.indices where rng.uniformFloat() < maskedLanguageModelRate {
        maskedTargets[i] = batch.inputs[i]
      }
      let masked = try model.forwardPass(inputs: batch.inputs, targets: maskedTargets, batchSize: batch.size).scoredPositions
      // lesson:end
      context.table(
        "positions graded in one batch of \(batch.size) × \(batch.context)", headers: ["objective", "graded positions", "share"],
        rows: [
          ["causal (next token)", grouped(causal), "100%"],
          ["masked", grouped(masked), String(format: "%.1f%%", 100 * Double(masked) / Double(causal))],
        ])
      let train = data.tokens(.train)
      let fromCorpus = batch.starts.enumerated().allSatisfy { b, start in
        (0..<batch.context).allSatisfy { t in batch.targets[b * batch.context + t] == train[start + t + 1] }
      }
      context.measure("zero-labels", fromCorpus, detail: "every target is the corpus token that follows its input")
      context.measure("loss-terms-per-window", causal / batch.size)
      context.measure("causal-loss-positions", causal)
      context.measure("mlm-loss-positions", masked)
      context.measure("causal-vs-mlm-ratio", Double(causal) / Double(masked))
      // The rate in expectation: the same masking draw over a thousand batches' positions.
      let draws = 1_000 * batch.inputs.count
      let hidden = (0..<draws).reduce(0) { n, _ in rng.uniformFloat() < maskedLanguageModelRate ? n + 1 : n }
      context.measure("mlm-mask-rate", Double(hidden) / Double(draws), detail: "share of \(grouped(draws)) positions masked")
      context.measure("mlm-expected-ratio", Double(draws) / Double(hidden))
    }
  }
}
