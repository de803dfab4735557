/// What can go wrong turning text into tokens and batches; each message says what to do about it.
public enum DataError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The text is empty, so there is no vocabulary to build.
  case emptyText
  /// A corpus needs at least two tokens: one to read and one to predict.
  case corpusTooShort(tokens: Int)
  /// A scalar that the vocabulary does not contain; `offset` counts Unicode scalars from 0.
  case unknownCharacter(Unicode.Scalar, offset: Int, line: Int, column: Int)
  /// A vocabulary list that cannot be used (repeated or multi-scalar entries).
  case invalidVocabulary(String)
  /// The split holds too few tokens for windows of `context` tokens plus a shifted target.
  case splitTooShort(split: Split, tokens: Int, context: Int)
  /// Batch size or context length that is not positive.
  case invalidBatchShape(size: Int, context: Int)
  /// Sequential windows (and the last one's target) that would run past the end of their split.
  case windowsOutOfRange(split: Split, start: Int, size: Int, context: Int, tokens: Int)
  /// The corpus file could not be read.
  case unreadableFile(path: String, reason: String)
  /// The corpus file is not valid UTF-8.
  case invalidUTF8(path: String, byteOffset: Int)
  /// The corpus is larger than the reader accepts.
  case corpusTooLarge(path: String, limit: Int)

  public var description: String {
    switch self {
    case .emptyText:
      return "the text is empty: a character vocabulary needs at least one character"
    case .corpusTooShort(let tokens):
      return "the corpus has \(tokens) character\(tokens == 1 ? "" : "s"); it needs at least 2 (an input and the character that follows it)"
    case .unknownCharacter(let scalar, let offset, let line, let column):
      let code = "U+" + String(scalar.value, radix: 16, uppercase: true)
      return "unknown character \(CharTokenizer.visible(scalar)) (\(code)) at character \(offset) (line \(line), column \(column)): it is not in the vocabulary, which was built from the training corpus"
    case .invalidVocabulary(let reason):
      return "invalid vocabulary: \(reason)"
    case .splitTooShort(let split, let tokens, let context):
      return "the \(split.rawValue) split has \(tokens) tokens, too few for context \(context): random windows need at least context + 2 = \(context < Int.max - 2 ? String(context + 2) : "more") tokens; use a smaller --context or a longer corpus"
    case .invalidBatchShape(let size, let context):
      return "batch size (\(size)) and context length (\(context)) must both be at least 1"
    case .windowsOutOfRange(let split, let start, let size, let context, let tokens):
      return "\(size) consecutive windows of \(context) tokens from position \(start) need \(size) × \(context) + 1 tokens from \(start), but the \(split.rawValue) split has \(tokens) tokens"
    case .unreadableFile(let path, let reason):
      return "cannot read corpus \(path): \(reason)"
    case .invalidUTF8(let path, let byteOffset):
      return "corpus \(path) is not valid UTF-8 (first bad byte at offset \(byteOffset)); convert it to UTF-8 first"
    case .corpusTooLarge(let path, let limit):
      return "corpus \(path) is larger than \(limit / (1 << 30)) GiB, the most this tool reads; train on a part of it "
        + "(head -c 1G \(path) > part.txt)"
    }
  }
}
