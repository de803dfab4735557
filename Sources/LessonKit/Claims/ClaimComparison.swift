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

  /// Why a `tol=` value is refused, or `nil` when it is fine: it must be a finite number that
  /// is not negative, and a relative one at most 100% (more would accept the opposite sign).
  public static func problem(_ text: String) -> String? {
    guard let tolerance = value(text) else {
      return "tolerance '\(text)' is malformed; write `tol=5%` (relative) or `tol=0.01` (absolute)"
    }
    switch tolerance {
    case .relative(let fraction) where fraction < 0, .absolute(let fraction) where fraction < 0:
      return "tolerance '\(text)' is negative; a tolerance is a distance, write e.g. `tol=5%`"
    case .relative(let fraction) where fraction > 1:
      return "tolerance '\(text)' is over 100%, which would accept values of the opposite sign; "
        + "write at most `tol=100%`, or claim the number with fewer digits"
    default:
      return nil
    }
  }

  /// The tolerance `text` spells, unvalidated.
  private static func value(_ text: String) -> ClaimTolerance? {
    if text.hasSuffix("%") {
      guard let percent = Double(text.dropLast()), percent.isFinite else { return nil }
      return .relative(percent / 100)
    }
    guard let absolute = Double(text), absolute.isFinite else { return nil }
    return .absolute(absolute)
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
