import Foundation
import Pretraining
import Testing

/// AdamW, clipping and the schedule on small arrays, where the expected numbers can be written down.
@Suite struct OptimizerTests {
  @Test func zeroGradientStillDecaysTheWeight() throws {
    let optimizer = AdamW(parameterCount: 1)
    var theta: [Float] = [2]
    try optimizer.step(parameters: &theta, gradients: [0])
    // Only decoupled decay acts: θ·(1 − lr·λ) = 2·(1 − 3e-4·0.1).
    #expect(abs(theta[0] - 2 * (1 - 3e-5)) < 1e-7)
  }

  @Test func firstStepMovesByLearningRateAgainstTheGradientSign() throws {
    let optimizer = AdamW(parameterCount: 3, groups: [.init(range: 0..<3, decays: false)])
    var theta: [Float] = [1, 1, 1]
    try optimizer.step(parameters: &theta, gradients: [0.5, -2, 1e-3])
    // Bias-corrected m̂/√v̂ = sign(g) at step 1 (up to eps).
    #expect(abs(theta[0] - (1 - 3e-4)) < 1e-7)
    #expect(abs(theta[1] - (1 + 3e-4)) < 1e-7)
    #expect(abs(theta[2] - (1 - 3e-4)) < 1e-7)
  }

  @Test func secondStepUsesBiasCorrectedMoments() throws {
    let optimizer = AdamW(parameterCount: 1, configuration: .init(weightDecay: 0))
    var theta: [Float] = [0]
    try optimizer.step(parameters: &theta, gradients: [1])
    try optimizer.step(parameters: &theta, gradients: [3])
    // Step 2: m = 0.9·0.1 + 0.1·3 = 0.39, v = 0.95·0.05 + 0.05·9 = 0.4975.
    let mHat = 0.39 / (1 - 0.81), vHat = 0.4975 / (1 - 0.9025)
    let expected = -3e-4 - 3e-4 * mHat / (vHat.squareRoot() + 1e-8)
    #expect(abs(Double(theta[0]) - expected) < 1e-8)
    #expect(optimizer.stepCount == 2)
  }

  @Test func arrayStepRejectsWrongCounts() {
    let optimizer = AdamW(parameterCount: 2)
    var theta: [Float] = [1]
    #expect(throws: ModelError.self) { try optimizer.step(parameters: &theta, gradients: [1]) }
  }

  @Test func clippingAVectorOfNormFifty() {
    var gradients: [Float] = [30, 40, 0]
    let norm = GradientClipping.clip(&gradients, maxNorm: 1)
    #expect(norm == 50)
    let after = GradientClipping.clip(&gradients, maxNorm: 1)
    #expect(after <= 1 && after > 0.9999)
    #expect(abs(gradients[0] - 0.6) < 1e-6 && abs(gradients[1] - 0.8) < 1e-6)
  }

  @Test func clippingLeavesSmallGradientsAlone() {
    var gradients: [Float] = [0.3, 0.4]
    #expect(abs(GradientClipping.clip(&gradients, maxNorm: 1) - 0.5) < 1e-7)
    #expect(gradients == [0.3, 0.4])
  }

  @Test func modelClippingBoundsTheGlobalNorm() throws {
    let config = try tinyModelConfig()
    let model = try MiniGPT(config: config, seed: 21)
    _ = try model.forward(randomModelBatch(config, size: 2, seed: 22))
    model.zeroGradients()
    try model.backward()
    let before = model.gradientNorm
    let reported = model.clipGradientNorm(max: before / 10)
    #expect(reported == before)
    #expect(model.gradientNorm <= before / 10 * 1.0001)
  }

  @Test func warmupThenCosine() {
    let schedule = LearningRateSchedule.warmupCosine(peak: 1e-3, minimum: 1e-4, warmupSteps: 10, decaySteps: 110)
    #expect(abs(schedule.rate(atStep: 0) - 1e-3 / 11) < 1e-9)
    #expect(abs(schedule.rate(atStep: 10) - 1e-3) < 1e-9)
    #expect(abs(schedule.rate(atStep: 60) - 5.5e-4) < 1e-8)
    #expect(schedule.rate(atStep: 500) == 1e-4)
    #expect(LearningRateSchedule.constant(3e-4).rate(atStep: 99) == 3e-4)
    // The peak is reached when warmup ends; a constant rate peaks at step 0.
    #expect(schedule.peak(over: 110).step == 10)
    #expect(abs(schedule.peak(over: 110).rate - 1e-3) < 1e-9)
    #expect(schedule.peak(over: 5).step == 4)
    #expect(LearningRateSchedule.constant(3e-4).peak(over: 50) == (rate: 3e-4, step: 0))
  }
}
