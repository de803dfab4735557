import Pretraining

/// The model-shape flags as given: nil where the command line left one out.
///
/// A left-out flag takes its value from `--resume`'s checkpoint, else from `--recipe`, else from
/// ``ModelShapeOptions``'s defaults, so a recipe can set the batch and a flag can still override it.
public struct ModelShapeSettings: Sendable, Equatable {
  public var corpus: String?
  public var batchSize: Int?
  public var context: Int?
  public var embeddingSize: Int?
  public var layers: Int?
  public var heads: Int?
  public var threads: Int?

  public init(corpus: String? = nil, batchSize: Int? = nil, context: Int? = nil, embeddingSize: Int? = nil,
              layers: Int? = nil, heads: Int? = nil, threads: Int? = nil) {
    self.corpus = corpus
    self.batchSize = batchSize
    self.context = context
    self.embeddingSize = embeddingSize
    self.layers = layers
    self.heads = heads
    self.threads = threads
  }

  /// `base` with every given flag applied.
  public func applied(to base: ModelShapeOptions = ModelShapeOptions()) -> ModelShapeOptions {
    ModelShapeOptions(
      corpus: corpus ?? base.corpus, batchSize: batchSize ?? base.batchSize, context: context ?? base.context,
      embeddingSize: embeddingSize ?? base.embeddingSize, layers: layers ?? base.layers, heads: heads ?? base.heads,
      threads: threads ?? base.threads)
  }

  /// The flags that name the model's shape, with their values, for refusing contradictions of a checkpoint.
  var shapeFlags: [(flag: String, given: Int?, keyPath: KeyPath<ModelShapeOptions, Int>)] {
    [("--context", context, \.context), ("--d", embeddingSize, \.embeddingSize), ("--layers", layers, \.layers),
     ("--heads", heads, \.heads), ("--batch", batchSize, \.batchSize)]
  }
}

/// The recipe flags of `lesson train` as given: nil where the command line left one out.
public struct TrainingSettings: Sendable, Equatable {
  public var steps: Int?
  public var seed: UInt64?
  public var learningRate: Float?
  /// "constant" or "cosine", checked by ``applied(to:)``.
  public var schedule: String?
  public var warmupSteps: Int?
  public var minimumLearningRate: Float?
  public var decaySteps: Int?
  public var beta1: Float?
  public var beta2: Float?
  public var weightDecay: Float?
  public var gradientClip: Float?
  public var evalEvery: Int?
  public var evalBatches: Int?

  public init(steps: Int? = nil, seed: UInt64? = nil, learningRate: Float? = nil, schedule: String? = nil,
              warmupSteps: Int? = nil, minimumLearningRate: Float? = nil, decaySteps: Int? = nil,
              beta1: Float? = nil, beta2: Float? = nil, weightDecay: Float? = nil, gradientClip: Float? = nil,
              evalEvery: Int? = nil, evalBatches: Int? = nil) {
    self.steps = steps
    self.seed = seed
    self.learningRate = learningRate
    self.schedule = schedule
    self.warmupSteps = warmupSteps
    self.minimumLearningRate = minimumLearningRate
    self.decaySteps = decaySteps
    self.beta1 = beta1
    self.beta2 = beta2
    self.weightDecay = weightDecay
    self.gradientClip = gradientClip
    self.evalEvery = evalEvery
    self.evalBatches = evalBatches
  }

  /// Most steps a run may ask for: step counts stay far from overflow in every sum the trainer forms.
  public static let maximumSteps = 100_000_000
  /// Most batches per loss estimate.
  public static let maximumEvalBatches = 1_000_000_000

  /// `base` with every given flag applied, then the whole recipe checked.
  ///
  /// Without `--min-lr`, a given `--lr` or `--schedule` sets it by nanoGPT's rule (lr/10 for a cosine);
  /// without `--decay-steps`, a given `--steps` moves it along when `decayFollowsSteps` (the lesson's
  /// default recipe; a named recipe and a resumed run keep the decay they state).
  /// - Throws: ``ToolInputError`` naming the flag to change.
  public func applied(to base: TrainingRecipe, decayFollowsSteps: Bool = true) throws -> TrainingRecipe {
    var recipe = base
    if let schedule {
      guard let parsed = TrainingRecipe.Schedule(rawValue: schedule) else {
        throw ToolInputError("--schedule must be constant or cosine (got '\(schedule)')")
      }
      recipe.schedule = parsed
    }
    if let steps { recipe.steps = steps }
    if let seed { recipe.seed = seed }
    if let learningRate { recipe.learningRate = learningRate }
    if let warmupSteps { recipe.warmupSteps = warmupSteps }
    if let minimumLearningRate {
      recipe.minimumLearningRate = minimumLearningRate
    } else if learningRate != nil || schedule != nil {
      recipe.minimumLearningRate = recipe.schedule == .cosine ? recipe.learningRate / 10 : recipe.learningRate
    }
    if let decaySteps {
      recipe.decaySteps = decaySteps
    } else if steps != nil, decayFollowsSteps {
      recipe.decaySteps = recipe.steps
    }
    if let beta1 { recipe.beta1 = beta1 }
    if let beta2 { recipe.beta2 = beta2 }
    if let weightDecay { recipe.weightDecay = weightDecay }
    if let gradientClip { recipe.gradientClip = gradientClip }
    if let evalEvery { recipe.evalEvery = evalEvery }
    if let evalBatches { recipe.evalBatches = evalBatches }
    try Self.check(recipe)
    return recipe
  }

  /// Refuses a recipe no run can follow, naming the flag.
  static func check(_ r: TrainingRecipe) throws {
    func count(_ value: Int, _ flag: String, atLeast minimum: Int, limit: Int = maximumSteps, _ why: String) throws {
      guard value >= minimum else { throw ToolInputError("\(flag) must be ≥ \(minimum) (got \(value))\(why)") }
      guard value <= limit else { throw ToolInputError("\(flag) \(value) is above the limit of \(limit)") }
    }
    try count(r.steps, "--steps", atLeast: 0, "")
    try count(r.warmupSteps, "--warmup-steps", atLeast: 0, "")
    try count(r.decaySteps, "--decay-steps", atLeast: 0, "")
    try count(r.evalEvery, "--eval-every", atLeast: 0, "; 0 evaluates only at the end")
    try count(r.evalBatches, "--eval-batches", atLeast: 1, limit: maximumEvalBatches, "")
    guard r.learningRate > 0, r.learningRate.isFinite else {
      throw ToolInputError("--lr must be a positive finite number (got \(r.learningRate)); the lesson uses 3e-4")
    }
    guard r.minimumLearningRate >= 0, r.minimumLearningRate <= r.learningRate else {
      throw ToolInputError("--min-lr must be between 0 and --lr \(r.learningRate) (got \(r.minimumLearningRate))")
    }
    if r.schedule == .cosine {
      guard r.decaySteps > r.warmupSteps else {
        throw ToolInputError("--decay-steps \(r.decaySteps) must be above --warmup-steps \(r.warmupSteps): "
          + "the cosine runs between them")
      }
    }
    for (flag, beta) in [("--beta1", r.beta1), ("--beta2", r.beta2)] {
      guard beta >= 0, beta < 1 else { throw ToolInputError("\(flag) must be in [0, 1) (got \(beta)); AdamW uses 0.9 and 0.95") }
    }
    guard r.weightDecay >= 0, r.weightDecay.isFinite else {
      throw ToolInputError("--weight-decay must be ≥ 0 and finite (got \(r.weightDecay)); the lesson uses 0.1")
    }
    guard r.gradientClip >= 0, r.gradientClip.isFinite else {
      throw ToolInputError("--grad-clip must be ≥ 0 (got \(r.gradientClip)); 0 turns clipping off")
    }
  }

  /// Each given flag that would change a recorded recipe, described for the error that refuses it.
  func contradictions(of recorded: TrainingRecipe) -> [String] {
    var found: [String] = []
    func compare<T: Equatable>(_ flag: String, _ given: T?, _ kept: T) {
      if let given, given != kept { found.append("\(flag) \(given) (the run used \(kept))") }
    }
    compare("--seed", seed, recorded.seed)
    compare("--lr", learningRate, recorded.learningRate)
    compare("--schedule", schedule, recorded.schedule.rawValue)
    compare("--warmup-steps", warmupSteps, recorded.warmupSteps)
    compare("--min-lr", minimumLearningRate, recorded.minimumLearningRate)
    compare("--decay-steps", decaySteps, recorded.decaySteps)
    compare("--beta1", beta1, recorded.beta1)
    compare("--beta2", beta2, recorded.beta2)
    compare("--weight-decay", weightDecay, recorded.weightDecay)
    compare("--grad-clip", gradientClip, recorded.gradientClip)
    compare("--eval-every", evalEvery, recorded.evalEvery)
    compare("--eval-batches", evalBatches, recorded.evalBatches)
    return found
  }
}
