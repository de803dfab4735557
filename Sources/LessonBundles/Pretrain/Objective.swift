import Foundation
import LessonKit
import Pretraining

// MARK: - Section 1: the objective in one line

/// What the untrained model's first batch showed.
struct UntrainedRun {
  var batch: TokenBatch
  var loss: Float
  var positionLosses: Tensor
  var scoredPositions: Int
  var vocabularySize: Int
}

extension PretrainLesson {
  @LessonBundleBuilder static var objective: [BundleEntry] {
    Step("untrained-loss", after: ["load-corpus"]) { context in
      let data = try context.require(datasetKey)
      var rng = SeededGenerator(seed: context.seed)
      // lesson:begin untrained-loss
      let config = try MiniGPTConfig.lesson(vocabSize: data.tokenizer.vocabularySize)
      let model = try MiniGPT(config: config, seed: context.seed)     // random weights
      let batch = try data.batch(split: .train, size: 32, context: 64, using: &rng)
      let loss = try model.forward(batch)          // mean next-token cross-entropy
      let nll = try model.positionLosses()         // (B, T): −log p(target) at each position
      let perplexity = exp(Double(loss))
      // lesson:end
      context[untrainedKey] = UntrainedRun(
        batch: batch, loss: loss, positionLosses: nll, scoredPositions: model.scoredPositions,
        vocabularySize: config.vocabSize)
      context.tensor("nll", ReportTensor(nll))
      let meanNLL = nll.values.reduce(0.0) { $0 + Double($1) } / Double(nll.values.count)
      context.scalar("mean of nll", meanNLL)
      context.scalar("loss", Double(loss))
      context.scalar("ln V", log(Double(config.vocabSize)))
      context.scalar("perplexity = exp(loss)", perplexity)
      context.expect(
        abs(Double(loss) - log(Double(config.vocabSize))) < 0.1, "an untrained model's loss is within 0.1 of ln V",
        detail: "loss \(fixed(Double(loss))), ln V \(fixed(log(Double(config.vocabSize))))")
    }

    Check("corpus-characters", after: ["load-corpus"]) { context in
      .number(Double(try context.require(datasetKey).count))
    }
    Check("vocab-size", after: ["load-corpus"]) { context in
      .number(Double(try context.require(datasetKey).tokenizer.vocabularySize))
    }
    Check("ln-vocab", after: ["load-corpus"]) { context in
      .number(log(Double(try context.require(datasetKey).tokenizer.vocabularySize)))
    }
    Check("initial-loss", after: ["untrained-loss"]) { context in
      .number(Double(try context.require(untrainedKey).loss))
    }
    Check("loss-is-mean-nll", after: ["untrained-loss"]) { context in
      let run = try context.require(untrainedKey)
      let mean = run.positionLosses.values.reduce(0.0) { $0 + Double($1) } / Double(run.positionLosses.values.count)
      let gap = abs(mean - Double(run.loss))
      return .boolean(gap <= 1e-5 * Double(run.loss), detail: "mean \(fixed(mean, 6)), loss \(fixed(Double(run.loss), 6))")
    }
    Check("untrained-perplexity", after: ["untrained-loss"]) { context in
      .number(exp(Double(try context.require(untrainedKey).loss)))
    }
    Check("batch-size", after: ["untrained-loss"]) { context in
      .number(Double(try context.require(untrainedKey).batch.size))
    }
    Check("context-length", after: ["untrained-loss"]) { context in
      .number(Double(try context.require(untrainedKey).batch.context))
    }
    Check("examples-per-step", after: ["untrained-loss"]) { context in
      // What the loss actually averaged over, not B·T written out again.
      .number(Double(try context.require(untrainedKey).scoredPositions))
    }
    Check("corpus-examples", after: ["untrained-loss"]) { context in
      // Cut 4×10⁹ tokens into windows of T + 1 tokens that overlap by one (the last input's
      // target starts the next window); each window grades as many positions as the model did.
      let run = try context.require(untrainedKey)
      let gradedPerWindow = run.scoredPositions / run.batch.size
      let tokens = 4_000_000_000
      let windows = (tokens - 1) / run.batch.context
      return .number(Double(windows * gradedPerWindow))
    }
  }
}
