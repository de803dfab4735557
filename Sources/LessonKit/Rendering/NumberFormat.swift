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

  /// A fraction as a percentage with one decimal: percent(0.4125) → "41.3%"; "?" when not finite.
  public static func percent(_ fraction: Double) -> String {
    fraction.isFinite ? fixed(fraction * 100, 1) + "%" : "?"
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

// MARK: - A value written like a claim

extension NumberFormat {
  /// `value` in the unit and precision `claim` was written in, so the learner compares like with
  /// like: a claim of `0.02%` shows a computed 0.00016582 as `0.017%`, `5k` shows 5050 as `5k`,
  /// `3.38×10^5` shows 338350 as `3.38×10^5`, `2,048` keeps its thousands separator.
  ///
  /// When the value rounds to exactly the claim's text but is not the claim's value, one more
  /// decimal is shown, so a figure accepted within its tolerance never reads as an exact match.
  /// Non-finite values and values the claim's unit cannot hold sensibly fall back to
  /// ``ClaimComparison/format(_:)``.
  public static func asWritten(_ value: Double, like claim: ClaimNumber) -> String {
    guard value.isFinite, claim.resolution > 0, claim.resolution.isFinite else { return ClaimComparison.format(value) }
    let written = Array(claim.written)
    var end = 0
    if end < written.count, "+-−".contains(written[end]) { end += 1 }
    while end < written.count, written[end].isASCII, written[end].isNumber || written[end] == "," { end += 1 }
    if end + 1 < written.count, written[end] == ".", written[end + 1].isASCII, written[end + 1].isNumber {
      end += 1
      while end < written.count, written[end].isASCII, written[end].isNumber { end += 1 }
    }
    let mantissa = String(written[..<end])
    let rest = String(written[end...])
    // Scientific forms keep their shape but take the value's own power: `3e-4` shows 0.03 as `3e-2`.
    if let power = rest.wholeMatch(of: /([eE]|\s*[×xX*·⋅]\s*10\^)([-+−]?)([0-9]+)/), value != 0 {
      let decimals = mantissa.firstIndex(of: ".").map { mantissa.distance(from: $0, to: mantissa.endIndex) - 1 } ?? 0
      var exponent = Int(log10(abs(value)).rounded(.down))
      if abs(Double(fixed(abs(value) / pow(10, Double(exponent)), decimals)) ?? 0) >= 10 { exponent += 1 }
      let digits = fixed(value / pow(10, Double(exponent)), decimals)
      // Each minus sign as the text writes it: `−3e-5` has a true minus before and a hyphen after.
      let minus = mantissa.hasPrefix("−") ? "−" : "-"
      let exponentMinus = power.2 == "−" ? "−" : "-"
      let shown = (digits.hasPrefix("-") ? minus + digits.dropFirst() : digits) + power.1
        + (exponent < 0 ? exponentMinus : "") + String(abs(exponent))
      let claimedText = claim.written.hasPrefix("+") ? String(claim.written.dropFirst()) : claim.written
      guard value != claim.value, shown == claimedText else { return shown }
      let finer = fixed(value / pow(10, Double(exponent)), decimals + 1)
      return (finer.hasPrefix("-") ? minus + finer.dropFirst() : finer) + power.1 + (exponent < 0 ? exponentMinus : "")
        + String(abs(exponent))
    }
    let decimals = mantissa.firstIndex(of: ".").map { mantissa.distance(from: $0, to: mantissa.endIndex) - 1 } ?? 0
    // The claim's unit: one unit in the last digit times 10^decimals (`0.02%` → 0.01% · 10² = 1%).
    let exponent = Int((log10(claim.resolution)).rounded()) + decimals
    let scale = pow(10, Double(exponent))
    let scaled = value / scale
    guard abs(scaled) < 1e12, abs(exponent) < 300 else { return ClaimComparison.format(value) }
    let minus = mantissa.hasPrefix("−") ? "−" : "-"
    func text(_ decimals: Int) -> String {
      let digits = fixed(abs(scaled), decimals)
      var integer = String(digits.prefix { $0 != "." })
      let fraction = String(digits.drop { $0 != "." })
      if mantissa.contains(","), let whole = Int64(integer) { integer = grouped(whole) }
      let negative = scaled < 0 && (integer + fraction).contains { $0 != "0" && $0 != "." && $0 != "," }
      return (negative ? minus : "") + integer + fraction + rest
    }
    let shown = text(decimals)
    let claimedText = claim.written.hasPrefix("+") ? String(claim.written.dropFirst()) : claim.written
    return value != claim.value && shown == claimedText ? text(decimals + 1) : shown
  }
}
