import LessonKit
import Testing

@Suite struct ClaimCoverageTests {
  private func uncovered(_ markdown: String) -> [UncoveredFigure] {
    ClaimCoverage.uncoveredFigures(in: Lesson.parse(markdown, file: "t.md"))
  }

  @Test func reportsBareFiguresWithTheirLine() {
    let figures = uncovered("# T\n\nThe model has 128 dimensions\nand 4 layers.\n")
    #expect(figures.map(\.written) == ["128", "4"])
    #expect(figures.map(\.line) == [3, 4])
    #expect(figures[0].diagnostic.severity == .error)
    #expect(figures[0].diagnostic.message.contains("[128](check:<id>)"))
    #expect(figures[0].diagnostic.message.contains("128<!-- not-a-claim -->"))
  }

  @Test func claimsCodeAndCodeBlocksAreCovered() {
    let markdown = """
      # T

      The model has [128](check:embedding-size) dimensions and `4` layers.

      ```swift
      let d = 128
      ```
      """
    #expect(uncovered(markdown).isEmpty)
  }

  @Test func headingsListsAndQuotesAreProse() {
    let figures = uncovered("# Lesson 3\n\n- a list with 12 items\n\n> quoted 7\n")
    #expect(figures.map(\.written) == ["3", "12", "7"])
  }

  @Test func theMarkerExemptsOnlyTheNumberRightBeforeIt() {
    #expect(uncovered("# T\n\nHutter, 2017<!-- not-a-claim -->) wrote it.\n").isEmpty)
    #expect(uncovered("# T\n\nThe slogan says \"6×\"<!-- not-a-claim --> more.\n").isEmpty)
    // Only the last number before the marker is exempt.
    #expect(uncovered("# T\n\nIn 64 steps and 2017<!-- not-a-claim -->.\n").map(\.written) == ["64"])
    // A marker after words, not after a number, exempts nothing.
    #expect(uncovered("# T\n\nIt took 12 steps<!-- not-a-claim -->.\n").map(\.written) == ["12"])
    // Another comment is not the marker.
    #expect(uncovered("# T\n\nIn 2017<!-- a year -->.\n").map(\.written) == ["2017"])
  }

  @Test(arguments: ["y[t] = x[t+1]", "position T−1", "L2 decay", "GPT-2", "1/(1−β₂)", "x[0…t]", "p−63"])
  func notationIsNotAFigure(text: String) {
    #expect(uncovered("# T\n\nNotation: \(text) here.\n").isEmpty, "\(text)")
  }

  @Test(arguments: ["What is 2+2", "1/0.15", "norm 0.3", "4 billion tokens", "10⁸ parameters"])
  func arithmeticOnFiguresIsReported(text: String) {
    #expect(!uncovered("# T\n\nSay \(text) here.\n").isEmpty, "\(text)")
  }

  @Test func theMarkerIsInvisibleWhenRendered() {
    let lesson = Lesson.parse("# T\n\nIn 2017<!-- not-a-claim --> it began.\n", file: "t.md")
    var rendered = ""
    ProseRenderer(lesson: lesson, style: .plain, width: 80) { rendered += $0 }.render()
    #expect(rendered.contains("In 2017 it began."))
    #expect(!rendered.contains("not-a-claim"))
  }

  @Test func markerRecognition() {
    #expect(ClaimCoverage.isMarker("<!-- not-a-claim -->"))
    #expect(ClaimCoverage.isMarker("<!--not-a-claim-->"))
    #expect(!ClaimCoverage.isMarker("<!-- not a claim -->"))
    #expect(!ClaimCoverage.isMarker("<b>"))
  }
}
