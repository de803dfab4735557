import Foundation
import LessonKit
import Pretraining

// MARK: - A trained model, as the result cache keeps it

/// A trained MiniGPT and what its run recorded: the state a training step hands to later steps,
/// in the pretraining and the fine-tuning lesson alike.
///
/// The result cache stores every trained model in this one encoding: an 8-byte little-endian
/// length, the record as JSON, then the model's checkpoint as ``ModelCheckpoint/serialized()``
/// writes it. Decoding validates both (``ModelCheckpoint/init(bytes:)`` checks every tensor) and
/// throws on bad bytes, so a corrupt entry is recomputed, never used. A later run (a warm check,
/// a changed sampling temperature) reads the model back instead of training again.
public struct TrainedRun: CacheableState, Sendable {
  /// What the run recorded besides the weights.
  public struct Record: Codable, Equatable, Sendable, CacheableState {
    /// Training loss at every step.
    public var losses: [Float]
    /// (step, train loss, val loss) of every estimate, the last after the final step.
    public var evaluations: [[Float]]
    /// Windows (B) in the run's training batches.
    public var windowsPerStep: Int
    /// The run's options minus its length (schedule, AdamW, clip), so two runs can be compared.
    public var recipe: String
    /// The model's worker threads: its numerics are bitwise reproducible for a fixed count.
    public var threads: Int
  }

  /// The trained weights, config and vocabulary.
  public let checkpoint: ModelCheckpoint
  public let record: Record

  public init(_ model: MiniGPT, tokenizer: CharTokenizer, options: TrainingOptions, summary: TrainingSummary) throws {
    checkpoint = try ModelCheckpoint(model: model, tokenizer: tokenizer, step: summary.losses.count)
    record = Record(
      losses: summary.losses, evaluations: summary.evaluations.map { [Float($0.step), $0.train, $0.val] },
      windowsPerStep: summary.windowsPerStep, recipe: Self.recipe(options), threads: model.threads)
  }

  /// A fresh model holding the trained weights, on the run's thread count: each reader runs its own.
  public func makeModel() throws -> MiniGPT { try checkpoint.makeModel(threads: record.threads) }

  /// The last loss estimate (after the final step): train and val loss.
  public var finalLoss: (train: Float, val: Float) {
    guard let last = record.evaluations.last else { return (.nan, .nan) }
    return (last[1], last[2])
  }

  /// The options as a run of any length shares them: a warmup as a share of the run, not in steps.
  public static func recipe(_ o: TrainingOptions) -> String {
    let schedule: String
    switch o.schedule {
    case .constant(let rate): schedule = "lr \(rate) constant"
    case let .warmupCosine(peak, minimum, warmup, decay):
      schedule = "lr \(peak) → \(minimum), warmup \(Int((100 * Double(warmup) / Double(max(decay, 1))).rounded()))%"
    }
    return schedule + ", AdamW (\(o.optimizer.beta1), \(o.optimizer.beta2)), ε \(o.optimizer.epsilon), "
      + "wd \(o.optimizer.weightDecay), clip \(o.maxGradientNorm)"
  }

  public func cacheEncoded() throws -> Data {
    let record = try self.record.cacheEncoded()
    return withUnsafeBytes(of: UInt64(record.count).littleEndian) { Data($0) } + record + Data(try checkpoint.serialized())
  }

  public init(cacheEncoded data: Data) throws {
    let bytes = [UInt8](data)
    let length = bytes.count >= 8 ? bytes[..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) } : .max
    guard length <= UInt64(bytes.count - min(bytes.count, 8)) else {
      throw LessonBundleError.missing("a cached trained model is truncated")
    }
    let end = 8 + Int(length)
    record = try Record(cacheEncoded: Data(bytes[8 ..< end]))
    guard (1...64).contains(record.threads) else {
      throw LessonBundleError.missing("a cached trained model names \(record.threads) threads")
    }
    checkpoint = try ModelCheckpoint(bytes: Array(bytes[end...]))
  }
}
