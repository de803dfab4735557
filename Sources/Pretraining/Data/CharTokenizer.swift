import AtomicFiles

/// A character-level tokenizer: one token per Unicode scalar, vocabulary sorted by scalar value.
///
/// "Character" here means a Unicode scalar (a code point), not a Swift `Character` (a grapheme
/// cluster). That is what Python's `sorted(set(text))` iterates over, so a corpus gets exactly the
/// vocabulary, and the ids, of the PyTorch reference: "e\u{301}" is two tokens in both, and
/// "\r\n" is two tokens ("\r", "\n") rather than one grapheme.
public struct CharTokenizer: Sendable, Equatable {
  /// The vocabulary in id order: `scalars[id]` is the scalar that token `id` stands for.
  public let scalars: [Unicode.Scalar]
  /// Id of every scalar below 128, or -1; ASCII text encodes without hashing.
  private let asciiIDs: [TokenID]
  /// Id of every scalar in the vocabulary.
  private let idsByScalar: [Unicode.Scalar: TokenID]

  // MARK: - Creating a tokenizer

  /// Creates the tokenizer whose vocabulary is the sorted set of scalars in `text`.
  ///
  /// - Throws: ``DataError/emptyText`` when `text` is empty (a vocabulary needs one symbol).
  public init(text: String) throws {
    let unique = Set(text.unicodeScalars)
    guard !unique.isEmpty else { throw DataError.emptyText }
    try self.init(scalars: unique.sorted { $0.value < $1.value })
  }

  /// Creates a tokenizer from an explicit vocabulary, kept in the given order (e.g. from a checkpoint).
  ///
  /// - Parameter vocabulary: one string per token, each exactly one Unicode scalar, no repeats.
  /// - Throws: ``DataError/invalidVocabulary(_:)`` naming the offending entry.
  public init(vocabulary: [String]) throws {
    var scalars: [Unicode.Scalar] = []
    scalars.reserveCapacity(vocabulary.count)
    for (index, entry) in vocabulary.enumerated() {
      let entryScalars = Array(entry.unicodeScalars)
      guard entryScalars.count == 1 else {
        throw DataError.invalidVocabulary(
          "entry \(index) (\(excerpt(entry.debugDescription))) has \(entryScalars.count) Unicode scalars; each token must be exactly one")
      }
      scalars.append(entryScalars[0])
    }
    try self.init(scalars: scalars)
  }

  /// Creates a tokenizer from scalars in id order.
  public init(scalars: [Unicode.Scalar]) throws {
    guard !scalars.isEmpty else { throw DataError.invalidVocabulary("the vocabulary is empty") }
    guard scalars.count <= Int(Int32.max) else { throw DataError.invalidVocabulary("more than 2^31 tokens") }
    var ascii = [TokenID](repeating: -1, count: 128)
    var byScalar: [Unicode.Scalar: TokenID] = [:]
    byScalar.reserveCapacity(scalars.count)
    for (index, scalar) in scalars.enumerated() {
      let id = TokenID(index)
      if let earlier = byScalar.updateValue(id, forKey: scalar) {
        throw DataError.invalidVocabulary(
          "\(Self.visible(scalar)) appears twice (ids \(earlier) and \(id))")
      }
      if scalar.value < 128 { ascii[Int(scalar.value)] = id }
    }
    self.scalars = scalars
    self.asciiIDs = ascii
    self.idsByScalar = byScalar
  }

  // MARK: - Vocabulary

  /// Number of distinct tokens (V).
  public var vocabularySize: Int { scalars.count }

  /// The vocabulary as one-scalar strings, in id order (what a checkpoint stores).
  public var characters: [String] { scalars.map { String($0) } }

  /// The id of `scalar`, or nil when it is not in the vocabulary.
  public func id(of scalar: Unicode.Scalar) -> TokenID? {
    if scalar.value < 128 {
      let id = asciiIDs[Int(scalar.value)]
      return id >= 0 ? id : nil
    }
    return idsByScalar[scalar]
  }

  /// A printable rendering of token `id`: "␣" for space, "⏎" for newline, "⇥" for tab,
  /// "U+XXXX" for other invisible scalars, "<id?>" for an id outside the vocabulary.
  public func visible(_ id: TokenID) -> String {
    guard id >= 0, Int(id) < scalars.count else { return "<\(id)?>" }
    return Self.visible(scalars[Int(id)])
  }

  /// Tokens as one printable string, each rendered by ``visible(_:)-(TokenID)``.
  public func visibleText(_ ids: some Sequence<TokenID>) -> String {
    ids.map { visible($0) }.joined()
  }

  /// A printable rendering of one scalar (see ``visible(_:)-(TokenID)``).
  public static func visible(_ scalar: Unicode.Scalar) -> String {
    switch scalar {
    case " ": return "␣"
    case "\n": return "⏎"
    case "\t": return "⇥"
    case "\r": return "␍"
    default:
      let properties = scalar.properties
      let invisible = properties.generalCategory == .control || properties.generalCategory == .format
        || properties.isWhitespace
      return invisible ? "U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4) : String(scalar)
    }
  }

  // MARK: - Encoding and decoding

  /// Token ids of `text`, one per Unicode scalar.
  ///
  /// - Throws: ``DataError/unknownCharacter(_:offset:line:column:)`` for the first scalar that is
  ///   not in the vocabulary, with its scalar offset and 1-based line and column.
  public func encode(_ text: String) throws -> [TokenID] {
    var ids: [TokenID] = []
    ids.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      guard let id = id(of: scalar) else { throw unknownCharacterError(scalar, in: text, at: ids.count) }
      ids.append(id)
    }
    return ids
  }

  /// The text that `ids` stand for; an id outside the vocabulary decodes to U+FFFD "�".
  ///
  /// Models only emit ids in `0 ..< vocabularySize`, so the replacement character marks a bug
  /// upstream without crashing a lesson that prints the text.
  public func decode<Tokens: Sequence>(_ ids: Tokens) -> String where Tokens.Element == TokenID {
    var scalarView = String.UnicodeScalarView()
    for id in ids {
      scalarView.append(id >= 0 && Int(id) < scalars.count ? scalars[Int(id)] : "\u{FFFD}")
    }
    return String(scalarView)
  }

  private func unknownCharacterError(_ scalar: Unicode.Scalar, in text: String, at offset: Int) -> DataError {
    var line = 1
    var column = 1
    for previous in text.unicodeScalars.prefix(offset) {
      if previous == "\n" {
        line += 1
        column = 1
      } else {
        column += 1
      }
    }
    return .unknownCharacter(scalar, offset: offset, line: line, column: column)
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}
