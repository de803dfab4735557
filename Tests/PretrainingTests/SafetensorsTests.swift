import Foundation
import Pretraining
import Testing

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
    let file = try SafetensorsFile.read(from: DataTestSupport.fixture("python_written.safetensors"))
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
    #expect(throws: CheckpointError.valueCountMismatch(tensor: "w", shape: [2, 3], values: 5)) {
      try SafetensorsTensor(name: "w", shape: [2, 3], values: [1, 2, 3, 4, 5])
    }
    #expect(throws: CheckpointError.duplicateTensor("w")) {
      try SafetensorsFile(tensors: [(name: "w", shape: [1], values: [1]), (name: "w", shape: [1], values: [2])])
    }
    #expect(throws: CheckpointError.self) { try SafetensorsTensor(name: "__metadata__", shape: [1], values: [1]) }
    #expect(throws: CheckpointError.self) { try SafetensorsTensor(name: "w", shape: [-1], values: []) }
    #expect(throws: CheckpointError.missingTensor("nope")) { try Self.sample().tensor(named: "nope") }
  }

  @Test func checksNamesAndShapesForAModel() throws {
    let file = try Self.sample()
    #expect(try file.tensor(named: "tok.weight", shape: [3, 2]).values.count == 6)
    #expect(throws: CheckpointError.shapeMismatch(tensor: "tok.weight", expected: [2, 3], found: [3, 2])) {
      try file.tensor(named: "tok.weight", shape: [2, 3])
    }
    try file.checkNames(required: ["tok.weight", "blocks.0.ln1.bias", "step", "empty"], optional: ["head.weight"])
    #expect(throws: CheckpointError.missingTensors(["pos.weight"])) {
      try file.checkNames(required: ["tok.weight", "pos.weight"], optional: ["blocks.0.ln1.bias", "step", "empty"])
    }
    #expect(throws: CheckpointError.unexpectedTensors(["step", "empty"])) {
      try file.checkNames(required: ["tok.weight"], optional: ["blocks.0.ln1.bias"])
    }
    let many = CheckpointError.unexpectedTensors((0..<8).map { "t\($0)" }).description
    #expect(many.contains("\"t4\"") && !many.contains("\"t5\"") && many.contains("and 3 more"))
  }

  // MARK: - Damaged and foreign files

  @Test func truncatedFilesAreReportedAsTruncated() throws {
    let bytes = try Self.sample().serialized()
    do {
      _ = try SafetensorsFile(bytes: Array(bytes.dropLast(3)))
      Issue.record("a truncated file was accepted")
    } catch let error as CheckpointError {
      guard case .offsetsOutOfRange = error else { Issue.record("unexpected \(error)"); return }
      #expect(error.description.contains("truncated"))
    }
    #expect(throws: CheckpointError.tooShortForHeader(byteCount: 5)) { try SafetensorsFile(bytes: Array(bytes.prefix(5))) }
    let inHeader = Array(bytes.prefix(40))
    #expect(throws: CheckpointError.headerLengthOutOfRange(declared: UInt64(readLength(bytes)), available: 32)) {
      try SafetensorsFile(bytes: inHeader)
    }
    #expect(throws: CheckpointError.tooShortForHeader(byteCount: 0)) { try SafetensorsFile(bytes: []) }
  }

  private func readLength(_ bytes: [UInt8]) -> Int {
    bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
  }

  @Test func foreignFilesAreRejected() {
    let text = Array("This is a text file, not a checkpoint at all.\n".utf8)
    #expect(throws: CheckpointError.self) { try SafetensorsFile(bytes: text) }
    do {
      _ = try SafetensorsFile(bytes: text)
    } catch let error as CheckpointError {
      #expect(error.description.contains("not a safetensors file") || error.description.contains("truncated"))
    } catch {
      Issue.record("unexpected error type \(error)")
    }
    // A plausible length but a header that is not JSON.
    #expect(throws: CheckpointError.self) { try SafetensorsFile(bytes: Self.file(header: "PK\u{3}\u{4}garbage!", data: [])) }
    #expect(throws: CheckpointError.self) { try SafetensorsFile(bytes: Self.file(header: "{\"a\": [1, 2", data: [])) }
    #expect(throws: CheckpointError.self) { try SafetensorsFile(bytes: Self.file(header: "[1,2,3]", data: [])) }
    // A header length above the cap.
    var huge = [UInt8](repeating: 0, count: 16)
    huge[5] = 0x10
    #expect(throws: CheckpointError.headerTooLarge(declared: 0x1000_0000_0000, limit: SafetensorsFile.maximumHeaderBytes)) {
      try SafetensorsFile(bytes: huge)
    }
  }

  @Test func headersThatLieAboutSizesAreRejected() {
    let six = Self.floats([1, 2, 3, 4, 5, 6])
    // Shape 2x3 needs 24 bytes; the offsets span 20.
    #expect(throws: CheckpointError.sizeMismatch(tensor: "w", shape: [2, 3], expectedBytes: 24, actualBytes: 20)) {
      try SafetensorsFile(bytes: Self.file(header: #"{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}"#, data: six))
    }
    // Offsets past the end of the data.
    #expect(throws: CheckpointError.offsetsOutOfRange(tensor: "w", begin: 8, end: 32, dataBytes: 24)) {
      try SafetensorsFile(bytes: Self.file(header: #"{"w":{"dtype":"F32","shape":[6],"data_offsets":[8,32]}}"#, data: six))
    }
    // Two tensors sharing bytes.
    #expect(throws: CheckpointError.overlappingTensors("a", "b")) {
      try SafetensorsFile(bytes: Self.file(
        header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#,
        data: Self.floats([1, 2, 3, 4])))
    }
    // A gap, and trailing bytes no tensor claims.
    #expect(throws: CheckpointError.uncoveredBytes(begin: 0, end: 4)) {
      try SafetensorsFile(bytes: Self.file(header: #"{"a":{"dtype":"F32","shape":[5],"data_offsets":[4,24]}}"#, data: six))
    }
    #expect(throws: CheckpointError.uncoveredBytes(begin: 16, end: 24)) {
      try SafetensorsFile(bytes: Self.file(header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: six))
    }
    // Offsets that are not [begin, end] integers.
    #expect(throws: CheckpointError.self) {
      try SafetensorsFile(bytes: Self.file(header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[16,0]}}"#, data: six))
    }
    #expect(throws: CheckpointError.self) {
      try SafetensorsFile(bytes: Self.file(header: #"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#, data: six))
    }
    #expect(throws: CheckpointError.self) {
      try SafetensorsFile(bytes: Self.file(header: #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: six))
    }
    // The same name twice in the header.
    #expect(throws: CheckpointError.self) {
      try SafetensorsFile(bytes: Self.file(
        header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
        data: Self.floats([1, 2])))
    }
    // Metadata values must be strings.
    #expect(throws: CheckpointError.self) {
      try SafetensorsFile(bytes: Self.file(header: #"{"__metadata__":{"step":300}}"#, data: []))
    }
  }

  @Test func onlyFloat32IsAccepted() {
    let data = [UInt8](repeating: 0, count: 8)
    #expect(throws: CheckpointError.unsupportedDType(tensor: "w", dtype: "F16")) {
      try SafetensorsFile(bytes: Self.file(header: #"{"w":{"dtype":"F16","shape":[4],"data_offsets":[0,8]}}"#, data: data))
    }
    #expect(CheckpointError.unsupportedDType(tensor: "w", dtype: "BF16").description.contains("only F32"))
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
    // The target is a non-empty directory, so the final rename fails after the data was written.
    let target = directory.appendingPathComponent("ckpt.safetensors")
    try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
    let keep = target.appendingPathComponent("keep.txt")
    try Data("precious".utf8).write(to: keep)
    do {
      try Self.sample().write(to: target)
      Issue.record("writing over a non-empty directory succeeded")
    } catch let error as CheckpointError {
      guard case .io(_, let operation, _) = error else { Issue.record("unexpected \(error)"); return }
      #expect(operation == "replace")
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["ckpt.safetensors"])
    #expect(try String(contentsOf: keep, encoding: .utf8) == "precious")

    // A directory that does not exist: nothing is created.
    let nowhere = directory.appendingPathComponent("missing/ckpt.safetensors")
    #expect(throws: CheckpointError.self) { try Self.sample().write(to: nowhere) }
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("missing").path))
  }

  @Test func readingAMissingFileNamesIt() throws {
    let url = URL(fileURLWithPath: "/nonexistent/ckpt.safetensors")
    #expect(throws: CheckpointError.io(path: url.path, operation: "read", reason: "no such file")) {
      try SafetensorsFile.read(from: url)
    }
    let directory = try DataTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    #expect(throws: CheckpointError.io(path: directory.path, operation: "read", reason: "it is a directory, not a file")) {
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

// MARK: - Helpers shared by the data tests

/// Scratch directories, fixtures and Python processes for the data, checkpoint and corpus tests.
enum DataTestSupport {
  /// The repository root, from this file's path (Tests/PretrainingTests/SafetensorsTests.swift).
  static var repositoryRoot: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  }

  /// A file under Tests/PretrainingTests/Fixtures/data.
  static func fixture(_ name: String) -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures/data").appendingPathComponent(name)
  }

  /// A fresh empty directory under the system temporary directory.
  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("pretraining-data-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// The interpreter the Makefile hands over (`LESSON_PYTHON`, the test environment's), else this
  /// checkout's `.build/python-venv` (scripts/install-python-test-deps.sh), else `python3` on PATH.
  static let python3: URL? = {
    if let given = requiredPython { return given }
    let venv = repositoryRoot.appendingPathComponent(".build/python-venv/bin/python3")
    if FileManager.default.isExecutableFile(atPath: venv.path) { return venv }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for directory in path.split(separator: ":") {
      let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("python3")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
  }()

  /// `LESSON_PYTHON`, set by `make test`: its tools were installed, so a test that needs them runs
  /// (and fails if they are broken) instead of skipping.
  static let requiredPython: URL? = ProcessInfo.processInfo.environment["LESSON_PYTHON"]
    .flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }

  /// Whether python3 can import safetensors and numpy (always true under `make test`, which installed them).
  static let pythonSafetensorsAvailable: Bool = {
    guard let python = python3 else { return false }
    if requiredPython != nil { return true }
    return (try? run(python, ["-c", "import safetensors.numpy, numpy"])) != nil
  }()

  /// `LESSON_REQUIRE_TORCH=1` (`make interop`): PyTorch was installed, so its tests must run.
  static let torchRequired = ProcessInfo.processInfo.environment["LESSON_REQUIRE_TORCH"] == "1"

  /// Whether the interpreter can import PyTorch and safetensors.torch (always true when required).
  static let torchAvailable: Bool = {
    guard let python = python3 else { return false }
    if torchRequired { return true }
    return (try? run(python, ["-c", "import torch, safetensors.torch"])) != nil
  }()

  /// Why a PyTorch test did not run.
  static let torchMissing: Comment = "PyTorch is not installed for the test Python (make interop installs it and runs these tests)"

  struct ProcessFailure: Error, CustomStringConvertible {
    let status: Int32
    let standardError: String
    var description: String { "exit status \(status): \(standardError)" }
  }

  /// Runs `executable`; returns its stdout, or throws with its stderr on a non-zero exit.
  static func run(_ executable: URL, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    // Sequential reads are safe here: the helpers write far less than a pipe buffer to stderr.
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw ProcessFailure(status: process.terminationStatus, standardError: String(decoding: errorData, as: UTF8.self))
    }
    return String(decoding: outputData, as: UTF8.self)
  }
}
