import Foundation
import LessonKit
import Pretraining
import Safetensors

/// A trained model and what its run recorded, stored by the result cache as one safetensors
/// checkpoint whose metadata also carries the record; reading it back validates every byte.
struct TrainedModel: CacheableState {
  /// Loss per step, the final estimate, rows of the last forward pass, and the options minus the run's length.
  struct Record: Codable, Equatable {
    var losses: [Float], trainLoss: Float, valLoss: Float, batchRows: Int, recipe: String
  }
  static let recordKey = "lesson.sft.run"
  var checkpoint: ModelCheckpoint
  var record: Record

  init(_ model: MiniGPT, _ tokenizer: CharTokenizer, options o: TrainingOptions, summary: TrainingSummary) throws {
    guard let last = summary.evaluations.last, case let .warmupCosine(peak, minimum, warmup, decay) = o.schedule else {
      throw LessonBundleError.missing("a warmup-cosine run with a final loss estimate")
    }
    let recipe = "lr \(peak) → \(minimum), warmup \(Int((100 * Double(warmup) / Double(max(decay, 1))).rounded()))%, "
      + "AdamW (\(o.optimizer.beta1), \(o.optimizer.beta2)), ε \(o.optimizer.epsilon), wd \(o.optimizer.weightDecay), clip \(o.maxGradientNorm)"
    checkpoint = try ModelCheckpoint(model: model, tokenizer: tokenizer, step: summary.losses.count)
    record = Record(losses: summary.losses, trainLoss: last.train, valLoss: last.val, batchRows: model.batchSize, recipe: recipe)
  }

  /// A fresh model holding these weights: each reader gets its own copy to run.
  func makeModel() throws -> MiniGPT { try checkpoint.makeModel(threads: SFTLesson.trainingThreads) }

  func cacheEncoded() throws -> Data {
    let file = try checkpoint.safetensors()
    let record = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
    return Data(try SafetensorsFile(tensors: file.tensors, metadata: file.metadata.merging([Self.recordKey: record]) { $1 }).serialized())
  }

  init(cacheEncoded data: Data) throws {
    let file = try SafetensorsFile(bytes: [UInt8](data))
    guard let record = file.metadata[Self.recordKey] else { throw ModelCheckpointError.missingMetadata(key: Self.recordKey) }
    checkpoint = try ModelCheckpoint(file: file)
    self.record = try JSONDecoder().decode(Record.self, from: Data(record.utf8))
  }
}
