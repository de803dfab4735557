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
  }

  /// Runs `options.steps` steps, calling `progress` after each.
  ///
  /// - Throws: ``TrainingError/nonFinite(step:loss:gradientNorm:)`` naming the step where the
  ///   loss or gradient norm stopped being finite; errors from `nextBatch` or the model.
  public func run(nextBatch: BatchSource, progress: ((TrainingProgress) -> Void)? = nil) throws -> TrainingSummary {
    var losses: [Float] = []
    var evaluations: [LossEstimate] = []
    var stepTimes: [Double] = []
    losses.reserveCapacity(options.steps)
    stepTimes.reserveCapacity(options.steps)
    for step in 0..<options.steps {
      let started = DispatchTime.now().uptimeNanoseconds
      let (loss, norm, lr, tokens) = try trainingStep(step, nextBatch: nextBatch)
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) * 1e-9
      stepTimes.append(seconds)
      losses.append(loss)
      var estimate: LossEstimate?
      let isLast = step == options.steps - 1
      if isLast || (options.evalInterval > 0 && (step + 1) % options.evalInterval == 0) {
        let e = LossEstimate(
          step: step + 1,
          train: try estimateLoss(.train, batches: options.evalBatches, nextBatch: nextBatch),
          val: try estimateLoss(.val, batches: options.evalBatches, nextBatch: nextBatch))
        evaluations.append(e)
        estimate = e
      }
      progress?(TrainingProgress(
        step: step + 1, loss: loss, gradientNorm: norm, learningRate: lr,
        tokensPerSecond: Double(tokens) / max(seconds, 1e-9), evaluation: estimate))
    }
    let median = stepTimes.sorted()[stepTimes.count / 2, default: 0]
    let tokensPerStep = Double(model.batchSize * model.time)
    return TrainingSummary(
      losses: losses, evaluations: evaluations, millisecondsPerStep: median * 1e3,
      tokensPerSecond: median > 0 ? tokensPerStep / median : 0)
  }

  /// One optimizer step on one training batch; returns (loss, pre-clip gradient norm, lr, tokens).
  public func trainingStep(_ step: Int, nextBatch: BatchSource) throws -> (Float, Float, Float, Int) {
    let lr = options.schedule.rate(atStep: step)
    // lesson:begin training-loop
    let batch = try nextBatch(.train, &generator)         // B random windows, targets shifted by one
    let loss = try model.forward(batch)                     // mean next-token cross-entropy
    model.zeroGradients()
    try model.backward()                                    // dLoss/dθ for every parameter
    let norm = model.clipGradientNorm(max: options.maxGradientNorm)
    guard loss.isFinite, norm.isFinite else {
      throw TrainingError.nonFinite(step: step, loss: loss, gradientNorm: norm)
    }
    optimizer.step(model, learningRate: lr)                 // AdamW update
    // lesson:end
    return (loss, norm, lr, batch.inputs.count)
  }

  /// Mean loss over `batches` batches of `split`, without touching gradients or the optimizer.
  public func estimateLoss(_ split: Split, batches: Int, nextBatch: BatchSource) throws -> Float {
    var total: Double = 0
    for _ in 0..<max(batches, 1) {
      total += Double(try model.forward(try nextBatch(split, &generator)))
    }
    return Float(total / Double(max(batches, 1)))
  }
}

extension Array {
  fileprivate subscript(index: Int, default fallback: Element) -> Element {
    indices.contains(index) ? self[index] : fallback
  }
}
