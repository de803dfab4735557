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

  /// Trains `model` on `dataset` for `warmupSteps + steps` steps with ``Trainer`` and times the last `steps`.
  ///
  /// The timed loop is the Trainer's own, the one `lesson train` runs; the loss estimate after it is the
  /// Trainer's too (its evaluation stream), untimed and unprofiled.
  /// - Throws: data errors (a split too short for the context), model errors, or
  ///   ``TrainingError/nonFinite(step:loss:gradientNorm:)`` if the run diverges.
  public static func run(model: MiniGPT, dataset: CharDataset, options: Options) throws -> Result {
    guard options.steps >= 1, options.warmupSteps >= 0 else {
      throw TrainingError.invalidOptions("a benchmark needs at least one timed step and no negative warm-up")
    }
    let trainer = try Trainer(model: model, options: TrainingOptions(
      steps: options.warmupSteps + options.steps, schedule: .constant(options.learningRate),
      optimizer: AdamW.Configuration(learningRate: options.learningRate),
      evalBatches: options.evalBatches, seed: options.seed))
    let batches = BatchBuffers(dataset: dataset, size: options.batchSize, context: options.context)
    let nextBatch: BatchSource = batches.next
    model.setProfiling(false)
    _ = try trainer.run(steps: options.warmupSteps, evaluateAtEnd: false, nextBatch: nextBatch)
    model.setProfiling(true)
    let timed = try trainer.run(steps: options.steps, evaluateAtEnd: false, nextBatch: nextBatch)
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
    for (part, seconds) in [("batch", profile.batch), ("clip", profile.clipping), ("optimizer", profile.optimizer)] {
      phases.append(Phase(pass: "step", kind: part, milliseconds: seconds * 1e3 / steps))
    }
    let estimate = try trainer.evaluate(nextBatch: nextBatch)
    return Result(
      stepMilliseconds: timed.stepSeconds.map { $0 * 1e3 }, phases: phases,
      firstLoss: timed.losses.first ?? .nan, lastLoss: timed.losses.last ?? .nan,
      trainLoss: estimate.train, valLoss: estimate.val)
  }
}
