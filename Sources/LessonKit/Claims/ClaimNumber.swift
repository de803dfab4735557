import AtomicFiles
import Foundation

// MARK: - Claimed numbers

/// A number written in a claim's link text, with the precision it was written at.
///
/// Accepted forms: `2,048`, `4.17`, `-3.5` / `−3.5`, `0.8M`, `12k`, `1.5B`, `2T`,
/// `4 billion`, `4×10^9`, `4x10^9`, `4 × 10⁹`, `10^9`, `1e9`, `15%`.
public struct ClaimNumber: Sendable, Equatable {
  /// The claimed value, with suffixes, powers of ten and `%` applied (`15%` is `0.15`).
  public var value: Double
  /// The value of one unit in the last written digit: `4.17` → `0.01`, `0.8M` → `100,000`.
  public var resolution: Double
  /// Whether the text carries an approximation word or sign (`~`, `≈`, `about`, …).
  public var isApproximate: Bool
  /// Whether the number was written as a percentage.
  public var isPercent: Bool
  /// The exact characters the number was read from.
  public var written: String
}

/// Why a claim's text could not be read as one number.
public enum ClaimNumberError: Error, Equatable, CustomStringConvertible {
  case severalNumbers([String])
  /// The number overflows to infinity, or its value or last digit underflows to zero.
  case outOfRange(String)

  public var description: String {
    switch self {
    case .severalNumbers(let found):
      let shown = found.prefix(5).map { Self.abbreviated($0) }.joined(separator: ", ")
      return "the claim text holds \(found.count) numbers (\(shown)\(found.count > 5 ? ", …" : "")); "
        + "keep exactly one number inside the link brackets and move the rest outside"
    case .outOfRange(let written):
      return "the claimed number \(Self.abbreviated(written)) is out of range; "
        + "a claim number must lie between 1e-300 and 1e300 in size, written with at most 300 decimals"
    }
  }

  /// `text`, cut to 40 characters so a hostile claim cannot flood the message.
  private static func abbreviated(_ text: String) -> String {
    excerpt(text, limit: 40)
  }
}

extension ClaimNumber {
  /// Words and signs that turn a claim into an approximate one (10% relative tolerance by default).
  public static let approximationWords: Set<String> = [
    "about", "roughly", "around", "approximately", "approx", "nearly", "almost",
  ]
  /// Signs with the same meaning as the approximation words.
  public static let approximationSigns: Set<Character> = ["~", "≈", "∼", "≃"]

  /// Reads the single number in `text`.
  ///
  /// - Returns: `nil` when the text holds no number (a statement claim).
  /// - Throws: `ClaimNumberError.severalNumbers` when the text holds more than one number.
  public static func parse(_ text: String) throws -> ClaimNumber? {
    let scalars = Array(text.unicodeScalars)
    var scanner = NumberScanner(scalars: scalars)
    var found: [ClaimNumber] = []
    while let number = scanner.next() { found.append(number) }
    guard let first = found.first else { return nil }
    guard found.count == 1 else { throw ClaimNumberError.severalNumbers(found.map(\.written)) }
    let inRange: (Double) -> Bool = { $0.isFinite && ($0 == 0 || (1e-300...1e300).contains(abs($0))) }
    guard inRange(first.value), inRange(first.resolution), first.resolution > 0 else {
      throw ClaimNumberError.outOfRange(first.written)
    }
    var number = first
    number.isApproximate = isApproximate(text)
    return number
  }

  /// Whether `text` holds an approximation word or sign.
  public static func isApproximate(_ text: String) -> Bool {
    if text.contains(where: { approximationSigns.contains($0) }) { return true }
    let words = text.lowercased().split(whereSeparator: { !$0.isLetter })
    return words.contains { approximationWords.contains(String($0)) }
  }
}

// MARK: - Scanner

/// Finds numbers in a run of Unicode scalars, one at a time.
private struct NumberScanner {
  let scalars: [Unicode.Scalar]
  var index = 0

  private static let superscripts: [Unicode.Scalar: Int] = [
    "\u{2070}": 0, "\u{00B9}": 1, "\u{00B2}": 2, "\u{00B3}": 3, "\u{2074}": 4,
    "\u{2075}": 5, "\u{2076}": 6, "\u{2077}": 7, "\u{2078}": 8, "\u{2079}": 9,
  ]
  private static let suffixExponents: [Unicode.Scalar: Int] = [
    "k": 3, "K": 3, "M": 6, "B": 9, "G": 9, "T": 12,
  ]
  private static let wordExponents: [String: Int] = [
    "thousand": 3, "million": 6, "billion": 9, "trillion": 12,
  ]

  /// Exponents longer than this are capped at `cappedExponent`, so their sums cannot overflow `Int`.
  private static let maximumExponentDigits = 6
  private static let cappedExponent = 1_000_000

  init(scalars: [Unicode.Scalar]) { self.scalars = scalars }

  private func at(_ i: Int) -> Unicode.Scalar? { i >= 0 && i < scalars.count ? scalars[i] : nil }
  private func isDigit(_ i: Int) -> Bool {
    guard let s = at(i) else { return false }
    return s.value >= 48 && s.value <= 57
  }
  private func isLetter(_ i: Int) -> Bool {
    guard let s = at(i) else { return false }
    return s.properties.isAlphabetic
  }
  private func isMinus(_ i: Int) -> Bool { at(i) == "-" || at(i) == "\u{2212}" }

  /// Whether a sign at `i` belongs to a number (not a hyphen inside a word like `GPT-2`).
  private func signStartsNumber(_ i: Int) -> Bool {
    guard isMinus(i) || at(i) == "+" else { return false }
    guard isDigit(i + 1) || (at(i + 1) == "." && isDigit(i + 2)) else { return false }
    guard let previous = at(i - 1) else { return true }
    return previous.properties.isWhitespace || "~≈∼≃(=:".unicodeScalars.contains(previous)
  }

  mutating func next() -> ClaimNumber? {
    while index < scalars.count {
      if isDigit(index) || (at(index) == "." && isDigit(index + 1)) || signStartsNumber(index) {
        return readNumber()
      }
      index += 1
    }
    return nil
  }

  private mutating func readNumber() -> ClaimNumber {
    let start = index
    var negative = false
    if isMinus(index) { negative = true; index += 1 } else if at(index) == "+" { index += 1 }

    var integerDigits = ""
    while true {
      if isDigit(index), let s = at(index) {
        integerDigits.unicodeScalars.append(s)
        index += 1
      } else if at(index) == ",", !integerDigits.isEmpty, isDigit(index + 1), isDigit(index + 2),
        isDigit(index + 3), !isDigit(index + 4)
      {
        index += 1  // a thousands separator
      } else {
        break
      }
    }
    var fractionDigits = ""
    if at(index) == ".", isDigit(index + 1) {
      index += 1
      while isDigit(index), let s = at(index) {
        fractionDigits.unicodeScalars.append(s)
        index += 1
      }
    }
    var exponent = 0
    if at(index) == "e" || at(index) == "E", let (power, end) = readSignedPower(from: index + 1) {
      exponent += power
      index = end
    }
    if integerDigits == "10", fractionDigits.isEmpty, exponent == 0,
      let (power, end) = readPowerOfTen(afterTen: index)
    {
      // A bare power of ten: `10^9` or `10⁹`.
      integerDigits = "1"
      exponent += power
      index = end
    } else if let (power, end) = readTimesPowerOfTen(from: index) {
      exponent += power
      index = end
    }
    if let (power, end) = readSuffix(from: index) {
      exponent += power
      index = end
    }
    var isPercent = false
    var lookahead = index
    while at(lookahead) == " " { lookahead += 1 }
    if at(lookahead) == "%" {
      isPercent = true
      exponent -= 2
      index = lookahead + 1
    }

    let mantissa = (integerDigits.isEmpty ? "0" : integerDigits)
      + (fractionDigits.isEmpty ? "" : "." + fractionDigits)
    let value = Double("\(negative ? "-" : "")\(mantissa)e\(exponent)") ?? .nan
    let resolution = Double("1e\(exponent - fractionDigits.count)") ?? .nan
    var written = String.UnicodeScalarView()
    written.append(contentsOf: scalars[start..<index])
    return ClaimNumber(
      value: value, resolution: resolution, isApproximate: false, isPercent: isPercent,
      written: String(written).trimmingCharacters(in: .whitespaces))
  }

  /// Reads `[+-−]?digits` starting at `i`; returns the power and the index after it.
  private func readSignedPower(from i: Int) -> (Int, Int)? {
    var j = i
    var sign = 1
    if isMinus(j) { sign = -1; j += 1 } else if at(j) == "+" { j += 1 }
    guard isDigit(j) else { return nil }
    var digits = ""
    while isDigit(j), let s = at(j) { digits.unicodeScalars.append(s); j += 1 }
    // Longer exponents are capped: the value overflows or underflows and is refused as out of range.
    let power = digits.count > Self.maximumExponentDigits ? Self.cappedExponent : Int(digits) ?? Self.cappedExponent
    return (sign * power, j)
  }

  /// Reads `^9`, `^-3` or superscript digits `⁹`, `⁻³` right after a `10`.
  private func readPowerOfTen(afterTen i: Int) -> (Int, Int)? {
    if at(i) == "^" { return readSignedPower(from: i + 1) }
    var j = i
    var sign = 1
    if at(j) == "\u{207B}" { sign = -1; j += 1 } else if at(j) == "\u{207A}" { j += 1 }
    var power = 0
    var count = 0
    while let s = at(j), let digit = Self.superscripts[s] {
      power = count < Self.maximumExponentDigits ? power * 10 + digit : Self.cappedExponent
      count += 1
      j += 1
    }
    return count > 0 ? (sign * power, j) : nil
  }

  /// Reads ` × 10^9`, `x10^9`, `·10⁹` after a mantissa.
  private func readTimesPowerOfTen(from i: Int) -> (Int, Int)? {
    var j = i
    while at(j) == " " { j += 1 }
    guard let sign = at(j), "×xX*·⋅".unicodeScalars.contains(sign) else { return nil }
    j += 1
    while at(j) == " " { j += 1 }
    guard at(j) == "1", at(j + 1) == "0" else { return nil }
    return readPowerOfTen(afterTen: j + 2)
  }

  /// Reads an attached `k`/`M`/`B`/`T` suffix or a following `million`-style word.
  private func readSuffix(from i: Int) -> (Int, Int)? {
    if let s = at(i), let power = Self.suffixExponents[s], !isLetter(i + 1) {
      return (power, i + 1)
    }
    var j = i
    while at(j) == " " { j += 1 }
    var word = ""
    while isLetter(j), let s = at(j) { word.unicodeScalars.append(s); j += 1 }
    if let power = Self.wordExponents[word.lowercased()] { return (power, j) }
    return nil
  }
}

// MARK: - Every number in a text

extension ClaimNumber {
  /// Every number in `text`, in order, read the way a claim's number is read.
  ///
  /// `lesson lint --claims` uses it to find figures in prose that no claim covers.
  public static func all(in text: String) -> [ClaimNumber] {
    var scanner = NumberScanner(scalars: Array(text.unicodeScalars))
    var found: [ClaimNumber] = []
    while let number = scanner.next() { found.append(number) }
    return found
  }
}
