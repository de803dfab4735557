import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Issue 16's hostile cases for `train`, `sample` and `bench`, against the built binary.
@Suite struct HostileToolInputEndToEndTests {
  static let tiny = NumericCommandTests.tiny

  private func mode(_ path: String) -> mode_t {
    var info = stat()
    _ = stat(path, &info)
    return info.st_mode & 0o7777
  }

  private func kind(_ path: String) -> mode_t {
    var info = stat()
    _ = stat(path, &info)
    return info.st_mode & S_IFMT
  }

  /// A short error, exit 2, never a trap, naming `phrase`.
  private func expectRefused(_ arguments: [String], _ phrase: String, status: Int32 = 2) throws {
    let output = try LessonBinary.run(arguments)
    #expect(!output.signaled, "\(arguments): killed by signal \(output.status)")
    #expect(output.status == status, "\(arguments): \(output.stderr.prefix(500))")
    #expect(output.stderr.contains(phrase), "\(arguments): \(output.stderr.prefix(500))")
    #expect(output.stderr.utf8.count < 4_000, "\(arguments): \(output.stderr.utf8.count) bytes on stderr")
  }

  // MARK: - Flags

  @Test func hugeNumericFlagsAreRefusedNotTrapped() throws {
    let huge = "9223372036854775807"
    try expectRefused(["train", "--steps", "1", "--batch", huge] + ["--threads", "1"], "--batch \(huge) is above the limit")
    try expectRefused(["train", "--steps", huge] + Self.tiny, "--steps \(huge) is above the limit")
    try expectRefused(["train", "--steps", "1", "--eval-batches", huge] + Self.tiny, "--eval-batches")
    try expectRefused(["train", "--steps", "1", "--context", huge], "--context \(huge) is above the limit")
    try expectRefused(["train", "--steps", "1", "--d", huge], "--d \(huge) is above the limit")
    try expectRefused(["train", "--steps", "1", "--threads", huge], "--threads")
    try expectRefused(["bench", "--steps", huge] + Self.tiny, "--steps \(huge) is above the limit")
    try expectRefused(["bench", "--steps", "1", "--warmup", huge] + Self.tiny, "--warmup \(huge) is above the limit")
    try expectRefused(["bench", "--steps", "1", "--batch", huge] + ["--threads", "1"], "--batch")
    try expectRefused(["sample", "--checkpoint", "x", "--count", huge], "--count")
    try expectRefused(["sample", "--checkpoint", "x", "--top-k", huge], "--top-k")
  }

  // MARK: - Output paths

  @Test func outputsThatAreNotPlainFilesAreRefusedBeforeTraining() throws {
    let directory = try TemporaryDirectory()
    let fifo = directory.path + "/model.safetensors"
    #expect(mkfifo(fifo, 0o644) == 0)
    for target in [fifo, "/dev/null", "/dev/zero", directory.path] {
      for flag in ["--out", "--plot"] {
        try expectRefused(["train", "--steps", "1", flag, target] + Self.tiny, flag)
      }
    }
    #expect(kind(fifo) == S_IFIFO)
    #expect(kind("/dev/null") == S_IFCHR)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.safetensors"])
  }

  @Test func aPrivateCheckpointStaysPrivateWhenReplaced() throws {
    let directory = try TemporaryDirectory()
    let checkpoint = directory.path + "/model.safetensors"
    try Data("old".utf8).write(to: URL(fileURLWithPath: checkpoint))
    #expect(chmod(checkpoint, 0o600) == 0)
    let train = try LessonBinary.run(["train", "--steps", "1", "--eval-batches", "1", "--out", checkpoint] + Self.tiny)
    #expect(train.status == 0, "\(train.stderr)")
    #expect(mode(checkpoint) == 0o600)
    #expect(try Data(contentsOf: URL(fileURLWithPath: checkpoint)).count > 1_000)
    // Through a symlink: the file it names is replaced, the link stays.
    try FileManager.default.createSymbolicLink(atPath: directory.path + "/latest", withDestinationPath: "model.safetensors")
    let again = try LessonBinary.run(["train", "--steps", "1", "--eval-batches", "1", "--out", directory.path + "/latest"] + Self.tiny)
    #expect(again.status == 0, "\(again.stderr)")
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: directory.path + "/latest") == "model.safetensors")
    #expect(mode(checkpoint) == 0o600)
  }

  // MARK: - Checkpoints that are not checkpoints

  /// The bytes of a safetensors file with `header` (a JSON object) and `data`.
  static func safetensors(header: String, data: [UInt8] = []) -> Data {
    var bytes = [UInt8](repeating: 0, count: 8)
    let json = Array(header.utf8)
    for i in 0..<8 { bytes[i] = UInt8((json.count >> (8 * i)) & 0xFF) }
    return Data(bytes + json + data)
  }

  static func metadata(config: String = #"{\"block_size\":64,\"n_embd\":16384,\"n_head\":4,\"n_layer\":256,\"vocab_size\":2}"#,
                       format: String = "lesson.minigpt") -> String {
    #""__metadata__":{"format":"\#(format)","format_version":"1","step":"0","vocabulary":"[\"a\",\"b\"]","config":"\#(config)"}"#
  }

  @Test func devicesFIFOsAndLyingCheckpointsGiveShortTrueMessages() throws {
    let directory = try TemporaryDirectory()
    let fifo = directory.path + "/pipe.safetensors"
    #expect(mkfifo(fifo, 0o644) == 0)
    try expectRefused(["sample", "--checkpoint", "/dev/urandom"], "it is a character device", status: 1)
    try expectRefused(["sample", "--checkpoint", fifo], "it is a FIFO (named pipe)", status: 1)
    try expectRefused(["sample", "--checkpoint", directory.path], "it is a directory", status: 1)

    // d = 16384, L = 256 over 3,074 empty tensors: refused before any allocation.
    var names = ["tok.weight", "pos.weight", "ln.weight", "ln.bias"]
    for layer in 0..<256 {
      for part in ["ln1.weight", "ln1.bias", "qkv.weight", "qkv.bias", "proj.weight", "proj.bias",
                   "ln2.weight", "ln2.bias", "fc.weight", "fc.bias", "out.weight", "out.bias"] {
        names.append("blocks.\(layer).\(part)")
      }
    }
    let tensors = names.map { #""\#($0)":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}"# }.joined(separator: ",")
    let huge = directory.path + "/huge.safetensors"
    try Self.safetensors(header: "{" + Self.metadata() + "," + tensors + "}").write(to: URL(fileURLWithPath: huge))
    try expectRefused(["sample", "--checkpoint", huge], "has shape [0] in the file but [2, 16384] is required", status: 1)

    // 10 MB of text where a tensor name and the format string belong.
    let flood = String(repeating: "\\u001b]2;x\\u0007", count: 800_000)
    let named = directory.path + "/named.safetensors"
    try Self.safetensors(header: "{" + Self.metadata() + #",""# + flood + #"":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
                         data: [0, 0, 0, 0]).write(to: URL(fileURLWithPath: named))
    try expectRefused(["sample", "--checkpoint", named], "error", status: 1)
    let formatted = directory.path + "/format.safetensors"
    try Self.safetensors(header: "{" + Self.metadata(format: flood) + "}").write(to: URL(fileURLWithPath: formatted))
    try expectRefused(["sample", "--checkpoint", formatted], "format", status: 1)
  }

  @Test func escapesInAVocabularyNeverReachTheTerminal() throws {
    let directory = try TemporaryDirectory()
    let corpus = directory.path + "/corpus.txt"
    let hostile = "title \u{1B}]2;pwned\u{07} bell \u{07} csi \u{1B}[2J \u{9B}31m tab\there\n"
    try String(repeating: hostile, count: 60).write(toFile: corpus, atomically: false, encoding: .utf8)
    let checkpoint = directory.path + "/model.safetensors"
    let train = try LessonBinary.run(["train", "--corpus", corpus, "--steps", "40", "--lr", "3e-3", "--eval-batches", "1",
                                      "--out", checkpoint] + Self.tiny)
    #expect(train.status == 0, "\(train.stderr)")
    for extra in [["--greedy"], ["--temperature", "2"], ["--prompt", "title \u{1B}]2;"]] {
      let sample = try LessonBinary.run(["sample", "--checkpoint", checkpoint, "--count", "300"] + extra)
      #expect(sample.status == 0, "\(sample.stderr)")
      for (stream, text) in [("stdout", sample.stdout), ("stderr", sample.stderr)] {
        let controls = text.unicodeScalars.filter {
          ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value)
        }
        #expect(controls.isEmpty, "\(extra) \(stream): \(controls.map { String($0.value, radix: 16) })")
      }
      #expect(sample.stdout.contains("␛") || sample.stdout.contains("␇") || extra == ["--greedy"])
    }
  }

  // MARK: - Corpora from pipes and devices

  /// Runs `lesson arguments…` with `input` on a pipe as stdin.
  private func run(_ arguments: [String], stdin input: Data) throws -> LessonBinary.Output {
    let directory = try TemporaryDirectory()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: LessonBinary.path)
    process.arguments = arguments
    _ = FileManager.default.createFile(atPath: directory.path + "/out", contents: nil)
    _ = FileManager.default.createFile(atPath: directory.path + "/err", contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: directory.path + "/out"))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: directory.path + "/err"))
    let pipe = Pipe()
    process.standardInput = pipe
    try process.run()
    pipe.fileHandleForWriting.write(input)
    try pipe.fileHandleForWriting.close()
    process.waitUntilExit()
    return LessonBinary.Output(
      status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
      stdout: try String(contentsOfFile: directory.path + "/out", encoding: .utf8),
      stderr: try String(contentsOfFile: directory.path + "/err", encoding: .utf8))
  }

  @Test func aCorpusCanComeFromAPipeButNotFromADevice() throws {
    let text = Data(String(repeating: "to be or not to be, that is the question\n", count: 30).utf8)
    for corpus in ["-", "/dev/stdin"] {
      let output = try run(["train", "--corpus", corpus, "--steps", "1", "--eval-batches", "1", "--json"] + Self.tiny, stdin: text)
      #expect(output.status == 0, "\(corpus): \(output.stderr)")
      #expect(output.stdout.contains("\"vocab\":15"), "\(corpus): \(output.stdout)")
    }
    try expectRefused(["train", "--corpus", "/dev/zero", "--steps", "1"] + Self.tiny, "it is a character device")
    try expectRefused(["train", "--corpus", "/tmp", "--steps", "1"] + Self.tiny, "it is a directory")
  }

  // MARK: - Signals in long phases

  @Test func sigtermDuringTheInitialLossEstimateExits143() throws {
    let directory = try TemporaryDirectory()
    let process = try NumericCommandTests.start(
      ["train", "--steps", "1", "--eval-batches", "1000000000"] + Self.tiny, directory: directory.path)
    let deadline = Date().addingTimeInterval(30)
    while process.isRunning, Date() < deadline,
          !((try? String(contentsOfFile: directory.path + "/stderr", encoding: .utf8)) ?? "").contains("training MiniGPT") {
      usleep(20_000)
    }
    usleep(300_000)
    let sent = Date()
    kill(process.processIdentifier, SIGTERM)
    process.waitUntilExit()
    let stderr = try String(contentsOfFile: directory.path + "/stderr", encoding: .utf8)
    #expect(process.terminationReason == .exit)
    #expect(process.terminationStatus == 143, "\(stderr)")
    #expect(Date().timeIntervalSince(sent) < 10)
    #expect(stderr.contains("SIGTERM"))
  }

  @Test func aSecondSignalDuringTheCheckpointWriteLeavesNoTemporaryFile() throws {
    let directory = try TemporaryDirectory()
    let checkpoint = directory.path + "/model.safetensors"
    // About 25 M parameters: a 100 MB checkpoint, long enough to write that the second signal lands mid-write.
    let process = try NumericCommandTests.start(
      ["train", "--steps", "100000", "--eval-every", "0", "--eval-batches", "1", "--d", "512", "--layers", "8", "--heads", "8", "--context", "8",
       "--batch", "1", "--threads", "1", "--out", checkpoint], directory: directory.path)
    let deadline = Date().addingTimeInterval(120)
    while process.isRunning, Date() < deadline,
          !((try? String(contentsOfFile: directory.path + "/stderr", encoding: .utf8)) ?? "").contains("training MiniGPT") {
      usleep(20_000)
    }
    usleep(2_000_000)  // past the one-batch initial estimate, into training
    kill(process.processIdentifier, SIGINT)
    // The first signal stops training and starts the checkpoint write: interrupt it as soon as its temporary file appears.
    var sawTemporary = false
    while process.isRunning, Date() < deadline {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
      if names.contains(where: { $0.hasPrefix("model.safetensors.tmp-") }) {
        sawTemporary = true
        kill(process.processIdentifier, SIGINT)
        break
      }
      usleep(500)
    }
    process.waitUntilExit()
    #expect(process.terminationReason == .exit)
    #expect(process.terminationStatus == 130)
    let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".tmp-") }
    #expect(left.isEmpty, "\(left)")
    if !sawTemporary {
      // The write finished before the poll saw it: the checkpoint must then be whole.
      #expect(FileManager.default.fileExists(atPath: checkpoint))
    }
  }
}
