import Foundation

/// Every setting of a training run besides the model's shape and the corpus.
///
/// `lesson train`'s flags set it, a checkpoint records it (metadata `recipe`, JSON with the keys
/// below), and `--resume` reads it back, so a run is reproducible from its file.
public struct TrainingRecipe: Sendable, Equatable, Codable {
  /// How the learning rate moves over the run.
  public enum Schedule: String, Sendable, Codable, CaseIterable {
    /// `learningRate` throughout (after the warmup, if any).
    case constant
    /// nanoGPT's cosine from `learningRate` down to `minimumLearningRate` at `decaySteps` (after the warmup).
    case cosine
  }

  /// Optimizer steps of the whole run (a resumed run continues to this count).
  public var steps: Int
  /// Windows per batch (B).
  public var batchSize: Int
  /// Peak learning rate.
  public var learningRate: Float
  public var schedule: Schedule
  /// Linear warmup steps: lr·(step+1)/(warmup+1), as nanoGPT's `get_lr`.
  public var warmupSteps: Int
  /// Where the cosine ends (ignored by `constant`).
  public var minimumLearningRate: Float
  /// The step at which the cosine reaches `minimumLearningRate`.
  public var decaySteps: Int
  public var beta1: Float
  public var beta2: Float
  /// Decoupled weight decay on matrices and embeddings.
  public var weightDecay: Float
  /// Global gradient-norm clip; 0 turns it off.
  public var gradientClip: Float
  /// Estimate train/val loss every this many steps (and after the last); 0 = only at the end.
  public var evalEvery: Int
  /// Batches per split averaged per estimate.
  public var evalBatches: Int
  /// Seeds the initialization and both batch streams.
  public var seed: UInt64

  enum CodingKeys: String, CodingKey {
    case steps, batchSize = "batch", learningRate = "lr", schedule, warmupSteps = "warmup_steps"
    case minimumLearningRate = "min_lr", decaySteps = "decay_steps", beta1, beta2
    case weightDecay = "weight_decay", gradientClip = "grad_clip", evalEvery = "eval_every"
    case evalBatches = "eval_batches", seed
  }

  public init(steps: Int, batchSize: Int, learningRate: Float, schedule: Schedule = .constant, warmupSteps: Int = 0,
              minimumLearningRate: Float? = nil, decaySteps: Int? = nil, beta1: Float = 0.9, beta2: Float = 0.95,
              weightDecay: Float = 0.1, gradientClip: Float = 1.0, evalEvery: Int = 100, evalBatches: Int = 20,
              seed: UInt64 = 1337) {
    self.steps = steps
    self.batchSize = batchSize
    self.learningRate = learningRate
    self.schedule = schedule
    self.warmupSteps = warmupSteps
    self.minimumLearningRate = minimumLearningRate ?? (schedule == .cosine ? learningRate / 10 : learningRate)
    self.decaySteps = decaySteps ?? steps
    self.beta1 = beta1
    self.beta2 = beta2
    self.weightDecay = weightDecay
    self.gradientClip = gradientClip
    self.evalEvery = evalEvery
    self.evalBatches = evalBatches
    self.seed = seed
  }

  /// The lesson's run: AdamW(3e-4, β (0.9, 0.95), wd 0.1), clip 1.0, constant lr, 300 steps of B = 32.
  public static let lesson = TrainingRecipe(steps: 300, batchSize: 32, learningRate: 3e-4)

  /// nanoGPT's CPU "baby GPT": its README's `train.py config/train_shakespeare_char.py --device=cpu
  /// --compile=False --eval_iters=20 --log_interval=1 --block_size=64 --batch_size=12 --n_layer=4
  /// --n_head=4 --n_embd=128 --max_iters=2000 --lr_decay_iters=2000 --dropout=0.0`, with the config's
  /// lr 1e-3, min_lr 1e-4, β₂ 0.99, warmup_iters 100, eval_interval 250 and train.py's β₁ 0.9,
  /// weight_decay 0.1, grad_clip 1.0. Its model shape is ``nanoGPTBabyShape``.
  public static let nanoGPTBaby = TrainingRecipe(
    steps: 2000, batchSize: 12, learningRate: 1e-3, schedule: .cosine, warmupSteps: 100, minimumLearningRate: 1e-4,
    decaySteps: 2000, beta1: 0.9, beta2: 0.99, weightDecay: 0.1, gradientClip: 1.0, evalEvery: 250, evalBatches: 20)

  /// The baby GPT's shape without the vocabulary: n_embd 128, n_layer 4, n_head 4, block_size 64.
  public static let nanoGPTBabyShape = (embeddingSize: 128, layerCount: 4, headCount: 4, contextLength: 64)

  /// Recipes by the name `--recipe` takes.
  public static let named: [String: TrainingRecipe] = ["nanogpt-baby": .nanoGPTBaby]

  /// The learning rate per step this recipe describes.
  public var learningRateSchedule: LearningRateSchedule {
    switch schedule {
    case .constant where warmupSteps == 0:
      return .constant(learningRate)
    case .constant:
      // A cosine from lr to lr is lr: warmup, then constant.
      return .warmupCosine(peak: learningRate, minimum: learningRate, warmupSteps: warmupSteps, decaySteps: warmupSteps)
    case .cosine:
      return .warmupCosine(peak: learningRate, minimum: minimumLearningRate, warmupSteps: warmupSteps, decaySteps: decaySteps)
    }
  }

  /// The Trainer's options for this recipe.
  public var trainingOptions: TrainingOptions {
    TrainingOptions(
      steps: steps, schedule: learningRateSchedule,
      optimizer: AdamW.Configuration(learningRate: learningRate, beta1: beta1, beta2: beta2, weightDecay: weightDecay),
      maxGradientNorm: gradientClip, evalInterval: evalEvery, evalBatches: evalBatches, seed: seed)
  }
}

// MARK: - As checkpoint metadata

extension TrainingRecipe {
  /// Compact JSON with sorted keys, as the checkpoint's `recipe` entry holds it.
  public static func json(_ recipe: TrainingRecipe) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(recipe), as: UTF8.self)
  }

  /// Reads a `recipe` entry back.
  public static func parse(_ text: String) throws -> TrainingRecipe {
    try JSONDecoder().decode(TrainingRecipe.self, from: Data(text.utf8))
  }
}

extension Trainer {
  /// Writes the model, the recipe and this run's state (moments, streams, step): a checkpoint `--resume` continues.
  public func saveCheckpoint(to url: URL, tokenizer: CharTokenizer, recipe: TrainingRecipe?) throws {
    try ModelCheckpoint(model: model, tokenizer: tokenizer, step: completedSteps, recipe: recipe, training: state)
      .write(to: url)
  }

  /// Puts a run back where `checkpoint` left it: the weights, AdamW's moments, the step and both streams.
  ///
  /// - Throws: ``TrainingError/invalidOptions(_:)`` when the checkpoint holds no training state.
  public func resume(from checkpoint: ModelCheckpoint) throws {
    guard let training = checkpoint.training else {
      throw TrainingError.invalidOptions("the checkpoint holds weights only, no optimizer state to resume from")
    }
    try model.load(checkpoint)
    try restore(training)
  }
}
