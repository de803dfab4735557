import Foundation

// MARK: - Numbers for people

/// The one formatter for numbers shown to people: reports, progress lines, lesson prose.
public enum NumberFormat {
  /// 809856 → "809,856" (the grouping the lessons write, so a claim and a report look alike).
  public static func grouped<Integer: BinaryInteger>(_ value: Integer) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (index, digit) in digits.enumerated() {
      if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
      result.append(digit)
    }
    return (value < 0 ? "-" : "") + result
  }

  /// `value` with exactly `decimals` decimals: fixed(2.34567, 2) → "2.35".
  public static func fixed(_ value: Double, _ decimals: Int) -> String {
    String(format: "%.\(max(0, decimals))f", value)
  }

  /// `value` with exactly `decimals` decimals.
  public static func fixed(_ value: Float, _ decimals: Int) -> String {
    fixed(Double(value), decimals)
  }

  /// A rate in three significant figures with a k or M suffix: `950`, `18.2k`, `1.35M`.
  public static func compact(_ value: Double) -> String {
    switch value {
    case ..<1_000: return String(format: "%.0f", value)
    case ..<1_000_000: return String(format: "%.1fk", value / 1_000)
    default: return String(format: "%.2fM", value / 1_000_000)
    }
  }

  /// A short elapsed time with the precision a learner reads: `0.01 s`, `9.9 s`, else as ``duration(_:)``.
  public static func elapsed(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    if seconds < 10 { return String(format: "%.2f s", seconds) }
    if seconds < 60 { return String(format: "%.1f s", seconds) }
    return duration(seconds)
  }

  /// A duration rounded to the unit that matters: `42s`, `3m07s`, `1h02m`; `?` when unknown.
  public static func duration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    let total = Int(seconds.rounded())
    if total < 60 { return "\(total)s" }
    if total < 3600 { return String(format: "%dm%02ds", total / 60, total % 60) }
    return String(format: "%dh%02dm", total / 3600, (total % 3600) / 60)
  }
}
