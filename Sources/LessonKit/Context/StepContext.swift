// MARK: - Step context

/// What a running step sees: shared state, the lesson seed and the report it writes to.
///
/// One context lives for one lesson run; every step and check of the run shares it, in
/// document order, so a later step can use what an earlier one built.
public final class StepContext {
  /// The lesson-level seed (1337 unless `--seed` overrides it).
  public let seed: UInt64
  /// Where steps may also write their charts as SVG files (`--plots DIR`), or nil.
  public let plotDirectory: String?

  private var state: [String: Any] = [:]
  private var output: [ReportItem] = []
  /// The id of the step or check currently running, for error messages.
  public internal(set) var currentID: String?
  /// Where `progress(_:)` lines go; the runner points it at the terminal.
  var progressHandler: (String) -> Void
  /// Whether `progress(_:)` lines are redrawn in place (stderr is a terminal) rather than printed
  /// one per call; `ProgressDisplay` reads it, so a view that updates often shows only milestones.
  public internal(set) var progressIsLive = false

  /// Creates a context; `progress` defaults to discarding progress lines.
  public init(seed: UInt64 = 1337, plotDirectory: String? = nil, progress: @escaping (String) -> Void = { _ in }) {
    self.seed = seed
    self.plotDirectory = plotDirectory
    self.progressHandler = progress
  }

  // MARK: - Shared state

  /// The value stored under `key`, or `nil` when no step stored one (or it has another type).
  public subscript<V>(key: StateKey<V>) -> V? {
    get { state[key.name] as? V }
    set { state[key.name] = newValue }
  }

  /// The value stored under `key`.
  ///
  /// - Throws: `StepContextError.missingState` naming the key, the running step and the keys
  ///   that are present, when no value of type `V` was stored.
  public func require<V>(_ key: StateKey<V>) throws -> V {
    if let value = state[key.name] as? V { return value }
    if let other = state[key.name] {
      throw StepContextError.wrongType(
        key: key.name, expected: String(describing: V.self), found: String(describing: type(of: other)))
    }
    throw StepContextError.missingState(key: key.name, requiredBy: currentID, present: state.keys.sorted())
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

  /// Records an assertion; `lesson check` counts and reports it.
  public func expect(_ condition: Bool, _ message: String, detail: String? = nil) {
    output.append(.expectation(Expectation(passed: condition, message: message, detail: detail)))
  }

  /// Shows a live progress line (stderr; redrawn in place on a terminal).
  public func progress(_ line: String) { progressHandler(line) }

  // MARK: - Runner access

  /// Returns and clears the output reported since the last call.
  func takeOutput() -> [ReportItem] {
    defer { output.removeAll() }
    return output
  }
}

/// Errors raised by `StepContext.require`.
public enum StepContextError: Error, CustomStringConvertible {
  case missingState(key: String, requiredBy: String?, present: [String])
  case wrongType(key: String, expected: String, found: String)

  public var description: String {
    switch self {
    case let .missingState(key, requiredBy, present):
      let who = requiredBy.map { "'\($0)' needs" } ?? "needed"
      let have = present.isEmpty ? "nothing is stored yet" : "stored: " + present.joined(separator: ", ")
      return "state '\(key)' is missing (\(who) it; \(have)). Register the step that stores it in "
        + "`after:` so it runs first."
    case let .wrongType(key, expected, found):
      return "state '\(key)' holds a \(found), not a \(expected)"
    }
  }
}

// MARK: - Report items

/// One thing a step reported.
public enum ReportItem: Sendable {
  case text(String)
  case scalar(label: String, value: Double, unit: String?)
  case tensor(label: String, ReportTensor)
  case table(title: String?, headers: [String], rows: [[String]])
  case chart(Chart)
  case expectation(Expectation)
}

/// An assertion made by a step with `expect`.
public struct Expectation: Sendable, Equatable {
  public var passed: Bool
  public var message: String
  public var detail: String?

  public init(passed: Bool, message: String, detail: String? = nil) {
    self.passed = passed
    self.message = message
    self.detail = detail
  }
}
