import Foundation

// MARK: - Tolerance

/// How far a computed value may stray from a claimed number.
public enum ClaimTolerance: Sendable, Equatable, CustomStringConvertible {
  /// A fraction of the claimed value: `tol=5%` is `.relative(0.05)`.
  case relative(Double)
  /// An absolute distance: `tol=0.01`.
  case absolute(Double)

  /// The default tolerance of an approximate claim (`~`, `≈`, `about`, …).
  public static let approximate = ClaimTolerance.relative(0.10)

  /// Parses the value of a `tol=` option: `5%` (relative) or `0.01` (absolute).
  ///
  /// - Returns: `nil` when the value is malformed or makes no sense; `problem(_:)` says why.
  public static func parse(_ text: String) -> ClaimTolerance? {
    problem(text) == nil ? value(text) : nil
  }

  /// Why a `tol=` value is refused, or `nil` when it is fine: it must be a plain decimal number
  /// (digits, an optional fraction and exponent; no hex, `inf` or `nan`), not negative, and a
  /// relative one at most 100% (more would accept the opposite sign).
  public static func problem(_ text: String) -> String? {
    let shown = abbreviated(text)
    guard let tolerance = value(text) else {
      return "tolerance '\(shown)' is malformed; write `tol=5%` (relative) or `tol=0.01` (absolute): "
        + "a decimal number such as 0.5, 2.5% or 1e-6"
    }
    switch tolerance {
    case .relative(let fraction) where fraction < 0, .absolute(let fraction) where fraction < 0:
      return "tolerance '\(shown)' is negative; a tolerance is a distance, write e.g. `tol=5%`"
    case .relative(let fraction) where fraction > 1:
      return "tolerance '\(shown)' is over 100%, which would accept values of the opposite sign; "
        + "write at most `tol=100%`, or claim the number with fewer digits"
    default:
      return nil
    }
  }

  /// Why an absolute tolerance is too wide for the claimed number, or `nil`: a distance larger than
  /// the claim itself accepts values of the opposite sign (the absolute form of the 100% rule); a
  /// claimed 0 allows at most 1.
  public static func problem(_ tolerance: ClaimTolerance, claimed: ClaimNumber, written text: String) -> String? {
    guard case .absolute(let distance) = tolerance else { return nil }
    let limit = claimed.value == 0 ? 1 : abs(claimed.value)
    guard distance > limit else { return nil }
    return "tolerance '\(abbreviated(text))' is wider than the claimed number \(abbreviated(claimed.written)) itself, "
      + "so the claim would accept values of the opposite sign; write at most `tol=\(ClaimComparison.format(limit))`, "
      + "or a relative `tol=<n>%`"
  }

  /// The tolerance `text` spells, unvalidated: `[-]digits[.digits][e[+-]digits][%]`.
  ///
  /// Strict on purpose: Swift's `Double(_:)` also reads `0x1p-1`, `inf`, `nan` and `1e99999`.
  private static func value(_ text: String) -> ClaimTolerance? {
    let isPercent = text.hasSuffix("%")
    let number = isPercent ? text.dropLast() : Substring(text)
    guard number.utf8.count <= 40, number.wholeMatch(of: /-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]{1,3})?|-?\.[0-9]+/) != nil,
      let parsed = Double(number), parsed.isFinite
    else { return nil }
    return isPercent ? .relative(parsed / 100) : .absolute(parsed)
  }

  public var description: String {
    switch self {
    case .relative(let r): return "±\(ClaimComparison.format(r * 100))%"
    case .absolute(let a): return "±\(ClaimComparison.format(a))"
    }
  }
}

// MARK: - Comparison

/// Compares a claimed number with a computed value.
///
/// The rule, in order:
/// 1. an explicit `tol=` in the link title wins;
/// 2. an approximate claim (`~`, `≈`, `about`, `roughly`, `around`, `approximately`) allows 10%
///    of the claimed value;
/// 3. otherwise the claim holds when the computed value rounds to the written digits: it may be
///    off by at most half a unit of the last written digit (`4.17` accepts 4.165…4.175, `2,048`
///    accepts 2047.5…2048.5, `0.8M` accepts 750,000…850,000).
/// Bounds are inclusive, with a slack of 1e-9 relative for float rounding. Non-finite computed
/// values never pass.
public enum ClaimComparison {
  /// The slack added to every bound so that values on the edge are not lost to float rounding.
  public static let floatSlack = 1e-9

  /// The largest allowed distance between `claimed` and the computed value.
  public static func allowedDistance(for claimed: ClaimNumber, tolerance: ClaimTolerance?) -> Double {
    switch tolerance ?? (claimed.isApproximate ? .approximate : nil) {
    case .relative(let fraction): return fraction * abs(claimed.value)
    case .absolute(let distance): return distance
    case nil: return claimed.resolution / 2
    }
  }

  /// Whether `computed` agrees with `claimed`.
  public static func matches(_ claimed: ClaimNumber, computed: Double, tolerance: ClaimTolerance?) -> Bool {
    guard computed.isFinite, claimed.value.isFinite else { return false }
    let allowed = allowedDistance(for: claimed, tolerance: tolerance)
    let slack = floatSlack * max(abs(claimed.value), abs(computed), 1e-300)
    return abs(computed - claimed.value) <= allowed + slack
  }

  /// Formats a computed value for reports: integers with thousands separators, others with
  /// up to 6 significant digits.
  public static func format(_ value: Double) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
    if value == value.rounded(), abs(value) < 1e15 { return NumberFormat.grouped(Int64(value)) }
    let magnitude = abs(value)
    if magnitude >= 1e-4, magnitude < 1e9 {
      var text = String(format: "%.6g", value)
      if text.contains("e") { text = String(format: "%.6f", value) }
      return text
    }
    return String(format: "%.6g", value)
  }
}
