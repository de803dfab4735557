import AtomicFiles
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - Streaming tokenization

/// Turns UTF-8 bytes, fed in chunks, into token ids without ever holding the text as a `String`.
///
/// Reading a corpus used to keep the file's bytes, a `String` of them, a newline-normalized copy,
/// the ids as `[Int32]` and then train and val copies alive together: about 9× the file. Here
/// only a 1 MiB read buffer and the ids (2 bytes each, see ``TokenStore``) are held.
///
/// Without a fixed vocabulary, ids are handed out in order of first appearance and renumbered
/// once at the end into the sorted order `CharTokenizer(text:)` (Python's `sorted(set(text))`)
/// gives, so the result is exactly the one the whole-text path gave.
struct CorpusEncoder {
  /// The largest corpus read, in bytes (2 GiB): beyond it an endless pipe (`yes |`) would only
  /// end when memory does.
  static let maximumBytes = 1 << 31

  private let name: String
  private let vocabulary: CharTokenizer?
  private let normalizesNewlines: Bool

  private var narrow: [UInt16] = []
  private var wideIDs: [UInt32] = []
  private var isWide = false
  /// First-appearance ids, when building the vocabulary.
  private var asciiIDs = [TokenID](repeating: -1, count: 128)
  private var otherIDs: [Unicode.Scalar: TokenID] = [:]
  private var seen: [Unicode.Scalar] = []
  /// The bytes of a UTF-8 sequence cut by the end of a chunk.
  private var carried: [UInt8] = []
  private var bytesRead = 0
  /// The stream offset of index 0 of the bytes being decoded, for messages.
  private var offsetBase = 0
  private var previousWasCarriageReturn = false
  private var line = 1
  private var column = 1

  /// - Parameters:
  ///   - name: the corpus's path (or "standard input"), for messages.
  ///   - vocabulary: a fixed vocabulary to encode with; `nil` builds one from the text.
  ///   - normalizesNewlines: turn "\r\n" and lone "\r" into "\n", as Python's text mode reads files.
  init(name: String, vocabulary: CharTokenizer?, normalizesNewlines: Bool) {
    self.name = name
    self.vocabulary = vocabulary
    self.normalizesNewlines = normalizesNewlines
  }

  /// Reserves room for about `bytes` tokens (a regular file's size bounds its scalar count).
  mutating func reserve(bytes: Int) {
    narrow.reserveCapacity(min(bytes, Self.maximumBytes))
  }

  /// Encodes the next chunk of the byte stream.
  mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>) throws {
    guard chunk.count <= Self.maximumBytes - bytesRead else {
      throw DataError.corpusTooLarge(path: name, limit: Self.maximumBytes)
    }
    defer { bytesRead += chunk.count }
    var start = 0
    if !carried.isEmpty {
      // Complete the sequence the last chunk cut, one byte at a time (at most three).
      let fromPrevious = carried.count
      while start < chunk.count, carried.count < Self.sequenceLength(carried[0]) {
        carried.append(chunk[start])
        start += 1
      }
      guard carried.count == Self.sequenceLength(carried[0]) else { return }
      let sequence = carried
      carried = []
      offsetBase = bytesRead - fromPrevious
      try sequence.withUnsafeBufferPointer { try decode($0, from: 0, isLast: true) }
    }
    offsetBase = bytesRead
    try decode(chunk, from: start, isLast: false)
  }

  /// Ends the stream: the vocabulary (built or fixed) and every id.
  mutating func finish() throws -> (CharTokenizer, TokenStore) {
    guard carried.isEmpty else {
      throw DataError.invalidUTF8(path: name, byteOffset: bytesRead - carried.count)
    }
    let count = isWide ? wideIDs.count : narrow.count
    if let vocabulary { return (vocabulary, makeStore(count: count)) }
    guard !seen.isEmpty else { throw DataError.emptyText }
    let sorted = seen.sorted { $0.value < $1.value }
    let tokenizer = try CharTokenizer(scalars: sorted)
    // Renumber first-appearance ids into sorted order, in place.
    var final = [UInt32](repeating: 0, count: seen.count)
    for (provisional, scalar) in seen.enumerated() { final[provisional] = UInt32(tokenizer.id(of: scalar) ?? 0) }
    if isWide {
      wideIDs.withUnsafeMutableBufferPointer { ids in
        for i in ids.indices { ids[i] = final[Int(ids[i])] }
      }
    } else {
      narrow.withUnsafeMutableBufferPointer { ids in
        for i in ids.indices { ids[i] = UInt16(truncatingIfNeeded: final[Int(ids[i])]) }
      }
    }
    return (tokenizer, makeStore(count: count))
  }

  private func makeStore(count: Int) -> TokenStore {
    TokenStore(isWide ? .wide(wideIDs) : .narrow(narrow), range: 0..<count)
  }

  // MARK: - UTF-8

  /// The length a sequence starting with `lead` has (1 for a byte that cannot start one: the
  /// decoder then reports it).
  private static func sequenceLength(_ lead: UInt8) -> Int {
    switch lead {
    case 0xC2...0xDF: return 2
    case 0xE0...0xEF: return 3
    case 0xF0...0xF4: return 4
    default: return 1
    }
  }

  /// Decodes `bytes[start...]`, validating as strictly as `String(validating:)` (no overlongs,
  /// surrogates or values above U+10FFFF). A sequence cut by the end is carried unless `isLast`.
  private mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, isLast: Bool) throws {
    var i = start
    let end = bytes.count
    while i < end {
      let lead = bytes[i]
      if lead < 0x80 {
        try append(Unicode.Scalar(lead))
        i += 1
        continue
      }
      let length = Self.sequenceLength(lead)
      guard length > 1 else { throw invalid(at: i) }
      guard i + length <= end else {
        // Cut by the chunk's end: keep it if what there is could still be valid.
        for j in (i + 1)..<end where !Self.isContinuation(bytes[j], at: j - i, lead: lead) { throw invalid(at: i) }
        if isLast { throw invalid(at: i) }
        carried = Array(bytes[i..<end])
        return
      }
      var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
      for k in 1..<length {
        let byte = bytes[i + k]
        guard Self.isContinuation(byte, at: k, lead: lead) else { throw invalid(at: i) }
        value = value << 6 | UInt32(byte & 0x3F)
      }
      guard let scalar = Unicode.Scalar(value) else { throw invalid(at: i) }
      try append(scalar)
      i += length
    }
  }

  /// Whether `byte` may stand at position `k` (1...3) of a sequence led by `lead`.
  private static func isContinuation(_ byte: UInt8, at k: Int, lead: UInt8) -> Bool {
    guard byte & 0xC0 == 0x80 else { return false }
    guard k == 1 else { return true }
    switch lead {
    case 0xE0: return byte >= 0xA0  // no overlong three-byte forms
    case 0xED: return byte < 0xA0  // no surrogates
    case 0xF0: return byte >= 0x90  // no overlong four-byte forms
    case 0xF4: return byte < 0x90  // nothing above U+10FFFF
    default: return true
    }
  }

  private func invalid(at offset: Int) -> DataError {
    .invalidUTF8(path: name, byteOffset: offsetBase + offset)
  }

  // MARK: - Ids

  private mutating func append(_ decoded: Unicode.Scalar) throws {
    var scalar = decoded
    if normalizesNewlines {
      if scalar == "\r" {
        previousWasCarriageReturn = true
        scalar = "\n"
      } else {
        defer { previousWasCarriageReturn = false }
        if scalar == "\n" && previousWasCarriageReturn { return }
      }
    }
    let id: TokenID
    if let vocabulary {
      guard let known = vocabulary.id(of: scalar) else {
        throw DataError.unknownCharacter(scalar, offset: isWide ? wideIDs.count : narrow.count, line: line, column: column)
      }
      id = known
      if scalar == "\n" {
        line += 1
        column = 1
      } else {
        column += 1
      }
    } else {
      id = firstAppearanceID(scalar)
    }
    if isWide {
      wideIDs.append(UInt32(id))
    } else if id <= TokenID(UInt16.max) {
      narrow.append(UInt16(truncatingIfNeeded: id))
    } else {
      // More than 65,536 distinct characters: 4 bytes per token from here on.
      wideIDs = narrow.map(UInt32.init)
      narrow = []
      isWide = true
      wideIDs.append(UInt32(id))
    }
  }

  private mutating func firstAppearanceID(_ scalar: Unicode.Scalar) -> TokenID {
    if scalar.value < 128 {
      let known = asciiIDs[Int(scalar.value)]
      if known >= 0 { return known }
      let id = TokenID(seen.count)
      asciiIDs[Int(scalar.value)] = id
      seen.append(scalar)
      return id
    }
    if let known = otherIDs[scalar] { return known }
    let id = TokenID(seen.count)
    otherIDs[scalar] = id
    seen.append(scalar)
    return id
  }
}

// MARK: - Reading a corpus

extension CorpusEncoder {
  /// The path that names standard input (`--corpus -`).
  static let standardInput = "-"

  /// Encodes the corpus at `path` (a regular file, a FIFO or pipe such as `/dev/stdin`, or `-`
  /// for standard input), streaming it through a 1 MiB buffer.
  static func encode(path: String, vocabulary: CharTokenizer?) throws -> (CharTokenizer, TokenStore) {
    let name = path == standardInput ? "standard input" : path
    var encoder = CorpusEncoder(name: name, vocabulary: vocabulary, normalizesNewlines: true)
    let descriptor: Int32
    if path == standardInput {
      descriptor = 0
      if isatty(0) == 1 {
        throw DataError.unreadableFile(path: name, reason: "it is a terminal; pipe the text in (lesson train --corpus - < file.txt)")
      }
    } else {
      switch FileKind.of(path) {
      case .regular(let size):
        guard size <= maximumBytes else { throw DataError.corpusTooLarge(path: name, limit: maximumBytes) }
        encoder.reserve(bytes: size)
      case .fifo:
        break  // a named pipe or `/dev/stdin` fed by one: read until its writer closes it
      case .missing:
        throw DataError.unreadableFile(path: name, reason: "no such file")
      case .characterDevice where path == "/dev/stdin":
        throw DataError.unreadableFile(path: name, reason: "standard input is a terminal; pipe the text in (--corpus - < file.txt)")
      case let kind:
        throw DataError.unreadableFile(path: name, reason: "it is \(kind.phrase), not a text file; give a UTF-8 text "
          + "file, or - to read standard input")
      }
      descriptor = open(path, O_RDONLY | O_CLOEXEC)
      guard descriptor >= 0 else {
        throw DataError.unreadableFile(path: name, reason: String(cString: strerror(errno)))
      }
    }
    defer { if descriptor != 0 { _ = close(descriptor) } }
    let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 1 << 20)
    defer { buffer.deallocate() }
    while true {
      let count = read(descriptor, buffer.baseAddress, buffer.count)
      if count < 0 {
        if errno == EINTR { continue }
        throw DataError.unreadableFile(path: name, reason: String(cString: strerror(errno)))
      }
      if count == 0 { break }
      try encoder.feed(UnsafeBufferPointer(rebasing: buffer[..<count]))
    }
    return try encoder.finish()
  }

  /// Encodes `text` (already a `String`: the embedded corpus, a lesson's text) without a copy.
  static func encode(text: String, vocabulary: CharTokenizer?) throws -> (CharTokenizer, TokenStore) {
    var encoder = CorpusEncoder(name: "the text", vocabulary: vocabulary, normalizesNewlines: false)
    var text = text
    try text.withUTF8 { bytes in
      encoder.reserve(bytes: bytes.count)
      try encoder.feed(bytes)
    }
    return try encoder.finish()
  }
}
