// MARK: - What a page shows of a run

/// A claim's verdict as the page marks it (`data-verdict`).
public enum ClaimVerdict: String, Sendable {
  case pass, fail
  /// The figure restates a setting rather than a measurement.
  case setting
}

/// One claim's result, with what its popover shows.
public struct ClaimOutcome: Sendable {
  public var result: CheckResult
  public var verdict: ClaimVerdict
  /// The tolerance the comparison used, e.g. `±10%`, or nil for an exact number or a statement.
  public var tolerance: String?
  /// The steps whose results the check read.
  public var measuredBy: [String]
}

/// One step's record, with the results it contributes (expectations, a failure).
public struct StepOutcome: Sendable {
  public var output: [ReportItem]
  public var failure: String?
  public var results: [CheckResult]
}

/// Everything a page shows of one lesson run, in the lesson's step and claim order.
public struct LessonResults: Sendable {
  /// Per step index; nil for a `display` step, which does not run.
  public var steps: [StepOutcome?]
  /// Per claim index.
  public var claims: [ClaimOutcome]

  /// Every result that did not pass: failing claims, failed expectations, failed steps.
  public var failures: [CheckResult] {
    claims.map(\.result).filter { !$0.passed } + steps.compactMap { $0 }.flatMap(\.results).filter { !$0.passed }
  }
}

// MARK: - The adapter to the runner

/// The one place the HTML build talks to `LessonRunner`: it runs a bound lesson exactly as
/// `lesson check` does (items in document order, one shared context) and keeps what the page needs.
///
/// Steps replay from the result cache like everywhere else, so a page of a checked lesson
/// builds in seconds.
enum LessonResultsCollector {
  static func run(_ runner: LessonRunner, progress: ProgressDisplay) -> LessonResults {
    let lesson = runner.lesson
    var steps = [StepOutcome?](repeating: nil, count: lesson.steps.count)
    var claims: [ClaimOutcome?] = Array(repeating: nil, count: lesson.claims.count)
    for item in lesson.items {
      switch item {
      case .step(let index):
        guard let record = runner.runStep(at: index) else { continue }
        progress.clear()
        steps[index] = StepOutcome(
          output: record.output, failure: record.failure, results: runner.results(forStepAt: index))
      case .claim(let index):
        let result = runner.evaluateClaim(at: index)
        progress.clear()
        let claim = lesson.claims[index]
        let verdict: ClaimVerdict = !result.passed ? .fail : result.kind == .setting ? .setting : .pass
        claims[index] = ClaimOutcome(
          result: result, verdict: verdict, tolerance: toleranceText(claim), measuredBy: runner.steps(forClaimAt: index))
      }
    }
    return LessonResults(steps: steps, claims: claims.compactMap { $0 })
  }

  /// How far the computed value may be from the claimed number: `±0.005` for `0.659` (its last
  /// digit), with the `tol=` or approximate tolerance that widened it, if any.
  static func toleranceText(_ claim: Claim) -> String? {
    guard let number = claim.number else { return nil }
    let tolerance = claim.tolerance ?? (number.isApproximate ? .approximate : nil)
    let distance = "±" + ClaimComparison.format(ClaimComparison.allowedDistance(for: number, tolerance: tolerance))
    return tolerance.map { "\(distance) (\($0))" } ?? distance
  }
}
