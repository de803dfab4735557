import Foundation
import Pretraining
import Testing

/// The trainer and the sampler end to end on tiny models.
@Suite struct TrainingTests {
  /// Random windows over a fixed repeating token stream (so there is something to learn).
  static func source(vocab: Int, context: Int, size: Int) -> BatchSource {
    let stream: [TokenID] = (0..<400).map { TokenID(($0 * 7 + $0 / 5) % vocab) }
    return { split, generator in
      var inputs: [TokenID] = [], targets: [TokenID] = []
      let base = split == .train ? 0 : 300
      for _ in 0..<size {
        let start = base + generator.uniformInt(below: 90 - context)
        inputs += stream[start..<(start + context)]
        targets += stream[(start + 1)...(start + context)]
      }
      return TokenBatch(size: size, context: context, inputs: inputs, targets: targets)
    }
  }

  @Test func trainingLowersTheLossAndReportsProgress() throws {
    let config = try tinyModelConfig()
    let model = try MiniGPT(config: config, seed: 40)
    let options = TrainingOptions(steps: 60, schedule: .constant(1e-2), evalInterval: 20, evalBatches: 2, seed: 41)
    let trainer = try Trainer(model: model, options: options)
    var seen: [Int] = []
    let summary = try trainer.run(nextBatch: Self.source(vocab: 11, context: 8, size: 4)) { seen.append($0.step) }
    #expect(seen == Array(1...60))
    #expect(summary.evaluations.map(\.step) == [20, 40, 60])
    let first = summary.losses[0], last = summary.evaluations.last?.train ?? .nan
    #expect(last < first * 0.6, "loss \(first) → \(last)")
    #expect(summary.millisecondsPerStep > 0)
  }

  @Test(arguments: [1, 2])
  func sameSeedGivesBitwiseIdenticalLosses(threads: Int) throws {
    let config = try tinyModelConfig()
    func run() throws -> [Float] {
      let model = try MiniGPT(config: config, seed: 42, threads: threads)
      let trainer = try Trainer(model: model, options: TrainingOptions(steps: 8, seed: 43))
      return try trainer.run(nextBatch: Self.source(vocab: 11, context: 8, size: 4)).losses
    }
    let a = try run(), b = try run()
    #expect(a == b)
    #expect(Set(a).count > 1)
  }

  @Test func runsContinueWhereTheyStoppedAndEvaluationDoesNotShiftTraining() throws {
    let config = try tinyModelConfig()
    let source = Self.source(vocab: 11, context: 8, size: 4)
    let whole = try Trainer(model: try MiniGPT(config: config, seed: 47), options: TrainingOptions(steps: 8, seed: 48))
    let wholeLosses = try whole.run(nextBatch: source).losses
    // Same seed, but split in two runs and evaluated every 2 steps.
    let split = try Trainer(model: try MiniGPT(config: config, seed: 47),
                            options: TrainingOptions(steps: 8, evalInterval: 2, evalBatches: 3, seed: 48))
    let first = try split.run(steps: 4, nextBatch: source)
    let second = try split.run(steps: 4, nextBatch: source)
    #expect(split.completedSteps == 8)
    #expect(first.losses + second.losses == wholeLosses)
    #expect(second.evaluations.map(\.step) == [6, 8])
  }

  @Test func divergenceStopsWithAnErrorNamingTheStep() throws {
    let config = try tinyModelConfig()
    let model = try MiniGPT(config: config, seed: 44)
    let trainer = try Trainer(model: model, options: TrainingOptions(steps: 5, seed: 45))
    let healthy = Self.source(vocab: 11, context: 8, size: 2)
    var calls = 0
    let poisoned: BatchSource = { split, generator in
      calls += 1
      // At the third training batch, poison one weight: the loss becomes NaN.
      if calls == 3 { model.parameters.base[0] = .nan }
      return try healthy(split, &generator)
    }
    do {
      _ = try trainer.run(nextBatch: poisoned)
      Issue.record("training with a NaN weight must throw")
    } catch let error as TrainingError {
      guard case .nonFinite(let step, let loss, _) = error else { Issue.record("wrong error \(error)"); return }
      #expect(step == 2 && loss.isNaN)
      #expect(error.description.contains("step 2") && error.description.contains("learning rate"))
    }
  }

  @Test func greedyAndSeededSamplingAreDeterministic() throws {
    let config = try tinyModelConfig()
    let model = try MiniGPT(config: config, seed: 46)
    var g = SeededGenerator(seed: 1)
    for i in 0..<model.parameterCount { model.parameters.base[i] += g.normal() * 0.3 }
    let prompt: [TokenID] = Array(repeating: 3, count: 12)  // longer than T = 8: must be cropped
    let greedy = try model.generate(prompt: prompt, count: 10, greedy: true)
    #expect(greedy.count == 10 && greedy.allSatisfy { $0 >= 0 && $0 < 11 })
    #expect(try model.generate(prompt: prompt, count: 10, topK: 1, seed: 9) == greedy)
    let a = try model.generate(prompt: prompt, count: 20, temperature: 1.5, seed: 7)
    let b = try model.generate(prompt: prompt, count: 20, temperature: 1.5, seed: 7)
    let c = try model.generate(prompt: prompt, count: 20, temperature: 1.5, seed: 8)
    #expect(a == b && a != c)
    #expect(throws: SamplingError.emptyPrompt) { try model.generate(prompt: [], count: 1) }
    #expect(throws: SamplingError.invalidTemperature(0)) { try model.generate(prompt: [1], count: 1, temperature: 0) }
  }

  @Test func samplingDistributionHonoursTemperatureAndTopK() {
    let logits: [Float] = [2, 1, 0, -1]
    let p = MiniGPT.samplingDistribution(logits: logits, temperature: 1, topK: 2)
    #expect(p[2] == 0 && p[3] == 0 && abs(p[0] + p[1] - 1) < 1e-6)
    let cold = MiniGPT.samplingDistribution(logits: logits, temperature: 0.1, topK: nil)
    let hot = MiniGPT.samplingDistribution(logits: logits, temperature: 10, topK: nil)
    #expect(cold[0] > 0.99 && hot[0] < 0.4)
  }
}
