import Foundation

/// AdamW exactly as PyTorch's `torch.optim.AdamW`: bias-corrected moments, decoupled weight decay.
///
/// Each step: θ ← θ − lr·λ·θ (decayed tensors only), then m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
/// θ ← θ − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε).
public final class AdamW {
  /// The optimizer's hyperparameters.
  public struct Configuration: Sendable, Equatable {
    public var learningRate: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var weightDecay: Float

    /// minGPT's trainer defaults: lr 3e-4, betas (0.9, 0.95), eps 1e-8, weight decay 0.1.
    public init(learningRate: Float = 3e-4, beta1: Float = 0.9, beta2: Float = 0.95,
                epsilon: Float = 1e-8, weightDecay: Float = 0.1) {
      self.learningRate = learningRate
      self.beta1 = beta1
      self.beta2 = beta2
      self.epsilon = epsilon
      self.weightDecay = weightDecay
    }
  }

  /// A contiguous range of parameters that share one weight-decay setting.
  public struct Group: Sendable, Equatable {
    public var range: Range<Int>
    public var decays: Bool
    public init(range: Range<Int>, decays: Bool) {
      self.range = range
      self.decays = decays
    }
  }

  /// Hyperparameters; `learningRate` is the default when a step passes none.
  public var configuration: Configuration
  /// Steps taken so far (t in the bias corrections).
  public private(set) var stepCount = 0
  /// First moments, one per parameter.
  public let firstMoment: FloatSlab
  /// Second moments, one per parameter.
  public let secondMoment: FloatSlab
  /// The decay groups covering 0..<parameterCount.
  public let groups: [Group]

  /// Creates an optimizer for `parameterCount` values; every value decays unless `groups` says otherwise.
  public init(parameterCount: Int, configuration: Configuration = Configuration(), groups: [Group]? = nil) {
    self.configuration = configuration
    firstMoment = FloatSlab(count: parameterCount)
    secondMoment = FloatSlab(count: parameterCount)
    self.groups = groups ?? [Group(range: 0..<parameterCount, decays: true)]
  }

  /// AdamW's whole state between steps: what a resumed run needs to step exactly as the first would have.
  public struct State: Sendable, Equatable {
    /// Steps taken (t in the bias corrections).
    public var stepCount: Int
    /// First moments m, one per parameter.
    public var firstMoment: [Float]
    /// Second moments v, one per parameter.
    public var secondMoment: [Float]

    public init(stepCount: Int, firstMoment: [Float], secondMoment: [Float]) {
      self.stepCount = stepCount
      self.firstMoment = firstMoment
      self.secondMoment = secondMoment
    }
  }

  /// A copy of the step count and both moments.
  public var state: State {
    State(stepCount: stepCount, firstMoment: firstMoment.toArray(), secondMoment: secondMoment.toArray())
  }

  /// Continues from `state`: the next step is the one the optimizer that saved it would have taken.
  ///
  /// - Throws: ``TrainingError/invalidOptions(_:)`` when the moments do not have one value per parameter.
  public func restore(_ state: State) throws {
    let count = firstMoment.count
    guard state.stepCount >= 0, state.firstMoment.count == count, state.secondMoment.count == count else {
      throw TrainingError.invalidOptions(
        "optimizer state for \(state.firstMoment.count) values (step \(state.stepCount)) does not fit \(count) parameters")
    }
    guard state.secondMoment.allSatisfy({ $0 >= 0 && $0.isFinite }), state.firstMoment.allSatisfy(\.isFinite) else {
      throw TrainingError.invalidOptions("optimizer moments hold NaN, infinite or negative second moments")
    }
    stepCount = state.stepCount
    firstMoment.copy(from: state.firstMoment)
    secondMoment.copy(from: state.secondMoment)
  }

  /// Creates an optimizer for a model, decaying its 2-D tensors (matrices, embeddings) only.
  public convenience init(model: MiniGPT, configuration: Configuration = Configuration()) {
    let groups = model.layout.entries.map { Group(range: $0.range, decays: $0.isDecayed) }
    self.init(parameterCount: model.parameterCount, configuration: configuration, groups: groups)
  }

  /// Takes one step over `parameterCount` values at `parameters` using `gradients`, splitting each
  /// group over `threads` workers.
  ///
  /// Every value's update is independent of the others, so the result does not depend on `threads`.
  /// The labels say "unchecked": nothing here can verify the buffers' lengths. (With the same
  /// labels as the array form, `step(parameters: &array, …)` without `try` would bind to this
  /// one through Swift's array-to-pointer conversion and skip the length check.)
  public func step(uncheckedParameters parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>,
                   learningRate: Float? = nil, threads: Int = 1) {
    stepCount += 1
    let lr = learningRate ?? configuration.learningRate
    let t = Double(stepCount)
    let constants = StepConstants(
      hyper: configuration,
      stepSize: lr / Float(1 - pow(Double(configuration.beta1), t)),
      correction2: Float((1 - pow(Double(configuration.beta2), t)).squareRoot()),
      decay: 1 - lr * configuration.weightDecay)
    let p = SendablePointer(base: parameters)
    let g = SendablePointer(base: UnsafeMutablePointer(mutating: gradients))
    let m = SendablePointer(base: firstMoment.base)
    let v = SendablePointer(base: secondMoment.base)
    let groups = self.groups
    let workers = max(threads, 1)
    ParallelWorkers.run(workers) { worker in
      for group in groups {
        let n = group.range.count
        let lower = group.range.lowerBound + n * worker / workers
        let upper = group.range.lowerBound + n * (worker + 1) / workers
        Self.update(lower..<upper, decays: group.decays, p.base, g.base, m.base, v.base, constants)
      }
    }
  }

  /// What one step's per-value update needs besides the value itself.
  struct StepConstants: Sendable {
    var hyper: Configuration
    /// lr / (1 − β₁ᵗ)
    var stepSize: Float
    /// √(1 − β₂ᵗ)
    var correction2: Float
    /// 1 − lr·λ
    var decay: Float
  }

  @inline(__always)
  static func update(
    _ range: Range<Int>, decays: Bool, _ parameters: UnsafeMutablePointer<Float>,
    _ gradients: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>,
    _ v: UnsafeMutablePointer<Float>, _ k: StepConstants
  ) {
    // lesson:begin adamw-update
    let (beta1, beta2, epsilon) = (k.hyper.beta1, k.hyper.beta2, k.hyper.epsilon)
    let stepSize = k.stepSize        // lr / (1 − β₁ᵗ): the step, with m's bias correction folded in
    let correction2 = k.correction2  // √(1 − β₂ᵗ): v's bias correction, applied under the root
    let decay: Float = decays ? k.decay : 1  // 1 − lr·λ (biases and layer norms do not decay)
    for i in range {
      let g = gradients[i]
      parameters[i] *= decay  // decoupled weight decay: θ ← θ − lr·λ·θ
      m[i] = beta1 * m[i] + (1 - beta1) * g
      v[i] = beta2 * v[i] + (1 - beta2) * g * g
      parameters[i] -= stepSize * m[i] / (v[i].squareRoot() / correction2 + epsilon)
    }
    // lesson:end
  }

  /// Takes one step on a model's parameters with its current gradients.
  public func step(_ model: MiniGPT, learningRate: Float? = nil) {
    model.timed(\.optimizer) {
      step(uncheckedParameters: model.parameters.base, gradients: model.gradients.base, learningRate: learningRate,
           threads: model.threads)
    }
  }

  /// Takes one step on plain arrays (for small demonstrations); counts must match the optimizer's.
  public func step(parameters: inout [Float], gradients: [Float], learningRate: Float? = nil) throws {
    guard parameters.count == firstMoment.count, gradients.count == firstMoment.count else {
      throw ModelError.shapeMismatch(
        "AdamW holds \(firstMoment.count) values; got \(parameters.count) parameters and \(gradients.count) gradients")
    }
    parameters.withUnsafeMutableBufferPointer { p in
      gradients.withUnsafeBufferPointer { g in
        guard let pBase = p.baseAddress, let gBase = g.baseAddress else { return }
        step(uncheckedParameters: pBase, gradients: gBase, learningRate: learningRate)
      }
    }
  }
}
