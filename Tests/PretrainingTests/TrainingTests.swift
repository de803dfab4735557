import Foundation
import Pretraining
import Testing
import TestSupport

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

  /// nanoGPT-style recipe on the tiny model: warmup, cosine, β₂ 0.99, clipping that bites.
  static let recipe = TrainingRecipe(
    steps: 10, batchSize: 4, learningRate: 3e-2, schedule: .cosine, warmupSteps: 3, minimumLearningRate: 3e-3,
    decaySteps: 9, beta1: 0.85, beta2: 0.99, weightDecay: 0.2, gradientClip: 0.5, evalEvery: 3, evalBatches: 2, seed: 51)

  @Test func aResumedRunGivesTheLossesOfAnUninterruptedOne() throws {
    let config = try tinyModelConfig()
    let tokenizer = try CharTokenizer(text: "abcdefghijk")
    let source = Self.source(vocab: 11, context: 8, size: 4)
    let whole = try Trainer(model: try MiniGPT(config: config, seed: 50), options: Self.recipe.trainingOptions)
    let uninterrupted = try whole.run(nextBatch: source)

    // Stop after 4 steps, save, and continue in a new model and trainer from the file alone.
    let first = try Trainer(model: try MiniGPT(config: config, seed: 50), options: Self.recipe.trainingOptions)
    let before = try first.run(steps: 4, nextBatch: source)
    let directory = try DataTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("run.safetensors")
    try first.saveCheckpoint(to: url, tokenizer: tokenizer, recipe: Self.recipe)

    let checkpoint = try ModelCheckpoint.read(from: url)
    #expect(checkpoint.recipe == Self.recipe)
    #expect(checkpoint.training == first.state)
    let restored = try #require(checkpoint.recipe)
    let second = try Trainer(model: try checkpoint.makeModel(), options: restored.trainingOptions)
    try second.resume(from: checkpoint)
    #expect(second.completedSteps == 4 && second.optimizer.stepCount == 4)
    let after = try second.run(steps: 6, nextBatch: source)
    #expect(before.losses + after.losses == uninterrupted.losses)
    #expect(after.evaluations == uninterrupted.evaluations.filter { $0.step > 4 })
    #expect(second.model.parameters.toArray() == whole.model.parameters.toArray())

    // Without the moments and streams (weights alone), the continuation is a different run.
    let weightsOnly = try Trainer(model: try checkpoint.makeModel(), options: restored.trainingOptions)
    let fresh = try weightsOnly.run(steps: 6, nextBatch: source)
    #expect(fresh.losses != after.losses)
  }

  @Test func aCheckpointWithoutTrainingStateCannotBeResumed() throws {
    let config = try tinyModelConfig()
    let model = try MiniGPT(config: config, seed: 52)
    let checkpoint = try ModelCheckpoint(model: model, tokenizer: CharTokenizer(text: "abcdefghijk"), step: 3)
    let trainer = try Trainer(model: model, options: TrainingOptions(steps: 1))
    #expect(throws: TrainingError.self) { try trainer.resume(from: checkpoint) }
    let wrongSize = AdamW.State(stepCount: 1, firstMoment: [0], secondMoment: [0])
    #expect(throws: TrainingError.self) { try trainer.optimizer.restore(wrongSize) }
  }

  @Test func recipesGiveNanoGPTsLearningRates() {
    let schedule = TrainingRecipe.nanoGPTBaby.learningRateSchedule
    // get_lr: warmup lr·(it+1)/(warmup+1), cosine to min_lr at lr_decay_iters, then min_lr.
    #expect(schedule.rate(atStep: 0) == 1e-3 * 1 / 101)
    #expect(schedule.rate(atStep: 99) == 1e-3 * 100 / 101)
    #expect(abs(schedule.rate(atStep: 1050) - 5.5e-4) < 1e-9)
    #expect(schedule.rate(atStep: 2000) == 1e-4)
    let warmConstant = TrainingRecipe(steps: 10, batchSize: 1, learningRate: 2e-3, warmupSteps: 4).learningRateSchedule
    #expect(warmConstant.rate(atStep: 1) == 2e-3 * 2 / 5 && warmConstant.rate(atStep: 4) == 2e-3 && warmConstant.rate(atStep: 9) == 2e-3)
    #expect(TrainingRecipe.lesson.learningRateSchedule == .constant(3e-4))
  }

  @Test func clippingOffLeavesGradientsAlone() throws {
    let config = try tinyModelConfig()
    let model = try MiniGPT(config: config, seed: 53)
    _ = try model.forward(randomModelBatch(config, size: 2, seed: 54))
    model.zeroGradients()
    try model.backward()
    let before = model.gradients.toArray()
    let norm = model.clipGradientNorm(max: 0)
    #expect(model.gradients.toArray() == before && norm == model.gradientNorm && norm > 0)
    _ = model.clipGradientNorm(max: norm / 2)
    #expect(abs(model.gradientNorm - norm / 2) < 1e-3 * norm)
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
