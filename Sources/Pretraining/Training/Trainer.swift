/// Settings for a training run.
public struct TrainingOptions: Sendable, Equatable {
  /// Optimizer steps to take.
  public var steps: Int
  /// Learning rate per step.
  public var schedule: LearningRateSchedule
  /// AdamW hyperparameters (its learning rate is replaced by `schedule`).
  public var optimizer: AdamW.Configuration
  /// Global gradient-norm clip; 0 turns clipping off (the norm is still measured and checked).
  public var maxGradientNorm: Float
  /// Estimate train/val loss every this many steps (and after the last); 0 = only at the end.
  public var evalInterval: Int
  /// Batches averaged per loss estimate (k).
  public var evalBatches: Int
  /// Seeds the batch sampling.
  public var seed: UInt64

  /// The lesson's defaults: AdamW(3e-4, (0.9, 0.95), wd 0.1), clip 1.0, constant lr.
  public init(steps: Int, schedule: LearningRateSchedule = .constant(3e-4),
              optimizer: AdamW.Configuration = AdamW.Configuration(), maxGradientNorm: Float = 1.0,
              evalInterval: Int = 0, evalBatches: Int = 10, seed: UInt64 = 1337) {
    self.steps = steps
    self.schedule = schedule
    self.optimizer = optimizer
    self.maxGradientNorm = maxGradientNorm
    self.evalInterval = evalInterval
    self.evalBatches = evalBatches
    self.seed = seed
  }
}

/// What the progress callback sees after each step.
public struct TrainingProgress: Sendable, Equatable {
  public var step: Int
  public var loss: Float
  public var gradientNorm: Float
  public var learningRate: Float
  /// Wall time of this step (batch to optimizer), in seconds.
  public var stepSeconds: Double
  public var tokensPerSecond: Double
  /// Set on steps where the loss was estimated.
  public var evaluation: LossEstimate?
}

/// Mean train and val loss over k batches each.
public struct LossEstimate: Sendable, Equatable {
  public var step: Int
  public var train: Float
  public var val: Float
}

/// The outcome of a run.
public struct TrainingSummary: Sendable, Equatable {
  /// Training loss at every step.
  public var losses: [Float]
  /// Every loss estimate, the last one after the final step.
  public var evaluations: [LossEstimate]
  /// Wall time of every step, in order, in seconds (evaluation excluded).
  public var stepSeconds: [Double]
  /// Median wall time of a step in milliseconds.
  public var millisecondsPerStep: Double
  /// Tokens consumed per second at the median step time.
  public var tokensPerSecond: Double
  /// Windows (B) in the run's training batches (of its last step; 0 for a run of no steps).
  public var windowsPerStep: Int
}

/// Draws a batch for a split, advancing the generator.
public typealias BatchSource = (Split, inout SeededGenerator) throws -> TokenBatch

/// What a run holds besides the weights: enough to continue it exactly as if it had never stopped.
public struct TrainingState: Sendable, Equatable {
  /// Optimizer steps taken.
  public var completedSteps: Int
  /// AdamW's step count and moments.
  public var optimizer: AdamW.State
  /// Where the training batches' random stream stands.
  public var batchStream: SeededGenerator.State
  /// Where the evaluation batches' random stream stands.
  public var evaluationStream: SeededGenerator.State

  public init(completedSteps: Int, optimizer: AdamW.State, batchStream: SeededGenerator.State,
              evaluationStream: SeededGenerator.State) {
    self.completedSteps = completedSteps
    self.optimizer = optimizer
    self.batchStream = batchStream
    self.evaluationStream = evaluationStream
  }
}

/// What a training step minimizes: a forward pass over a batch that returns the loss, and a
/// backward pass that accumulates dLoss/dθ into ``trainedModel``'s gradients.
///
/// A ``MiniGPT`` is its own objective (mean next-token cross-entropy); ``PreferenceObjective``
/// is DPO's. The ``Trainer`` runs the same loop for either.
public protocol TrainingObjective: AnyObject {
  /// The model whose parameters the objective's gradients belong to.
  var trainedModel: MiniGPT { get }
  /// Runs the forward pass on `batch` and returns the loss.
  func forward(_ batch: TokenBatch) throws -> Float
  /// Accumulates dLoss/dθ of the last forward pass into the model's gradients.
  func backward() throws
}

extension MiniGPT: TrainingObjective {
  /// The model trains itself on next-token cross-entropy.
  public var trainedModel: MiniGPT { self }
}

/// Trains a MiniGPT: batch, forward, zero grads, backward, clip, step.
///
/// The one training loop: `lesson train`, `lesson bench` and the lessons all run it.
public final class Trainer {
  public let model: MiniGPT
  /// What the loop minimizes: the model's own next-token loss unless another objective is given.
  public let objective: TrainingObjective
  public let optimizer: AdamW
  public let options: TrainingOptions
  private var generator: SeededGenerator
  /// Evaluation draws from its own stream, so how often we evaluate never changes the training batches.
  private var evaluationGenerator: SeededGenerator

  /// Mixed into the seed for the evaluation stream (the PyTorch reference uses the same constant).
  public static let evaluationStreamSalt: UInt64 = 0x5EED_E7A1_5EED_E7A1

  /// Creates a trainer with a fresh AdamW for `model`, minimizing `objective` (default: the
  /// model's next-token loss). The objective must train `model`.
  public init(model: MiniGPT, options: TrainingOptions, objective: TrainingObjective? = nil) throws {
    guard objective.map({ $0.trainedModel === model }) ?? true else {
      throw TrainingError.invalidOptions("the objective trains a different model than the trainer's")
    }
    guard options.steps >= 0 else { throw TrainingError.invalidOptions("steps must be ≥ 0") }
    guard options.evalBatches >= 1 else { throw TrainingError.invalidOptions("evalBatches must be ≥ 1") }
    guard options.evalInterval >= 0 else { throw TrainingError.invalidOptions("evalInterval must be ≥ 0") }
    guard options.maxGradientNorm >= 0, options.maxGradientNorm.isFinite else {
      throw TrainingError.invalidOptions("maxGradientNorm must be ≥ 0 (0 = no clipping)")
    }
    self.model = model
    self.objective = objective ?? model
    self.options = options
    optimizer = AdamW(model: model, configuration: options.optimizer)
    generator = SeededGenerator(seed: options.seed)
    evaluationGenerator = SeededGenerator(seed: options.seed ^ Self.evaluationStreamSalt)
  }

  /// Steps taken so far (a later `run` continues from here).
  public private(set) var completedSteps = 0
  private var log = RunLog()

  /// Bookkeeping for the current `run`: losses, evaluations and step timing.
  private struct RunLog {
    var losses: [Float] = []
    var evaluations: [LossEstimate] = []
    var stepSeconds: [Double] = []
    var stepStarted: UInt64 = 0
    /// Windows and tokens of the latest training batch.
    var windows = 0
    var tokens = 0
    var lastStep = 0
    var evaluatesLastStep = true
    var progress: ((TrainingProgress) -> Void)?
  }

  // MARK: - Resuming

  /// The step count, optimizer moments and both random streams, as a checkpoint stores them.
  public var state: TrainingState {
    TrainingState(completedSteps: completedSteps, optimizer: optimizer.state,
                  batchStream: generator.state, evaluationStream: evaluationGenerator.state)
  }

  /// Puts the run back where `state` was taken, so the next steps are those the first run would have taken.
  ///
  /// - Throws: ``TrainingError/invalidOptions(_:)`` when the moments do not fit this model.
  public func restore(_ state: TrainingState) throws {
    guard state.completedSteps >= 0 else { throw TrainingError.invalidOptions("a negative step count cannot be resumed") }
    try optimizer.restore(state.optimizer)
    completedSteps = state.completedSteps
    generator = SeededGenerator(state: state.batchStream)
    evaluationGenerator = SeededGenerator(state: state.evaluationStream)
  }

  // MARK: - Training

  /// Runs `steps` more optimizer steps (default `options.steps`), calling `progress` after each.
  ///
  /// Evaluates train/val loss every `options.evalInterval` steps and, when `evaluateAtEnd`, after the last one.
  /// - Throws: ``TrainingError/nonFinite(step:loss:gradientNorm:)`` naming the step where the
  ///   loss or gradient norm stopped being finite; errors from `nextBatch` or the model.
  public func run(steps: Int? = nil, evaluateAtEnd: Bool = true, nextBatch: BatchSource,
                  progress: ((TrainingProgress) -> Void)? = nil) throws -> TrainingSummary {
    let count = steps ?? options.steps
    guard count >= 0 else { throw TrainingError.invalidOptions("steps must be ≥ 0") }
    log = RunLog(progress: progress)
    log.lastStep = completedSteps + count - 1
    log.evaluatesLastStep = evaluateAtEnd
    try withoutActuallyEscaping(nextBatch) { source in
      try loop(count: count, nextBatch: model.profilingBatches(source))
    }
    let sorted = log.stepSeconds.sorted()
    let median = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    return TrainingSummary(
      losses: log.losses, evaluations: log.evaluations, stepSeconds: log.stepSeconds,
      millisecondsPerStep: median * 1e3, tokensPerSecond: median > 0 ? Double(log.tokens) / median : 0,
      windowsPerStep: log.windows)
  }

  /// The steps themselves; `nextBatch` is the caller's source, timed as "batch" when profiling is on
  /// (benchmarks profile runs without estimates, so no evaluation batch is counted there).
  private func loop(count: Int, nextBatch: BatchSource) throws {
    log.stepStarted = MonotonicClock.now()
    // lesson:begin training-loop
    for step in completedSteps..<(completedSteps + count) {
      let lr = options.schedule.rate(atStep: step)
      let batch = try nextBatch(.train, &generator)  // B random windows; targets = inputs shifted by one
      let loss = try objective.forward(batch)         // mean next-token cross-entropy (by default)
      model.zeroGradients()
      try objective.backward()                        // dLoss/dθ for every parameter
      let norm = model.clipGradientNorm(max: options.maxGradientNorm)
      try checkFinite(step: step, loss: loss, gradientNorm: norm)
      optimizer.step(model, learningRate: lr)         // AdamW
      try record(step: step, batch: batch, loss: loss, gradientNorm: norm, learningRate: lr, nextBatch: nextBatch)
    }
    // lesson:end
  }

  /// Stops training when the loss or gradient norm is NaN or infinite.
  private func checkFinite(step: Int, loss: Float, gradientNorm: Float) throws {
    guard loss.isFinite, gradientNorm.isFinite else {
      throw TrainingError.nonFinite(step: step, loss: loss, gradientNorm: gradientNorm)
    }
  }

  /// Logs a finished step, evaluates when due and reports progress; restarts the step clock.
  private func record(step: Int, batch: TokenBatch, loss: Float, gradientNorm: Float, learningRate: Float,
                      nextBatch: BatchSource) throws {
    let seconds = MonotonicClock.seconds(since: log.stepStarted)
    let tokens = batch.size &* batch.context
    (log.windows, log.tokens) = (batch.size, tokens)
    completedSteps = step + 1
    log.stepSeconds.append(seconds)
    log.losses.append(loss)
    var evaluation: LossEstimate?
    // Interval estimates advance the evaluation stream; the end-of-run one reads a copy of it, so
    // where a run stops (and is resumed) never changes the batches of later estimates.
    let scheduled = options.evalInterval > 0 && completedSteps % options.evalInterval == 0
    if scheduled || (step == log.lastStep && log.evaluatesLastStep) {
      let e = scheduled ? try estimate(advancing: &evaluationGenerator, nextBatch: nextBatch)
                        : try evaluate(nextBatch: nextBatch)
      log.evaluations.append(e)
      evaluation = e
    }
    log.progress?(TrainingProgress(
      step: completedSteps, loss: loss, gradientNorm: gradientNorm, learningRate: learningRate,
      stepSeconds: seconds, tokensPerSecond: Double(tokens) / max(seconds, 1e-9), evaluation: evaluation))
    log.stepStarted = MonotonicClock.now()  // evaluation time is not step time
  }

  // MARK: - Loss estimates

  /// Mean train and val loss over `options.evalBatches` batches each, at the current step.
  ///
  /// The one loss estimate. It reads a copy of the evaluation stream (seeded from
  /// `options.seed ^ evaluationStreamSalt`, never the training one), so asking for an estimate
  /// changes neither training nor the estimates the run makes every `evalInterval` steps.
  public func evaluate(nextBatch: BatchSource) throws -> LossEstimate {
    var copy = evaluationGenerator
    return try estimate(advancing: &copy, nextBatch: nextBatch)
  }

  private func estimate(advancing generator: inout SeededGenerator, nextBatch: BatchSource) throws -> LossEstimate {
    func mean(_ split: Split) throws -> Float {
      var total: Double = 0
      for _ in 0..<options.evalBatches {
        total += Double(try objective.forward(try nextBatch(split, &generator)))
      }
      return Float(total / Double(options.evalBatches))
    }
    return LossEstimate(step: completedSteps, train: try mean(.train), val: try mean(.val))
  }
}
