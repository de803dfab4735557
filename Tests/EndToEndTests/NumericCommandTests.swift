import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `lesson train`, `sample`, `bench` and `corpus`, run as a user runs them, on tiny models.
@Suite struct NumericCommandTests {
  /// A model small enough that a step takes well under a millisecond.
  static let tiny = ["--d", "16", "--layers", "1", "--heads", "2", "--context", "8", "--batch", "4", "--threads", "1"]

  static func scratchDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "lesson-numeric-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  static func json(_ text: String) throws -> [String: Any] {
    let lines = text.split(separator: "\n")
    #expect(lines.count == 1, "stdout should be exactly one JSON object, got: \(text)")
    let object = try JSONSerialization.jsonObject(with: Data((lines.last.map(String.init) ?? "").utf8))
    return try #require(object as? [String: Any])
  }

  static func number(_ object: [String: Any], _ key: String) -> Double? {
    (object[key] as? NSNumber)?.doubleValue
  }

  // MARK: - train

  @Test func aTinyRunPrintsOneJSONObjectAndTheLossFalls() throws {
    let output = try LessonBinary.run(["train", "--steps", "60", "--lr", "3e-3", "--eval-every", "30", "--eval-batches", "4", "--json"] + Self.tiny)
    #expect(output.status == 0, "\(output.stderr)")
    let report = try Self.json(output.stdout)
    for key in ["steps", "train_loss", "val_loss", "ms_per_step", "tokens_per_second", "parameters",
                "non_embedding_parameters", "bigram_val_loss", "initial_loss", "vocab", "uniform_loss"] {
      #expect(Self.number(report, key) != nil, "missing \(key)")
    }
    #expect(Self.number(report, "steps") == 60)
    let initial = try #require(Self.number(report, "initial_loss"))
    let val = try #require(Self.number(report, "val_loss"))
    let uniform = try #require(Self.number(report, "uniform_loss"))
    #expect(abs(initial - uniform) < 0.1, "an untrained model guesses about uniformly")
    #expect(val < initial - 0.3, "val loss \(val) did not fall from \(initial)")
    #expect(Self.number(report, "parameters") == Self.number(report, "non_embedding_parameters").map { $0 + 16 * (61 + 8) })
    #expect((report["evaluations"] as? [Any])?.count == 2)
    // Progress goes to stderr, one line per evaluation when stderr is not a terminal.
    #expect(output.stderr.contains("step 30/60"))
    #expect(output.stderr.contains("step 60/60"))
    #expect(!output.stderr.contains("\r"))
  }

  @Test func badInputExitsWithStatusTwoAndSaysWhy() throws {
    let directory = try Self.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try "aaaaaaaaaaaa".write(toFile: directory + "/one-char.txt", atomically: true, encoding: .utf8)
    try "".write(toFile: directory + "/empty.txt", atomically: true, encoding: .utf8)
    try Data([0x61, 0x62, 0xFF, 0x63]).write(to: URL(fileURLWithPath: directory + "/latin1.txt"))
    let cases: [(arguments: [String], message: String)] = [
      (["--d", "30", "--heads", "4"], "--d 30 is not divisible by --heads 4"),
      (["--context", "0"], "--context must be at least 1"),
      (["--batch", "0"], "--batch must be at least 1"),
      (["--lr", "0"], "--lr must be a positive finite number"),
      (["--lr=-3e-4"], "--lr must be a positive finite number"),
      (["--steps=-1"], "--steps must be ≥ 0"),
      (["--threads", "0"], "--threads must be at least 1"),
      (["--context", "4000"], "too few for --context 4000"),
      (["--batch", "65536", "--context", "1024", "--d", "2048"], "more than this machine's"),
      (["--batch", "100000000", "--context", "64"], "--batch 100000000 is above the limit of 65536"),
      (["--corpus", directory + "/one-char.txt"], "a single distinct character ('a')"),
      (["--corpus", directory + "/empty.txt"], "is empty"),
      (["--corpus", directory + "/latin1.txt"], "not valid UTF-8"),
      (["--corpus", directory + "/absent.txt"], "no such file"),
      (["--out", directory + "/missing/model.safetensors"], "does not exist"),
      (["--out", directory], "is a directory"),
    ]
    for (arguments, message) in cases {
      let output = try LessonBinary.run(["train", "--steps", "1"] + arguments)
      #expect(output.status == 2, "\(arguments): status \(output.status), \(output.stderr)")
      #expect(output.stderr.contains("error: ") && output.stderr.contains(message), "\(arguments): \(output.stderr)")
      #expect(output.stdout.isEmpty)
    }
    // Malformed values are swift-argument-parser's to reject (with its usage status, EX_USAGE = 64).
    let malformed = try LessonBinary.run(["train", "--steps", "many"])
    #expect(malformed.status != 0)
    #expect(malformed.stderr.contains("'many' is invalid for '--steps"))
  }

  @Test func divergenceStopsWithTheStepAndTheLikelyCause() throws {
    let directory = try Self.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let out = directory + "/diverged.safetensors"
    let output = try LessonBinary.run(["train", "--steps", "500", "--lr", "1e4", "--out", out, "--json"] + Self.tiny)
    #expect(output.status == 1)
    #expect(output.stderr.contains("training diverged at step "), "\(output.stderr)")
    #expect(output.stderr.contains("learning rate too high"))
    #expect(output.stderr.contains("No checkpoint was written"))
    #expect(output.stdout.isEmpty)
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  // MARK: - train --out, then sample

  @Test func trainWritesTheLossCurveAsSVG() throws {
    let directory = try Self.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let plot = directory + "/loss.svg"
    let train = try LessonBinary.run(["train", "--steps", "20", "--eval-every", "10", "--plot", plot] + Self.tiny)
    #expect(train.status == 0, "\(train.stderr)")
    let svg = try String(contentsOfFile: plot, encoding: .utf8)
    #expect(svg.hasPrefix("<?xml") && svg.contains("<svg") && svg.hasSuffix("</svg>\n"))
    #expect(svg.contains(">train<") && svg.contains(">val<"), "both series are labelled")
    let entries = try FileManager.default.contentsOfDirectory(atPath: directory)
    #expect(entries == ["loss.svg"], "no temporary file is left beside the plot: \(entries)")

    let nowhere = try LessonBinary.run(["train", "--steps", "1", "--plot", directory + "/missing/loss.svg"] + Self.tiny)
    #expect(nowhere.status == 2 && nowhere.stderr.contains("--plot"), "\(nowhere.stderr)")
  }

  @Test func playOffersATrainedCheckpoint() throws {
    let directory = try Self.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let checkpoint = directory + "/model.safetensors"
    let train = try LessonBinary.run(["train", "--steps", "30", "--lr", "3e-3", "--out", checkpoint] + Self.tiny)
    #expect(train.status == 0, "\(train.stderr)")

    let play = try LessonBinary.run(["play", "--checkpoint", checkpoint, "--prompt", "To be", "--top", "3", "--greedy", "5"])
    #expect(play.status == 0, "\(play.stderr)")
    #expect(play.stdout.contains("model: minigpt"), "\(play.stdout)")
    // The greedy continuation starts with the character of the highest bar.
    let lines = play.stdout.split(separator: "\n").map(String.init)
    let firstBar = try #require(lines.firstIndex { $0.hasPrefix("next character") }).advanced(by: 1)
    let top = lines[firstBar].trimmingCharacters(in: .whitespaces).prefix(1)
    let continuation = try #require(lines.first { $0.hasPrefix("\"To be") })
    let next = continuation.dropFirst("\"To be".count).prefix(1)
    #expect(top == next || (top == "␣" && next == " ") || (top == "⏎" && next.isEmpty), "\(play.stdout)")

    let missing = try LessonBinary.run(["play", "--checkpoint", directory + "/absent.safetensors", "--prompt", "To be"])
    #expect(missing.status != 0 && missing.stderr.contains("absent.safetensors"), "\(missing.stderr)")
  }

  @Test func aTrainedCheckpointSamples() throws {
    let directory = try Self.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let checkpoint = directory + "/model.safetensors"
    let train = try LessonBinary.run(["train", "--steps", "30", "--lr", "3e-3", "--out", checkpoint] + Self.tiny)
    #expect(train.status == 0, "\(train.stderr)")
    #expect(train.stdout.contains("step 30: train loss"))
    #expect(train.stderr.contains("checkpoint written to \(checkpoint) (step 30)"))

    let sample = try LessonBinary.run(["sample", "--checkpoint", checkpoint, "--prompt", "To be", "--count", "40", "--top-k", "5"])
    #expect(sample.status == 0, "\(sample.stderr)")
    #expect(sample.stdout.hasPrefix("To be"))
    // Prompt + 40 characters, plus a final newline unless the text already ends with one.
    #expect([45, 46].contains(sample.stdout.unicodeScalars.count) && sample.stdout.hasSuffix("\n"))
    let greedy = ["sample", "--checkpoint", checkpoint, "--prompt", "the ", "--count", "30", "--greedy"]
    #expect(try LessonBinary.run(greedy).stdout == (try LessonBinary.run(greedy).stdout))
    let seeded = ["sample", "--checkpoint", checkpoint, "--count", "30", "--seed", "9"]
    #expect(try LessonBinary.run(seeded).stdout == (try LessonBinary.run(seeded).stdout))

    let unknown = try LessonBinary.run(["sample", "--checkpoint", checkpoint, "--prompt", "To bé"])
    #expect(unknown.status == 2)
    #expect(unknown.stderr.contains("unknown character é (U+E9) at character 4"), "\(unknown.stderr)")
    let hot = try LessonBinary.run(["sample", "--checkpoint", checkpoint, "--temperature", "0"])
    #expect(hot.status == 2 && hot.stderr.contains("--temperature must be a positive"))
  }

  @Test func aCorruptCheckpointIsAClearError() throws {
    let directory = try Self.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let checkpoint = directory + "/model.safetensors"
    let train = try LessonBinary.run(["train", "--steps", "2", "--out", checkpoint] + Self.tiny)
    #expect(train.status == 0, "\(train.stderr)")
    let bytes = try Data(contentsOf: URL(fileURLWithPath: checkpoint))

    let truncated = directory + "/truncated.safetensors"
    try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: truncated))
    let cut = try LessonBinary.run(["sample", "--checkpoint", truncated])
    #expect(cut.status == 1)
    #expect(cut.stderr.contains("cannot use checkpoint \(truncated)") && cut.stderr.contains("truncated"), "\(cut.stderr)")

    let text = directory + "/notes.safetensors"
    try "hello, this is not a checkpoint".write(toFile: text, atomically: true, encoding: .utf8)
    let foreign = try LessonBinary.run(["sample", "--checkpoint", text])
    #expect(foreign.status == 1)
    #expect(foreign.stderr.contains("not a safetensors file") || foreign.stderr.contains("truncated"), "\(foreign.stderr)")

    let absent = try LessonBinary.run(["sample", "--checkpoint", directory + "/absent.safetensors"])
    #expect(absent.status == 1 && absent.stderr.contains("no such file"))
  }

  // MARK: - Signals

  /// Starts `lesson arguments…` with output to files in `directory`; returns the process.
  static func start(_ arguments: [String], directory: String) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: LessonBinary.path)
    process.arguments = arguments
    _ = FileManager.default.createFile(atPath: directory + "/stdout", contents: nil)
    _ = FileManager.default.createFile(atPath: directory + "/stderr", contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/stdout"))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/stderr"))
    process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
    try process.run()
    return process
  }

  @Test(arguments: [(SIGINT, Int32(130), "SIGINT"), (SIGTERM, Int32(143), "SIGTERM")])
  func aSignalStopsAfterTheStepAndSavesTheCheckpoint(signal: Int32, status: Int32, name: String) throws {
    let directory = try Self.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let checkpoint = directory + "/model.safetensors"
    let process = try Self.start(["train", "--steps", "10000000", "--eval-every", "0", "--out", checkpoint, "--json"] + Self.tiny,
                                 directory: directory)
    // Wait until training has begun (the header is printed once the input is validated), then a little more.
    let deadline = Date().addingTimeInterval(30)
    while process.isRunning, Date() < deadline,
          !((try? String(contentsOfFile: directory + "/stderr", encoding: .utf8)) ?? "").contains("training MiniGPT") {
      usleep(20_000)
    }
    usleep(500_000)
    kill(process.processIdentifier, signal)
    process.waitUntilExit()
    let stderr = try String(contentsOfFile: directory + "/stderr", encoding: .utf8)
    let stdout = try String(contentsOfFile: directory + "/stdout", encoding: .utf8)
    #expect(process.terminationReason == .exit)
    #expect(process.terminationStatus == status, "\(stderr)")
    #expect(stderr.contains("interrupted by \(name) after "), "\(stderr)")
    #expect(stderr.contains("written to \(checkpoint)"))
    let report = try Self.json(stdout)
    #expect(report["interrupted"] as? Bool == true)
    let completed = try #require(Self.number(report, "completed_steps"))
    #expect(completed >= 1 && completed < 10_000_000)
    let sample = try LessonBinary.run(["sample", "--checkpoint", checkpoint, "--count", "5"])
    #expect(sample.status == 0, "\(sample.stderr)")
  }

  // MARK: - bench and corpus

  @Test func benchReportsTheFieldsCompareReads() throws {
    let output = try LessonBinary.run(["bench", "--json", "--steps", "3", "--warmup", "1"] + Self.tiny)
    #expect(output.status == 0, "\(output.stderr)")
    let report = try Self.json(output.stdout)
    for key in ["median_ms_per_step", "p90_ms_per_step", "tokens_per_second", "gflops", "gflop_per_step",
                "sgemm_gflops", "peak_fraction", "peak_rss_mb", "threads"] {
      let value = try #require(Self.number(report, key), "missing \(key)")
      #expect(value > 0, "\(key) = \(value)")
    }
    #expect(Self.number(report, "p90_ms_per_step")! >= Self.number(report, "median_ms_per_step")!)
    let phases = try #require(report["phases"] as? [String: [String: Double]])
    #expect(Set(phases.keys) == ["forward", "backward", "step"])
    #expect(phases["forward"]?["linear"] != nil && phases["backward"]?["attention"] != nil)
    #expect(phases["step"]?["optimizer"] != nil)
    let config = try #require(report["config"] as? [String: Int])
    #expect(config["d"] == 16 && config["layers"] == 1 && config["heads"] == 2 && config["context"] == 8 && config["batch"] == 4)
    // The FLOP count: 6·N·(12d²L + Vd) + 12·B·T²·d·L with N = B·T = 32, V = 61.
    let linear: Double = 6 * 32 * (12 * 256 + 61 * 16)
    let attention: Double = 12 * 4 * 64 * 16
    let expected = (linear + attention) / 1e9
    #expect(abs(Self.number(report, "gflop_per_step")! - expected) < 1e-12)
    // Which BLAS ran and that its sgemm matched float64 before anything was timed.
    let blas = try #require(report["blas"] as? [String: Any])
    let library = try #require(blas["library"] as? String)
    #expect((blas["summary"] as? String)?.hasPrefix(library) == true)
    #expect((blas["products_verified"] as? Int ?? 0) >= 2 * 18)
    let worst = try #require(blas["worst_error_to_bound"] as? Double)
    #expect(worst > 0 && worst <= 1)
    // Never the SSE3 fallback OpenBLAS picks on CPUs newer than itself: lesson restarts with
    // better kernels then, and says so. A user's own OPENBLAS_CORETYPE stands.
    #if os(Linux)
    if ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil {
      #expect(blas["core"] as? String != "Prescott")
      if let detected = blas["detected_before_choice"] as? String {
        #expect(blas["core_type_override"] as? String == blas["core"] as? String, "\(detected)")
      }
    }
    let pinned = try LessonBinary.run(
      ["bench", "--json", "--steps", "1", "--warmup", "0"] + Self.tiny, environment: ["OPENBLAS_CORETYPE": "Haswell"])
    let pinnedBLAS = try #require(try Self.json(pinned.stdout)["blas"] as? [String: Any])
    #expect(pinnedBLAS["core"] as? String == "Haswell" && pinnedBLAS["detected_before_choice"] == nil)
    #endif

    let bad = try LessonBinary.run(["bench", "--steps", "0"])
    #expect(bad.status == 2 && bad.stderr.contains("--steps must be at least 1"))
  }

  @Test func corpusPrintsTheEmbeddedText() throws {
    let output = try LessonBinary.run(["corpus"])
    #expect(output.status == 0)
    #expect(output.stdout.contains("To be, or not to be, that is the question:"))
    #expect(output.stderr.isEmpty)
  }
}
