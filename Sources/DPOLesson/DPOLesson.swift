import Foundation
import LessonKit
import LessonWidgets
import Pretraining

// MARK: - The preference-optimization lesson's bundle

/// Steps of `Lessons/02_dpo.md`, written as an outside author would: on the public API of
/// LessonKit and Pretraining only.
///
/// The lesson trains a tiny MiniGPT the SFT way on a sloppy labeller's answers to single-digit
/// sums (the reference), then compares two ways of using preference pairs from it: fine-tuning
/// on the chosen responses alone, and DPO against the frozen reference. Every trained model is
/// cacheable state, so a warm check trains nothing and changing β retrains only the DPO runs.
public enum DPOLesson {
  public static let bundle = LessonBundle(name: "dpo") {
    preferenceData
    referenceModel
    supervisedBaseline
    preferenceOptimization
    betaSweep
  }

  // MARK: - Settings

  static let beta = Parameter.real(
    "beta", default: 1, in: 0.001...10, "DPO's β: the scale of the implicit reward β·log(π/π_ref), and how tightly the loss holds the policy to the reference")
  static let lowerBeta = Parameter.real("lower-beta", default: 0.1, in: 0.0001...10, "the middle β of the comparison of β values")
  static let lowestBeta = Parameter.real("lowest-beta", default: 0.01, in: 0.0001...10, "the smallest β of the comparison of β values")
  static let referenceSteps = Parameter.integer(
    "reference-steps", default: 3_000, in: 1...20_000, "optimizer steps of the reference's supervised fine-tuning")
  static let preferenceSteps = Parameter.integer(
    "preference-steps", default: 300, in: 1...20_000, "optimizer steps of every run from the reference (SFT on chosen, each DPO run)")
  static let learningRate = Parameter.real("lr", default: 3e-3, in: 1e-5...1e-1, "peak learning rate of the reference's fine-tuning")
  static let preferenceLearningRate = Parameter.real(
    "preference-lr", default: 3e-5, in: 1e-6...1e-1, "peak learning rate of every run from the reference (SFT on chosen, each DPO run)")
  static let heldOutCount = Parameter.integer(
    "held-out", default: 20, in: 1...50, "questions whose preference pairs no run trains on")

  /// Rows per batch: 32 demonstrations, or 16 preference pairs (their 16 chosen and 16 rejected responses).
  static let batchRows = 32
  /// Worker threads for every model; results are bitwise reproducible for a fixed count.
  static let threads = 2

  /// The model: tiny, so that the whole lesson trains in seconds.
  static func modelConfig(vocabSize: Int) throws -> MiniGPTConfig {
    try MiniGPTConfig(vocabSize: vocabSize, contextLength: 8, embeddingSize: 48, layerCount: 2, headCount: 4)
  }

  // MARK: - Shared state

  static let dataKey = StateKey<PreferenceData>("dpo.data")
  static let referenceKey = StateKey<TrainedPolicy>("dpo.reference")
  static let supervisedKey = StateKey<TrainedPolicy>("dpo.sft-on-chosen")
  static let optimizedKey = StateKey<TrainedPolicy>("dpo.policy")

  // MARK: - The one way every model here is trained

  // lesson:begin dpo-train-function
  static func train(
    _ model: MiniGPT, steps: Int, peak: Double, objective: TrainingObjective? = nil, phase: String, in context: StepContext,
    batches: @escaping BatchSource
  ) throws -> TrainingSummary {
    let schedule = LearningRateSchedule.warmupCosine(peak: Float(peak), minimum: Float(peak) / 10, warmupSteps: steps / 20, decaySteps: steps)
    let options = TrainingOptions(steps: steps, schedule: schedule, seed: context.seed)   // AdamW, clip 1.0
    let trainer = try Trainer(model: model, options: options, objective: objective)      // nil: next-token loss
    let view = TrainingProgressView(total: steps, label: phase, context: context)       // loss chart + progress line
    defer { view.finish() }
    return try trainer.run(nextBatch: batches) { view.report($0) }
  }
  // lesson:end
}

/// A trained model, stored by the result cache as its checkpoint's safetensors bytes; reading
/// them back validates every byte.
struct TrainedPolicy: CacheableState {
  var checkpoint: ModelCheckpoint

  init(_ model: MiniGPT, tokenizer: CharTokenizer, steps: Int) throws {
    checkpoint = try ModelCheckpoint(model: model, tokenizer: tokenizer, step: steps)
  }

  /// A fresh copy of the weights: each reader gets its own model to run.
  func makeModel() throws -> MiniGPT { try checkpoint.makeModel(threads: DPOLesson.threads) }

  func cacheEncoded() throws -> Data { Data(try checkpoint.serialized()) }
  init(cacheEncoded data: Data) throws { checkpoint = try ModelCheckpoint(bytes: [UInt8](data)) }
}
