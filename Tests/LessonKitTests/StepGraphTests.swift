import Foundation
import LessonKit
import Testing

/// A small step graph: `base` (parameter `count`) → `scaled` (parameter `factor`) → `report`,
/// plus an independent `other`. Each step counts its real runs.
struct GraphFixture {
  static let count = Parameter.integer("count", default: 4, in: 1...1_000, "how many numbers")
  static let factor = Parameter.real("factor", default: 2, in: 0.5...10, "what the numbers are scaled by")
  static let numbersKey = StateKey<[Int]>("graph.numbers")
  static let scaledKey = StateKey<[Double]>("graph.scaled")
  /// Not cacheable: a reader that really runs makes its writer run again.
  static let handleKey = StateKey<NSObject>("graph.handle")

  let counter = RunCounter()
  let registry: Registry

  init() throws {
    let counter = self.counter
    registry = try Registry(bundles: [
      LessonBundle(name: "graph") {
        Step("base", writes: [Self.numbersKey], parameters: [Self.count], measures: ["base-sum"]) { context in
          counter.hit("base")
          let numbers = Array(1...context[Self.count])
          context[Self.numbersKey] = numbers
          context.text("numbers 1…\(numbers.count)")
          context.measure("base-sum", numbers.reduce(0, +))
        }
        Step("scaled", reads: [Self.numbersKey], writes: [Self.scaledKey], parameters: [Self.factor], measures: ["scaled-sum"]) {
          context in
          counter.hit("scaled")
          let scaled = try context.require(Self.numbersKey).map { Double($0) * context[Self.factor] }
          context[Self.scaledKey] = scaled
          context.measure("scaled-sum", scaled.reduce(0, +))
        }
        Step("report", reads: [Self.scaledKey], measures: ["report-max", "report-positive"]) { context in
          counter.hit("report")
          let scaled = try context.require(Self.scaledKey)
          context.measure("report-max", scaled.max() ?? 0)
          context.measure("report-positive", scaled.allSatisfy { $0 > 0 }, detail: "min \(scaled.min() ?? 0)")
        }
        Step("other", writes: [Self.handleKey], measures: ["other-value"]) { context in
          counter.hit("other")
          context[Self.handleKey] = NSObject()
          context.measure("other-value", 7)
        }
        Step("uses-handle", reads: [Self.handleKey], measures: ["handle-present"]) { context in
          counter.hit("uses-handle")
          _ = try context.require(Self.handleKey)
          context.measure("handle-present", true, detail: "present")
        }
        Check("ratio", uses: ["scaled-sum", "base-sum"]) { values in
          .number(try values.number("scaled-sum") / values.number("base-sum"))
        }
      }
    ])
  }

  static let markdown = """
    # Graph

    ## One

    There are [4](check:count) numbers adding up to [10](check:base-sum).

    ```swift step=base
    x
    ```

    ## Two

    Scaled by [2](check:factor) they add up to [20](check:scaled-sum), a ratio of [2](check:ratio).

    ```swift step=scaled
    x
    ```

    The largest is [8](check:report-max) and [all are positive](check:report-positive).

    ```swift step=report
    x
    ```

    Other: [7](check:other-value), [present](check:handle-present).
    """

  var lesson: Lesson { Lesson.parse(Self.markdown, file: "graph.md") }

  func runner(cache: ResultCache?, set: [String] = [], seed: UInt64 = 1337) throws -> LessonRunner {
    let lesson = self.lesson
    let settings = try ParameterSettings(assignments: set, specs: LessonBinder.parameters(of: lesson, registry: registry))
    return LessonRunner(lesson: lesson, registry: registry, context: StepContext(seed: seed, settings: settings), cache: cache)
  }

  /// Evaluates every claim in order and returns the results.
  func checkAll(_ runner: LessonRunner) -> [CheckResult] {
    runner.lesson.claims.indices.map { runner.evaluateClaim(at: $0) }
  }
}

/// A cache in a fresh temporary directory, collecting its warnings, with its key in a fresh
/// state directory beside it (never the user's own).
final class TemporaryCache: @unchecked Sendable {
  let directory: String
  /// The state directory holding the key (`keyFile`), outside `directory` as in real use.
  let stateDirectory: String
  private let lock = NSLock()
  private var collected: [String] = []

  init() {
    directory = NSTemporaryDirectory() + "lesson-cache-test-" + UUID().uuidString
    stateDirectory = directory + "-state"
  }

  /// The key file the cache uses unless told another.
  var keyFile: String { stateDirectory + "/lesson/cache-key" }

  var warnings: [String] {
    lock.lock()
    defer { lock.unlock() }
    return collected
  }

  func make(build: String = "build-A", limit: Int = ResultCache.defaultLimit, keyFile: String? = nil) -> ResultCache {
    ResultCache(directory: directory, build: build, keyFile: keyFile ?? self.keyFile, limitBytes: limit) { [self] message in
      lock.lock()
      collected.append(message)
      lock.unlock()
    }
  }

  func entryFiles() -> [String] {
    let steps = directory + "/steps"
    return ((try? FileManager.default.contentsOfDirectory(atPath: steps)) ?? []).filter { $0.hasSuffix(".entry") }
      .map { steps + "/" + $0 }
  }

  deinit {
    try? FileManager.default.removeItem(atPath: directory)
    try? FileManager.default.removeItem(atPath: stateDirectory)
  }
}

@Suite struct StepGraphTests {
  @Test func edgesComeFromDeclaredKeys() throws {
    let fixture = try GraphFixture()
    #expect(fixture.registry.upstream(of: "report") == ["scaled"])
    #expect(fixture.registry.dependencyOrder(of: "report") == ["base", "scaled"])
    #expect(fixture.registry.downstream(of: "base") == ["report", "scaled"])
    #expect(fixture.registry.steps(forClaim: "ratio").sorted() == ["base", "scaled"])
    #expect(fixture.registry.measuringStep(of: "report-max") == "report")
  }

  @Test func claimsBindToMeasurementsChecksAndSettings() throws {
    let fixture = try GraphFixture()
    let runner = try fixture.runner(cache: nil)
    #expect(LessonBinder.bindingErrors(fixture.lesson, registry: fixture.registry).isEmpty)
    #expect(runner.binding(ofClaimAt: 0) == .setting(GraphFixture.count.spec))
    #expect(runner.binding(ofClaimAt: 1) == .measurement(step: "base"))
    #expect(runner.parameters.map(\.name) == ["count", "factor"])
    let results = fixture.checkAll(runner)
    #expect(results.allSatisfy { $0.passed }, "\(results.filter { !$0.passed }.map(\.explanation))")
    #expect(results[0].kind == .setting && results[1].kind == .claim)
  }

  @Test func settingClaimsFollowTheSetting() throws {
    let fixture = try GraphFixture()
    let results = fixture.checkAll(try fixture.runner(cache: nil, set: ["count=5"]))
    let failed = results.filter { !$0.passed }.map(\.id)
    // count itself, and everything computed from the numbers; the ratio and `factor` still hold.
    #expect(failed == ["count", "base-sum", "scaled-sum", "report-max"])
    #expect(results[1].computed == "15")
  }

  @Test func aClaimDoesNotRunItsStepEarlyInTheReadersView() throws {
    let fixture = try GraphFixture()
    let runner = try fixture.runner(cache: nil)
    #expect(!runner.isReady(claimAt: 1))
    #expect(runner.isReady(claimAt: 0))  // a setting needs nothing
    #expect(fixture.counter.count("base") == 0)
    runner.runStep(at: 0)
    #expect(runner.isReady(claimAt: 1))
  }

  @Test func changingASettingMidRunForgetsOnlyWhatDependsOnIt() throws {
    let fixture = try GraphFixture()
    let runner = try fixture.runner(cache: nil)
    #expect(fixture.checkAll(runner).allSatisfy { $0.passed })
    var settings = runner.context.settings
    try settings.set(GraphFixture.factor.spec, to: .real(3))
    #expect(runner.apply(settings) == ["report", "scaled"])
    #expect(!runner.isReady(claimAt: 3))  // scaled-sum waits for its step again
    let results = fixture.checkAll(runner)
    #expect(results.first { $0.id == "scaled-sum" }?.computed == "30")
    #expect(results.first { $0.id == "factor" }?.passed == false)
    #expect(fixture.counter.count("base") == 1)
    #expect(fixture.counter.count("scaled") == 2)
    #expect(runner.apply(settings).isEmpty)
  }

  @Test func undeclaredMeasurementsAndMissingOnesFailTheStepByName() throws {
    let registry = try Registry(bundles: [
      LessonBundle(name: "bad") {
        Step("sloppy", measures: ["declared"]) { context in context.measure("undeclared", 1) }
        Step("reader") { context in _ = try context.require(StateKey<Int>("elsewhere")) }
        Step("writer", writes: [StateKey<Int>("elsewhere")]) { context in context[StateKey<Int>("elsewhere")] = 1 }
      }
    ])
    let lesson = Lesson.parse("# B\n\n```swift step=sloppy\nx\n```\n\n```swift step=reader\nx\n```\n", file: "b.md")
    let runner = LessonRunner(lesson: lesson, registry: registry, context: StepContext())
    let failure = try #require(runner.runStep(at: 0)?.failure)
    #expect(failure.contains("'undeclared' without declaring it"))
    #expect(failure.contains("declares measurement 'declared'"))
    #expect(failure.contains("StepGraphTests.swift"))
    let readFailure = try #require(runner.runStep(at: 1)?.failure)
    #expect(readFailure.contains("without declaring it; add the key to its `reads:`"))
  }

  @Test func registryRefusesAmbiguousGraphs() {
    let key = StateKey<Int>("k")
    #expect(throws: RegistryError.self) {
      try Registry(bundles: [LessonBundle(name: "x") {
        Step("a", measures: ["m"]) { _ in }
        Step("b", measures: ["m"]) { _ in }
      }])
    }
    #expect(throws: RegistryError.self) {
      try Registry(bundles: [LessonBundle(name: "x") { Step("a", reads: [key]) { _ in } }])
    }
    #expect(throws: RegistryError.self) {
      try Registry(bundles: [LessonBundle(name: "x") {
        Step("a", reads: [StateKey<Int>("q")], writes: [key]) { _ in }
        Step("b", reads: [key], writes: [StateKey<Int>("q")]) { _ in }
      }])
    }
    #expect(throws: RegistryError.self) {
      try Registry(bundles: [LessonBundle(name: "x") { Check("c", uses: ["nothing"]) { _ in .number(1) } }])
    }
  }

  @Test func unknownClaimsSuggestTheClosestName() throws {
    let fixture = try GraphFixture()
    let lesson = Lesson.parse("# T\n\n[10](check:base-sun)\n", file: "t.md")
    let errors = LessonBinder.bindingErrors(lesson, registry: fixture.registry).map(\.description)
    #expect(errors.count == 1)
    #expect(errors[0].contains("did you mean 'base-sum'?"))
    #expect(errors[0].contains("t.md:3"))
  }
}

@Suite struct ParameterTests {
  let specs = [GraphFixture.count.spec, GraphFixture.factor.spec, Parameter.flag("mask", default: true, "m").spec]

  @Test func assignmentsParseAndValidate() throws {
    let settings = try ParameterSettings(assignments: ["count=7", "factor=2.5e0", "mask=off"], specs: specs)
    #expect(settings.value(of: specs[0]) == .integer(7))
    #expect(settings.value(of: specs[1]) == .real(2.5))
    #expect(settings.value(of: specs[2]) == .flag(false))
    // Setting the default is no override at all: the cache key stays the same.
    #expect(try ParameterSettings(assignments: ["count=4"], specs: specs).overrides.isEmpty)
  }

  @Test(arguments: [
    "count=0", "count=1001", "count=9223372036854775808", "count=99999999999999999999999", "count=1.5",
    "factor=nan", "factor=inf", "factor=0x1p1", "factor=100", "factor=", "mask=maybe",
  ])
  func badValuesNameTheRange(_ assignment: String) {
    do {
      _ = try ParameterSettings(assignments: [assignment], specs: specs)
      Issue.record("\(assignment) was accepted")
    } catch let error as ParameterError {
      #expect(error.description.contains("takes"))
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test func unknownNamesListTheParameters() {
    #expect(throws: ParameterError.unknown(name: "cuont", known: ["count", "factor", "mask"])) {
      try ParameterSettings(assignments: ["cuont=3"], specs: specs)
    }
    let message = ParameterError.unknown(name: "cuont", known: ["count", "factor"]).description
    #expect(message.contains("did you mean 'count'?"))
    #expect(throws: ParameterError.self) { try ParameterSettings(assignments: ["noequals"], specs: specs) }
  }

  @Test func floodsAreCut() {
    let huge = String(repeating: "x", count: 1_000_000)
    do {
      _ = try ParameterSettings(assignments: [huge + "=1"], specs: specs)
    } catch {
      #expect(String(describing: error).count < 400)
    }
  }
}
