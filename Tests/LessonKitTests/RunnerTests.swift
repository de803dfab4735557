import Foundation
import LessonKit
import Testing

/// Counts how often steps run, across threads (the timeout path runs steps on a worker).
final class RunCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var counts: [String: Int] = [:]
  func hit(_ id: String) { lock.lock(); counts[id, default: 0] += 1; lock.unlock() }
  func count(_ id: String) -> Int { lock.lock(); defer { lock.unlock() }; return counts[id, default: 0] }
}

@Suite struct RunnerTests {
  static let valueKey = StateKey<Int>("value")

  static let doubledKey = StateKey<Int>("doubled")

  private func makeRunner(_ markdown: String, counter: RunCounter, seed: UInt64 = 1337) throws -> LessonRunner {
    let key = Self.valueKey
    let doubled = Self.doubledKey
    let registry = try Registry(bundles: [
      LessonBundle(name: "t") {
        Step("make", writes: [key], measures: ["is-positive"]) { context in
          counter.hit("make")
          context[key] = 21
          context.text("made")
          context.expect(true, "made a value")
          context.measure("is-positive", 21 > 0, detail: "value 21")
        }
        Step("double", reads: [key], writes: [doubled], measures: ["value"]) { context in
          counter.hit("double")
          context[doubled] = try context.require(key) * 2
          context.expect(false, "a failing assertion", detail: "measured 0")
          context.measure("value", try context.require(doubled))
        }
        Step("needs-missing", reads: [StateKey<String>("absent")]) { context in
          _ = try context.require(StateKey<String>("absent"))
        }
        Step("stores-nothing", writes: [StateKey<String>("absent")]) { _ in }
        Step("slow") { _ in Thread.sleep(forTimeInterval: 2) }
      }
    ])
    let lesson = Lesson.parse(markdown, file: "t.md")
    #expect(LessonBinder.bindingErrors(lesson, registry: registry).isEmpty)
    return LessonRunner(lesson: lesson, registry: registry, context: StepContext(seed: seed))
  }

  @Test func claimRunsItsDependenciesQuietlyOnce() throws {
    let counter = RunCounter()
    let runner = try makeRunner("# T\n\n[42](check:value) and again [42](check:value)\n", counter: counter)
    #expect(runner.evaluateClaim(at: 0).status == .passed)
    #expect(runner.evaluateClaim(at: 1).status == .passed)
    #expect(counter.count("make") == 1)
    #expect(counter.count("double") == 1)
    #expect(runner.record(of: "make")?.output.count == 2)
    #expect(runner.record(of: "double")?.measurements["value"] == .number(42))
  }

  @Test func stepsRunAtMostOnce() throws {
    let counter = RunCounter()
    let runner = try makeRunner("# T\n\n```swift step=double\nx\n```\n\n```swift step=make\nx\n```\n", counter: counter)
    runner.runStep(at: 0)
    runner.runStep(at: 1)
    #expect(counter.count("make") == 1)
  }

  @Test func assertionsBecomeResults() throws {
    let counter = RunCounter()
    let runner = try makeRunner("# T\n\n```swift step=double\nx\n```\n", counter: counter)
    runner.runStep(at: 0)
    let results = runner.results(forStepAt: 0)
    #expect(results.count == 1)
    #expect(results.first?.status == .failed)
    #expect(results.first?.line == 3)
    #expect(results.first?.explanation == "a failing assertion: measured 0")
  }

  @Test func wrongNumberFails() throws {
    let runner = try makeRunner("# T\n\n[41](check:value)\n", counter: RunCounter())
    let result = runner.evaluateClaim(at: 0)
    #expect(result.status == .failed)
    #expect(result.explanation == "claimed 41, computed 42")
  }

  @Test func statementClaimPassesOnTheBoolean() throws {
    let runner = try makeRunner("# T\n\n[the value is positive](check:is-positive)\n", counter: RunCounter())
    let result = runner.evaluateClaim(at: 0)
    #expect(result.status == .passed)
    #expect(result.computed == "value 21")
  }

  @Test func numberClaimOnABooleanCheckIsMisbound() throws {
    let runner = try makeRunner("# T\n\n[21 is positive](check:is-positive)\n", counter: RunCounter())
    let result = runner.evaluateClaim(at: 0)
    #expect(result.status == .misbound)
    #expect(result.message?.contains("move the number out of the link text") == true)
  }

  @Test func statementClaimOnANumberCheckIsMisbound() throws {
    let runner = try makeRunner("# T\n\n[the value](check:value)\n", counter: RunCounter())
    #expect(runner.evaluateClaim(at: 0).status == .misbound)
  }

  @Test func seedReachesTheContext() throws {
    let runner = try makeRunner("# T\n\n[7](check:seed)\n", counter: RunCounter(), seed: 7)
    #expect(runner.evaluateClaim(at: 0).status == .passed)
  }

  @Test func missingStateNamesTheKeyAndTheStep() throws {
    let runner = try makeRunner("# T\n\n```swift step=needs-missing\nx\n```\n", counter: RunCounter())
    let failure = try #require(runner.runStep(at: 0)?.failure)
    #expect(failure.contains("state 'absent' is missing"))
    #expect(failure.contains("step 'needs-missing' reads it"))
  }

  @Test func timeoutAbandonsTheStepAndWhatFollows() throws {
    let runner = try makeRunner(
      "# T\n\n```swift step=slow timeout=0.2\nx\n```\n\n[21](check:is-positive)\n", counter: RunCounter())
    let record = try #require(runner.runStep(at: 0))
    #expect(record.failure?.contains("timed out after 0.2 s") == true)
    #expect(runner.evaluateClaim(at: 0).message?.contains("timed out") == true)
  }

  @Test func displayStepsDoNotRun() throws {
    let counter = RunCounter()
    let runner = try makeRunner("# T\n\n```swift step=make display\nx\n```\n", counter: counter)
    #expect(runner.runStep(at: 0) == nil)
    #expect(counter.count("make") == 0)
  }
}
