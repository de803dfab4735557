import Foundation
import Pretraining
import Testing

/// DPO: the loss against finite differences and PyTorch, the response log-probability it reads,
/// and the objective through the whole model and the trainer.
@Suite struct PreferenceOptimizationTests {
  /// 2N log-probabilities for N pairs: the chosen responses, then the rejected ones.
  static func logProbabilities(pairs: Int, seed: UInt64) -> (policy: FloatSlab, reference: FloatSlab) {
    var g = SeededGenerator(seed: seed)
    return (randomSlab(2 * pairs, &g, scale: 3), randomSlab(2 * pairs, &g, scale: 3))
  }

  @Test func lossBackwardMatchesFiniteDifferences() {
    let (pairs, beta): (Int, Float) = (4, 0.7)
    let (policy, reference) = Self.logProbabilities(pairs: pairs, seed: 11)
    let margins = FloatSlab(count: pairs)
    func run() -> Double {
      PreferenceLoss.forward(margins: margins.base, policy: policy.base, reference: reference.base, beta: beta, pairs: pairs)
    }
    _ = run()
    let gradient = FloatSlab(count: 2 * pairs)
    PreferenceLoss.backward(policyGradient: gradient.base, margins: margins.base, beta: beta, pairs: pairs)
    expectGradientsMatchFiniteDifferences("policy log-probabilities", slab: policy, analytic: gradient.toArray(), objective: run)
    // The loss is a function of the margins alone: the reference's gradient is minus the policy's.
    let referenceGradient = gradient.toArray().map { -$0 }
    expectGradientsMatchFiniteDifferences("reference log-probabilities", slab: reference, analytic: referenceGradient, objective: run)
  }

  @Test func aPolicyEqualToTheReferenceScoresLn2WithEqualAndOppositePushes() {
    let pairs = 3
    let (policy, _) = Self.logProbabilities(pairs: pairs, seed: 12)
    let margins = FloatSlab(count: pairs)
    let loss = PreferenceLoss.forward(margins: margins.base, policy: policy.base, reference: policy.base, beta: 0.2, pairs: pairs)
    #expect(abs(loss - log(2)) < 1e-12)
    #expect(margins.toArray() == [0, 0, 0])
    let gradient = FloatSlab(count: 2 * pairs)
    PreferenceLoss.backward(policyGradient: gradient.base, margins: margins.base, beta: 0.2, pairs: pairs)
    // β·σ(0)/N = 0.2 · 0.5 / 3 down on each chosen response's loss gradient, up on each rejected one's.
    for i in 0..<pairs {
      #expect(abs(gradient.base[i] + 0.2 * 0.5 / 3) < 1e-7)
      #expect(gradient.base[pairs + i] == -gradient.base[i])
    }
  }

  @Test func wideMarginsGiveFiniteLossesAndVanishingGradients() {
    let policy = FloatSlab(count: 4), reference = FloatSlab(count: 4), margins = FloatSlab(count: 2)
    policy.copy(from: [0, -1e4, -1e4, 0])  // pair 0 ranked right by far, pair 1 wrong by far
    let loss = PreferenceLoss.forward(margins: margins.base, policy: policy.base, reference: reference.base, beta: 1, pairs: 2)
    #expect(loss.isFinite && abs(loss - 1e4 / 2) < 1e-6)
    let gradient = FloatSlab(count: 4)
    PreferenceLoss.backward(policyGradient: gradient.base, margins: margins.base, beta: 1, pairs: 2)
    #expect(gradient.toArray() == [0, -0.5, 0, 0.5])
  }

  @Test func aResponsesLogProbabilityIsTheSumOfItsTokensLogSoftmax() throws {
    let config = try tinyModelConfig()
    let model = try MiniGPT(config: config, seed: 13, threads: 2)
    var batch = randomModelBatch(config, size: 3, seed: 14)
    for row in 0..<3 { for t in 0..<(row + 2) { batch.targets[row * config.contextLength + t] = ignoreIndex } }
    let pass = try model.forwardPass(batch)
    let ours = try pass.sequenceLogProbabilities()
    let logits = try pass.logits().values, v = config.vocabSize, t = config.contextLength
    for row in 0..<3 {
      var expected = 0.0
      for position in 0..<t where batch.targets[row * t + position] != ignoreIndex {
        let r = row * t + position
        let z = logits[(r * v)..<((r + 1) * v)].map(Double.init)
        let top = z.max()!
        expected += z[Int(batch.targets[r])] - (log(z.reduce(0) { $0 + exp($1 - top) }) + top)
      }
      #expect(abs(Double(ours[row]) - expected) < 1e-4, "row \(row): \(ours[row]) vs \(expected)")
    }
  }

  @Test func uniformWindowWeightsReproduceThePlainBackwardPass() throws {
    let config = try tinyModelConfig()
    let model = try MiniGPT(config: config, seed: 15, threads: 2)
    var batch = randomModelBatch(config, size: 3, seed: 16)
    batch.targets[4] = ignoreIndex
    let pass = try model.forwardPass(batch)
    model.zeroGradients()
    try model.backward()
    let plain = model.gradients.toArray()
    // The mean NLL is −Σ_b log p(window b) / scored positions.
    let weights = FloatSlab(count: 3)
    weights.copy(from: Array(repeating: -1 / Float(pass.scoredPositions), count: 3))
    model.zeroGradients()
    try model.backward(logProbabilityGradients: weights.base)
    #expect(maxAbsDifference(model.gradients.toArray(), plain) < 1e-6)
  }

  /// Two pairs as four windows, prompts masked; a reference near the policy, as after fine-tuning.
  static func pairOfModels(threads: Int) throws -> (policy: MiniGPT, reference: MiniGPT, batch: TokenBatch) {
    let config = try tinyModelConfig()
    let policy = try MiniGPT(config: config, seed: 17, threads: threads)
    let reference = try MiniGPT(config: config, seed: 17, threads: threads)
    var g = SeededGenerator(seed: 18)
    for i in 0..<policy.parameterCount {
      policy.parameters.base[i] += g.normal() * 0.2     // larger weights than the init: every path carries signal
      reference.parameters.base[i] = policy.parameters.base[i] + g.normal() * 0.05
    }
    var batch = randomModelBatch(config, size: 4, seed: 19)
    for row in 0..<4 { for t in 0..<3 { batch.targets[row * config.contextLength + t] = ignoreIndex } }
    return (policy, reference, batch)
  }

  /// One thread, and two, where each worker must read its own rows' weights.
  @Test(arguments: [1, 2])
  func theObjectivesGradientThroughTheModelMatchesFiniteDifferences(threads: Int) throws {
    let (policy, reference, batch) = try Self.pairOfModels(threads: threads)
    let objective = try PreferenceObjective(policy: policy, reference: reference, beta: 0.5)
    _ = try objective.forward(batch)
    policy.zeroGradients()
    try objective.backward()
    let analytic = policy.gradients.toArray()
    #expect(reference.gradients.toArray().allSatisfy { $0 == 0 }, "the reference is frozen")
    let indices = Array(stride(from: 0, to: policy.parameterCount, by: 7))
    expectGradientsMatchFiniteDifferences(
      "policy", slab: policy.parameters, analytic: analytic, indices: indices,
      absoluteTolerance: 5e-4, relativeTolerance: 2e-2
    ) {
      Double((try? objective.forward(batch)) ?? .nan)
    }
  }

  @Test func theObjectiveMatchesPyTorch() throws {
    let (policy, manifest) = try TorchFixtures.model(threads: 2)
    struct Fixture: Decodable {
      var beta: Float, pairs: Int, inputs: [Int32], targets: [Int32], loss: Double, margins: [Float]
      var policy_log_probabilities: [Float], reference_log_probabilities: [Float]
    }
    let fixture = try JSONDecoder().decode(
      Fixture.self, from: Data(contentsOf: TorchFixtures.directory().appendingPathComponent("dpo.json")))
    let reference = try MiniGPT(config: policy.config, seed: 0, threads: 2)
    try reference.loadParameters(try TorchFixtures.floats("dpo.reference.f32"))
    let objective = try PreferenceObjective(policy: policy, reference: reference, beta: fixture.beta)
    let batch = TokenBatch(size: 2 * fixture.pairs, context: manifest.config.contextLength,
                           inputs: fixture.inputs, targets: fixture.targets)
    let scores = try objective.scores(batch)
    let loss = try objective.forward(batch)
    #expect(loss == scores.loss)
    #expect(abs(Double(loss) - fixture.loss) <= 1e-5 * fixture.loss, "loss \(loss) vs torch \(fixture.loss)")
    #expect(maxAbsDifference(scores.policy, fixture.policy_log_probabilities) < 1e-4)
    #expect(maxAbsDifference(scores.reference, fixture.reference_log_probabilities) < 1e-4)
    #expect(maxAbsDifference(scores.margins, fixture.margins) < 1e-4)
    policy.zeroGradients()
    try objective.backward()
    try TorchFixtures.expectGradients(of: policy, match: "dpo.grads.f32", manifest: manifest, label: "DPO")
  }

  @Test func theTrainerRunsTheObjectiveAndLowersTheLoss() throws {
    let (policy, reference, batch) = try Self.pairOfModels(threads: 2)
    let objective = try PreferenceObjective(policy: policy, reference: reference, beta: 0.5)
    let before = reference.parameters.toArray()
    let trainer = try Trainer(
      model: policy, options: TrainingOptions(steps: 20, schedule: .constant(1e-2)), objective: objective)
    let summary = try trainer.run(nextBatch: { _, _ in batch })
    #expect(summary.losses.count == 20)
    #expect(summary.losses.last! < summary.losses.first! / 2, "DPO loss \(summary.losses.first!) → \(summary.losses.last!)")
    #expect(try objective.scores(batch).margins.allSatisfy { $0 > 0 }, "every pair ranked right on the batch it trained on")
    #expect(reference.parameters.toArray() == before, "the reference never moves")
  }

  @Test func badSetupsAreRefusedWithAReason() throws {
    let (policy, reference, batch) = try Self.pairOfModels(threads: 1)
    #expect(throws: TrainingError.self) { try PreferenceObjective(policy: policy, reference: policy, beta: 0.1) }
    #expect(throws: TrainingError.self) { try PreferenceObjective(policy: policy, reference: reference, beta: 0) }
    #expect(throws: TrainingError.self) { try PreferenceObjective(policy: policy, reference: reference, beta: .nan) }
    let objective = try PreferenceObjective(policy: policy, reference: reference, beta: 0.1)
    let odd = TokenBatch(size: 3, context: batch.context, inputs: Array(batch.inputs.prefix(3 * batch.context)),
                         targets: Array(batch.targets.prefix(3 * batch.context)))
    #expect(throws: ModelError.self) { try objective.forward(odd) }
    #expect(throws: TrainingError.self) {
      try Trainer(model: reference, options: TrainingOptions(steps: 1), objective: objective)
    }
    #expect(throws: ModelError.self) { try policy.backward(logProbabilityGradients: FloatSlab(count: 4).base) }
  }

  @Test func aPreferenceBatchHoldsTheChosenRowsThenTheRejectedOnesWithPromptsMasked() throws {
    let tokenizer = try ChatTemplate.extendedTokenizer("0123456789+")
    let data = try PreferenceDataset(pairs: [("1+2", "3", "4"), ("5+5", "10", "11")], tokenizer: tokenizer)
    #expect(data.count == 2)
    #expect(data.longestExample == 7)
    let batch = try data.batch(rows: [1, 0], context: 8)
    #expect(batch.size == 4)
    func row(_ r: Int) -> String { tokenizer.decode(batch.inputs[(r * 8)..<(r * 8 + 8)]) }
    #expect([row(0), row(1), row(2), row(3)] == ["<5+5>10#", "<1+2>3##", "<5+5>11#", "<1+2>4##"])
    let graded = (0..<4).map { r in (0..<8).filter { batch.targets[r * 8 + $0] != ignoreIndex }.count }
    #expect(graded == [3, 2, 3, 2], "only each response and its end marker are graded")
  }
}
