import Testing
import Pretraining

/// The model learns: a short run on the embedded corpus beats counting bigrams on held-out text.
@Suite struct LearningTests {
  @Test func aShortRunBeatsTheBigramBaselineOnHeldOutText() throws {
    let data = try CharDataset(text: Corpus.shakespeare)
    let bigram = try NGramModel(order: 2, dataset: data).averageLoss(on: data.val)
    let config = try MiniGPTConfig(
      vocabSize: data.tokenizer.vocabularySize, contextLength: 32, embeddingSize: 64, layerCount: 2, headCount: 4)
    let model = try MiniGPT(config: config, seed: 7)
    let trainer = try Trainer(
      model: model,
      options: TrainingOptions(
        steps: 400, schedule: .constant(3e-3), evalInterval: 0, evalBatches: 20, seed: 7))
    let summary = try trainer.run(nextBatch: { split, rng in
      try data.batch(split: split, size: 16, context: 32, using: &rng)
    })
    let val = try #require(summary.evaluations.last).val
    #expect(summary.losses.allSatisfy { $0.isFinite })
    #expect(Double(summary.losses[0]) > Double(val) + 1, "the loss fell by more than a nat: \(summary.losses[0]) → \(val)")
    #expect(Double(val) < bigram, "MiniGPT val \(val) vs bigram \(bigram) nats")
  }
}
