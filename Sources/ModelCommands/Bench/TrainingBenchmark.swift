import Dispatch
import Pretraining

/// Times full training steps (batch, forward, zero grads, backward, clip, AdamW) of a MiniGPT.
public enum TrainingBenchmark {
  /// What to time.
  public struct Options: Sendable, Equatable {
    /// Timed steps.
    public var steps: Int
    /// Untimed steps first (buffers allocated, caches and branch predictors warm).
    public var warmupSteps: Int
    /// Windows per batch (B).
    public var batchSize: Int
    /// Tokens per window (T).
    public var context: Int
    /// Learning rate of the AdamW steps.
    public var learningRate: Float
    /// Seeds the batch sampling.
    public var seed: UInt64
    /// Batches per split averaged for the train/val loss after the timed steps (like
    /// minigpt_torch.py's `estimate`, 20 there).
    public var evalBatches: Int

    public init(steps: Int = 50, warmupSteps: Int = 5, batchSize: Int = 32, context: Int = 64,
                learningRate: Float = 3e-4, seed: UInt64 = 1337, evalBatches: Int = 20) {
      self.steps = steps
      self.warmupSteps = warmupSteps
      self.batchSize = batchSize
      self.context = context
      self.learningRate = learningRate
      self.seed = seed
      self.evalBatches = evalBatches
    }
  }

  /// Mean milliseconds per timed step spent in one part of the step.
  public struct Phase: Sendable, Equatable {
    /// "forward", "backward" or "step" (the parts outside the model).
    public var pass: String
    /// A layer kind (`LayerKind.name`) or a step part: "batch", "gradient_reduction", "clip", "optimizer".
    public var kind: String
    public var milliseconds: Double
  }

  /// The timings of a run.
  public struct Result: Sendable, Equatable {
    /// Wall time of each timed step, in order.
    public var stepMilliseconds: [Double]
    /// Where the time went, averaged over the timed steps (forward/backward as seen by worker 0).
    public var phases: [Phase]
    /// Training loss of the first and last timed step (the run is real training).
    public var firstLoss: Float
    public var lastLoss: Float
    /// Mean loss over `evalBatches` fresh batches of each split after the last step, untimed.
    public var trainLoss: Float
    public var valLoss: Float

    /// The median step time.
    public var medianMilliseconds: Double { percentile(0.5) }
    /// The 90th-percentile step time.
    public var p90Milliseconds: Double { percentile(0.9) }

    /// The `q` quantile of the step times (nearest rank).
    public func percentile(_ q: Double) -> Double {
      let sorted = stepMilliseconds.sorted()
      guard !sorted.isEmpty else { return 0 }
      let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
      return sorted[min(max(rank, 0), sorted.count - 1)]
    }
  }

  /// Trains `model` on `dataset` for `warmupSteps + steps` steps and times the last `steps`.
  ///
  /// - Throws: data errors (a split too short for the context), model errors, or
  ///   ``TrainingError/nonFinite(step:loss:gradientNorm:)`` if the run diverges.
  public static func run(model: MiniGPT, dataset: CharDataset, options: Options) throws -> Result {
    guard options.steps >= 1, options.warmupSteps >= 0 else {
      throw TrainingError.invalidOptions("a benchmark needs at least one timed step and no negative warm-up")
    }
    let optimizer = AdamW(model: model, configuration: AdamW.Configuration(learningRate: options.learningRate))
    var generator = SeededGenerator(seed: options.seed)
    var batch = try dataset.batch(split: .train, size: options.batchSize, context: options.context, using: &generator)
    var stepTimes: [Double] = []
    stepTimes.reserveCapacity(options.steps)
    var outside = [String: Double]()  // step parts outside the model, seconds summed
    var firstLoss: Float = .nan
    var lastLoss: Float = .nan
    model.setProfiling(false)

    for step in 0..<(options.warmupSteps + options.steps) {
      let timed = step >= options.warmupSteps
      if step == options.warmupSteps { model.setProfiling(true) }
      var clock = DispatchTime.now().uptimeNanoseconds
      let stepStart = clock
      func lap(_ part: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        if timed { outside[part, default: 0] += Double(now - clock) * 1e-9 }
        clock = now
      }
      try dataset.fill(&batch, split: .train, using: &generator)
      lap("batch")
      let loss = try model.forward(batch)
      model.zeroGradients()
      try model.backward()
      clock = DispatchTime.now().uptimeNanoseconds
      let norm = model.clipGradientNorm(max: 1.0)
      lap("clip")
      guard loss.isFinite, norm.isFinite else {
        throw TrainingError.nonFinite(step: step, loss: loss, gradientNorm: norm)
      }
      optimizer.step(model, learningRate: options.learningRate)
      lap("optimizer")
      if timed {
        stepTimes.append(Double(clock - stepStart) * 1e-6)
        if firstLoss.isNaN { firstLoss = loss }
        lastLoss = loss
      }
    }

    let profile = model.phaseProfile
    model.setProfiling(false)
    let steps = Double(options.steps)
    var phases: [Phase] = []
    for kind in LayerKind.allCases {
      phases.append(Phase(pass: "forward", kind: kind.name, milliseconds: profile.forwardSeconds(kind) * 1e3 / steps))
    }
    for kind in LayerKind.allCases {
      phases.append(Phase(pass: "backward", kind: kind.name, milliseconds: profile.backwardSeconds(kind) * 1e3 / steps))
    }
    phases.append(Phase(pass: "backward", kind: "gradient_reduction", milliseconds: profile.gradientReduction * 1e3 / steps))
    for part in ["batch", "clip", "optimizer"] {
      phases.append(Phase(pass: "step", kind: part, milliseconds: outside[part, default: 0] * 1e3 / steps))
    }
    // Evaluation batches come from a stream of their own, so they never repeat training batches.
    var evaluation = SeededGenerator(seed: options.seed ^ 0x5EED_E7A1)
    func estimate(_ split: Split) throws -> Float {
      var total: Double = 0
      for _ in 0..<max(options.evalBatches, 1) {
        try dataset.fill(&batch, split: split, using: &evaluation)
        total += Double(try model.forward(batch))
      }
      return Float(total / Double(max(options.evalBatches, 1)))
    }
    return Result(
      stepMilliseconds: stepTimes, phases: phases, firstLoss: firstLoss, lastLoss: lastLoss,
      trainLoss: try estimate(.train), valLoss: try estimate(.val))
  }
}
