import Foundation

// MARK: - Step context

/// What a running step sees: its settings, the state it declared, the lesson seed and the report
/// it writes to.
///
/// One context lives for one lesson run and is shared by its steps, one at a time. A step may
/// only touch what it declared (`reads:`, `writes:`, `parameters:`, `measures:`): the result
/// cache keys a step by those declarations, so an undeclared read would let a stale result
/// through. Using anything undeclared fails the step with a message naming it.
public final class StepContext {
  /// The lesson-level seed (1337 unless `--seed` overrides it).
  public let seed: UInt64
  /// Where steps may also write their charts as SVG files (`--plots DIR`), or nil.
  public let plotDirectory: String?
  /// The parameter values of this run (the runner changes them between steps).
  public internal(set) var settings: ParameterSettings

  private var state: [String: Any] = [:]
  private var output: [ReportItem] = []
  private var measured: [String: MeasuredValue] = [:]
  private var violations: [String] = []
  /// The step currently running, for error messages and declaration checks.
  private(set) var current: Step?
  /// The id of the step currently running, for error messages.
  public var currentID: String? { current?.id }
  /// Where `progress(_:)` statuses go (one or several lines each); the runner points it at the terminal.
  var progressHandler: ([String]) -> Void
  /// Whether `progress(_:)` lines are redrawn in place (stderr is a terminal) rather than printed
  /// one per call; `ProgressDisplay` reads it, so a view that updates often shows only milestones.
  public internal(set) var progressIsLive = false

  /// Creates a context; `progress` defaults to discarding progress lines.
  public init(
    seed: UInt64 = 1337, settings: ParameterSettings = ParameterSettings(), plotDirectory: String? = nil,
    progress: @escaping ([String]) -> Void = { _ in }
  ) {
    self.seed = seed
    self.settings = settings
    self.plotDirectory = plotDirectory
    self.progressHandler = progress
  }

  // MARK: - Settings

  /// The value of `parameter` in this run (its default unless `--set` changed it).
  public subscript<V>(parameter: Parameter<V>) -> V {
    if let current, !current.parameters.contains(where: { $0.name == parameter.spec.name }) {
      violations.append("reads parameter '\(parameter.spec.name)' without declaring it in `parameters:`")
    }
    return parameter.read(settings.value(of: parameter.spec)) ?? parameter.defaultValue
  }

  // MARK: - Shared state

  /// The value stored under `key`, or `nil` when no step stored one (or it has another type).
  public subscript<V>(key: StateKey<V>) -> V? {
    get {
      guard allowed(key.name, in: current?.reads, or: current?.writes, verb: "reads", list: "reads:") else { return nil }
      return state[key.name] as? V
    }
    set {
      guard allowed(key.name, in: current?.writes, or: nil, verb: "writes", list: "writes:") else { return }
      state[key.name] = newValue
    }
  }

  /// The value stored under `key`.
  ///
  /// - Throws: `StepContextError` naming the key and the running step when the step did not
  ///   declare the key or no value of type `V` was stored.
  public func require<V>(_ key: StateKey<V>) throws -> V {
    guard allowed(key.name, in: current?.reads, or: current?.writes, verb: "reads", list: "reads:") else {
      throw StepContextError.undeclared(key: key.name, step: currentID ?? "?")
    }
    if let value = state[key.name] as? V { return value }
    if let other = state[key.name] {
      throw StepContextError.wrongType(
        key: key.name, expected: String(describing: V.self), found: String(describing: type(of: other)))
    }
    throw StepContextError.missingState(key: key.name, requiredBy: currentID)
  }

  private func allowed(
    _ name: String, in keys: [any DeclaredStateKey]?, or others: [any DeclaredStateKey]?, verb: String, list: String
  ) -> Bool {
    guard let keys else { return true }  // outside a step (tests, the runner itself)
    if keys.contains(where: { $0.name == name }) || (others ?? []).contains(where: { $0.name == name }) { return true }
    violations.append("\(verb) state '\(name)' without declaring it in `\(list)`")
    return false
  }

  // MARK: - Measurements

  /// Records a measured number; a claim `[2.17](check:NAME)` is compared with it.
  public func measure(_ name: String, _ value: Double, detail: String? = nil) {
    record(name, .number(value, detail: detail))
  }

  /// Records a measured integer (a count); a claim is compared with it.
  public func measure(_ name: String, _ value: Int, detail: String? = nil) {
    record(name, .number(Double(value), detail: detail))
  }

  /// Records a verdict on a statement, with what was measured to reach it.
  public func measure(_ name: String, _ verdict: Bool, detail: String) {
    record(name, .boolean(verdict, detail: detail))
  }

  private func record(_ name: String, _ value: MeasuredValue) {
    if let current, !current.measures.contains(name) {
      violations.append("records measurement '\(name)' without declaring it in `measures:`")
      return
    }
    if measured[name] != nil { violations.append("records measurement '\(name)' twice") }
    measured[name] = value
  }

  // MARK: - Reporting

  /// Reports a paragraph of text.
  public func text(_ s: String) { output.append(.text(s)) }

  /// Reports a labelled number.
  public func scalar(_ label: String, _ value: Double, unit: String? = nil) {
    output.append(.scalar(label: label, value: value, unit: unit))
  }

  /// Reports a tensor, printed in a compact PyTorch-like form.
  public func tensor(_ label: String, _ t: ReportTensor) { output.append(.tensor(label: label, t)) }

  /// Reports a table.
  public func table(_ title: String?, headers: [String], rows: [[String]]) {
    output.append(.table(title: title, headers: headers, rows: rows))
  }

  /// Reports a chart (lines, bars or heat map).
  public func chart(_ c: Chart) { output.append(.chart(c)) }

  /// Reports a chart and, when the run has a ``plotDirectory`` (`--plots DIR`), also writes it
  /// there as the SVG document `file`, saying where.
  public func chart(_ c: Chart, plotFile file: String) throws {
    chart(c)
    guard let plotDirectory else { return }
    let path = URL(fileURLWithPath: plotDirectory).appendingPathComponent(file).path
    try SVGChart.write(c, to: path)
    text("Chart written to \(path).")
  }

  /// Reports an interactive widget for the HTML page (the terminal shows its summary).
  public func widget(_ w: Widget) { output.append(.widget(w)) }

  /// Records an assertion; `lesson check` counts and reports it.
  public func expect(_ condition: Bool, _ message: String, detail: String? = nil) {
    output.append(.expectation(Expectation(passed: condition, message: message, detail: detail)))
  }

  /// Shows a live progress line (stderr; redrawn in place on a terminal).
  public func progress(_ line: String) { progressHandler([line]) }

  /// Shows a live status of several lines, such as a chart above a progress line: redrawn in
  /// place on a terminal; when piped, only its last line is printed.
  public func progress(lines: [String]) { progressHandler(lines) }

  // MARK: - Runner access

  /// Starts `step`: what it reports from now on is its own.
  func begin(_ step: Step?) {
    current = step
    output.removeAll()
    measured.removeAll()
    violations.removeAll()
  }

  /// Ends the running step and hands over what it reported, measured and broke.
  func end() -> (output: [ReportItem], measurements: [String: MeasuredValue], violations: [String]) {
    defer {
      current = nil
      output.removeAll()
      measured.removeAll()
      violations.removeAll()
    }
    return (output, measured, violations)
  }

  /// The value stored under `name`, whatever its type (the runner caches it).
  func storedValue(_ name: String) -> Any? { state[name] }

  /// Stores a value read back from the cache.
  func restore(_ name: String, _ value: Any) { state[name] = value }

  /// Forgets a value (its writer is about to run again).
  func forget(_ name: String) { state[name] = nil }
}

/// Errors raised by `StepContext.require`.
public enum StepContextError: Error, CustomStringConvertible {
  case missingState(key: String, requiredBy: String?)
  case wrongType(key: String, expected: String, found: String)
  case undeclared(key: String, step: String)
  case notANumber(String)

  public var description: String {
    switch self {
    case let .missingState(key, requiredBy):
      let who = requiredBy.map { "step '\($0)' reads it" } ?? "it is read"
      return "state '\(key)' is missing (\(who), but the step that writes it stored nothing); "
        + "set `context[key] = value` in the writing step"
    case let .wrongType(key, expected, found):
      return "state '\(key)' holds a \(found), not a \(expected)"
    case let .undeclared(key, step):
      return "step '\(step)' reads state '\(key)' without declaring it; add the key to its `reads:`"
    case .notANumber(let name):
      return "measurement '\(name)' is a statement, not a number"
    }
  }
}

// MARK: - Report items

/// One thing a step reported.
public enum ReportItem: Sendable, Codable, Equatable {
  case text(String)
  case scalar(label: String, value: Double, unit: String?)
  case tensor(label: String, ReportTensor)
  case table(title: String?, headers: [String], rows: [[String]])
  case chart(Chart)
  case expectation(Expectation)
  case widget(Widget)
}

/// An assertion made by a step with `expect`.
public struct Expectation: Sendable, Equatable, Codable {
  public var passed: Bool
  public var message: String
  public var detail: String?

  public init(passed: Bool, message: String, detail: String? = nil) {
    self.passed = passed
    self.message = message
    self.detail = detail
  }
}
