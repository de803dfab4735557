import Foundation
import LessonKit
import Pretraining

// MARK: - A trained MiniGPT for `lesson play`

/// A MiniGPT checkpoint seen through LessonKit's `NextCharacterModel`.
///
/// The widget asks for one distribution per key press from a single thread, so the model
/// (a class with preallocated buffers) is never shared across threads.
public final class MiniGPTCharacterModel: NextCharacterModel, @unchecked Sendable {
  public let name = "minigpt"
  public let summary: String
  public let vocabulary: [Unicode.Scalar]
  private let model: MiniGPT
  private let tokenizer: CharTokenizer

  /// Loads a checkpoint written by `lesson train --out`.
  ///
  /// - Throws: `ModelCheckpointError` or `SafetensorsError` naming what is wrong with the file.
  public init(checkpoint url: URL) throws {
    let checkpoint = try ModelCheckpoint.read(from: url)
    model = try checkpoint.makeModel(threads: 1)
    tokenizer = checkpoint.tokenizer
    vocabulary = tokenizer.scalars
    let c = checkpoint.config
    summary = "MiniGPT d=\(c.embeddingSize), L=\(c.layerCount), h=\(c.headCount), T=\(c.contextLength), "
      + "\(c.vocabSize) characters, trained \(checkpoint.step) steps (\(url.lastPathComponent))"
  }

  public func distribution(after prefix: [Unicode.Scalar]) throws -> [Double] {
    // With no prompt yet, condition on a line break: every passage of a corpus starts after one.
    let context = prefix.isEmpty ? ["\n"] : Array(prefix.suffix(model.config.contextLength))
    guard let ids = try? tokenizer.encode(String(String.UnicodeScalarView(context))) else {
      return [Double](repeating: 1 / Double(vocabulary.count), count: vocabulary.count)
    }
    return try model.nextTokenProbabilities(after: ids).map(Double.init)
  }
}
