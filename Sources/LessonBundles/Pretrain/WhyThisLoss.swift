import Foundation
import LessonKit
import Pretraining

// MARK: - Section 2: why this loss and not another

/// How many positions of one batch each objective grades.
struct MaskingCount {
  var causal: Int
  var masked: Int
  var windows: Int
  var targetsMatchCorpus: Bool
}

extension PretrainLesson {
  /// BERT's masking rate.
  static let maskedLanguageModelRate: Float = 0.15

  @LessonBundleBuilder static var whyThisLoss: [BundleEntry] {
    Step("causal-vs-masked", after: ["load-corpus"]) { context in
      let data = try context.require(datasetKey)
      var rng = SeededGenerator(seed: context.seed &+ 2)
      let batch = try data.batch(split: .train, size: 32, context: 64, using: &rng)
      let model = try MiniGPT(
        config: try .lesson(vocabSize: data.tokenizer.vocabularySize), seed: context.seed)
      // lesson:begin causal-vs-masked
      // Causal: every position's target is the next token.
      _ = try model.forward(batch)
      let causal = model.scoredPositions
      // Masked (BERT-style): only the 15% of positions hidden behind [MASK] carry a target.
      var maskedTargets = [TokenID](repeating: ignoreIndex, count: batch.inputs.count)
      for i in maskedTargets.indices where rng.uniformFloat() < maskedLanguageModelRate {
        maskedTargets[i] = batch.inputs[i]
      }
      _ = try model.forward(inputs: batch.inputs, targets: maskedTargets, batchSize: batch.size)
      let masked = model.scoredPositions
      // lesson:end
      let train = data.tokens(.train)
      let fromCorpus = batch.starts.enumerated().allSatisfy { b, start in
        (0..<batch.context).allSatisfy { t in batch.targets[b * batch.context + t] == train[start + t + 1] }
      }
      context[maskingKey] = MaskingCount(
        causal: causal, masked: masked, windows: batch.size, targetsMatchCorpus: fromCorpus)
      context.table(
        "positions graded in one batch of 32 × 64", headers: ["objective", "graded positions", "share"],
        rows: [
          ["causal (next token)", grouped(causal), "100%"],
          ["masked, 15%", grouped(masked), String(format: "%.1f%%", 100 * Double(masked) / Double(causal))],
        ])
      context.scalar("causal / masked", Double(causal) / Double(masked))
      context.expect(masked > 0 && masked < causal, "masking grades only a fraction of the positions")
    }

    Check("mlm-mask-rate") { _ in .number(Double(maskedLanguageModelRate)) }
    Check("zero-labels", after: ["causal-vs-masked"]) { context in
      let count = try context.require(maskingKey)
      return .boolean(
        count.targetsMatchCorpus,
        detail: "every target is the corpus token that follows its input; no label array exists")
    }
    Check("loss-terms-per-window", after: ["causal-vs-masked"]) { context in
      let count = try context.require(maskingKey)
      return .number(Double(count.causal) / Double(count.windows))
    }
    Check("causal-loss-positions", after: ["causal-vs-masked"]) { context in
      .number(Double(try context.require(maskingKey).causal))
    }
    Check("mlm-loss-positions", after: ["causal-vs-masked"]) { context in
      .number(Double(try context.require(maskingKey).masked))
    }
    Check("mlm-expected-ratio") { _ in .number(1 / Double(maskedLanguageModelRate)) }
    Check("causal-vs-mlm-ratio", after: ["causal-vs-masked"]) { context in
      let count = try context.require(maskingKey)
      return .number(Double(count.causal) / Double(count.masked))
    }
  }
}
