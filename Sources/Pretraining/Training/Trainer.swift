import Dispatch

/// Settings for a training run.
public struct TrainingOptions: Sendable, Equatable {
  /// Optimizer steps to take.
  public var steps: Int
  /// Learning rate per step.
  public var schedule: LearningRateSchedule
  /// AdamW hyperparameters (its learning rate is replaced by `schedule`).
  public var optimizer: AdamW.Configuration
  /// Global gradient-norm clip.
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
  /// Median wall time of a step in milliseconds.
  public var millisecondsPerStep: Double
  /// Tokens consumed per second at the median step time.
  public var tokensPerSecond: Double
}

/// Draws a batch for a split, advancing the generator.
public typealias BatchSource = (Split, inout SeededGenerator) throws -> TokenBatch

/// Trains a MiniGPT: batch, forward, zero grads, backward, clip, step.
public final class Trainer {
  public let model: MiniGPT
  public let optimizer: AdamW
  public let options: TrainingOptions
  private var generator: SeededGenerator
  /// Evaluation draws from its own stream, so how often we evaluate never changes the training batches.
  private var evaluationGenerator: SeededGenerator

  /// Creates a trainer with a fresh AdamW for `model`.
  public init(model: MiniGPT, options: TrainingOptions) throws {
    guard options.steps >= 0 else { throw TrainingError.invalidOptions("steps must be ≥ 0") }
    guard options.evalBatches >= 1 else { throw TrainingError.invalidOptions("evalBatches must be ≥ 1") }
    guard options.evalInterval >= 0 else { throw TrainingError.invalidOptions("evalInterval must be ≥ 0") }
    guard options.maxGradientNorm > 0 else { throw TrainingError.invalidOptions("maxGradientNorm must be > 0") }
    self.model = model
    self.options = options
    optimizer = AdamW(model: model, configuration: options.optimizer)
    generator = SeededGenerator(seed: options.seed)
    evaluationGenerator = SeededGenerator(seed: options.seed ^ 0x5EED_E7A1_5EED_E7A1)
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
    var lastStep = 0
    var progress: ((TrainingProgress) -> Void)?
  }

  /// Runs `steps` more optimizer steps (default `options.steps`), calling `progress` after each.
  ///
  /// Evaluates train/val loss every `options.evalInterval` steps and after the last one.
  /// - Throws: ``TrainingError/nonFinite(step:loss:gradientNorm:)`` naming the step where the
  ///   loss or gradient norm stopped being finite; errors from `nextBatch` or the model.
  public func run(steps: Int? = nil, nextBatch: BatchSource,
                  progress: ((TrainingProgress) -> Void)? = nil) throws -> TrainingSummary {
    let count = steps ?? options.steps
    guard count >= 0 else { throw TrainingError.invalidOptions("steps must be ≥ 0") }
    log = RunLog(progress: progress)
    log.lastStep = completedSteps + count - 1
    log.stepStarted = DispatchTime.now().uptimeNanoseconds
    // lesson:begin training-loop
    for step in completedSteps..<(completedSteps + count) {
      let lr = options.schedule.rate(atStep: step)
      let batch = try nextBatch(.train, &generator)  // B random windows; targets = inputs shifted by one
      let loss = try model.forward(batch)             // mean next-token cross-entropy
      model.zeroGradients()
      try model.backward()                            // dLoss/dθ for every parameter
      let norm = model.clipGradientNorm(max: options.maxGradientNorm)
      try checkFinite(step: step, loss: loss, gradientNorm: norm)
      optimizer.step(model, learningRate: lr)         // AdamW
      try record(step: step, loss: loss, gradientNorm: norm, learningRate: lr, nextBatch: nextBatch)
    }
    // lesson:end
    let sorted = log.stepSeconds.sorted()
    let median = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    let tokensPerStep = Double(model.batchSize * model.time)
    return TrainingSummary(
      losses: log.losses, evaluations: log.evaluations, millisecondsPerStep: median * 1e3,
      tokensPerSecond: median > 0 ? tokensPerStep / median : 0)
  }

  /// Stops training when the loss or gradient norm is NaN or infinite.
  private func checkFinite(step: Int, loss: Float, gradientNorm: Float) throws {
    guard loss.isFinite, gradientNorm.isFinite else {
      throw TrainingError.nonFinite(step: step, loss: loss, gradientNorm: gradientNorm)
    }
  }

  /// Logs a finished step, evaluates when due and reports progress; restarts the step clock.
  private func record(step: Int, loss: Float, gradientNorm: Float, learningRate: Float,
                      nextBatch: BatchSource) throws {
    let now = DispatchTime.now().uptimeNanoseconds
    let seconds = Double(now - log.stepStarted) * 1e-9
    let tokens = model.batchSize * model.time
    completedSteps = step + 1
    log.stepSeconds.append(seconds)
    log.losses.append(loss)
    var estimate: LossEstimate?
    if step == log.lastStep || (options.evalInterval > 0 && completedSteps % options.evalInterval == 0) {
      let e = LossEstimate(
        step: completedSteps,
        train: try estimateLoss(.train, batches: options.evalBatches, nextBatch: nextBatch),
        val: try estimateLoss(.val, batches: options.evalBatches, nextBatch: nextBatch))
      log.evaluations.append(e)
      estimate = e
    }
    log.progress?(TrainingProgress(
      step: completedSteps, loss: loss, gradientNorm: gradientNorm, learningRate: learningRate,
      tokensPerSecond: Double(tokens) / max(seconds, 1e-9), evaluation: estimate))
    log.stepStarted = DispatchTime.now().uptimeNanoseconds  // evaluation time is not step time
  }

  /// Mean loss over `batches` batches of `split`, without touching gradients or the optimizer.
  ///
  /// Draws from the trainer's evaluation stream (seeded from `options.seed`), not the training one.
  public func estimateLoss(_ split: Split, batches: Int, nextBatch: BatchSource) throws -> Float {
    var total: Double = 0
    for _ in 0..<max(batches, 1) {
      total += Double(try model.forward(try nextBatch(split, &evaluationGenerator)))
    }
    return Float(total / Double(max(batches, 1)))
  }
}
