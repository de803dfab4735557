import Foundation
import LessonKit
import Pretraining

// MARK: - Section 9: optimizer choices

/// The optimizer facts the lesson states, measured on the real AdamW and clipping code.
struct OptimizerProbe {
  var decoupledStep: Double
  var l2RelativeShrink: (large: Double, small: Double)
  var decoupledRelativeShrink: (large: Double, small: Double)
}

extension PretrainLesson {
  /// Weight decay common in vision models, which the lesson compares against.
  static let visionWeightDecay = 1e-4

  @LessonBundleBuilder static var optimizerChoices: [BundleEntry] {
    Step("adamw-update") { context in
      let optimizer = AdamW(parameterCount: 2)
      var weights: [Float] = [1.0, -2.0]
      let gradient: [Float] = [0.5, -0.01]
      let before = weights
      optimizer.step(parameters: &weights, gradients: gradient)
      context.table(
        "one AdamW step (lr 3e-4, weight decay 0.1)", headers: ["θ before", "gradient", "θ after", "Δθ"],
        rows: (0..<2).map { i in
          [fixed(Double(before[i]), 6), fixed(Double(gradient[i]), 2), fixed(Double(weights[i]), 6),
           String(format: "%.3g", Double(weights[i] - before[i]))]
        })
      context.text("On the first step Adam moves every weight by about lr, whatever its gradient's size: m̂/√v̂ = ±1.")
    }

    Step("decay-comparison") { context in
      // lesson:begin decay-comparison
      let start: [Float] = [10, 0.1]                              // a large and a small weight
      let steps = 10, lambda: Float = 0.1
      // L2 folded into the loss: the penalty's gradient λθ goes through Adam's normalization.
      let l2 = AdamW(parameterCount: 2, configuration: .init(weightDecay: 0))
      var l2Weights = start
      for _ in 0..<steps { l2.step(parameters: &l2Weights, gradients: l2Weights.map { lambda * $0 }) }
      // Decoupled: no gradient at all; AdamW shrinks θ by lr·λ·θ each step.
      let decoupled = AdamW(parameterCount: 2, configuration: .init(weightDecay: lambda))
      var decoupledWeights = start
      for _ in 0..<steps { try decoupled.step(parameters: &decoupledWeights, gradients: [0, 0]) }
      // lesson:end
      let shrink = { (w: [Float], i: Int) in Double(start[i] - w[i]) / Double(start[i]) }
      context.table(
        "relative shrinkage after \(steps) steps", headers: ["weight", "L2 inside Adam", "decoupled"],
        rows: (0..<2).map { i in
          [fixed(Double(start[i]), 1), String(format: "%.3g", shrink(l2Weights, i)), String(format: "%.3g", shrink(decoupledWeights, i))]
        })
      context[optimizerKey] = OptimizerProbe(
        decoupledStep: try decoupledStepOnUnitWeight(),
        l2RelativeShrink: (shrink(l2Weights, 0), shrink(l2Weights, 1)),
        decoupledRelativeShrink: (shrink(decoupledWeights, 0), shrink(decoupledWeights, 1)))
    }

    Step("clip-grad-norm") { context in
      let large = try gradient(ofNorm: 50, count: 1000)
      let small = try gradient(ofNorm: 0.3, count: 1000)
      var clippedLarge = large, clippedSmall = small
      let normLarge = GradientClipping.clip(&clippedLarge, maxNorm: 1.0)
      let normSmall = GradientClipping.clip(&clippedSmall, maxNorm: 1.0)
      context.table(
        "clipping at 1.0", headers: ["norm before", "norm after", "same direction"],
        rows: [
          [fixed(Double(normLarge), 3), fixed(Double(norm(clippedLarge)), 3), "\(sameDirection(large, clippedLarge))"],
          [fixed(Double(normSmall), 3), fixed(Double(norm(clippedSmall)), 3), "\(sameDirection(small, clippedSmall))"],
        ])
    }

    Check("learning-rate", after: ["train-lesson-model"]) { context in
      let trainer = try context.require(trainedKey).trainer
      return .number(Double(trainer.options.schedule.rate(atStep: 0)))
    }
    Check("beta1", after: ["train-lesson-model"]) { context in
      .number(Double(try context.require(trainedKey).trainer.optimizer.configuration.beta1))
    }
    Check("beta2", after: ["train-lesson-model"]) { context in
      .number(Double(try context.require(trainedKey).trainer.optimizer.configuration.beta2))
    }
    Check("weight-decay", after: ["train-lesson-model"]) { context in
      .number(Double(try context.require(trainedKey).trainer.optimizer.configuration.weightDecay))
    }
    Check("clip-threshold", after: ["train-lesson-model"]) { context in
      .number(Double(try context.require(trainedKey).trainer.options.maxGradientNorm))
    }
    Check("beta2-horizon", after: ["train-lesson-model"]) { context in
      let beta2 = try context.require(trainedKey).trainer.optimizer.configuration.beta2
      return .number(Double(try memoryHorizon(beta2: beta2)))
    }
    Check("beta2-horizon-default") { _ in
      .number(Double(try memoryHorizon(beta2: 0.999)))
    }
    Check("decoupled-decay-step", after: ["decay-comparison"]) { context in
      .number(try context.require(optimizerKey).decoupledStep)
    }
    Check("l2-small-vs-large", after: ["decay-comparison"]) { context in
      let probe = try context.require(optimizerKey)
      return .number(probe.l2RelativeShrink.small / probe.l2RelativeShrink.large)
    }
    Check("decoupled-relative-penalty-equal", after: ["decay-comparison"]) { context in
      let shrink = try context.require(optimizerKey).decoupledRelativeShrink
      let equal = abs(shrink.large - shrink.small) <= 1e-3 * shrink.large
      return .boolean(equal, detail: "large \(String(format: "%.4g", shrink.large)), small \(String(format: "%.4g", shrink.small))")
    }
    Check("decay-vs-vision-default", after: ["train-lesson-model"]) { context in
      let decay = try context.require(trainedKey).trainer.optimizer.configuration.weightDecay
      return .number(Double(decay) / visionWeightDecay)
    }
    Check("clip-large-gradient") { _ in
      var g = try gradient(ofNorm: 50, count: 1000)
      _ = GradientClipping.clip(&g, maxNorm: 1.0)
      return .number(Double(norm(g)))
    }
    Check("clip-small-gradient") { _ in
      var g = try gradient(ofNorm: 0.3, count: 1000)
      _ = GradientClipping.clip(&g, maxNorm: 1.0)
      return .number(Double(norm(g)))
    }
  }

  /// How many gradient-free steps AdamW's second moment takes to forget all but 1/e of a gradient.
  static func memoryHorizon(beta2: Float) throws -> Int {
    let optimizer = AdamW(parameterCount: 1, configuration: .init(beta2: beta2, weightDecay: 0))
    var weight: [Float] = [0]
    try optimizer.step(parameters: &weight, gradients: [1])
    let remembered = Double(optimizer.secondMoment.toArray()[0])
    var steps = 0
    while Double(optimizer.secondMoment.toArray()[0]) > remembered / M_E && steps < 1_000_000 {
      try optimizer.step(parameters: &weight, gradients: [0])
      steps += 1
    }
    return steps
  }

  /// The change one AdamW step makes to a weight of 1.0 whose gradient is zero.
  static func decoupledStepOnUnitWeight() throws -> Double {
    let optimizer = AdamW(parameterCount: 1)
    var weight: [Float] = [1]
    try optimizer.step(parameters: &weight, gradients: [0])
    return Double(weight[0]) - 1
  }

  /// A seeded random vector scaled to the given L2 norm.
  static func gradient(ofNorm target: Float, count: Int) throws -> [Float] {
    var rng = SeededGenerator(seed: 50)
    let raw = (0..<count).map { _ in rng.normal() }
    let scale = target / norm(raw)
    return raw.map { $0 * scale }
  }

  static func norm(_ values: [Float]) -> Float {
    values.withUnsafeBufferPointer { GradientClipping.norm($0) }
  }

  static func sameDirection(_ a: [Float], _ b: [Float]) -> Bool {
    let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    return abs(dot / (Double(norm(a)) * Double(norm(b))) - 1) < 1e-5
  }
}
