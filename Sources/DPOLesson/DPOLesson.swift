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
/// on the chosen responses alone, and DPO against the frozen reference. It does all of this in
/// several independent runs (each its own seed, held-out questions and models) and claims only
/// what holds over them: models this small land in visibly different places from one seed to the
/// next, and even from one BLAS kernel's rounding to another's, so a figure of one run is an
/// anecdote. Every trained model is cacheable state, so a warm check trains nothing and
/// changing β retrains only the DPO runs.
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
    "held-out", default: 20, in: 1...50, "questions per run whose preference pairs none of the run's models trains on")
  static let runCount = Parameter.integer(
    "runs", default: 8, in: 1...32, "independent runs, seeded from the lesson seed on; each draws its own held-out questions and trains its own models")

  /// Rows per batch: 32 demonstrations, or 16 preference pairs (their 16 chosen and 16 rejected responses).
  static let batchRows = 32
  /// Worker threads for every model; results are bitwise reproducible for a fixed count.
  static let threads = 2

  /// The model: tiny, so that the whole lesson trains in seconds.
  static func modelConfig(vocabSize: Int) throws -> MiniGPTConfig {
    try MiniGPTConfig(vocabSize: vocabSize, contextLength: 8, embeddingSize: 48, layerCount: 2, headCount: 4)
  }

  // MARK: - Shared state

  /// One entry per run, in run order, in every key.
  static let dataKey = StateKey<[PreferenceData]>("dpo.data")
  static let referenceKey = StateKey<TrainedPolicies>("dpo.reference")
  static let supervisedKey = StateKey<TrainedPolicies>("dpo.sft-on-chosen")
  static let optimizedKey = StateKey<TrainedPolicies>("dpo.policy")

  // MARK: - The one way every model here is trained

  // lesson:begin dpo-train-function
  static func train(
    _ model: MiniGPT, steps: Int, peak: Double, objective: TrainingObjective? = nil, seed: UInt64, phase: String, in context: StepContext,
    batches: @escaping BatchSource
  ) throws -> TrainingSummary {
    let schedule = LearningRateSchedule.warmupCosine(peak: Float(peak), minimum: Float(peak) / 10, warmupSteps: steps / 20, decaySteps: steps)
    let options = TrainingOptions(steps: steps, schedule: schedule, seed: seed)          // AdamW, clip 1.0
    let trainer = try Trainer(model: model, options: options, objective: objective)      // nil: next-token loss
    let view = TrainingProgressView(total: steps, label: phase, context: context)       // loss chart + progress line
    defer { view.finish() }
    return try trainer.run(nextBatch: batches) { view.report($0) }
  }
  // lesson:end
}

/// A trained model, as its checkpoint.
struct TrainedPolicy {
  var checkpoint: ModelCheckpoint

  init(_ model: MiniGPT, tokenizer: CharTokenizer, steps: Int) throws {
    checkpoint = try ModelCheckpoint(model: model, tokenizer: tokenizer, step: steps)
  }

  init(checkpoint: ModelCheckpoint) { self.checkpoint = checkpoint }

  /// A fresh copy of the weights: each reader gets its own model to run.
  func makeModel() throws -> MiniGPT { try checkpoint.makeModel(threads: DPOLesson.threads) }
}

/// One trained model per run, stored by the result cache as a count, then each checkpoint's
/// safetensors bytes after their length (little-endian UInt64s). Reading them back validates
/// every length against the bytes left before reading, and every checkpoint byte.
struct TrainedPolicies: CacheableState {
  var runs: [TrainedPolicy]

  init(_ runs: [TrainedPolicy]) { self.runs = runs }

  subscript(run run: Int) -> TrainedPolicy { runs[run] }

  func cacheEncoded() throws -> Data {
    var data = Data()
    func append(_ value: Int) { withUnsafeBytes(of: UInt64(value).littleEndian) { data.append(contentsOf: $0) } }
    append(runs.count)
    for run in runs {
      let bytes = try run.checkpoint.serialized()
      append(bytes.count)
      data.append(contentsOf: bytes)
    }
    return data
  }

  init(cacheEncoded data: Data) throws {
    let bytes = [UInt8](data)
    var offset = 0
    func readLength() throws -> Int {
      guard bytes.count - offset >= 8 else { throw CacheEncodingError.truncated }
      let value = bytes[offset..<(offset + 8)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
      offset += 8
      guard value <= UInt64(bytes.count - offset) else { throw CacheEncodingError.truncated }
      return Int(value)
    }
    let count = try readLength()   // at most the bytes left: every run needs at least its length
    var runs: [TrainedPolicy] = []
    for _ in 0..<count {
      let length = try readLength()
      runs.append(TrainedPolicy(checkpoint: try ModelCheckpoint(bytes: Array(bytes[offset..<(offset + length)]))))
      offset += length
    }
    guard offset == bytes.count else { throw CacheEncodingError.trailingBytes }
    self.runs = runs
  }

  /// Why stored runs could not be read back.
  enum CacheEncodingError: Error, CustomStringConvertible {
    case truncated, trailingBytes
    var description: String {
      self == .truncated ? "the stored runs end before their declared lengths" : "the stored runs have bytes after the last one"
    }
  }
}
