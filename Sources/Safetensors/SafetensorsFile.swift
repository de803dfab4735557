import AtomicFiles
import Foundation

/// One named Float32 tensor of a safetensors file.
public struct SafetensorsTensor: Sendable, Equatable {
  /// The tensor's key in the file, e.g. a PyTorch `state_dict` key such as "blocks.0.qkv.weight".
  public let name: String
  /// Dimensions, outermost first (row-major), as PyTorch reports them.
  public let shape: [Int]
  /// Row-major values; `values.count` is the product of `shape` (1 for a scalar's empty shape).
  public let values: [Float]

  /// Creates a tensor after checking that `values` fills `shape` exactly.
  ///
  /// - Throws: ``SafetensorsError/invalidTensor(tensor:reason:)`` for an empty or reserved name
  ///   or a negative dimension, ``SafetensorsError/valueCountMismatch(tensor:shape:values:)``.
  public init(name: String, shape: [Int], values: [Float]) throws {
    guard !name.isEmpty else { throw SafetensorsError.invalidTensor(tensor: name, reason: "the name is empty") }
    guard name != SafetensorsFile.metadataKey else {
      throw SafetensorsError.invalidTensor(tensor: name, reason: "the name is reserved for the metadata")
    }
    guard let count = Self.elementCount(of: shape) else {
      throw SafetensorsError.invalidTensor(tensor: name, reason: "shape \(shape) has a negative or overflowing dimension")
    }
    guard count == values.count else {
      throw SafetensorsError.valueCountMismatch(tensor: name, shape: shape, values: values.count)
    }
    self.name = name
    self.shape = shape
    self.values = values
  }

  /// Creates a tensor by copying a buffer (e.g. a parameter slab of the model).
  public init(name: String, shape: [Int], copying buffer: UnsafeBufferPointer<Float>) throws {
    try self.init(name: name, shape: shape, values: Array(buffer))
  }

  /// Product of the dimensions, or nil if one is negative or the product overflows.
  static func elementCount(of shape: [Int]) -> Int? {
    var count = 1
    for dimension in shape {
      guard dimension >= 0 else { return nil }
      let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
      guard !overflow else { return nil }
      count = product
    }
    return count
  }
}

/// A safetensors file of F32 tensors plus a string-to-string `__metadata__` dictionary.
///
/// The format (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of
/// JSON mapping each tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets
/// relative to the data section), then the raw little-endian data. This type knows nothing
/// about models: a checkpoint is a list of named tensors, and the model layer decides the names.
///
/// Writing is deterministic: `__metadata__` first with sorted keys, then tensors in the given
/// order, laid out back to back; the header is padded with spaces to a multiple of 8 bytes so the
/// data section stays 8-byte aligned, as the reference implementation does.
public struct SafetensorsFile: Sendable, Equatable {
  /// The reserved header key for the string metadata.
  public static let metadataKey = "__metadata__"
  /// The largest header accepted when reading (the reference implementation's cap).
  public static let maximumHeaderBytes = 100_000_000

  /// The tensors, in file order.
  public let tensors: [SafetensorsTensor]
  /// Free-form string metadata (config, vocabulary, step for a model checkpoint).
  public let metadata: [String: String]

  // MARK: - Creating

  /// Creates a file from tensors with distinct names.
  ///
  /// - Throws: ``SafetensorsError/duplicateTensor(_:)``.
  public init(tensors: [SafetensorsTensor], metadata: [String: String] = [:]) throws {
    var seen = Set<String>()
    for tensor in tensors where !seen.insert(tensor.name).inserted {
      throw SafetensorsError.duplicateTensor(tensor.name)
    }
    self.tensors = tensors
    self.metadata = metadata
  }

  /// Creates a file from `(name, shape, values)` triples, checked as ``SafetensorsTensor/init(name:shape:values:)`` does.
  public init(tensors: [(name: String, shape: [Int], values: [Float])], metadata: [String: String] = [:]) throws {
    try self.init(tensors: tensors.map { try SafetensorsTensor(name: $0.name, shape: $0.shape, values: $0.values) },
                  metadata: metadata)
  }

  // MARK: - Looking up tensors

  /// The tensor called `name`, if present.
  public subscript(name: String) -> SafetensorsTensor? {
    tensors.first { $0.name == name }
  }

  /// The tensor called `name`.
  ///
  /// - Throws: ``SafetensorsError/missingTensor(_:)``.
  public func tensor(named name: String) throws -> SafetensorsTensor {
    guard let tensor = self[name] else { throw SafetensorsError.missingTensor(name) }
    return tensor
  }

  /// Tensor names in file order.
  public var names: [String] { tensors.map(\.name) }

  /// The tensor called `name`, checked against the shape the caller expects.
  ///
  /// - Throws: ``SafetensorsError/missingTensor(_:)`` or ``SafetensorsError/shapeMismatch(tensor:expected:found:)``.
  public func tensor(named name: String, shape: [Int]) throws -> SafetensorsTensor {
    let tensor = try tensor(named: name)
    guard tensor.shape == shape else {
      throw SafetensorsError.shapeMismatch(tensor: name, expected: shape, found: tensor.shape)
    }
    return tensor
  }

  /// Checks that the file holds exactly the `required` names plus any of the `optional` ones
  /// (e.g. a tied head weight that the file may store or leave out).
  ///
  /// - Throws: ``SafetensorsError/missingTensors(_:)`` (reported first) or ``SafetensorsError/unexpectedTensors(_:)``,
  ///   each listing the names in the order given or stored.
  public func checkNames(required: [String], optional: [String] = []) throws {
    let present = Set(names)
    let missing = required.filter { !present.contains($0) }
    guard missing.isEmpty else { throw SafetensorsError.missingTensors(missing) }
    let known = Set(required).union(optional)
    let unexpected = names.filter { !known.contains($0) }
    guard unexpected.isEmpty else { throw SafetensorsError.unexpectedTensors(unexpected) }
  }

  // MARK: - Serializing

  /// The complete file contents.
  public func serialized() -> [UInt8] {
    var header = headerJSON().serialized
    // Pad so the data section starts 8-byte aligned (8 + header length is a multiple of 8).
    while header.utf8.count % 8 != 0 { header += " " }
    let headerBytes = Array(header.utf8)
    let dataBytes = tensors.reduce(0) { $0 + $1.values.count * MemoryLayout<Float>.size }

    var bytes: [UInt8] = []
    bytes.reserveCapacity(8 + headerBytes.count + dataBytes)
    withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { bytes.append(contentsOf: $0) }
    bytes.append(contentsOf: headerBytes)
    for tensor in tensors {
      #if _endian(little)
      tensor.values.withUnsafeBytes { bytes.append(contentsOf: $0) }
      #else
      for value in tensor.values {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
      }
      #endif
    }
    return bytes
  }

  private func headerJSON() -> StrictJSON {
    var members: [(key: String, value: StrictJSON)] = []
    if !metadata.isEmpty {
      let entries = metadata.keys.sorted().map { (key: $0, value: StrictJSON.string(metadata[$0] ?? "")) }
      members.append((Self.metadataKey, .object(entries)))
    }
    var offset = 0
    for tensor in tensors {
      let end = offset + tensor.values.count * MemoryLayout<Float>.size
      members.append((tensor.name, .object([
        ("dtype", .string("F32")),
        ("shape", .array(tensor.shape.map { .number(String($0)) })),
        ("data_offsets", .array([.number(String(offset)), .number(String(end))])),
      ])))
      offset = end
    }
    return .object(members)
  }

  // MARK: - Parsing

  /// Parses and validates complete file contents.
  ///
  /// Checks, in order: the 8-byte length is present and the header fits the file and the cap;
  /// the header is a JSON object; `__metadata__` maps strings to strings; every tensor is F32 with
  /// a shape whose byte size equals its offset span; every span lies inside the data section;
  /// spans neither overlap nor leave bytes uncovered.
  ///
  /// - Throws: a ``SafetensorsError`` naming the first problem found.
  public init(bytes: [UInt8]) throws {
    guard bytes.count >= 8 else { throw SafetensorsError.tooShortForHeader(byteCount: bytes.count) }
    var declared: UInt64 = 0
    for index in (0..<8).reversed() { declared = declared << 8 | UInt64(bytes[index]) }
    let available = bytes.count - 8
    guard declared <= UInt64(Self.maximumHeaderBytes) else {
      throw SafetensorsError.headerTooLarge(declared: declared, limit: Self.maximumHeaderBytes)
    }
    guard declared <= UInt64(available) else {
      throw SafetensorsError.headerLengthOutOfRange(declared: declared, available: available)
    }
    let headerEnd = 8 + Int(declared)
    guard declared >= 2, bytes[8] == UInt8(ascii: "{") else {
      throw SafetensorsError.malformedHeader("it does not start with '{'")
    }
    guard case .object(let members) = try StrictJSON.parse(bytes[8..<headerEnd]) else {
      throw SafetensorsError.malformedHeader("the header is not a JSON object")
    }

    let dataStart = headerEnd
    let dataBytes = bytes.count - dataStart
    var metadata: [String: String] = [:]
    var entries: [(name: String, shape: [Int], begin: Int, end: Int)] = []
    for (key, value) in members {
      if key == Self.metadataKey {
        metadata = try Self.parseMetadata(value)
        continue
      }
      let entry = try Self.parseTensorEntry(name: key, value)
      guard entry.end <= UInt64(dataBytes) else {
        throw SafetensorsError.offsetsOutOfRange(tensor: key, begin: entry.begin, end: entry.end, dataBytes: dataBytes)
      }
      entries.append((key, entry.shape, Int(entry.begin), Int(entry.end)))
    }
    try Self.checkLayout(entries.map { ($0.name, $0.begin, $0.end) }, dataBytes: dataBytes)

    let tensors = try entries.map { entry in
      try SafetensorsTensor(
        name: entry.name, shape: entry.shape,
        values: Self.decodeFloats(bytes, from: dataStart + entry.begin, to: dataStart + entry.end))
    }
    try self.init(tensors: tensors, metadata: metadata)
  }

  private static func parseMetadata(_ value: StrictJSON) throws -> [String: String] {
    guard case .object(let members) = value else {
      throw SafetensorsError.malformedHeader("__metadata__ is not an object")
    }
    var metadata: [String: String] = [:]
    for (key, entry) in members {
      guard case .string(let text) = entry else {
        throw SafetensorsError.malformedHeader("__metadata__ value for \"\(key)\" is not a string")
      }
      metadata[key] = text
    }
    return metadata
  }

  private static func parseTensorEntry(name: String, _ value: StrictJSON) throws
    -> (shape: [Int], begin: UInt64, end: UInt64)
  {
    guard case .object(let fields) = value else {
      throw SafetensorsError.malformedHeader("entry \"\(name)\" is not an object")
    }
    func field(_ key: String) throws -> StrictJSON {
      guard let found = fields.first(where: { $0.key == key }) else {
        throw SafetensorsError.malformedHeader("tensor \"\(name)\" has no \"\(key)\"")
      }
      return found.value
    }
    func unsignedList(_ key: String) throws -> [UInt64] {
      guard case .array(let elements) = try field(key) else {
        throw SafetensorsError.malformedHeader("\"\(key)\" of tensor \"\(name)\" is not a list")
      }
      return try elements.map { element in
        guard case .number(let text) = element, let number = UInt64(text), number <= UInt64(Int.max) else {
          throw SafetensorsError.malformedHeader("\"\(key)\" of tensor \"\(name)\" holds a value that is not a non-negative integer")
        }
        return number
      }
    }

    guard case .string(let dtype) = try field("dtype") else {
      throw SafetensorsError.malformedHeader("\"dtype\" of tensor \"\(name)\" is not a string")
    }
    guard dtype == "F32" else { throw SafetensorsError.unsupportedDType(tensor: name, dtype: dtype) }
    let shape = try unsignedList("shape").map { Int($0) }
    let offsets = try unsignedList("data_offsets")
    guard offsets.count == 2, offsets[0] <= offsets[1] else {
      throw SafetensorsError.malformedHeader("\"data_offsets\" of tensor \"\(name)\" must be [begin, end] with begin <= end")
    }
    let span = offsets[1] - offsets[0]
    guard let count = SafetensorsTensor.elementCount(of: shape), count <= Int.max / 4, UInt64(count * 4) == span else {
      let expected = SafetensorsTensor.elementCount(of: shape).map { $0 <= Int.max / 4 ? $0 * 4 : Int.max } ?? Int.max
      throw SafetensorsError.sizeMismatch(tensor: name, shape: shape, expectedBytes: expected,
                                         actualBytes: span > UInt64(Int.max) ? Int.max : Int(span))
    }
    return (shape, offsets[0], offsets[1])
  }

  /// Spans must tile the data section exactly: no overlap, no gap, nothing left over.
  private static func checkLayout(_ spans: [(name: String, begin: Int, end: Int)], dataBytes: Int) throws {
    let sorted = spans.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
    var covered = 0
    var previousName = ""
    for span in sorted {
      if span.begin < covered { throw SafetensorsError.overlappingTensors(previousName, span.name) }
      if span.begin > covered { throw SafetensorsError.uncoveredBytes(begin: covered, end: span.begin) }
      covered = span.end
      previousName = span.name
    }
    if covered < dataBytes { throw SafetensorsError.uncoveredBytes(begin: covered, end: dataBytes) }
  }

  private static func decodeFloats(_ bytes: [UInt8], from begin: Int, to end: Int) -> [Float] {
    let count = (end - begin) / 4
    return [Float](unsafeUninitializedCapacity: count) { output, initialized in
      bytes.withUnsafeBytes { raw in
        for index in 0..<count {
          let bits = raw.loadUnaligned(fromByteOffset: begin &+ index &* 4, as: UInt32.self)
          output[index] = Float(bitPattern: UInt32(littleEndian: bits))
        }
      }
      initialized = count
    }
  }

  // MARK: - Files

  /// Reads and validates the safetensors file at `url`.
  ///
  /// - Throws: ``SafetensorsError/io(path:operation:reason:)`` if it cannot be read, otherwise
  ///   the validation errors of ``init(bytes:)``.
  public static func read(from url: URL) throws -> SafetensorsFile {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw SafetensorsError.io(path: url.path, operation: "read", reason: fileReadFailureReason(url, error))
    }
    return try SafetensorsFile(bytes: [UInt8](data))
  }

  /// Writes the file atomically: a temporary file in the same directory is written, flushed
  /// to disk (fsync) and renamed over `url`, so a crash or error never leaves a half-written
  /// checkpoint at `url`. On failure the temporary file is removed and `url` is untouched.
  ///
  /// - Throws: ``SafetensorsError/io(path:operation:reason:)`` naming the failed step.
  public func write(to url: URL) throws {
    do {
      try AtomicFile.write(serialized(), to: url.path)
    } catch let failure as FileWriteError {
      throw SafetensorsError.io(path: failure.path, operation: failure.operation, reason: failure.reason)
    }
  }
}
