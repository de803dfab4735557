import AtomicFiles
import Foundation

// MARK: - Parameters

/// A value a lesson setting can take.
public enum ParameterValue: Sendable, Hashable, Codable, CustomStringConvertible {
  case integer(Int)
  case real(Double)
  case flag(Bool)
  case choice(String)

  /// How the value is written on the command line (`--set NAME=VALUE`) and in reports.
  public var description: String {
    switch self {
    case .integer(let value): return String(value)
    case .real(let value): return ClaimComparison.format(value)
    case .flag(let value): return value ? "on" : "off"
    case .choice(let value): return value
    }
  }

  /// The value as a number, for comparing a setting claim with the figure the prose writes.
  public var numericValue: Double? {
    switch self {
    case .integer(let value): return Double(value)
    case .real(let value): return value
    case .flag, .choice: return nil
    }
  }

  /// A stable spelling for cache keys: the exact bits of a real, so `1e-3` and `0.001` agree and
  /// no two different values collide.
  var keyText: String {
    switch self {
    case .integer(let value): return "i\(value)"
    case .real(let value): return "r\(value.bitPattern)"
    case .flag(let value): return value ? "f1" : "f0"
    case .choice(let value): return "c\(value.utf8.count):\(value)"
    }
  }
}

/// What one setting of a lesson is: its name, meaning, default and the values it accepts.
public struct ParameterSpec: Sendable, Equatable {
  /// The values a parameter accepts.
  public enum Domain: Sendable, Equatable {
    case integers(ClosedRange<Int>)
    case reals(ClosedRange<Double>)
    case flag
    case choices([String])
  }

  /// The name used in `--set NAME=VALUE`, unique within a lesson.
  public let name: String
  /// One line saying what the setting changes.
  public let meaning: String
  /// The lesson's own value.
  public let defaultValue: ParameterValue
  /// The values accepted.
  public let domain: Domain

  /// The lesson seed, which a claim may restate as `[1337](check:seed)`: it is set with `--seed`,
  /// not `--set`, but it is a setting all the same.
  public static let seed = ParameterSpec(
    name: "seed", meaning: "the lesson seed (--seed)", defaultValue: .integer(1337), domain: .integers(0...Int.max))

  /// The accepted values, as the error for a bad `--set` states them.
  public var range: String {
    switch domain {
    case .integers(let range): return "an integer from \(range.lowerBound) to \(range.upperBound)"
    case .reals(let range):
      return "a number from \(ClaimComparison.format(range.lowerBound)) to \(ClaimComparison.format(range.upperBound))"
    case .flag: return "on or off"
    case .choices(let choices): return "one of " + choices.joined(separator: ", ")
    }
  }

  /// Parses `text` as a value of this parameter.
  ///
  /// - Throws: `ParameterError.invalidValue` naming the parameter and its valid range.
  public func parse(_ text: String) throws -> ParameterValue {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    func refuse() -> ParameterError {
      .invalidValue(name: name, value: excerpt(text), expected: range)
    }
    switch domain {
    case .integers(let range):
      // Int(_:) refuses what does not fit in 64 bits, so a huge integer is a range error, not a trap.
      guard let value = Int(trimmed.replacingOccurrences(of: "_", with: "")), range.contains(value) else { throw refuse() }
      return .integer(value)
    case .reals(let range):
      // Decimal and scientific notation only: no hex floats, no nan or inf.
      guard trimmed.allSatisfy({ "0123456789.eE+-".contains($0) }), let value = Double(trimmed), value.isFinite,
        range.contains(value)
      else { throw refuse() }
      return .real(value)
    case .flag:
      switch trimmed.lowercased() {
      case "on", "true", "yes", "1": return .flag(true)
      case "off", "false", "no", "0": return .flag(false)
      default: throw refuse()
      }
    case .choices(let choices):
      guard choices.contains(trimmed) else { throw refuse() }
      return .choice(trimmed)
    }
  }

  /// Whether `value` is of this parameter's kind and inside its domain.
  public func accepts(_ value: ParameterValue) -> Bool {
    switch (domain, value) {
    case let (.integers(range), .integer(v)): return range.contains(v)
    case let (.reals(range), .real(v)): return v.isFinite && range.contains(v)
    case (.flag, .flag): return true
    case let (.choices(choices), .choice(v)): return choices.contains(v)
    default: return false
    }
  }
}

/// A typed handle on a lesson setting; a step declares it and reads it with `context[parameter]`.
///
/// ```swift
/// static let steps = Parameter.integer("steps", default: 800, in: 1...20_000, "optimizer steps of the training run")
/// Step("train", parameters: [steps]) { context in let n = context[steps] … }
/// ```
public struct Parameter<Value: Sendable>: Sendable, DeclaredParameter {
  public let spec: ParameterSpec
  let read: @Sendable (ParameterValue) -> Value?

  /// The lesson's own value.
  public var defaultValue: Value { read(spec.defaultValue)! }
}

/// A parameter of any value type, as steps list them.
public protocol DeclaredParameter: Sendable {
  var spec: ParameterSpec { get }
}

extension Parameter where Value == Int {
  /// An integer setting accepting `range`.
  public static func integer(_ name: String, default value: Int, in range: ClosedRange<Int>, _ meaning: String) -> Self {
    precondition(range.contains(value), "parameter \(name): default \(value) is outside \(range)")
    return Parameter(spec: ParameterSpec(name: name, meaning: meaning, defaultValue: .integer(value), domain: .integers(range))) {
      if case .integer(let v) = $0 { return v }
      return nil
    }
  }
}

extension Parameter where Value == Double {
  /// A real-valued setting accepting `range`.
  public static func real(_ name: String, default value: Double, in range: ClosedRange<Double>, _ meaning: String) -> Self {
    precondition(range.contains(value), "parameter \(name): default \(value) is outside \(range)")
    return Parameter(spec: ParameterSpec(name: name, meaning: meaning, defaultValue: .real(value), domain: .reals(range))) {
      if case .real(let v) = $0 { return v }
      return nil
    }
  }
}

extension Parameter where Value == Bool {
  /// An on/off setting.
  public static func flag(_ name: String, default value: Bool, _ meaning: String) -> Self {
    Parameter(spec: ParameterSpec(name: name, meaning: meaning, defaultValue: .flag(value), domain: .flag)) {
      if case .flag(let v) = $0 { return v }
      return nil
    }
  }
}

extension Parameter where Value == String {
  /// A setting that takes one of `choices`.
  public static func choice(_ name: String, default value: String, in choices: [String], _ meaning: String) -> Self {
    precondition(choices.contains(value), "parameter \(name): default \(value) is not among \(choices)")
    return Parameter(spec: ParameterSpec(name: name, meaning: meaning, defaultValue: .choice(value), domain: .choices(choices))) {
      if case .choice(let v) = $0 { return v }
      return nil
    }
  }
}

// MARK: - Settings of one run

/// The parameter values of one run: the defaults, with `--set` overrides applied.
public struct ParameterSettings: Sendable, Equatable, Codable {
  /// The values that differ from the defaults, by name.
  public private(set) var overrides: [String: ParameterValue] = [:]

  public init() {}

  /// Settings with `overrides` applied, each checked against `specs`.
  ///
  /// - Throws: `ParameterError` for an unknown name (listing the lesson's parameters) or a value
  ///   outside a parameter's range.
  public init(assignments: [String], specs: [ParameterSpec]) throws {
    var given: [String: String] = [:]
    for assignment in assignments {
      guard let equals = assignment.firstIndex(of: "=") else {
        throw ParameterError.malformed(excerpt(assignment))
      }
      let name = String(assignment[..<equals]).trimmingCharacters(in: .whitespaces)
      guard let spec = specs.first(where: { $0.name == name }) else {
        throw ParameterError.unknown(name: excerpt(name), known: specs.map(\.name))
      }
      let text = String(assignment[assignment.index(after: equals)...])
      // Two values for one name: which one the run used would be a guess, so neither is.
      if let earlier = given[name] {
        throw ParameterError.repeated(name: name, first: excerpt(earlier), second: excerpt(text))
      }
      given[name] = text
      try set(spec, to: spec.parse(text))
    }
  }

  /// Sets `spec` to `value` (clearing the override when it is the default).
  public mutating func set(_ spec: ParameterSpec, to value: ParameterValue) throws {
    guard spec.accepts(value) else {
      throw ParameterError.invalidValue(name: spec.name, value: value.description, expected: spec.range)
    }
    overrides[spec.name] = value == spec.defaultValue ? nil : value
  }

  /// The value of `spec` in this run.
  public func value(of spec: ParameterSpec) -> ParameterValue {
    if let value = overrides[spec.name], spec.accepts(value) { return value }
    return spec.defaultValue
  }

  /// Drops overrides that name no parameter in `specs` or hold a value it does not accept (saved
  /// progress edited by hand, or written by an older lesson).
  public func restricted(to specs: [ParameterSpec]) -> ParameterSettings {
    var kept = ParameterSettings()
    for spec in specs { if let value = overrides[spec.name], spec.accepts(value) { kept.overrides[spec.name] = value } }
    return kept
  }
}

/// Why a `--set` assignment is refused.
public enum ParameterError: Error, Equatable, CustomStringConvertible {
  case malformed(String)
  case unknown(name: String, known: [String])
  case invalidValue(name: String, value: String, expected: String)
  case repeated(name: String, first: String, second: String)

  public var description: String {
    switch self {
    case .malformed(let text):
      return "--set '\(text)' is not NAME=VALUE; e.g. --set lr=1e-3 (`lesson params LESSON` lists the names)"
    case let .unknown(name, known):
      let list = known.isEmpty ? "this lesson has no parameters" : "its parameters: " + known.joined(separator: ", ")
      let guess = Suggestion.closest(to: name, among: known).map { "did you mean '\($0)'? " } ?? ""
      return "--set: the lesson has no parameter '\(name)'; \(guess)\(list)"
    case let .invalidValue(name, value, expected):
      return "--set \(name)=\(value): \(name) takes \(expected)"
    case let .repeated(name, first, second):
      return "--set \(name) is given twice (\(first), then \(second)); give it once"
    }
  }
}

// MARK: - Suggestions

/// Finds the known word closest to a mistyped one.
public enum Suggestion {
  /// The element of `candidates` within a small edit distance of `word`, if one is.
  public static func closest(to word: String, among candidates: [String]) -> String? {
    guard word.count <= 64 else { return nil }
    let scored = candidates.map { ($0, distance(Array(word.lowercased()), Array($0.lowercased()))) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    return best.1 <= max(1, min(best.0.count, word.count) / 3) ? best.0 : nil
  }

  /// Edit distance where swapping two neighbouring letters counts as one edit ("chek" and
  /// "check" are 1 apart, "cuont" and "count" too).
  static func distance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { table[i][0] = i }
    for j in 0...b.count { table[0][j] = j }
    for i in 1...a.count {
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
        }
      }
    }
    return table[a.count][b.count]
  }
}
