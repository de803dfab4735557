import Safetensors

/// The vocabulary as a JSON array of one-character strings, the form a checkpoint's metadata stores.
extension CharTokenizer {
  /// The vocabulary in id order as a compact JSON array, e.g. `["\n"," ","!","a"]`.
  ///
  /// Python reads it back with `json.loads`, giving the reference's `chars` list.
  public var vocabularyJSON: String {
    StrictJSON.array(characters.map { .string($0) }).serialized
  }

  /// Restores a tokenizer from ``vocabularyJSON``.
  ///
  /// - Throws: ``DataError/invalidVocabulary(_:)`` if the text is not a JSON array of
  ///   distinct one-scalar strings.
  public init(vocabularyJSON: String) throws {
    let parsed: StrictJSON
    do {
      parsed = try StrictJSON.parse(Array(vocabularyJSON.utf8)[...])
    } catch {
      throw DataError.invalidVocabulary("the stored vocabulary is not valid JSON (\(error))")
    }
    guard case .array(let elements) = parsed else {
      throw DataError.invalidVocabulary("the stored vocabulary is not a JSON array")
    }
    let entries = try elements.enumerated().map { index, element in
      guard case .string(let text) = element else {
        throw DataError.invalidVocabulary("entry \(index) of the stored vocabulary is not a string")
      }
      return text
    }
    try self.init(vocabulary: entries)
  }
}
