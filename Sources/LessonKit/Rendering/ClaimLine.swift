// MARK: - A claim's verdict on a line of its own

/// The line `run` prints under a step for each claim above it that waited for the step.
public enum ClaimLine {
  /// `✓ line 12, "4.17" (initial-loss): computed 4.1739`.
  public static func render(_ result: CheckResult, claim: Claim, style: TerminalStyle) -> String {
    let mark = result.passed ? style.apply([.green, .bold], "✓") : style.apply([.red, .bold], "✗")
    let text = Sanitizer.clean(LimitedText.excerpt(claim.text, limit: 60), singleLine: true)
    let why = Sanitizer.clean(result.explanation, singleLine: true)
    return "  \(mark) line \(claim.line), \"\(text)\" (\(Sanitizer.clean(claim.id))): \(why)"
  }
}

// MARK: - Durations

/// Seconds as a learner reads them: `0.01 s`, `9.9 s`, `2 min 05 s`.
public enum Seconds {
  public static func format(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    if seconds < 10 { return String(format: "%.2f s", seconds) }
    if seconds < 60 { return String(format: "%.1f s", seconds) }
    let whole = Int(seconds.rounded())
    return String(format: "%d min %02d s", whole / 60, whole % 60)
  }
}
