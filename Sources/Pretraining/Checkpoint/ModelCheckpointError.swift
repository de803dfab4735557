/// Why a safetensors file is not a usable MiniGPT checkpoint (the file itself may be well formed).
///
/// Format-level damage (truncation, a header lying about sizes, a foreign file) is reported by
/// ``SafetensorsError``; these cases are about what the tensors and metadata mean for the model.
public enum ModelCheckpointError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A `__metadata__` entry the checkpoint needs is absent.
  case missingMetadata(key: String)
  /// A `__metadata__` entry that cannot be read.
  case invalidMetadata(key: String, reason: String)
  /// The stored vocabulary and the stored config disagree on V.
  case vocabularyDoesNotMatchConfig(vocabularyCount: Int, configVocabSize: Int)
  /// A stored `head.weight` that differs from `tok.weight`, although the model ties them.
  case untiedHead
  /// A tensor holding NaN or infinite values (a diverged run).
  case nonFiniteValues(tensor: String, count: Int)
  /// The checkpoint was trained on another vocabulary than the corpus given with it.
  case vocabularyMismatch(onlyInCheckpoint: [String], onlyInCorpus: [String], sameCharactersOtherOrder: Bool)
  /// The checkpoint's model shape differs from the one the caller expects.
  case configMismatch(expected: MiniGPTConfig, found: MiniGPTConfig)
  /// A negative step count was asked for when saving.
  case invalidStep(Int)

  public var description: String {
    switch self {
    case .missingMetadata(let key):
      return "not a lesson MiniGPT checkpoint: __metadata__ has no \"\(key)\" entry (a plain PyTorch state_dict "
        + "lacks the config and vocabulary; save it with `lesson train --out`)"
    case .invalidMetadata(let key, let reason):
      return "the checkpoint's __metadata__ \"\(key)\" is invalid: \(reason)"
    case .vocabularyDoesNotMatchConfig(let count, let v):
      return "the checkpoint's vocabulary has \(count) characters but its config says vocab_size \(v)"
    case .untiedHead:
      return "the checkpoint's head.weight differs from tok.weight, but this model ties them; "
        + "leave head.weight out or store the same values"
    case .nonFiniteValues(let tensor, let count):
      return "tensor \"\(tensor)\" holds \(count) NaN or infinite value\(count == 1 ? "" : "s"): "
        + "the checkpoint comes from a run that diverged"
    case .vocabularyMismatch(let onlyInCheckpoint, let onlyInCorpus, let reordered):
      if reordered {
        return "the checkpoint's vocabulary has the corpus's characters in another order, so token ids would mean different characters"
      }
      var parts: [String] = []
      if !onlyInCorpus.isEmpty { parts.append("the corpus has \(Self.list(onlyInCorpus)) which the checkpoint never saw") }
      if !onlyInCheckpoint.isEmpty { parts.append("the checkpoint has \(Self.list(onlyInCheckpoint)) which the corpus lacks") }
      return "the checkpoint was trained on another vocabulary: " + parts.joined(separator: "; ")
    case .configMismatch(let expected, let found):
      return "the checkpoint is a \(Self.shape(found)) model, but \(Self.shape(expected)) was expected"
    case .invalidStep(let step):
      return "a checkpoint's step must be ≥ 0 (got \(step))"
    }
  }

  /// At most eight characters, shown visibly (␣ for space), then a count of the rest.
  private static func list(_ characters: [String]) -> String {
    let shown = characters.prefix(8).map { text in
      text.unicodeScalars.first.map { "'" + CharTokenizer.visible($0) + "'" } ?? "''"
    }.joined(separator: " ")
    return characters.count > 8 ? shown + " and \(characters.count - 8) more" : shown
  }

  private static func shape(_ config: MiniGPTConfig) -> String {
    "V=\(config.vocabSize) T=\(config.contextLength) d=\(config.embeddingSize) L=\(config.layerCount) h=\(config.headCount)"
  }
}
