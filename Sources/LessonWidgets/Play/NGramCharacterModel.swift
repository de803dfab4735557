import Foundation
import LessonKit
import Pretraining

// MARK: - N-gram models for `lesson play`

/// A character n-gram model seen through LessonKit's `NextCharacterModel`.
///
/// The protocol lives in LessonKit (which knows no numeric code) and the conformances here,
/// where both libraries are visible; a trained MiniGPT joins `lesson play` the same way.
public struct NGramCharacterModel: NextCharacterModel {
  public let name: String
  public let summary: String
  public let vocabulary: [Unicode.Scalar]
  let model: NGramModel
  let tokenizer: CharTokenizer

  /// Counts the n-grams of `corpus`'s training split, as the pretraining lesson counts them, so
  /// the bars `lesson play` draws after "To be" are the probabilities the lesson prints.
  ///
  /// - Throws: `NGramError` or `DataError` for an empty corpus or a bad order.
  public init(order: Int, corpus: String, corpusName: String) throws {
    let data = try CharDataset(text: corpus)
    let tokenizer = data.tokenizer
    let model = try NGramModel(order: order, dataset: data)
    self.tokenizer = tokenizer
    self.model = model
    self.vocabulary = tokenizer.scalars
    self.name = order == 2 ? "bigram" : order == 3 ? "trigram" : order == 1 ? "unigram" : "\(order)-gram"
    self.summary = "n-gram of order \(order) (\(order - 1) character\(order == 2 ? "" : "s") of context), "
      + "add-\(ClaimComparison.format(model.smoothing)) smoothing, \(tokenizer.vocabularySize) characters, counted on the training split of \(corpusName)"
  }

  public func distribution(after prefix: [Unicode.Scalar]) throws -> [Double] {
    // Only the last order − 1 characters matter to an n-gram model.
    let context = prefix.suffix(max(0, model.order - 1))
    let ids = try tokenizer.encode(String(String.UnicodeScalarView(context)))
    return try model.distribution(after: ids)
  }
}

/// The models and presets `lesson play` offers.
public enum PlayModels {
  /// Prompts to start from: the two from the lesson and famous openings found in the corpus.
  public static let presets = [
    "To be", "What is", "Now is the winter", "Friends, Romans", "All the world", "If music be",
    "Shall I compare", "O Romeo", "Thou art",
  ]

  /// The models `options` ask for: the n-grams of `--corpus` (read strictly, as `lesson train`
  /// reads it) or of the embedded Shakespeare, and the `--checkpoint` MiniGPT when given.
  public static func make(_ options: PlayOptions) throws -> [any NextCharacterModel] {
    var models: [any NextCharacterModel]
    if let path = options.corpus {
      let url = URL(fileURLWithPath: path)
      models = try ngrams(corpus: try CharDataset.readCorpus(at: url), corpusName: url.lastPathComponent)
    } else {
      models = try ngrams()
    }
    if let checkpoint = options.checkpoint {
      models.append(try MiniGPTCharacterModel(checkpoint: URL(fileURLWithPath: checkpoint)))
    }
    return models
  }

  /// The bigram and trigram models of `corpus` (the embedded Shakespeare when `nil`).
  public static func ngrams(corpus: String? = nil, corpusName: String? = nil) throws -> [any NextCharacterModel] {
    let text = corpus ?? Corpus.shakespeare
    let name = corpusName ?? (corpus == nil ? "Shakespeare" : "the corpus")
    return [
      try NGramCharacterModel(order: 2, corpus: text, corpusName: name),
      try NGramCharacterModel(order: 3, corpus: text, corpusName: name),
    ]
  }
}
