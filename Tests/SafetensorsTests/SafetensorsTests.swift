import Foundation
import Safetensors
import Testing
import TestSupport

@Suite struct SafetensorsTests {
  static func sample() throws -> SafetensorsFile {
    try SafetensorsFile(
      tensors: [
        (name: "tok.weight", shape: [3, 2], values: [0, 1, -2.5, 3.25, .greatestFiniteMagnitude, -0.0]),
        (name: "blocks.0.ln1.bias", shape: [4], values: [.infinity, -.infinity, .leastNonzeroMagnitude, 1e-3]),
        (name: "step", shape: [], values: [42]),
        (name: "empty", shape: [0, 5], values: []),
      ],
      metadata: ["vocab": "[\"\\n\",\" \",\"a\"]", "config": "{\"d\":128}", "step": "300"])
  }

  /// Bytes of a hand-built file: 8-byte length, `header`, then `data`.
  static func file(header: String, data: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = []
    withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
    return bytes + Array(header.utf8) + data
  }

  static func floats(_ values: [Float]) -> [UInt8] {
    values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
  }

  // MARK: - Round trips

  @Test func roundTripsInMemoryBitForBit() throws {
    let original = try Self.sample()
    let restored = try SafetensorsFile(bytes: original.serialized())
    #expect(restored.names == ["tok.weight", "blocks.0.ln1.bias", "step", "empty"])
    #expect(restored.metadata == original.metadata)
    for tensor in original.tensors {
      let copy = try restored.tensor(named: tensor.name)
      #expect(copy.shape == tensor.shape)
      #expect(copy.values.map(\.bitPattern) == tensor.values.map(\.bitPattern))
    }
    // NaN payloads survive too.
    let nan = Float(bitPattern: 0x7FC0_1234)
    let withNaN = try SafetensorsFile(tensors: [(name: "x", shape: [1], values: [nan])])
    #expect(try SafetensorsFile(bytes: withNaN.serialized()).tensor(named: "x").values[0].bitPattern == 0x7FC0_1234)
  }

  @Test func roundTripsThroughAFile() throws {
    let directory = try DataTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("model.safetensors")
    let original = try Self.sample()
    try original.write(to: url)
    #expect(try SafetensorsFile.read(from: url) == original)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.safetensors"])
  }

  @Test func headerIsDeterministicAlignedAndInStandardForm() throws {
    let file = try SafetensorsFile(tensors: [(name: "b", shape: [2], values: [1, 2]), (name: "a", shape: [1], values: [3])],
                                   metadata: ["z": "last", "a": "first"])
    let bytes = file.serialized()
    #expect(bytes == (try SafetensorsFile(bytes: bytes).serialized()))
    let headerLength = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
    #expect((8 + headerLength) % 8 == 0)
    let header = String(decoding: bytes[8 ..< 8 + headerLength], as: UTF8.self)
    #expect(header.trimmingCharacters(in: .whitespaces) ==
      #"{"__metadata__":{"a":"first","z":"last"},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#)
    #expect(bytes.count == 8 + headerLength + 12)
  }

  @Test func readsAFileWrittenByPythonSafetensors() throws {
    let file = try SafetensorsFile.read(from: fixture("python_written.safetensors"))
    #expect(Set(file.names) == ["tok.weight", "blocks.0.ln1.bias", "scalar"])
    #expect(file.metadata == ["writer": "safetensors.numpy", "note": "fixture"])
    #expect(try file.tensor(named: "tok.weight").shape == [3, 4])
    #expect(try file.tensor(named: "tok.weight").values == (0..<12).map { Float($0) / 8 })
    #expect(try file.tensor(named: "blocks.0.ln1.bias").values == [-1.5, 0, 2.25])
    #expect(try file.tensor(named: "scalar").shape == [])
    #expect(try file.tensor(named: "scalar").values == [7])
  }

  // MARK: - Building

  @Test func buildingRejectsInconsistentTensors() {
    #expect(throws: SafetensorsError.valueCountMismatch(tensor: "w", shape: [2, 3], values: 5)) {
      try SafetensorsTensor(name: "w", shape: [2, 3], values: [1, 2, 3, 4, 5])
    }
    #expect(throws: SafetensorsError.duplicateTensor("w")) {
      try SafetensorsFile(tensors: [(name: "w", shape: [1], values: [1]), (name: "w", shape: [1], values: [2])])
    }
    #expect(throws: SafetensorsError.self) { try SafetensorsTensor(name: "__metadata__", shape: [1], values: [1]) }
    #expect(throws: SafetensorsError.self) { try SafetensorsTensor(name: "w", shape: [-1], values: []) }
    #expect(throws: SafetensorsError.missingTensor("nope")) { try Self.sample().tensor(named: "nope") }
  }

  @Test func checksNamesAndShapesForAModel() throws {
    let file = try Self.sample()
    #expect(try file.tensor(named: "tok.weight", shape: [3, 2]).values.count == 6)
    #expect(throws: SafetensorsError.shapeMismatch(tensor: "tok.weight", expected: [2, 3], found: [3, 2])) {
      try file.tensor(named: "tok.weight", shape: [2, 3])
    }
    try file.checkNames(required: ["tok.weight", "blocks.0.ln1.bias", "step", "empty"], optional: ["head.weight"])
    #expect(throws: SafetensorsError.missingTensors(["pos.weight"])) {
      try file.checkNames(required: ["tok.weight", "pos.weight"], optional: ["blocks.0.ln1.bias", "step", "empty"])
    }
    #expect(throws: SafetensorsError.unexpectedTensors(["step", "empty"])) {
      try file.checkNames(required: ["tok.weight"], optional: ["blocks.0.ln1.bias"])
    }
    let many = SafetensorsError.unexpectedTensors((0..<8).map { "t\($0)" }).description
    #expect(many.contains("\"t4\"") && !many.contains("\"t5\"") && many.contains("and 3 more"))
  }

  // MARK: - Damaged and foreign files

  @Test func truncatedFilesAreReportedAsTruncated() throws {
    let bytes = try Self.sample().serialized()
    do {
      _ = try SafetensorsFile(bytes: Array(bytes.dropLast(3)))
      Issue.record("a truncated file was accepted")
    } catch let error as SafetensorsError {
      guard case .offsetsOutOfRange = error else { Issue.record("unexpected \(error)"); return }
      #expect(error.description.contains("truncated"))
    }
    #expect(throws: SafetensorsError.tooShortForHeader(byteCount: 5)) { try SafetensorsFile(bytes: Array(bytes.prefix(5))) }
    let inHeader = Array(bytes.prefix(40))
    #expect(throws: SafetensorsError.headerLengthOutOfRange(declared: UInt64(readLength(bytes)), available: 32)) {
      try SafetensorsFile(bytes: inHeader)
    }
    #expect(throws: SafetensorsError.tooShortForHeader(byteCount: 0)) { try SafetensorsFile(bytes: []) }
  }

  private func readLength(_ bytes: [UInt8]) -> Int {
    bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
  }

  @Test func foreignFilesAreRejected() {
    let text = Array("This is a text file, not a checkpoint at all.\n".utf8)
    #expect(throws: SafetensorsError.self) { try SafetensorsFile(bytes: text) }
    do {
      _ = try SafetensorsFile(bytes: text)
    } catch let error as SafetensorsError {
      #expect(error.description.contains("not a safetensors file") || error.description.contains("truncated"))
    } catch {
      Issue.record("unexpected error type \(error)")
    }
    // A plausible length but a header that is not JSON.
    #expect(throws: SafetensorsError.self) { try SafetensorsFile(bytes: Self.file(header: "PK\u{3}\u{4}garbage!", data: [])) }
    #expect(throws: SafetensorsError.self) { try SafetensorsFile(bytes: Self.file(header: "{\"a\": [1, 2", data: [])) }
    #expect(throws: SafetensorsError.self) { try SafetensorsFile(bytes: Self.file(header: "[1,2,3]", data: [])) }
    // A header length above the cap.
    var huge = [UInt8](repeating: 0, count: 16)
    huge[5] = 0x10
    #expect(throws: SafetensorsError.headerTooLarge(declared: 0x1000_0000_0000, limit: SafetensorsFile.maximumHeaderBytes)) {
      try SafetensorsFile(bytes: huge)
    }
  }

  @Test func headersThatLieAboutSizesAreRejected() {
    let six = Self.floats([1, 2, 3, 4, 5, 6])
    // Shape 2x3 needs 24 bytes; the offsets span 20.
    #expect(throws: SafetensorsError.sizeMismatch(tensor: "w", shape: [2, 3], expectedBytes: 24, actualBytes: 20)) {
      try SafetensorsFile(bytes: Self.file(header: #"{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}"#, data: six))
    }
    // Offsets past the end of the data.
    #expect(throws: SafetensorsError.offsetsOutOfRange(tensor: "w", begin: 8, end: 32, dataBytes: 24)) {
      try SafetensorsFile(bytes: Self.file(header: #"{"w":{"dtype":"F32","shape":[6],"data_offsets":[8,32]}}"#, data: six))
    }
    // Two tensors sharing bytes.
    #expect(throws: SafetensorsError.overlappingTensors("a", "b")) {
      try SafetensorsFile(bytes: Self.file(
        header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#,
        data: Self.floats([1, 2, 3, 4])))
    }
    // A gap, and trailing bytes no tensor claims.
    #expect(throws: SafetensorsError.uncoveredBytes(begin: 0, end: 4)) {
      try SafetensorsFile(bytes: Self.file(header: #"{"a":{"dtype":"F32","shape":[5],"data_offsets":[4,24]}}"#, data: six))
    }
    #expect(throws: SafetensorsError.uncoveredBytes(begin: 16, end: 24)) {
      try SafetensorsFile(bytes: Self.file(header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: six))
    }
    // Offsets that are not [begin, end] integers.
    #expect(throws: SafetensorsError.self) {
      try SafetensorsFile(bytes: Self.file(header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[16,0]}}"#, data: six))
    }
    #expect(throws: SafetensorsError.self) {
      try SafetensorsFile(bytes: Self.file(header: #"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#, data: six))
    }
    #expect(throws: SafetensorsError.self) {
      try SafetensorsFile(bytes: Self.file(header: #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: six))
    }
    // The same name twice in the header.
    #expect(throws: SafetensorsError.self) {
      try SafetensorsFile(bytes: Self.file(
        header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
        data: Self.floats([1, 2])))
    }
    // Metadata values must be strings.
    #expect(throws: SafetensorsError.self) {
      try SafetensorsFile(bytes: Self.file(header: #"{"__metadata__":{"step":300}}"#, data: []))
    }
  }

  @Test func onlyFloat32IsAccepted() {
    let data = [UInt8](repeating: 0, count: 8)
    #expect(throws: SafetensorsError.unsupportedDType(tensor: "w", dtype: "F16")) {
      try SafetensorsFile(bytes: Self.file(header: #"{"w":{"dtype":"F16","shape":[4],"data_offsets":[0,8]}}"#, data: data))
    }
    #expect(SafetensorsError.unsupportedDType(tensor: "w", dtype: "BF16").description.contains("only F32"))
  }

  // MARK: - Atomic writes

  @Test func overwritingReplacesTheWholeFile() throws {
    let directory = try DataTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("ckpt.safetensors")
    try Self.sample().write(to: url)
    let small = try SafetensorsFile(tensors: [(name: "only", shape: [1], values: [9])])
    try small.write(to: url)
    #expect(try SafetensorsFile.read(from: url) == small)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["ckpt.safetensors"])
  }

  @Test func aFailedWriteLeavesNoTemporaryFileAndTouchesNothing() throws {
    let directory = try DataTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    // The target is a non-empty directory: the atomic writer refuses it before writing anything.
    let target = directory.appendingPathComponent("ckpt.safetensors")
    try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
    let keep = target.appendingPathComponent("keep.txt")
    try Data("precious".utf8).write(to: keep)
    do {
      try Self.sample().write(to: target)
      Issue.record("writing over a non-empty directory succeeded")
    } catch let error as SafetensorsError {
      guard case .io(_, let operation, let reason) = error else { Issue.record("unexpected \(error)"); return }
      #expect(operation == "write")
      #expect(reason.contains("it is a directory, not a regular file"))
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["ckpt.safetensors"])
    #expect(try String(contentsOf: keep, encoding: .utf8) == "precious")

    // A directory that does not exist: nothing is created.
    let nowhere = directory.appendingPathComponent("missing/ckpt.safetensors")
    #expect(throws: SafetensorsError.self) { try Self.sample().write(to: nowhere) }
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("missing").path))
  }

  @Test func readingAMissingFileNamesIt() throws {
    let url = URL(fileURLWithPath: "/nonexistent/ckpt.safetensors")
    #expect(throws: SafetensorsError.io(path: url.path, operation: "read", reason: "no such file")) {
      try SafetensorsFile.read(from: url)
    }
    let directory = try DataTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    #expect(throws: SafetensorsError.io(path: directory.path, operation: "read", reason: "it is a directory, not a regular file")) {
      try SafetensorsFile.read(from: directory)
    }
  }

  // MARK: - Python interop

  @Test(.enabled(if: DataTestSupport.pythonSafetensorsAvailable,
                 "python3 with safetensors and numpy is not installed; `make test` installs them"))
  func pythonSafetensorsReadsASwiftCheckpoint() throws {
    let python = try #require(DataTestSupport.python3)
    let directory = try DataTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("swift.safetensors")
    let original = try Self.sample()
    try original.write(to: url)

    let script = DataTestSupport.repositoryRoot.appendingPathComponent("Tools/interop/read_checkpoint.py")
    let output = try DataTestSupport.run(python, [script.path, url.path])
    /// A JSON number, or the string the script writes for a non-finite value ("inf", "-inf", "nan").
    enum Number: Decodable, Equatable {
      case finite(Double)
      case special(String)
      init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Double.self) { self = .finite(value) } else {
          self = .special(try container.decode(String.self))
        }
      }
      init(_ value: Double) {
        self = value.isFinite ? .finite(value) : .special(value.isNaN ? "nan" : value > 0 ? "inf" : "-inf")
      }
    }
    struct Report: Decodable {
      struct Tensor: Decodable {
        let name: String
        let dtype: String
        let shape: [Int]
        let sum: Number
        let first: [Number]
      }
      let tensors: [Tensor]
      let metadata: [String: String]
    }
    let report = try JSONDecoder().decode(Report.self, from: Data(output.utf8))
    #expect(report.tensors.map(\.name) == original.names)
    #expect(report.tensors.map(\.shape) == original.tensors.map(\.shape))
    #expect(report.tensors.allSatisfy { $0.dtype == "float32" })
    #expect(report.metadata == original.metadata)
    for (seen, tensor) in zip(report.tensors, original.tensors) {
      #expect(seen.first == tensor.values.prefix(4).map { Number(Double($0)) }, "\(tensor.name)")
      #expect(seen.sum == Number(tensor.values.reduce(0.0) { $0 + Double($1) }), "\(tensor.name)")
    }
  }
}

/// A file under Tests/SafetensorsTests/Fixtures/data.
private func fixture(_ name: String) -> URL {
  URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/data").appendingPathComponent(name)
}
