import Foundation
import Pretraining
import Testing

/// Splitting the batch over workers must not change the numbers beyond float rounding.
@Suite struct DataParallelTests {
  @Test(arguments: [2, 3, 5])
  func threadedStepMatchesSingleThreaded(batchSize: Int) throws {
    let config = try tinyModelConfig()
    var batch = randomModelBatch(config, size: batchSize, seed: 30)
    batch.targets[1] = ignoreIndex
    let single = try MiniGPT(config: config, seed: 31, threads: 1)
    let threaded = try MiniGPT(config: config, seed: 31, threads: 2)
    let singleOptimizer = AdamW(model: single)
    let threadedOptimizer = AdamW(model: threaded)
    for _ in 0..<3 {
      let a = try single.forward(batch)
      let b = try threaded.forward(batch)
      #expect(abs(a - b) <= 1e-6 * abs(a), "loss \(a) single vs \(b) threaded")
      for model in [single, threaded] {
        model.zeroGradients()
        try model.backward()
        model.clipGradientNorm(max: 1)
      }
      #expect(maxAbsDifference(single.gradients.toArray(), threaded.gradients.toArray()) < 1e-6)
      singleOptimizer.step(single)
      threadedOptimizer.step(threaded)
    }
    #expect(maxAbsDifference(try single.forwardPass(batch).logits().values, try threaded.forwardPass(batch).logits().values) < 1e-5)
  }

  @Test func gradientsAccumulateAcrossBackwardCallsWithThreads() throws {
    let config = try tinyModelConfig()
    let model = try MiniGPT(config: config, seed: 32, threads: 2)
    let batch = randomModelBatch(config, size: 4, seed: 33)
    _ = try model.forward(batch)
    model.zeroGradients()
    try model.backward()
    let once = model.gradients.toArray()
    try model.backward()
    let twice = model.gradients.toArray()
    #expect(maxAbsDifference(twice, once.map { $0 * 2 }) < 1e-6)
  }

  @Test func threadCountIsValidated() throws {
    #expect(throws: ModelError.invalidThreadCount(0)) { try MiniGPT(config: try tinyModelConfig(), seed: 1, threads: 0) }
  }
}
