import AtomicFiles

// MARK: - A claim's verdict on a line of its own

/// The line `run` prints under a step for each claim above it that waited for the step, and the
/// computed value as the learner's view shows it.
public enum ClaimLine {
  /// `✓ line 12, "5,050" (sum-of-range): computed 5,050`; a failing one `✗ … the lesson says 5,050 · now 5,000`.
  public static func render(_ result: CheckResult, claim: Claim, style: TerminalStyle) -> String {
    let mark = result.passed ? style.apply([.green, .bold], "✓") : style.apply([.red, .bold], "✗")
    let text = Sanitizer.clean(excerpt(claim.text, limit: 60), singleLine: true)
    var why = Sanitizer.clean(result.message ?? "", singleLine: true)
    if let computed = computed(result, claim: claim) {
      let verdict = result.passed || claim.number == nil
        ? "computed \(computed)" : "the lesson says \(said(claim)) · now \(computed)"
      why = why.isEmpty ? verdict : verdict + ", " + why
    }
    return "  \(mark) line \(claim.line), \"\(text)\" (\(Sanitizer.clean(claim.id))): \(why)"
  }

  /// The computed value of `result` in the claim's own unit and precision (`--format json`
  /// keeps full precision); `nil` when nothing was computed.
  public static func computed(_ result: CheckResult, claim: Claim) -> String? {
    if let value = result.value, let number = claim.number { return NumberFormat.asWritten(value, like: number) }
    return result.computed.map { Sanitizer.clean($0, singleLine: true) }
  }

  /// The figure the lesson writes: the claim's number as written, else its text.
  public static func said(_ claim: Claim) -> String {
    Sanitizer.clean(claim.number?.written ?? excerpt(claim.text, limit: 40), singleLine: true)
  }
}
