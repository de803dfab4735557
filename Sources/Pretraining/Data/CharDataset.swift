import AtomicFiles
import Foundation

/// A character corpus split 90/10 into train and val, served as random windows for training.
///
/// It mirrors the PyTorch reference: `n = int(0.9 * len(data))`, train is `data[:n]`, val is
/// `data[n:]`, and a batch is B windows with uniformly random starts drawn with replacement.
public struct CharDataset: Sendable {
  /// The tokenizer whose ids the dataset holds.
  public let tokenizer: CharTokenizer
  /// The first 90% of the corpus.
  public let train: TokenStore
  /// The last 10% of the corpus.
  public let val: TokenStore

  // MARK: - Creating a dataset

  /// Encodes `text` and splits it 90/10.
  ///
  /// - Parameters:
  ///   - text: the corpus; at least two characters.
  ///   - tokenizer: the vocabulary to use; by default the sorted characters of `text`.
  /// - Throws: ``DataError/emptyText``, ``DataError/corpusTooShort(tokens:)``, or
  ///   ``DataError/unknownCharacter(_:offset:line:column:)`` when `tokenizer` lacks a character.
  public init(text: String, tokenizer: CharTokenizer? = nil) throws {
    let (vocabulary, ids) = try CorpusEncoder.encode(text: text, vocabulary: tokenizer)
    try self.init(tokenizer: vocabulary, ids: ids)
  }

  /// Reads a UTF-8 corpus (the CLI's `--corpus FILE`) and splits it 90/10, streaming: the text
  /// is never held whole, only its ids, in 2 bytes each for vocabularies up to 65,536 characters.
  ///
  /// `url` may name a regular file, a FIFO or a pipe (`/dev/stdin`), or be `-` for standard
  /// input; devices and directories are refused. Line endings are normalized as Python's text
  /// mode does ("\r\n" and a lone "\r" become "\n"), so the vocabulary matches the PyTorch
  /// reference reading the same file. Unlike the reference, which replaces undecodable bytes,
  /// invalid UTF-8 is an error.
  ///
  /// - Throws: ``DataError/unreadableFile(path:reason:)``, ``DataError/invalidUTF8(path:byteOffset:)``,
  ///   ``DataError/corpusTooLarge(path:limit:)`` and the errors of ``init(text:tokenizer:)``.
  public init(contentsOf url: URL, tokenizer: CharTokenizer? = nil) throws {
    let path = url.relativePath == CorpusEncoder.standardInput ? CorpusEncoder.standardInput : url.path
    let (vocabulary, ids) = try CorpusEncoder.encode(path: path, vocabulary: tokenizer)
    try self.init(tokenizer: vocabulary, ids: ids)
  }

  /// Splits `ids` 90/10 without copying them.
  private init(tokenizer: CharTokenizer, ids: TokenStore) throws {
    guard ids.count >= 2 else { throw DataError.corpusTooShort(tokens: ids.count) }
    // Int(0.9 * count) truncates exactly like Python's int(0.9 * len(data)).
    let trainCount = Int(0.9 * Double(ids.count))
    self.tokenizer = tokenizer
    self.train = TokenStore(ids.storage, range: 0..<trainCount)
    self.val = TokenStore(ids.storage, range: trainCount..<ids.count)
  }

  /// The text of a UTF-8 corpus file with Python-style newline normalization, for callers that
  /// need the characters themselves; only regular files up to 2 GiB are read.
  public static func readCorpus(at url: URL) throws -> String {
    switch FileKind.of(url.path) {
    case .regular(let size):
      guard size <= CorpusEncoder.maximumBytes else {
        throw DataError.corpusTooLarge(path: url.path, limit: CorpusEncoder.maximumBytes)
      }
    case .missing:
      throw DataError.unreadableFile(path: url.path, reason: "no such file")
    case let kind:
      throw DataError.unreadableFile(path: url.path, reason: "it is \(kind.phrase), not a text file")
    }
    let bytes: Data
    do {
      bytes = try Data(contentsOf: url)
    } catch {
      throw DataError.unreadableFile(path: url.path, reason: fileReadFailureReason(url, error))
    }
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw DataError.invalidUTF8(path: url.path, byteOffset: firstInvalidUTF8Offset(in: bytes))
    }
    return normalizingNewlines(text)
  }

  // MARK: - Splits

  /// The tokens of `split`.
  public func tokens(_ split: Split) -> TokenStore {
    split == .train ? train : val
  }

  /// Total number of tokens in both splits.
  public var count: Int { train.count + val.count }

  // MARK: - Batches

  /// B windows of T tokens at uniformly random starts (with replacement), targets shifted by one.
  ///
  /// Starts are drawn from `0 ..< len - T - 1`, the range of the reference's
  /// `torch.randint(0, len(d) - T - 1)`, so every window and its target fit in the split.
  ///
  /// - Throws: ``DataError/invalidBatchShape(size:context:)`` or ``DataError/splitTooShort(split:tokens:context:)``.
  public func batch(split: Split, size: Int, context: Int, using rng: inout SeededGenerator) throws -> TokenBatch {
    try checkShape(split: split, size: size, context: context)
    // lesson:begin get-batch
    let data = tokens(split)
    var inputs: [TokenID] = [], targets: [TokenID] = [], starts: [Int] = []
    for _ in 0..<size {
      let start = rng.uniformInt(below: data.count - context - 1)   // torch.randint(0, len(d) - T - 1)
      inputs += data[start ..< start + context]                     // x = d[i : i + T]
      targets += data[start + 1 ..< start + context + 1]            // y = d[i + 1 : i + T + 1]
      starts.append(start)
    }
    return TokenBatch(size: size, context: context, inputs: inputs, targets: targets, starts: starts)
    // lesson:end
  }

  /// Refills `batch` in place with fresh random windows of its own size and context.
  ///
  /// Draws exactly the starts ``batch(split:size:context:using:)`` would, without allocating
  /// once `batch` owns its storage, which keeps the training step allocation-free.
  public func fill(_ batch: inout TokenBatch, split: Split, using rng: inout SeededGenerator) throws {
    let size = batch.size, context = batch.context
    try checkShape(split: split, size: size, context: context)
    let data = tokens(split)
    let startBound = data.count &- context &- 1
    if batch.starts.count != size { batch.starts = [Int](repeating: 0, count: size) }
    if batch.inputs.count != size * context { batch.inputs = [TokenID](repeating: 0, count: size * context) }
    if batch.targets.count != size * context { batch.targets = [TokenID](repeating: 0, count: size * context) }
    data.withBuffer(
      narrow: { Self.copyWindows(from: $0, into: &batch, startBound: startBound, using: &rng) },
      wide: { Self.copyWindows(from: $0, into: &batch, startBound: startBound, using: &rng) })
  }

  /// The loop of `fill`, specialized for 2- and 4-byte token storage.
  private static func copyWindows<Stored: FixedWidthInteger>(
    from source: UnsafeBufferPointer<Stored>, into batch: inout TokenBatch, startBound: Int,
    using rng: inout SeededGenerator
  ) {
    let size = batch.size, context = batch.context
    batch.inputs.withUnsafeMutableBufferPointer { inputs in
      batch.targets.withUnsafeMutableBufferPointer { targets in
        batch.starts.withUnsafeMutableBufferPointer { starts in
          for row in 0..<size {
            let start = rng.uniformInt(below: startBound)
            starts[row] = start
            let rowBase = row &* context
            for t in 0..<context {
              inputs[rowBase &+ t] = TokenID(truncatingIfNeeded: source[start &+ t])
              targets[rowBase &+ t] = TokenID(truncatingIfNeeded: source[start &+ t &+ 1])
            }
          }
        }
      }
    }
  }

  /// B consecutive windows starting at `start`, `stride` tokens apart: what a sequential pass reads.
  ///
  /// Window b starts at `start + b * stride`. With the default stride of T the windows tile the
  /// text and a token is only ever seen at one offset; with a stride of 1 consecutive windows
  /// share all but one token. The lesson contrasts both with random windows.
  ///
  /// - Throws: ``DataError/windowsOutOfRange(split:start:size:context:tokens:)`` when a start is
  ///   negative or the last window's target would run past the split.
  public func sequentialBatch(
    split: Split, size: Int, context: Int, startingAt start: Int = 0, stride: Int? = nil
  ) throws -> TokenBatch {
    guard size >= 1, context >= 1 else { throw DataError.invalidBatchShape(size: size, context: context) }
    let step = stride ?? context
    guard step >= 1 else { throw DataError.invalidBatchShape(size: size, context: context) }
    let data = tokens(split)
    // Checked: hostile sizes must be refused, not overflow.
    let (span, spanOverflow) = (size - 1).multipliedReportingOverflow(by: step)
    let (end, endOverflow) = start.addingReportingOverflow(span &+ context &+ 1)
    guard start >= 0, !spanOverflow, !endOverflow, span <= Int.max - context - 1, end <= data.count else {
      throw DataError.windowsOutOfRange(split: split, start: start, size: size, context: context, tokens: data.count)
    }
    let starts = (0..<size).map { start + $0 * step }
    var inputs: [TokenID] = [], targets: [TokenID] = []
    inputs.reserveCapacity(size * context)
    targets.reserveCapacity(size * context)
    for s in starts {
      inputs += data[s ..< s + context]
      targets += data[s + 1 ..< s + context + 1]
    }
    return TokenBatch(size: size, context: context, inputs: inputs, targets: targets, starts: starts)
  }

  private func checkShape(split: Split, size: Int, context: Int) throws {
    guard size >= 1, context >= 1 else { throw DataError.invalidBatchShape(size: size, context: context) }
    let available = tokens(split).count
    // randint(0, len - T - 1) needs a non-empty range: len - T - 1 >= 1.
    guard available - context - 1 >= 1 else {
      throw DataError.splitTooShort(split: split, tokens: available, context: context)
    }
  }
}

// MARK: - Reading corpus files

extension CharDataset {
  /// Byte offset of the first ill-formed UTF-8 sequence.
  fileprivate static func firstInvalidUTF8Offset(in bytes: Data) -> Int {
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    var offset = 0
    while true {
      switch parser.parseScalar(from: &iterator) {
      case .valid(let encoded): offset += encoded.count
      case .error: return offset
      case .emptyInput: return offset
      }
    }
  }

  /// "\r\n" and lone "\r" become "\n", as Python's universal-newline text mode reads them.
  fileprivate static func normalizingNewlines(_ text: String) -> String {
    guard text.unicodeScalars.contains("\r") else { return text }
    var result = String.UnicodeScalarView()
    var previousWasCarriageReturn = false
    for scalar in text.unicodeScalars {
      if scalar == "\r" {
        result.append("\n")
        previousWasCarriageReturn = true
        continue
      }
      if !(scalar == "\n" && previousWasCarriageReturn) { result.append(scalar) }
      previousWasCarriageReturn = false
    }
    return String(result)
  }
}
