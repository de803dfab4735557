import Foundation
import Testing

/// The result cache and `--set`, through the built binary: which steps really run is read from
/// the self-test bundle's run log (`LESSON_SELFTEST_RUN_LOG`), never from timings.
@Suite(.serialized) struct CacheEndToEndTests {
  /// A cache directory and a run log for one test.
  final class Scratch {
    let root = NSTemporaryDirectory() + "lesson-cache-e2e-" + UUID().uuidString
    var cache: String { root + "/cache" }
    var log: String { root + "/ran.log" }

    init() { try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Runs `lesson arguments` with this cache; returns the output and the steps that ran.
    func run(
      _ arguments: [String], binary: String = LessonBinary.testbedPath, environment: [String: String] = [:]
    ) throws -> (LessonBinary.Output, [String]) {
      try? FileManager.default.removeItem(atPath: log)
      let output = try LessonBinary.runBinary(
        binary, arguments, environment: environment.merging(["XDG_CACHE_HOME": cache, "LESSON_SELFTEST_RUN_LOG": log]) { $1 })
      let ran = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
      return (output, ran)
    }

    var entries: [String] {
      let directory = cache + "/lesson/steps"
      return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".entry") }
        .map { directory + "/" + $0 }
    }
  }

  /// Exit statuses collected across threads.
  final class Statuses: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [Int32] = []
    func append(_ status: Int32) { lock.lock(); collected.append(status); lock.unlock() }
    var values: [Int32] { lock.lock(); defer { lock.unlock() }; return collected }
  }

  static let selftest = ["check", "selftest"]
  static let allSteps = ["selftest-make-range", "selftest-squares", "selftest-progress", "selftest-constants"]

  /// The JSON report with what may differ between a cold and a warm run removed: timings and
  /// the cached marks.
  private func comparable(_ json: String) throws -> String {
    var object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    var lessons = try #require(object["lessons"] as? [[String: Any]])
    for index in lessons.indices {
      let results = try #require(lessons[index]["results"] as? [[String: Any]])
      lessons[index]["results"] = results.map { result in
        var copy = result
        copy["seconds"] = nil
        copy["cached"] = nil
        return copy
      }
    }
    object["lessons"] = lessons
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
  }

  @Test func aWarmCheckReplaysEveryStepAndReportsTheSame() throws {
    let scratch = Scratch()
    let (cold, coldRan) = try scratch.run(Self.selftest + ["--format", "json"])
    #expect(cold.status == 0, "\(cold.stderr)")
    #expect(Set(coldRan) == Set(Self.allSteps))
    let (warm, warmRan) = try scratch.run(Self.selftest + ["--format", "json"])
    #expect(warm.status == 0)
    #expect(warmRan.isEmpty)
    #expect(try comparable(warm.stdout) == comparable(cold.stdout))
    #expect(warm.stdout.contains("\"cached\" : true"))
    #expect(!cold.stdout.contains("\"cached\""))
  }

  @Test func aParameterRerunsItsStepAndDependentsOnly() throws {
    let scratch = Scratch()
    _ = try scratch.run(Self.selftest)
    let (changed, ran) = try scratch.run(Self.selftest + ["--set", "power=3"])
    #expect(ran == ["selftest-squares"])
    #expect(changed.status == 1)
    #expect(changed.stdout.contains("selftest-sum-of-squares FAIL (claimed 338,350, computed 25,502,500)"))
    // Upstream parameter: the range and everything reading it.
    let (_, upstream) = try scratch.run(Self.selftest + ["--set", "count=10"])
    #expect(upstream == ["selftest-make-range", "selftest-squares"])
    #expect(try scratch.run(Self.selftest).1.isEmpty)
  }

  @Test func theSeedIsInEveryKey() throws {
    let scratch = Scratch()
    _ = try scratch.run(Self.selftest)
    let (_, ran) = try scratch.run(Self.selftest + ["--seed", "7"])
    #expect(Set(ran) == Set(Self.allSteps))
  }

  #if os(Linux)
  /// Kernel families round matrix products differently, so each family's results are its own.
  @Test func anotherBLASKernelFamilyNeverReadsTheseEntries() throws {
    let scratch = Scratch()
    _ = try scratch.run(Self.selftest, environment: ["OPENBLAS_CORETYPE": "Haswell"])
    let (same, ranAgain) = try scratch.run(Self.selftest, environment: ["OPENBLAS_CORETYPE": "Haswell"])
    #expect(same.status == 0 && ranAgain.isEmpty, "\(ranAgain)")
    let (other, ran) = try scratch.run(Self.selftest, environment: ["OPENBLAS_CORETYPE": "Sandybridge"])
    #expect(other.status == 0)
    #expect(Set(ran) == Set(Self.allSteps))
  }
  #endif

  @Test func anotherBuildNeverReadsTheseEntries() throws {
    let scratch = Scratch()
    _ = try scratch.run(Self.selftest)
    // The same program with one byte more: another build identity.
    let copy = scratch.root + "/lesson-copy"
    var bytes = try Data(contentsOf: URL(fileURLWithPath: LessonBinary.testbedPath))
    bytes.append(0)
    try bytes.write(to: URL(fileURLWithPath: copy))
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: copy)
    let (output, ran) = try scratch.run(Self.selftest, binary: copy)
    #expect(output.status == 0)
    #expect(Set(ran) == Set(Self.allSteps))
  }

  @Test func aFlippedByteGivesACorrectPassingCheckAndAWarning() throws {
    let scratch = Scratch()
    let (cold, _) = try scratch.run(Self.selftest)
    for file in scratch.entries {
      var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
      bytes[bytes.count / 2] ^= 0x01
      try Data(bytes).write(to: URL(fileURLWithPath: file))
    }
    let (warm, ran) = try scratch.run(Self.selftest)
    #expect(warm.status == 0)
    #expect(warm.stdout == cold.stdout)
    #expect(Set(ran) == Set(Self.allSteps))
    #expect(warm.stderr.contains("its tag does not match"))
    #expect(warm.stderr.count < 4_000)
  }

  @Test func twoConcurrentChecksNeitherFailNorCorrupt() throws {
    let scratch = Scratch()
    let cache = scratch.cache
    let statuses = Statuses()
    DispatchQueue.concurrentPerform(iterations: 2) { _ in
      let status = (try? LessonBinary.runBinary(LessonBinary.testbedPath, Self.selftest, environment: ["XDG_CACHE_HOME": cache]).status) ?? -1
      statuses.append(status)
    }
    #expect(statuses.values == [0, 0])
    let (warm, ran) = try scratch.run(Self.selftest)
    #expect(warm.status == 0)
    #expect(ran.isEmpty)
    #expect(!warm.stderr.contains("warning"))
  }

  @Test func noCacheNeitherReadsNorWrites() throws {
    let scratch = Scratch()
    _ = try scratch.run(Self.selftest)
    let before = scratch.entries.count
    let (output, ran) = try scratch.run(Self.selftest + ["--no-cache", "--seed", "9"])
    #expect(output.status == 0)
    #expect(Set(ran) == Set(Self.allSteps))
    #expect(scratch.entries.count == before)
  }

  @Test func aCacheDirectoryThatIsAFileDegradesWithOneWarning() throws {
    let scratch = Scratch()
    try FileManager.default.createDirectory(atPath: scratch.cache, withIntermediateDirectories: true)
    try Data("x".utf8).write(to: URL(fileURLWithPath: scratch.cache + "/lesson"))
    let (output, _) = try scratch.run(Self.selftest)
    #expect(output.status == 0)
    #expect(output.stderr.components(separatedBy: "warning:").count == 2, "\(output.stderr)")
  }

  @Test func cacheShowsAndClears() throws {
    let scratch = Scratch()
    _ = try scratch.run(Self.selftest)
    let (shown, _) = try scratch.run(["cache"])
    #expect(shown.status == 0)
    #expect(shown.stdout.contains("4 entries"))
    let (cleared, _) = try scratch.run(["cache", "clear"])
    #expect(cleared.stdout.contains("removed 4 cache entries"))
    #expect(scratch.entries.isEmpty)
  }

  @Test func paramsListsTheSettingsAsJSON() throws {
    let (output, _) = try Scratch().run(["params", "selftest", "--format", "json"])
    #expect(output.status == 0)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
    let parameters = try #require(object["parameters"] as? [[String: Any]])
    #expect(parameters.compactMap { $0["name"] as? String } == ["count", "power"])
    #expect(parameters.first?["maximum"] as? Int == 100_000)
  }

  @Test(arguments: [
    (["--set", "count=0"], "count takes an integer from 1 to 100000"),
    (["--set", "count=9223372036854775807"], "count takes an integer from 1 to 100000"),
    (["--set", "count=nan"], "count takes an integer"),
    (["--set", "cuont=3"], "did you mean 'count'?"),
    (["--set", "count"], "is not NAME=VALUE"),
    (["--set", "count=inf"], "count takes an integer from 1 to 100000"),
    (["--set", "count="], "count takes an integer from 1 to 100000"),
    (["--set", "=3"], "the lesson has no parameter ''"),
    (["--set", "count=3", "--set", "count=4"], "--set count is given twice (3, then 4); give it once"),
  ])
  func badSettingsExitTwoWithTheRange(_ arguments: [String], _ message: String) throws {
    let (output, ran) = try Scratch().run(Self.selftest + arguments)
    #expect(output.status == 2)
    #expect(output.stderr.contains(message), "\(output.stderr)")
    #expect(ran.isEmpty)
  }
}
