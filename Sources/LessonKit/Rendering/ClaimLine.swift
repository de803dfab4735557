import AtomicFiles

// MARK: - A claim's verdict on a line of its own

/// The line `run` prints under a step for each claim above it that waited for the step.
public enum ClaimLine {
  /// `✓ line 12, "4.17" (initial-loss): computed 4.1739`.
  public static func render(_ result: CheckResult, claim: Claim, style: TerminalStyle) -> String {
    let mark = result.passed ? style.apply([.green, .bold], "✓") : style.apply([.red, .bold], "✗")
    let text = Sanitizer.clean(excerpt(claim.text, limit: 60), singleLine: true)
    let why = Sanitizer.clean(result.explanation, singleLine: true)
    return "  \(mark) line \(claim.line), \"\(text)\" (\(Sanitizer.clean(claim.id))): \(why)"
  }
}
