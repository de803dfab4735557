import Dispatch
import Foundation

// MARK: - Runner

/// What happened to one step in a run.
public struct StepRecord: Sendable {
  /// Everything the step reported.
  public var output: [ReportItem]
  /// What it measured, by name.
  public var measurements: [String: MeasuredValue]
  /// Why it failed (threw, timed out, broke its declarations, or a dependency failed), or `nil`.
  public var failure: String?
  /// Seconds spent: in the body, or reading the cache.
  public var seconds: Double
  /// Whether the result was replayed from the result cache rather than computed.
  public var cached: Bool
}

/// Runs a bound lesson's steps and evaluates its claims against one shared context.
///
/// A step runs at most once per run, and only when its result is needed: when the document
/// reaches it, or a claim asks for a measurement it records. Its result comes from the result
/// cache when a valid entry for its key exists; otherwise it runs, after the steps it reads
/// from, and its result is stored. A step that must really run needs the state its upstream
/// steps wrote: that state is read back from their cache entries when they stored it, and
/// otherwise the upstream step runs again to rebuild it.
public final class LessonRunner {
  public let lesson: Lesson
  public let registry: Registry
  public let context: StepContext
  /// Where results are replayed from and stored, or nil for a cold, uncached run.
  public let cache: ResultCache?

  private var records: [String: StepRecord] = [:]
  /// Cache entries read this run, by step: their state is decoded only when a reader runs.
  private var entries: [String: CachedStep] = [:]
  /// Steps whose written state is present in the context.
  private var stateReady: Set<String> = []
  private var keys: [String: String] = [:]
  /// Set when a step overran its timeout, or its thread could not be stopped after another of
  /// its threads trapped: its thread may still be using the context.
  private var abandonedBy: String?
  /// The lesson's parameters (of its steps and everything they depend on).
  public let parameters: [ParameterSpec]

  /// Whether any runner in this process left a step's thread running or parked (a step that
  /// timed out, or trapped on any of its threads).
  ///
  /// Such a thread may still be computing when the command ends, and `exit(3)` would run the
  /// process's exit handlers and static destructors under it (a crash at exit, not the exit code
  /// the command chose). The command line ends with `_exit(2)` instead when this is set.
  public static var hasAbandonedWork: Bool { abandonedWork.withLock { $0 } }
  private static let abandonedWork = LockedState(false)

  /// The timeout of a step without `timeout=`: 10 minutes.
  ///
  /// Long enough for any step of the real lessons on a slow laptop, short enough that a step
  /// stuck in a loop cannot hang `lesson check` in CI forever.
  public static let standardTimeout: Double = 600
  /// The timeout, in seconds, of steps without `timeout=`; `nil` waits forever.
  public var defaultTimeout: Double? = LessonRunner.standardTimeout

  /// Creates a runner; `lesson` should have been bound against `registry` first.
  public init(lesson: Lesson, registry: Registry, context: StepContext, cache: ResultCache? = nil) {
    self.lesson = lesson
    self.registry = registry
    self.context = context
    self.cache = cache
    self.parameters = LessonBinder.parameters(of: lesson, registry: registry)
  }

  /// The record of a step that has run (or was replayed) in this run, if it has.
  public func record(of id: String) -> StepRecord? { records[id] }

  // MARK: - Steps

  /// Runs (or replays) the step block at `index` of the lesson, unless it is `display`.
  ///
  /// - Returns: the record, or `nil` for a `display` step.
  @discardableResult
  public func runStep(at index: Int) -> StepRecord? {
    let block = lesson.steps[index]
    if block.attributes.display { return nil }
    return ensure(block.id)
  }

  /// Runs the step block at `index` again for real, even if it ran or is cached; the steps it
  /// reads from keep their results.
  ///
  /// - Returns: the new record, or `nil` for a `display` step.
  @discardableResult
  public func rerunStep(at index: Int) -> StepRecord? {
    let block = lesson.steps[index]
    if block.attributes.display { return nil }
    return execute(block.id)
  }

  /// The result of step `id`: from this run, the cache, or by running it.
  @discardableResult
  public func ensure(_ id: String) -> StepRecord {
    if let done = records[id] { return done }
    if let cache, abandonedBy == nil, registry.step(id) != nil {
      let start = DispatchTime.now()
      if let entry = cache.load(key: key(of: id), step: id) {
        entries[id] = entry
        let record = StepRecord(
          output: entry.output, measurements: entry.measurements, failure: nil, seconds: seconds(since: start), cached: true)
        records[id] = record
        return record
      }
    }
    return execute(id)
  }

  /// Changes the run's settings between steps. Every step whose result depends on a changed
  /// parameter (the steps declaring it and every step below them) is forgotten, so it runs, or
  /// replays from the cache, when next needed; nothing else is touched.
  ///
  /// - Returns: the forgotten steps, sorted.
  @discardableResult
  public func apply(_ settings: ParameterSettings) -> [String] {
    let changed = parameters.filter { context.settings.value(of: $0) != settings.value(of: $0) }.map(\.name)
    context.settings = settings
    guard !changed.isEmpty else { return [] }
    let declaring = registry.stepIDs.filter { id in
      registry.step(id)?.parameters.contains { changed.contains($0.name) } ?? false
    }
    let affected = Set(declaring + declaring.flatMap(registry.downstream(of:)))
    for id in affected {
      records[id] = nil
      entries[id] = nil
      stateReady.remove(id)
      for key in registry.step(id)?.writes ?? [] { context.forget(key.name) }
    }
    keys.removeAll()
    return affected.sorted()
  }

  /// The cache key of step `id` in this run (see `StepKey`).
  public func key(of id: String) -> String {
    if let known = keys[id] { return known }
    let step = registry.step(id)
    let parameters = (step?.parameters ?? []).map { ($0.name, context.settings.value(of: $0)) }
    let key = StepKey.make(
      build: cache?.build ?? BuildIdentity.current, step: id, seed: context.seed, parameters: parameters,
      upstream: registry.upstream(of: id).map(key(of:)))
    keys[id] = key
    return key
  }

  /// Runs step `id` for real, after making the state it reads present.
  private func execute(_ id: String) -> StepRecord {
    func fail(_ message: String) -> StepRecord {
      let record = StepRecord(output: [], measurements: [:], failure: message, seconds: 0, cached: false)
      records[id] = record
      return record
    }
    if let abandonedBy { return fail("not run: step '\(abandonedBy)' timed out (or could not be stopped after a trap) and may still be running") }
    guard let step = registry.step(id) else { return fail("step '\(id)' is not registered") }
    for upstream in registry.upstream(of: id) {
      if let failure = ensure(upstream).failure { return fail("dependency '\(upstream)' failed: \(failure)") }
      if let failure = materialize(upstream) { return fail("dependency '\(upstream)' failed: \(failure)") }
    }
    for key in step.writes { context.forget(key.name) }
    let timeout = lesson.steps.first(where: { $0.id == id })?.attributes.timeout ?? defaultTimeout
    context.begin(step)
    let (thrown, seconds) = run(id: id, timeout: timeout) { context in
      do { try step.run(context) } catch {
        // Named with the step's Swift file:line, so an author can find the throwing code.
        throw StepFailure(message: "\(error) (thrown by step '\(id)' at \(step.location))")
      }
    }
    // After a timeout the abandoned thread may still write to the context: leave it alone.
    let (output, measurements, violations) = abandonedBy == id ? ([], [:], []) : context.end()
    var failure = thrown
    if failure == nil {
      let missing = step.measures.filter { measurements[$0] == nil }
      let problems = violations + missing.map { "declares measurement '\($0)' in `measures:` but did not record it" }
      if !problems.isEmpty {
        failure = "step '\(id)' (\(step.location)) " + problems.joined(separator: "; ")
      }
    }
    let record = StepRecord(output: output, measurements: measurements, failure: failure, seconds: seconds, cached: false)
    records[id] = record
    entries[id] = nil
    if failure == nil {
      stateReady.insert(id)
      store(step, record)
    }
    return record
  }

  /// Makes the state `id` writes present in the context: it is already, or its cache entry
  /// holds it, or `id` runs again to rebuild it. Returns why that failed, if it did.
  private func materialize(_ id: String) -> String? {
    if stateReady.contains(id) { return nil }
    guard let step = registry.step(id) else { return "step '\(id)' is not registered" }
    if let entry = entries[id], step.writes.allSatisfy({ $0.codec != nil && entry.state[$0.name] != nil }) {
      do {
        var decoded: [(String, Any)] = []
        for key in step.writes { decoded.append((key.name, try key.codec!.decode(entry.state[key.name]!))) }
        for (name, value) in decoded { context.restore(name, value) }
        stateReady.insert(id)
        return nil
      } catch {
        cache?.warnOnce("state:\(id)", "warning: cached state of step '\(id)' cannot be read (\(error)); running the step again")
      }
    }
    return execute(id).failure
  }

  /// Writes a step's fresh result to the cache, with the state its readers can reuse.
  private func store(_ step: Step, _ record: StepRecord) {
    guard let cache else { return }
    var state: [String: Data] = [:]
    for key in step.writes {
      guard let codec = key.codec, let value = context.storedValue(key.name) else { continue }
      // A value that cannot be encoded is simply not cached: readers rerun the step instead.
      if let data = try? codec.encode(value) { state[key.name] = data }
    }
    cache.store(CachedStep(
      key: key(of: step.id), step: step.id, build: cache.build, output: record.output,
      measurements: record.measurements, seconds: record.seconds, state: state))
  }

  /// Runs `body` on the context, on a worker thread when a timeout applies.
  private func run(
    id: String, timeout: Double?, _ body: @escaping (StepContext) throws -> Void
  ) -> (failure: String?, seconds: Double) {
    let start = DispatchTime.now()
    guard let timeout else {
      do {
        try body(context)
        return (nil, seconds(since: start))
      } catch {
        return (String(describing: error), seconds(since: start))
      }
    }
    let box = WorkerBox(context: context, body: body)
    let watch = StepWatch()
    let thread = Thread { StepTrapGuard.run(reportingTo: watch) { box.run() } }
    thread.stackSize = 64 << 20
    thread.start()
    let location = " (step '\(id)'" + (registry.step(id).map { " at \($0.location))" } ?? ")")
    switch watch.wait(timeout: timeout) {
    case .finished:
      return (box.failure, seconds(since: start))
    case .timedOut:
      abandonedBy = id
      Self.abandonedWork.withLock { $0 = true }
      return ("timed out after \(ClaimComparison.format(timeout)) s" + location, seconds(since: start))
    case .trapped(let signal):
      // The worker is parked in the handler for good: the context is the runner's again, and
      // the steps that do not read this one's state still run. (Parked, it is still a thread
      // the process must not tear down under it.)
      StepTrapGuard.forget(watch)
      Self.abandonedWork.withLock { $0 = true }
      return (StepTrapGuard.describe(signal) + location, seconds(since: start))
    case .foreignTrap(let signal):
      // Another thread trapped while this step ran (steps run one at a time: it was this
      // step's). That thread is parked; the step's own is usually waiting for it forever, or
      // still computing: park it as well, so the context is the runner's again.
      Self.abandonedWork.withLock { $0 = true }
      let message = StepTrapGuard.describe(signal) + " on a thread the step started" + location
      guard StepTrapGuard.stopStepThread(reportingTo: watch) else {
        // It did not stop: like a timed-out step, it may still write to the context.
        abandonedBy = id
        return (message + "; its own thread could not be stopped and may still be running", seconds(since: start))
      }
      StepTrapGuard.forget(watch)
      return (message, seconds(since: start))
    case .parked:
      // Only `stopStepThread` asks for a park and reads the answer itself, so this byte cannot
      // come first; were it to, the thread is parked all the same.
      StepTrapGuard.forget(watch)
      Self.abandonedWork.withLock { $0 = true }
      return ("stopped" + location, seconds(since: start))
    }
  }

  private func seconds(since start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
  }

  // MARK: - Claims

  /// What a claim is bound to.
  public enum ClaimBinding: Sendable, Equatable {
    /// A measurement recorded by a step.
    case measurement(step: String)
    /// A derived check over measurements of these steps.
    case derived(steps: [String])
    /// A lesson setting (a parameter), restated by the prose.
    case setting(ParameterSpec)
    /// Nothing: a binding error `lesson lint` reports.
    case unbound
  }

  /// What the claim at `index` is bound to.
  public func binding(ofClaimAt index: Int) -> ClaimBinding {
    LessonBinder.binding(of: lesson.claims[index].id, parameters: parameters, registry: registry)
  }

  /// Whether the claim at `index` can be shown without running anything: its steps have a
  /// result in this run (or it restates a setting). `lesson run` shows other claims as pending.
  ///
  /// Only steps the lesson shows as a runnable block are waited for: a claim measured by a step
  /// the lesson never shows has nothing to wait for and is ready at once.
  public func isReady(claimAt index: Int) -> Bool {
    let shown = Set(lesson.steps.filter { !$0.attributes.display }.map(\.id))
    switch binding(ofClaimAt: index) {
    case .measurement(let step): return records[step] != nil || !shown.contains(step)
    case .derived(let steps): return steps.allSatisfy { records[$0] != nil || !shown.contains($0) }
    case .setting, .unbound: return true
    }
  }

  /// The steps whose results the claim at `index` waits for.
  public func steps(forClaimAt index: Int) -> [String] {
    registry.steps(forClaim: lesson.claims[index].id)
  }

  /// Evaluates the claim at `index`, running (or replaying) the steps it rests on if needed.
  public func evaluateClaim(at index: Int) -> CheckResult {
    let claim = lesson.claims[index]
    let start = DispatchTime.now()
    var cached = false
    let outcome: Result<MeasuredValue, StepFailure>
    switch binding(ofClaimAt: index) {
    case .setting(let spec):
      return settingResult(claim, spec: spec)
    case .unbound:
      outcome = .failure(StepFailure(message: "check '\(claim.id)' is not registered"))
    case .measurement(let step):
      let record = ensure(step)
      cached = record.cached
      if let failure = record.failure {
        outcome = .failure(StepFailure(message: "step '\(step)' failed: \(failure)"))
      } else if let value = record.measurements[claim.id] {
        outcome = .success(value)
      } else {
        outcome = .failure(StepFailure(message: "step '\(step)' recorded no measurement '\(claim.id)'"))
      }
    case .derived(let steps):
      var values: [String: MeasuredValue] = [:]
      var failure: String?
      for step in steps {
        let record = ensure(step)
        cached = cached || record.cached
        if let stepFailure = record.failure { failure = "step '\(step)' failed: \(stepFailure)"; break }
        values.merge(record.measurements) { first, _ in first }
      }
      if let failure {
        outcome = .failure(StepFailure(message: failure))
      } else {
        do {
          outcome = .success(try registry.check(claim.id)!.evaluate(MeasurementValues(values: values)))
        } catch {
          outcome = .failure(StepFailure(message: "check threw: \(error)"))
        }
      }
    }
    var result = CheckResult(
      kind: .claim, id: claim.id, file: lesson.file, line: claim.line, status: .failed,
      claimed: claim.text, computed: nil, message: nil, seconds: seconds(since: start))
    result.cached = cached
    switch (outcome, claim.number) {
    case (.failure(let failure), _):
      result.message = failure.message
    case let (.success(.number(value, detail)), number?):
      result.value = value
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

  /// A claim restating a setting holds when its figure is the setting's value in this run.
  private func settingResult(_ claim: Claim, spec: ParameterSpec) -> CheckResult {
    let value = spec == .seed ? ParameterValue.integer(Int(truncatingIfNeeded: context.seed)) : context.settings.value(of: spec)
    var result = CheckResult(
      kind: .setting, id: claim.id, file: lesson.file, line: claim.line, status: .failed, claimed: claim.text,
      computed: value.description, message: "lesson setting '\(spec.name)'", seconds: 0)
    switch (claim.number, value.numericValue) {
    case let (number?, numeric?):
      result.value = numeric
      result.computed = ClaimComparison.format(numeric)
      result.status = ClaimComparison.matches(number, computed: numeric, tolerance: claim.tolerance) ? .passed : .failed
    case (nil, _):
      result.status = .misbound
      result.message = "claim '\(claim.id)' names the setting '\(spec.name)' but its text holds no number; write the value, e.g. [\(value)](check:\(claim.id))"
    case (_, nil):
      result.status = .misbound
      result.message = "setting '\(spec.name)' is \(spec.range.hasPrefix("on") ? "on or off" : "a choice"), not a number"
    }
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
      var result = CheckResult(
        kind: .assertion, id: block.id, file: lesson.file, line: block.line,
        status: expectation.passed ? .passed : .failed, claimed: nil, computed: expectation.detail,
        message: expectation.message, seconds: 0)
      result.cached = record.cached
      results.append(result)
    }
    if let failure = record.failure {
      results.append(CheckResult(
        kind: .step, id: block.id, file: lesson.file, line: block.line, status: .failed,
        claimed: nil, computed: nil, message: "step failed: \(failure)", seconds: record.seconds))
    }
    return results
  }
}

/// Why a claim could not be evaluated.
struct StepFailure: Error, CustomStringConvertible {
  let message: String
  var description: String { message }
}

/// Carries a step body to a worker thread and its result back.
///
/// `@unchecked Sendable`: the runner waits on its `StepWatch` before reading `failure`, and
/// abandons the context (running nothing else on it) when the wait times out.
private final class WorkerBox: @unchecked Sendable {
  let context: StepContext
  let body: (StepContext) throws -> Void
  var failure: String?

  init(context: StepContext, body: @escaping (StepContext) throws -> Void) {
    self.context = context
    self.body = body
  }

  func run() {
    do { try body(context) } catch { failure = String(describing: error) }
  }
}
