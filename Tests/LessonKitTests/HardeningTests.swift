import Foundation
import LessonKit
import Testing

// MARK: - Loading bytes

@Suite struct LessonDecodingTests {
  private func decode(_ bytes: [UInt8]) throws -> String {
    try Lesson.decode(Data(bytes), file: "x.md")
  }

  /// The `file:line` prefix of the error `bytes` raise.
  private func errorLocation(_ bytes: [UInt8]) -> String? {
    do {
      _ = try decode(bytes)
      return nil
    } catch {
      return String(describing: error).components(separatedBy: ": error:").first
    }
  }

  @Test func byteOrderMarkIsDropped() throws {
    let text = try decode([0xEF, 0xBB, 0xBF] + Array("# Title\n".utf8))
    #expect(text == "# Title\n")
    #expect(Lesson.parse(text, file: "x.md").title == "Title")
  }

  @Test func crlfAndCrBecomeLf() throws {
    #expect(try decode(Array("a\r\nb\rc\n".utf8)) == "a\nb\nc\n")
    let lesson = Lesson.parse(try decode(Array("# T\r\n\r\n```swift step=a\r\nx\r\n```\r\n\r\n[1](check:b)\r\n".utf8)), file: "x.md")
    #expect(lesson.diagnostics.isEmpty, "\(lesson.diagnostics)")
    #expect(lesson.steps.first?.code == "x\n")
    #expect(lesson.claims.first?.line == 7)
  }

  @Test func nulAndInvalidUTF8NameTheirLine() {
    #expect(errorLocation(Array("a\nb\n".utf8) + [0] + Array("c".utf8)) == "x.md:3")
    #expect(errorLocation(Array("a\nb\nc".utf8) + [0xC3]) == "x.md:3")
    #expect(errorLocation([0xFF]) == "x.md:1")
    #expect(errorLocation(Array("ok\n".utf8) + [0xED, 0xA0, 0x80]) == "x.md:2")
    #expect(errorLocation(Array("é ✓ 𝄞\n".utf8)) == nil)
  }

  @Test func sizeLimitIsEnforcedOnData() {
    let limit = Lesson.maximumFileSize
    #expect(limit == 4 * 1024 * 1024)
    #expect(throws: Never.self) { try Lesson.decode(Data(repeating: 0x61, count: limit), file: "x.md") }
    #expect(errorLocation([UInt8](repeating: 0x61, count: limit + 1)) == "x.md:1")
  }
}

// MARK: - Parser limits

@Suite struct ParserLimitTests {
  private func errors(_ markdown: String) -> [Diagnostic] {
    Lesson.parse(markdown, file: "x.md").diagnostics.filter { $0.severity == .error }
  }

  @Test func nestingUpToTheLimitIsRead() {
    let depth = 40
    let lesson = Lesson.parse(String(repeating: ">", count: depth) + " [5](check:a)\n", file: "x.md")
    #expect(lesson.diagnostics.isEmpty)
    #expect(lesson.claims.count == 1)
  }

  @Test func deeperNestingIsReportedNotCrashed() {
    for markdown in [
      String(repeating: ">", count: 100_000) + " deep\n",
      (0..<300).map { String(repeating: "  ", count: $0) + "- x\n" }.joined(),
      String(repeating: "*a ", count: 5000) + "b" + String(repeating: " c*", count: 5000) + "\n",
      String(repeating: "[", count: 50_000) + "x" + String(repeating: "](y)", count: 50_000) + "\n",
    ] {
      let found = errors(markdown)
      #expect(found.contains { $0.message.contains("nest more than 48 levels deep") } || found.isEmpty)
    }
    #expect(errors(String(repeating: ">", count: 100) + " deep\n").first?.line == 1)
  }

  @Test func unclosedFencesAreErrors() {
    #expect(errors("# T\n\n```swift step=a\nx\n").first?.message.contains("opened at line 3 is never closed") == true)
    #expect(errors("# T\n\n````\nx\n```\n").first?.line == 3)
    #expect(errors("> ```\n> x\n\ny\n").first?.line == 1)
  }

  @Test func closedFencesInContainersAreFine() {
    for markdown in [
      "```\nx\n```\n", "~~~~ swift\nx\n~~~~~\n", "> ```\n> x\n> ```\n", "- ```\n  x\n  ```\n",
      "1. ```swift step=a\n   x\n   ```\n", "   ```\n   x\n   ```  \n", "- > ```\n  > x\n  > ```\n",
    ] {
      #expect(errors(markdown).isEmpty, "\(markdown.debugDescription): \(errors(markdown))")
    }
    let lesson = Lesson.parse("- ```swift step=a\n  x\n  ```\n", file: "x.md")
    #expect(lesson.steps.count == 1)
  }

  @Test func repeatedAttributesAreReportedOnce() {
    let found = errors("```swift step=a" + String(repeating: " hidden", count: 500) + String(repeating: " x", count: 500) + "\n```\n")
    #expect(found.count <= 6)
    #expect(found.filter { $0.message.contains("'hidden' is given twice") }.count == 1)
  }

  @Test func longWordsAreAbbreviatedInMessages() {
    let found = errors("```swift step=a " + String(repeating: "z", count: 100_000) + "\n```\n")
    #expect(found.count == 1)
    #expect((found.first?.message.count ?? .max) < 300)
  }
}

// MARK: - Claim numbers and tolerances

@Suite struct ClaimRangeTests {
  @Test(arguments: [
    "1e999", "1e-999", "10" + String(repeating: "\u{2079}", count: 40), "1e9223372036854775807 ×10^9223372036854775807",
    "0." + String(repeating: "3", count: 400), "1e99999999999999999999999",
  ])
  func outOfRangeNumbersAreRefused(_ text: String) {
    #expect(throws: ClaimNumberError.self) { try ClaimNumber.parse(text) }
  }

  @Test func manyNumbersAreListedBriefly() throws {
    let text = (0..<1000).map(String.init).joined(separator: " ")
    do {
      _ = try ClaimNumber.parse(text)
      Issue.record("expected an error")
    } catch {
      #expect(String(describing: error).contains("holds 1000 numbers (0, 1, 2, 3, 4, …)"))
    }
  }

  @Test(arguments: [
    ("-5%", "is negative"), ("-0.1", "is negative"), ("101%", "is over 100%"), ("nan", "malformed"),
    ("inf%", "malformed"), ("5", nil), ("100%", nil), ("0%", nil),
  ] as [(String, String?)])
  func tolerancesMustMakeSense(_ text: String, _ problem: String?) {
    if let problem {
      #expect(ClaimTolerance.problem(text)?.contains(problem) == true)
      #expect(ClaimTolerance.parse(text) == nil)
    } else {
      #expect(ClaimTolerance.problem(text) == nil)
      #expect(ClaimTolerance.parse(text) != nil)
    }
  }
}

// MARK: - Default timeout

@Suite struct DefaultTimeoutTests {
  private func runner(_ markdown: String) throws -> LessonRunner {
    let registry = try Registry(bundles: [
      LessonBundle(name: "t") {
        Step("sleepy") { _ in Thread.sleep(forTimeInterval: 3) }
        Step("sleepy-measure", measures: ["sleepy-check"]) { context in
          Thread.sleep(forTimeInterval: 3)
          context.measure("sleepy-check", true, detail: "woke")
        }
      }
    ])
    return LessonRunner(lesson: Lesson.parse(markdown, file: "t.md"), registry: registry, context: StepContext(seed: 1))
  }

  @Test func theStandardTimeoutIsSane() {
    #expect(LessonRunner.standardTimeout >= 60 && LessonRunner.standardTimeout <= 3600)
  }

  @Test func aStepWithoutTimeoutGetsTheDefault() throws {
    let runner = try runner("```swift step=sleepy\n```\n")
    #expect(runner.defaultTimeout == LessonRunner.standardTimeout)
    runner.defaultTimeout = 0.2
    let failure = try #require(runner.runStep(at: 0)?.failure)
    // Named with the step's Swift file:line, for the author to find.
    #expect(failure.hasPrefix("timed out after 0.2 s (step 'sleepy' at ") && failure.contains("HardeningTests.swift:"), "\(failure)")
  }

  @Test func anExplicitTimeoutWins() throws {
    let runner = try runner("```swift step=sleepy timeout=0.1\n```\n")
    runner.defaultTimeout = 100
    #expect(runner.runStep(at: 0)?.failure?.hasPrefix("timed out after 0.1 s (step 'sleepy' at ") == true)
  }

  @Test func checksGetTheDefaultToo() throws {
    let runner = try runner("[it wakes](check:sleepy-check)\n")
    runner.defaultTimeout = 0.2
    let result = runner.evaluateClaim(at: 0)
    #expect(result.status == .failed)
    #expect(result.message?.contains("timed out after 0.2 s") == true)
  }
}

// MARK: - Rendering cost

@Suite struct RenderingCostTests {
  /// The bytes `show` renders for `markdown`.
  private func renderedBytes(_ markdown: String, colored: Bool) -> Int {
    let lesson = Lesson.parse(markdown, file: "x.md")
    var count = 0
    let renderer = ProseRenderer(lesson: lesson, style: TerminalStyle(colored: colored), width: 60) { count += $0.utf8.count }
    renderer.render()
    return count
  }

  /// Shapes of lesson text, each repeated `n` times.
  static let shapes: [(String, @Sendable (Int) -> String)] = [
    ("paragraphs", { n in String(repeating: "Some *emphasis*, `code` and a [claim 5](check:a) here.\n\n", count: n) }),
    ("one long line", { n in String(repeating: "word ", count: 400 * n) + "\n" }),
    ("one long word", { n in String(repeating: "x", count: 2000 * n) + "\n" }),
    ("deep quotes", { n in String(repeating: String(repeating: ">", count: 40) + " quoted line\n", count: 50 * n) }),
    ("nested lists", { n in String(repeating: (0..<20).map { String(repeating: "  ", count: $0) + "- item\n" }.joined(), count: n) }),
    ("code", { n in "```\n" + String(repeating: "let x = 1 // \u{1B}[2J\n", count: 100 * n) + "```\n" }),
    ("escapes", { n in String(repeating: "\u{1B}[31m\u{7}\u{202E}", count: 300 * n) + "\n" }),
  ]

  /// Output grows in proportion to the input: doubling and quadrupling the input doubles and
  /// quadruples the output, within a few percent (the heading and edges are constant).
  @Test(arguments: [false, true])
  func outputGrowsLinearlyWithInput(colored: Bool) {
    for (name, make) in Self.shapes {
      let one = renderedBytes(make(10), colored: colored)
      let two = renderedBytes(make(20), colored: colored)
      let four = renderedBytes(make(40), colored: colored)
      #expect(one > 0, "\(name)")
      let ratioTwo = Double(two) / Double(one)
      let ratioFour = Double(four) / Double(one)
      #expect(abs(ratioTwo - 2) < 0.1, "\(name): ×2 input gave ×\(ratioTwo) output")
      #expect(abs(ratioFour - 4) < 0.2, "\(name): ×4 input gave ×\(ratioFour) output")
      // And the output stays within a constant factor of the input.
      #expect(four <= 64 * make(40).utf8.count, "\(name)")
    }
  }
}

// MARK: - Steps that trap

/// A trap in a step is that step's failure, named with its file:line; the test process (like
/// `lesson check`) lives on, and a step that does not depend on it still runs.
@Suite struct StepTrapTests {
  private func runner(_ markdown: String) throws -> LessonRunner {
    let registry = try Registry(bundles: [
      LessonBundle(name: "t") {
        Step("overflows") { context in
          // The seed (1) keeps the compiler from folding the overflow away.
          context.text("\(Int.max - Int(context.seed & 1) + 2)")
        }
        Step("out-of-range") { context in
          let values = [1, 2, 3]
          context.text("\(values[Int(context.seed) + 5])")
        }
        Step("recurses") { context in
          // 4 KB a frame, used after the call so the recursion cannot become a loop.
          let seed = Int(context.seed)
          func depth(_ n: Int) -> Int {
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 512) { frame in
              frame[0] = n
              return n == Int.max ? 0 : depth(n + seed) &+ frame[0]
            }
          }
          context.text("\(depth(0))")
        }
        Step("fine", measures: ["fine-check"]) { context in context.measure("fine-check", true, detail: "ran") }
      }
    ])
    return LessonRunner(lesson: Lesson.parse(markdown, file: "t.md"), registry: registry, context: StepContext(seed: 1))
  }

  @Test(arguments: [("overflows", "trapped: a Swift runtime error"), ("out-of-range", "trapped: a Swift runtime error"),
                    ("recurses", "crashed with a memory fault or a stack overflow")])
  func aTrapIsTheStepsFailureAndTheRunGoesOn(_ id: String, _ phrase: String) throws {
    let runner = try runner("```swift step=\(id)\n```\n\n```swift step=fine\n```\n")
    let failure = try #require(runner.runStep(at: 0)?.failure)
    #expect(failure.hasPrefix(phrase), "\(failure)")
    #expect(failure.contains("(step '\(id)' at ") && failure.contains("HardeningTests.swift:"), "\(failure)")
    let fine = try #require(runner.runStep(at: 1))
    #expect(fine.failure == nil)
    #expect(fine.measurements["fine-check"] != nil)
  }
}
