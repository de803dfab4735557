import Foundation
import LessonKit
import Pretraining

// MARK: - Section 1: the objective in one line

extension PretrainLesson {
  @LessonBundleBuilder static var objective: [BundleEntry] {
    Step("load-corpus", writes: [datasetKey], measures: ["corpus-characters", "vocab-size"]) { context in
      let data = try CharDataset(text: Corpus.shakespeare)
      context[datasetKey] = data
      context.text(
        "Corpus: \(data.count) characters of Shakespeare, vocabulary of \(data.tokenizer.vocabularySize) "
          + "characters; \(data.train.count) for training and \(data.val.count) held out.")
      context.measure("corpus-characters", data.count)
      context.measure("vocab-size", data.tokenizer.vocabularySize)
    }

    Step(
      "untrained-loss", reads: [datasetKey], parameters: [batchSize, contextLength],
      measures: ["ln-vocab", "initial-loss", "loss-is-mean-nll", "untrained-perplexity", "examples-per-step", "corpus-examples"]
    ) { context in
      let data = try context.require(datasetKey)
      let (B, T) = (context[batchSize], context[contextLength])
      var rng = SeededGenerator(seed: context.seed)
      // lesson:begin untrained-loss
      let config = try modelConfig(data, context: T)                 // d = 128, L = 4, h = 4
      let model = try MiniGPT(config: config, seed: context.seed)     // random weights
      let batch = try data.batch(split: .train, size: B, context: T, using: &rng)
      let pass = try model.forwardPass(batch)      // one forward pass over the B windows
      let loss = try pass.loss                     // mean next-token cross-entropy
      let nll = try pass.positionLosses()          // (B, T): −log p(target) at each position
      let perplexity = exp(Double(loss))
      // lesson:end
      let meanNLL = nll.values.reduce(0.0) { $0 + Double($1) } / Double(nll.values.count)
      context.tensor("nll", ReportTensor(nll))
      context.scalar("mean of nll", meanNLL)
      context.scalar("loss", Double(loss))
      context.scalar("perplexity = exp(loss)", perplexity)
      context.measure("ln-vocab", log(Double(config.vocabSize)))
      context.measure("initial-loss", Double(loss))
      context.measure(
        "loss-is-mean-nll", abs(meanNLL - Double(loss)) <= 1e-5 * Double(loss),
        detail: "mean \(fixed(meanNLL, 6)), loss \(fixed(Double(loss), 6))")
      context.measure("untrained-perplexity", perplexity)
      context.measure("examples-per-step", pass.scoredPositions)  // what the loss averaged over, not B·T
      // 4×10⁹ tokens cut into windows of T + 1 that overlap by one, each graded as this batch's windows were.
      context.measure("corpus-examples", (4_000_000_000 - 1) / T * (pass.scoredPositions / batch.size))
    }
  }
}
