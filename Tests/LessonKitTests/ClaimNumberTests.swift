import LessonKit
import Testing

@Suite struct ClaimNumberTests {
  // MARK: - Parsing

  @Test(arguments: [
    ("2,048", 2048.0, 1.0),
    ("2048", 2048, 1),
    ("4.17", 4.17, 0.01),
    ("0.8M", 800_000, 100_000),
    ("about 0.8M", 800_000, 100_000),
    ("12k", 12_000, 1_000),
    ("1.5B", 1.5e9, 1e8),
    ("2T", 2e12, 1e12),
    ("4 billion", 4e9, 1e9),
    ("4×10^9", 4e9, 1e9),
    ("4x10^9", 4e9, 1e9),
    ("4 × 10⁹", 4e9, 1e9),
    ("2.5×10⁻³", 2.5e-3, 1e-4),
    ("10^9", 1e9, 1e9),
    ("10⁸ parameters", 1e8, 1e8),
    ("1e9", 1e9, 1e9),
    ("3.0e-4", 3.0e-4, 1e-5),
    ("15%", 0.15, 0.01),
    ("12.5 %", 0.125, 0.001),
    ("-3.5", -3.5, 0.1),
    ("−0.25", -0.25, 0.01),
    ("≈ 4.17 nats", 4.17, 0.01),
    ("1,000,000", 1e6, 1),
    ("GPT-2", 2, 1),
    (".5", 0.5, 0.1),
  ])
  func parsesValueAndResolution(text: String, value: Double, resolution: Double) throws {
    let number = try #require(try ClaimNumber.parse(text))
    #expect(abs(number.value - value) <= abs(value) * 1e-12, "value of \(text): \(number.value)")
    #expect(abs(number.resolution - resolution) <= resolution * 1e-9, "resolution of \(text): \(number.resolution)")
  }

  @Test(arguments: ["~4.2", "≈ 4.2", "about 4.2", "roughly 4.2", "around 4.2", "approximately 4.2", "About 4.2"])
  func approximationWordsAndSigns(text: String) throws {
    #expect(try ClaimNumber.parse(text)?.isApproximate == true)
  }

  @Test(arguments: ["4.2", "aboutness 4.2", "4.2 exactly"])
  func exactClaims(text: String) throws {
    #expect(try ClaimNumber.parse(text)?.isApproximate == false)
  }

  @Test func textWithoutNumberIsAStatement() throws {
    #expect(try ClaimNumber.parse("the mask is causal") == nil)
    #expect(try ClaimNumber.parse("") == nil)
  }

  @Test func severalNumbersAreRejected() {
    #expect(throws: ClaimNumberError.self) { try ClaimNumber.parse("B = 32, T = 64") }
  }

  @Test func commaNotFollowedByThreeDigitsSeparatesNumbers() {
    #expect(throws: ClaimNumberError.self) { try ClaimNumber.parse("1,23") }
  }

  @Test func percentFlag() throws {
    #expect(try ClaimNumber.parse("15%")?.isPercent == true)
    #expect(try ClaimNumber.parse("15")?.isPercent == false)
  }

  // MARK: - Comparison

  private func matches(_ text: String, _ computed: Double, tolerance: ClaimTolerance? = nil) throws -> Bool {
    let number = try #require(try ClaimNumber.parse(text))
    return ClaimComparison.matches(number, computed: computed, tolerance: tolerance)
  }

  @Test(arguments: [
    // Written precision: half a unit of the last written digit, inclusive.
    ("4.17", 4.1744, true),
    ("4.17", 4.165, true),
    ("4.17", 4.175, true),
    ("4.17", 4.1751, false),
    ("4.17", 4.1649, false),
    ("2,048", 2048, true),
    ("2,048", 2049, false),
    ("0.8M", 849_000, true),
    ("0.8M", 851_000, false),
    ("15%", 0.154, true),
    ("15%", 0.156, false),
    ("0.333", 1.0 / 3.0, true),
    ("-3.5", -3.54, true),
    ("-3.5", 3.5, false),
    // Approximate: 10% relative, inclusive.
    ("about 100", 110, true),
    ("about 100", 90, true),
    ("about 100", 110.01, false),
    ("~100", 89.9, false),
    ("≈ 4×10^9", 4.3e9, true),
  ])
  func comparesWithDefaultTolerance(text: String, computed: Double, expected: Bool) throws {
    #expect(try matches(text, computed) == expected, "\(text) vs \(computed)")
  }

  @Test func explicitRelativeToleranceOverridesApproximation() throws {
    #expect(try matches("about 100", 105, tolerance: .relative(0.05)))
    #expect(try !matches("about 100", 105.1, tolerance: .relative(0.05)))
  }

  @Test func explicitAbsoluteToleranceOverridesPrecision() throws {
    #expect(try matches("2", 2.3, tolerance: .absolute(0.3)))
    #expect(try !matches("2.000", 2.31, tolerance: .absolute(0.3)))
  }

  @Test func nonFiniteValuesNeverMatch() throws {
    #expect(try !matches("about 100", .nan))
    #expect(try !matches("100", .infinity))
  }

  @Test(arguments: [("5%", ClaimTolerance.relative(0.05)), ("0.01", .absolute(0.01)), ("0%", .relative(0))])
  func parsesTolerance(text: String, expected: ClaimTolerance) {
    #expect(ClaimTolerance.parse(text) == expected)
  }

  @Test func rejectsMalformedTolerance() {
    #expect(ClaimTolerance.parse("-5%") == nil)
    #expect(ClaimTolerance.parse("abc") == nil)
  }

  @Test func formatsComputedValues() {
    #expect(ClaimComparison.format(2048) == "2,048")
    #expect(ClaimComparison.format(-1_234_567) == "-1,234,567")
    #expect(ClaimComparison.format(4.17441) == "4.17441")
    #expect(ClaimComparison.format(1.0 / 3.0) == "0.333333")
    #expect(ClaimComparison.format(.infinity) == "inf")
  }
}

/// Computed values shown as the claim writes its number (issue 13: no raw float noise).
@Suite struct NumbersAsWrittenTests {
  private func shown(_ value: Double, like text: String) throws -> String {
    NumberFormat.asWritten(value, like: try #require(try ClaimNumber.parse(text)))
  }

  @Test func unitPrecisionAndGroupingFollowTheText() throws {
    // The cases: a percentage shows its unit; one more digit where the text's would read as exact.
    #expect(try shown(0.00016582, like: "0.02%") == "0.017%")
    #expect(try shown(0.0295, like: "2.17") == "0.03")
    #expect(try shown(2.9512, like: "2.17") == "2.95")
    #expect(try shown(20_100, like: "5,050") == "20,100")
    #expect(try shown(5050, like: "5,050") == "5,050")
    #expect(try shown(5050, like: "5050") == "5050")
    #expect(try shown(20_100, like: "~5k") == "20k")
    #expect(try shown(5060, like: "~5k") == "5.1k")
    #expect(try shown(338_360, like: "3.38×10^5") == "3.384×10^5")
    #expect(try shown(4.2e9, like: "4 billion") == "4.2 billion")
    #expect(try shown(0.15, like: "15%") == "15%")
    #expect(try shown(-3.52, like: "-3.5") == "-3.52")
    #expect(try shown(-3.4, like: "−3.5") == "−3.4")
    // Scientific forms take the value's own power of ten.
    #expect(try shown(0.03, like: "3e-4") == "3e-2")
    #expect(try shown(3e-4, like: "3e-4") == "3e-4")
    #expect(try shown(-0.003, like: "−3e-5") == "−3e-3")
    #expect(try shown(3.2e-4, like: "3e-4") == "3.2e-4")
    #expect(try shown(2_000_000, like: "2×10^5") == "2×10^6")
  }

  @Test func nonFiniteAndOutlandishValuesFallBack() throws {
    #expect(try shown(.nan, like: "2.17") == "nan")
    #expect(try shown(.infinity, like: "5,050") == "inf")
    #expect(try shown(1e30, like: "5k") == ClaimComparison.format(1e30))
  }
}

/// Lines cut to a width keep their escapes and show where they were cut.
@Suite struct ClipToWidthTests {
  @Test func cutsVisibleTextNotEscapes() {
    #expect(clipToWidth("short", 10) == "short")
    #expect(clipToWidth("abcdefghij", 5) == "abcd…")
    let styled = TerminalStyle(colored: true).apply(.yellow, "abcdefghij")
    let cut = clipToWidth(styled, 5)
    #expect(cut.hasPrefix("\u{1B}[33mabcd…"))
    #expect(cut.hasSuffix("\u{1B}[0m"))
    #expect(displayWidth(cut.replacingOccurrences(of: "\u{1B}[33m", with: "").replacingOccurrences(of: "\u{1B}[0m", with: "")) == 5)
    // Wide characters count two columns.
    #expect(clipToWidth("日本語テキスト", 6) == "日本…")
  }
}
