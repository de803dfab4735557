import Foundation

// MARK: - Helpers shared by the data, checkpoint and corpus tests

/// Scratch directories, fixtures and Python processes for the data, checkpoint and corpus tests.
public enum DataTestSupport {
  /// The repository root, from this file's path (Tests/TestSupport/DataTestSupport.swift).
  public static var repositoryRoot: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  }

  /// A fresh empty directory under the system temporary directory.
  public static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("pretraining-data-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// The interpreter the Makefile hands over (`LESSON_PYTHON`, the test environment's), else this
  /// checkout's `.build/python-venv` (scripts/install-python-test-deps.sh), else `python3` on PATH.
  public static let python3: URL? = {
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
  public static let requiredPython: URL? = ProcessInfo.processInfo.environment["LESSON_PYTHON"]
    .flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }

  /// Whether python3 can import safetensors and numpy (always true under `make test`, which installed them).
  public static let pythonSafetensorsAvailable: Bool = {
    guard let python = python3 else { return false }
    if requiredPython != nil { return true }
    return (try? run(python, ["-c", "import safetensors.numpy, numpy"])) != nil
  }()

  /// `LESSON_REQUIRE_TORCH=1` (`make interop`): PyTorch was installed, so its tests must run.
  public static let torchRequired = ProcessInfo.processInfo.environment["LESSON_REQUIRE_TORCH"] == "1"

  /// Whether the interpreter can import PyTorch and safetensors.torch (always true when required).
  public static let torchAvailable: Bool = {
    guard let python = python3 else { return false }
    if torchRequired { return true }
    return (try? run(python, ["-c", "import torch, safetensors.torch"])) != nil
  }()

  /// Why a PyTorch test did not run.
  public static let torchMissing = "PyTorch is not installed for the test Python (make interop installs it and runs these tests)"

  public struct ProcessFailure: Error, CustomStringConvertible {
    public let status: Int32
    public let standardError: String
    public var description: String { "exit status \(status): \(standardError)" }
  }

  /// Runs `executable`; returns its stdout, or throws with its stderr on a non-zero exit.
  public static func run(_ executable: URL, _ arguments: [String]) throws -> String {
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
