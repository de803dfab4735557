import Dispatch
import Foundation

// MARK: - Runner

/// What happened to one step in a run.
public struct StepRecord: Sendable {
  /// Everything the step reported.
  public var output: [ReportItem]
  /// Why it failed (threw, timed out, or a dependency failed), or `nil`.
  public var failure: String?
  /// Seconds spent in the body.
  public var seconds: Double
}

/// Runs a bound lesson's steps and checks against one shared context.
///
/// Steps run at most once. A step's or check's registered dependencies run first, quietly,
/// when they have not run yet; their output is kept so that the step can still be shown when
/// the document reaches it.
public final class LessonRunner {
  public let lesson: Lesson
  public let registry: Registry
  public let context: StepContext

  private var records: [String: StepRecord] = [:]
  private var outcomes: [String: Result<CheckOutcome, StepFailure>] = [:]
  /// Set when a step overran its timeout: its thread may still be using the context.
  private var abandonedBy: String?

  /// The timeout of a step without `timeout=`, and of every check: 10 minutes.
  ///
  /// Long enough for any step of the real lessons on a slow laptop, short enough that a step
  /// stuck in a loop cannot hang `lesson check` in CI forever.
  public static let standardTimeout: Double = 600
  /// The timeout, in seconds, of steps without `timeout=` and of checks; `nil` waits forever.
  public var defaultTimeout: Double? = LessonRunner.standardTimeout

  /// Creates a runner; `lesson` should have been bound against `registry` first.
  public init(lesson: Lesson, registry: Registry, context: StepContext) {
    self.lesson = lesson
    self.registry = registry
    self.context = context
  }

  /// The record of a step that has run, if it has.
  public func record(of id: String) -> StepRecord? { records[id] }

  // MARK: - Steps

  /// Runs the step block at `index` of the lesson (unless it is `display`), with its dependencies.
  ///
  /// - Returns: the record, or `nil` for a `display` step.
  @discardableResult
  public func runStep(at index: Int) -> StepRecord? {
    let block = lesson.steps[index]
    if block.attributes.display { return nil }
    return ensure(block.id, timeout: block.attributes.timeout)
  }

  /// Runs the step block at `index` again, even if it ran; its dependencies keep their results.
  ///
  /// - Returns: the new record, or `nil` for a `display` step.
  @discardableResult
  public func rerunStep(at index: Int) -> StepRecord? {
    let block = lesson.steps[index]
    if block.attributes.display { return nil }
    records[block.id] = nil
    return ensure(block.id, timeout: block.attributes.timeout)
  }

  /// Runs step `id` unless it already ran; dependencies first.
  @discardableResult
  public func ensure(_ id: String, timeout: Double? = nil) -> StepRecord {
    if let done = records[id] { return done }
    if let failure = dependencyFailure(for: id) {
      let record = StepRecord(output: [], failure: failure, seconds: 0)
      records[id] = record
      return record
    }
    guard let step = registry.step(id) else {
      let record = StepRecord(output: [], failure: "step '\(id)' is not registered", seconds: 0)
      records[id] = record
      return record
    }
    let timeout = timeout ?? lesson.steps.first(where: { $0.id == id })?.attributes.timeout ?? defaultTimeout
    let (failure, seconds) = execute(id: id, timeout: timeout) { context in
      try step.run(context)
    }
    // After a timeout the abandoned thread may still write to the context: leave it alone.
    let output = abandonedBy == id ? [] : context.takeOutput()
    let record = StepRecord(output: output, failure: failure, seconds: seconds)
    records[id] = record
    return record
  }

  /// Runs the dependencies of `id` and returns why one failed, if one did.
  private func dependencyFailure(for id: String) -> String? {
    if let abandonedBy { return "not run: step '\(abandonedBy)' timed out and may still be running" }
    for dependency in registry.dependencyOrder(of: id) {
      let record = ensure(dependency)
      if let failure = record.failure { return "dependency '\(dependency)' failed: \(failure)" }
    }
    return nil
  }

  /// Runs `body` on the context, on a worker thread when a timeout applies.
  private func execute(
    id: String, timeout: Double?, _ body: @escaping (StepContext) throws -> Void
  ) -> (failure: String?, seconds: Double) {
    context.currentID = id
    defer { if abandonedBy == nil { context.currentID = nil } }
    let start = DispatchTime.now()
    func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 }
    guard let timeout else {
      do {
        try body(context)
        return (nil, elapsed())
      } catch {
        return (String(describing: error), elapsed())
      }
    }
    let box = WorkerBox(context: context, body: body)
    let thread = Thread { box.run() }
    thread.stackSize = 64 << 20
    thread.start()
    if box.done.wait(timeout: .now() + timeout) == .timedOut {
      abandonedBy = id
      return ("timed out after \(ClaimComparison.format(timeout)) s", elapsed())
    }
    return (box.failure, elapsed())
  }

  // MARK: - Claims

  /// Evaluates the claim at `index` (its check runs once per run, after its dependencies).
  public func evaluateClaim(at index: Int) -> CheckResult {
    let claim = lesson.claims[index]
    let start = DispatchTime.now()
    let outcome = outcome(of: claim.id)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    var result = CheckResult(
      kind: .claim, id: claim.id, file: lesson.file, line: claim.line, status: .failed,
      claimed: claim.text, computed: nil, message: nil, seconds: seconds)
    switch (outcome, claim.number) {
    case (.failure(let failure), _):
      result.message = failure.message
    case let (.success(.number(value, detail)), number?):
      result.computed = ClaimComparison.format(value)
      result.status = ClaimComparison.matches(number, computed: value, tolerance: claim.tolerance) ? .passed : .failed
      var notes: [String] = []
      if let tolerance = claim.tolerance ?? (number.isApproximate ? .approximate : nil) {
        notes.append("tolerance \(tolerance)")
      }
      if let detail { notes.append(detail) }
      result.message = notes.isEmpty ? nil : notes.joined(separator: "; ")
    case let (.success(.boolean(verdict, detail)), nil):
      result.status = verdict ? .passed : .failed
      result.computed = detail
    case let (.success(.boolean(verdict, detail)), number?):
      result.status = .misbound
      result.computed = "\(verdict) (\(detail))"
      result.message = KindMismatch.booleanForNumber(id: claim.id, number: number, tolerance: claim.tolerance)
    case let (.success(.number(value, _)), nil):
      result.status = .misbound
      result.computed = ClaimComparison.format(value)
      result.message = KindMismatch.numberForStatement(id: claim.id, text: claim.text, value: value)
    }
    return result
  }

  /// The check's outcome, computed once per run.
  private func outcome(of id: String) -> Result<CheckOutcome, StepFailure> {
    if let cached = outcomes[id] { return cached }
    let result: Result<CheckOutcome, StepFailure>
    if let failure = dependencyFailure(for: id) {
      result = .failure(StepFailure(message: failure))
    } else if let check = registry.check(id) {
      var computed: CheckOutcome?
      let (failure, _) = execute(id: id, timeout: defaultTimeout) { context in computed = try check.evaluate(context) }
      _ = context.takeOutput()
      if let computed, failure == nil {
        result = .success(computed)
      } else {
        result = .failure(StepFailure(message: "check threw: \(failure ?? "no outcome")"))
      }
    } else {
      result = .failure(StepFailure(message: "check '\(id)' is not registered"))
    }
    outcomes[id] = result
    return result
  }

  // MARK: - Step results

  /// The results a step contributes to a report: one per `expect`, plus one if it failed.
  public func results(forStepAt index: Int) -> [CheckResult] {
    let block = lesson.steps[index]
    guard let record = records[block.id] else { return [] }
    var results: [CheckResult] = []
    for item in record.output {
      guard case .expectation(let expectation) = item else { continue }
      results.append(CheckResult(
        kind: .assertion, id: block.id, file: lesson.file, line: block.line,
        status: expectation.passed ? .passed : .failed, claimed: nil, computed: expectation.detail,
        message: expectation.message, seconds: 0))
    }
    if let failure = record.failure {
      results.append(CheckResult(
        kind: .step, id: block.id, file: lesson.file, line: block.line, status: .failed,
        claimed: nil, computed: nil, message: "step failed: \(failure)", seconds: record.seconds))
    }
    return results
  }
}

/// Why a check could not produce an outcome.
struct StepFailure: Error {
  let message: String
}

/// Carries a step body to a worker thread and its result back.
///
/// `@unchecked Sendable`: the runner waits on `done` before reading `failure`, and abandons the
/// context (running nothing else on it) when the wait times out.
private final class WorkerBox: @unchecked Sendable {
  let context: StepContext
  let body: (StepContext) throws -> Void
  let done = DispatchSemaphore(value: 0)
  var failure: String?

  init(context: StepContext, body: @escaping (StepContext) throws -> Void) {
    self.context = context
    self.body = body
  }

  func run() {
    do { try body(context) } catch { failure = String(describing: error) }
    done.signal()
  }
}
