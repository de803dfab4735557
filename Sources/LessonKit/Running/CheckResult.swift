// MARK: - Results

/// The verdict on one claim, assertion or failed step, as `lesson check` reports it.
public struct CheckResult: Sendable, Equatable {
  /// What produced the result.
  public enum Kind: String, Sendable {
    /// A claim compared with a measurement or a derived check.
    case claim
    /// A claim that restates a lesson setting: shown as a setting, not as something computed.
    case setting
    /// An `expect` inside a step.
    case assertion
    /// A step that failed.
    case step
  }
  /// Pass, fail, or a binding problem only found at run time.
  public enum Status: String, Sendable {
    case passed = "pass"
    case failed = "fail"
    /// A claim and its check disagree on kind (number vs boolean): a binding error.
    case misbound = "bind-error"
  }

  public var kind: Kind
  public var id: String
  public var file: String
  public var line: Int
  public var status: Status
  /// What the lesson claims (the link text), for claims.
  public var claimed: String?
  /// What was computed or measured.
  public var computed: String?
  /// The assertion message, error or how-to-fix text.
  public var message: String?
  /// Wall-clock seconds spent (including dependencies run for it).
  public var seconds: Double
  /// The computed number, unformatted, when there is one.
  public var value: Double?
  /// Whether the step behind the result was replayed from the result cache.
  public var cached = false

  public init(
    kind: Kind, id: String, file: String, line: Int, status: Status, claimed: String?, computed: String?,
    message: String?, seconds: Double
  ) {
    self.kind = kind
    self.id = id
    self.file = file
    self.line = line
    self.status = status
    self.claimed = claimed
    self.computed = computed
    self.message = message
    self.seconds = seconds
  }

  public var passed: Bool { status == .passed }

  /// The parenthesized explanation: `claimed X, computed Y` or the message.
  public var explanation: String {
    var parts: [String] = []
    if kind == .assertion {
      return [message, computed].compactMap { $0 }.joined(separator: ": ")
    }
    if let claimed { parts.append("claimed \(claimed)") }
    if let computed { parts.append("computed \(computed)") }
    if let message { parts.append(message) }
    return parts.joined(separator: ", ")
  }
}
