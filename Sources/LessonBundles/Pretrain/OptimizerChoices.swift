import Foundation
import LessonKit
import Pretraining

// MARK: - Section 9: optimizer choices

extension PretrainLesson {
  static let largeNorm = Parameter.real("large-norm", default: 50, in: 0.01...1e6, "norm of the outsized gradient the clipping step feeds in")
  static let smallNorm = Parameter.real("small-norm", default: 0.3, in: 0.01...1e6, "norm of the ordinary gradient the clipping step feeds in")

  @LessonBundleBuilder static var optimizerChoices: [BundleEntry] {
    Step(
      "adamw-update", parameters: [learningRate, beta1, beta2, weightDecay],
      measures: ["beta2-horizon", "beta2-horizon-default"]
    ) { context in
      var configuration = optimizerConfiguration(context)
      let optimizer = AdamW(parameterCount: 2, configuration: configuration)
      var weights: [Float] = [1.0, -2.0]
      let (before, gradient): ([Float], [Float]) = (weights, [0.5, -0.01])
      try optimizer.step(parameters: &weights, gradients: gradient)
      context.table(
        "one AdamW step (lr \(context[learningRate]), weight decay \(context[weightDecay]))",
        headers: ["θ before", "gradient", "θ after", "Δθ"],
        rows: (0..<2).map { (i: Int) -> [String] in
          let change = String(format: "%.3g", Double(weights[i] - before[i]))
          return [fixed(Double(before[i]), 6), fixed(Double(gradient[i]), 2), fixed(Double(weights[i]), 6), change]
        })
      context.text("On the first step Adam moves every weight by about lr, whatever its gradient's size: m̂/√v̂ = ±1.")
      context.measure("beta2-horizon", try memoryHorizon(configuration))
      configuration.beta2 = 0.999
      context.measure("beta2-horizon-default", try memoryHorizon(configuration))
    }

    Step(
      "decay-comparison", parameters: [learningRate, weightDecay],
      measures: ["decoupled-decay-step", "l2-small-vs-large", "decoupled-relative-penalty-equal"]
    ) { context in
      let lr = Float(context[learningRate]), lambda = Float(context[weightDecay])
      // lesson:begin decay-comparison
      let start: [Float] = [10, 0.1]                              // a large and a small weight
      let stepCount = 10
      // L2 folded into the loss: the penalty's gradient λθ goes through Adam's normalization.
      let l2 = AdamW(parameterCount: 2, configuration: .init(learningRate: lr, weightDecay: 0))
      var l2Weights = start
      for _ in 0..<stepCount { try l2.step(parameters: &l2Weights, gradients: l2Weights.map { lambda * $0 }) }
      // Decoupled: no gradient at all; AdamW shrinks θ by lr·λ·θ each step.
      let decoupled = AdamW(parameterCount: 2, configuration: .init(learningRate: lr, weightDecay: lambda))
      var decoupledWeights = start
      for _ in 0..<stepCount { try decoupled.step(parameters: &decoupledWeights, gradients: [0, 0]) }
      // lesson:end
      let shrink = { (w: [Float], i: Int) in Double(start[i] - w[i]) / Double(start[i]) }
      context.table(
        "relative shrinkage after \(stepCount) steps", headers: ["weight", "L2 inside Adam", "decoupled"],
        rows: (0..<2).map { i in
          [fixed(Double(start[i]), 1), String(format: "%.3g", shrink(l2Weights, i)), String(format: "%.3g", shrink(decoupledWeights, i))]
        })
      context.measure("l2-small-vs-large", shrink(l2Weights, 1) / shrink(l2Weights, 0))
      let (large, small) = (shrink(decoupledWeights, 0), shrink(decoupledWeights, 1))
      context.measure(
        "decoupled-relative-penalty-equal", abs(large - small) <= 1e-3 * large,
        detail: "large \(String(format: "%.4g", large)), small \(String(format: "%.4g", small))")
      // One decoupled step on a unit weight whose gradient is zero.
      var unit: [Float] = [1]
      try AdamW(parameterCount: 1, configuration: .init(learningRate: lr, weightDecay: lambda)).step(parameters: &unit, gradients: [0])
      context.measure("decoupled-decay-step", Double(unit[0]) - 1)
    }

    Step("clip-grad-norm", parameters: [clipNorm, largeNorm, smallNorm], measures: ["clip-large-gradient", "clip-small-gradient"]) { context in
      // An outsized gradient and an ordinary one, each clipped at `clip`: (norm before, norm after, same direction).
      let clipped = [context[largeNorm], context[smallNorm]].map { target in
        let gradient = gradient(ofNorm: Float(target), count: 1000)
        var clipped = gradient
        let before = GradientClipping.clip(&clipped, maxNorm: Float(context[clipNorm]))
        return (before, GradientClipping.norm(clipped), sameDirection(gradient, clipped))
      }
      context.table(
        "clipping at \(context[clipNorm])", headers: ["norm before", "norm after", "same direction"],
        rows: clipped.map { [fixed(Double($0.0), 3), fixed(Double($0.1), 3), "\($0.2)"] })
      context.measure("clip-large-gradient", Double(clipped[0].1))
      context.measure("clip-small-gradient", Double(clipped[1].1))
    }
  }

  /// How many gradient-free steps AdamW's second moment takes to forget all but 1/e of a gradient.
  static func memoryHorizon(_ configuration: AdamW.Configuration) throws -> Int {
    let optimizer = AdamW(parameterCount: 1, configuration: configuration)
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

  /// A seeded random vector scaled to the given L2 norm.
  static func gradient(ofNorm target: Float, count: Int) -> [Float] {
    var rng = SeededGenerator(seed: 50)
    let raw = (0..<count).map { _ in rng.normal() }
    let scale = target / GradientClipping.norm(raw)
    return raw.map { $0 * scale }
  }

  static func sameDirection(_ a: [Float], _ b: [Float]) -> Bool {
    let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    return abs(dot / (Double(GradientClipping.norm(a)) * Double(GradientClipping.norm(b))) - 1) < 1e-5
  }
}
