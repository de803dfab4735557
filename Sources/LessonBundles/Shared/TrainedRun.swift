import Foundation
import LessonKit
import Pretraining
import Safetensors

// MARK: - A trained model, as the result cache keeps it

/// A trained MiniGPT with its loss history: the state a training step hands to later steps.
///
/// The result cache stores it as a JSON header (history, thread count) followed by the model's
/// safetensors checkpoint, so a later run (a warm check, a changed sampling temperature) reads
/// the model back instead of training again. Decoding validates and throws on bad bytes.
struct TrainedRun: CacheableState {
  struct History: Codable, Equatable {
    var losses: [Float]
    /// (step, train loss, val loss) of every estimate, the last after the final step.
    var evaluations: [[Float]]
  }

  private struct Header: Codable {
    var history: History
    /// The model's worker threads: its numerics are bitwise reproducible for a fixed count.
    var threads: Int
  }

  var model: MiniGPT
  var history: History
  var tokenizer: CharTokenizer

  init(model: MiniGPT, history: History, tokenizer: CharTokenizer) {
    (self.model, self.history, self.tokenizer) = (model, history, tokenizer)
  }

  func cacheEncoded() throws -> Data {
    let header = try JSONEncoder().encode(Header(history: history, threads: model.threads))
    let weights = try ModelCheckpoint(model: model, tokenizer: tokenizer, step: history.losses.count).safetensors()
    return withUnsafeBytes(of: UInt64(header.count).littleEndian) { Data($0) } + header + Data(weights.serialized())
  }

  init(cacheEncoded data: Data) throws {
    let bytes = [UInt8](data)
    let length = bytes.count >= 8 ? bytes[..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) } : .max
    guard length <= UInt64(bytes.count - min(bytes.count, 8)) else {
      throw LessonBundleError.missing("a cached trained model is truncated")
    }
    let header = try JSONDecoder().decode(Header.self, from: Data(bytes[8 ..< 8 + Int(length)]))
    guard (1...64).contains(header.threads) else { throw LessonBundleError.missing("a cached trained model names \(header.threads) threads") }
    let checkpoint = try ModelCheckpoint(file: try SafetensorsFile(bytes: Array(bytes[(8 + Int(length))...])))
    (model, history, tokenizer) = (try checkpoint.makeModel(threads: header.threads), header.history, checkpoint.tokenizer)
  }
}
