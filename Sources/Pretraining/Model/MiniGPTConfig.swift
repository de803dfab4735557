/// The shape of a MiniGPT: vocabulary, context, width, depth and heads.
public struct MiniGPTConfig: Sendable, Equatable, Hashable, Codable {
  /// Number of distinct tokens (V).
  public var vocabSize: Int
  /// Longest context the model attends over (T); also the number of position embeddings.
  public var contextLength: Int
  /// Width of the residual stream (d).
  public var embeddingSize: Int
  /// Number of transformer blocks (L).
  public var layerCount: Int
  /// Number of attention heads (h); must divide `embeddingSize`.
  public var headCount: Int

  /// Largest vocabulary accepted; token ids are Int32 and the head is V×d.
  public static let maximumVocabSize = 1 << 20
  /// Largest context accepted; attention caches B·h·T² probabilities.
  public static let maximumContextLength = 8192
  /// Largest width accepted.
  public static let maximumEmbeddingSize = 16384
  /// Largest depth accepted.
  public static let maximumLayerCount = 256

  /// Creates and validates a configuration.
  ///
  /// - Throws: ``MiniGPTConfigError`` naming the first invalid field.
  public init(vocabSize: Int, contextLength: Int, embeddingSize: Int, layerCount: Int, headCount: Int) throws {
    self.vocabSize = vocabSize
    self.contextLength = contextLength
    self.embeddingSize = embeddingSize
    self.layerCount = layerCount
    self.headCount = headCount
    try validate()
  }

  /// The lesson's model: d = 128, L = 4, h = 4, T = 64 (or `contextLength`), for the given vocabulary.
  public static func lesson(vocabSize: Int, contextLength: Int = 64) throws -> MiniGPTConfig {
    try MiniGPTConfig(vocabSize: vocabSize, contextLength: contextLength, embeddingSize: 128, layerCount: 4, headCount: 4)
  }

  /// Checks every field; decoded configurations should call this before use.
  public func validate() throws {
    if vocabSize < 2 { throw MiniGPTConfigError.vocabularyTooSmall(vocabSize) }
    if vocabSize > Self.maximumVocabSize {
      throw MiniGPTConfigError.vocabularyTooLarge(vocabSize, limit: Self.maximumVocabSize)
    }
    if contextLength < 1 || contextLength > Self.maximumContextLength {
      throw MiniGPTConfigError.outOfRange(field: "contextLength", value: contextLength, range: 1...Self.maximumContextLength)
    }
    if embeddingSize < 1 || embeddingSize > Self.maximumEmbeddingSize {
      throw MiniGPTConfigError.outOfRange(field: "embeddingSize", value: embeddingSize, range: 1...Self.maximumEmbeddingSize)
    }
    if layerCount < 1 || layerCount > Self.maximumLayerCount {
      throw MiniGPTConfigError.outOfRange(field: "layerCount", value: layerCount, range: 1...Self.maximumLayerCount)
    }
    if headCount < 1 || headCount > embeddingSize {
      throw MiniGPTConfigError.outOfRange(field: "headCount", value: headCount, range: 1...max(embeddingSize, 1))
    }
    if embeddingSize % headCount != 0 {
      throw MiniGPTConfigError.headsDoNotDivideWidth(embeddingSize: embeddingSize, headCount: headCount)
    }
  }

  /// Width of one attention head, d / h.
  public var headSize: Int { embeddingSize / headCount }

  /// Parameters in one block: 12d² + 13d (two LayerNorms, qkv, proj, fc, out, with biases).
  public var parametersPerBlock: Int { 12 * embeddingSize * embeddingSize + 13 * embeddingSize }

  /// All parameters, counting the tied token embedding / head matrix once: Vd + Td + L(12d² + 13d) + 2d.
  public var parameterCount: Int {
    (vocabSize + contextLength) * embeddingSize + layerCount * parametersPerBlock + 2 * embeddingSize
  }

  /// Parameters excluding both the token and the position embedding.
  public var nonEmbeddingParameterCount: Int {
    parameterCount - (vocabSize + contextLength) * embeddingSize
  }
}

/// Why a ``MiniGPTConfig`` is invalid.
public enum MiniGPTConfigError: Error, CustomStringConvertible, Equatable {
  case vocabularyTooSmall(Int)
  case vocabularyTooLarge(Int, limit: Int)
  case outOfRange(field: String, value: Int, range: ClosedRange<Int>)
  case headsDoNotDivideWidth(embeddingSize: Int, headCount: Int)

  public var description: String {
    switch self {
    case .vocabularyTooSmall(let v):
      return "vocabSize must be at least 2 (got \(v)): a model needs at least two tokens to predict between"
    case .vocabularyTooLarge(let v, let limit):
      return "vocabSize \(v) exceeds the limit of \(limit)"
    case .outOfRange(let field, let value, let range):
      return "\(field) must be in \(range.lowerBound)...\(range.upperBound) (got \(value))"
    case .headsDoNotDivideWidth(let d, let h):
      return "embeddingSize \(d) is not divisible by headCount \(h): each head needs d/h columns"
    }
  }
}
