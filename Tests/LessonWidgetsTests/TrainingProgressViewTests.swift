import LessonKit
import LessonWidgets
import Testing

@Suite struct TrainingProgressViewTests {
  /// A clock the test moves by hand.
  final class FakeClock: @unchecked Sendable {
    var now = 100.0
  }

  @Test func pipedPrintsOneLinePerEvalPoint() {
    var written: [String] = []
    let clock = FakeClock()
    let bar = TrainingProgressView(
      total: 100, tokensPerStep: 1000, display: ProgressDisplay(isTTY: false, write: { written.append($0) }),
      clock: { clock.now })
    for step in 1...50 {
      clock.now += 0.125  // exact in binary, so the figures below are exact too
      bar.step(step, loss: 4.0 - Double(step) * 0.01)
      if step % 25 == 0 { bar.evaluated(step: step, valLoss: 3.9 - Double(step) * 0.01) }
    }
    bar.finish()
    #expect(written.count == 3)
    #expect(written[0] == "step  25/100  loss 3.7500  val 3.6500  8.0k tok/s  ETA 9s\n")
    #expect(written[1].hasPrefix("step  50/100  loss 3.5000  val 3.4000"))
    #expect(written[2] == "training: 50/100 steps in 6s, loss 3.5000, val 3.4000\n")
    #expect(!written.joined().contains("\u{1B}"))
  }

  @Test func terminalRedrawsInPlaceAtMostEveryInterval() {
    var written: [String] = []
    let clock = FakeClock()
    let bar = TrainingProgressView(
      total: 10, display: ProgressDisplay(isTTY: true, width: 100, write: { written.append($0) }), clock: { clock.now })
    for step in 1...10 {
      clock.now += 0.04
      bar.step(step, loss: 1)
    }
    // Drawn at step 1, then once 0.1 s passed (steps 4 and 7... by the clock), and at the last step.
    #expect(written.count >= 3 && written.count <= 5)
    #expect(written.allSatisfy { $0.hasPrefix("\r\u{1B}[2K") })
    #expect(written.last?.contains("step 10/10") == true)
    #expect(written.last?.contains("▕██████████████") == true)
    bar.finish()
    #expect(written.last?.hasPrefix("\r\u{1B}[2K") == true)
    #expect(written.last?.hasSuffix("\n") == true)
  }

  @Test func throughAStepContextItFollowsTheContextsLiveness() {
    var lines: [String] = []
    let context = StepContext(progress: { lines.append(contentsOf: $0) })
    let clock = FakeClock()
    let bar = TrainingProgressView(total: 4, context: context, clock: { clock.now })
    for step in 1...4 {
      clock.now += 1
      bar.step(step, loss: 2)
    }
    bar.evaluated(step: 4, valLoss: 1.5)
    bar.finish()
    // Not live (piped): only the eval point and the summary.
    #expect(lines.count == 2)
    #expect(lines[0].hasPrefix("step 4/4  loss 2.0000  val 1.5000"))
  }

  /// Whether `text` holds a braille cell, the chart's drawing.
  static func hasBraille(_ text: String) -> Bool {
    text.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) }
  }

  @Test func onATerminalALossChartSitsAboveTheLineAndIsRedrawnWhole() {
    var written: [String] = []
    let clock = FakeClock()
    let bar = TrainingProgressView(
      total: 40, display: ProgressDisplay(isTTY: true, width: 80, write: { written.append($0) }), clock: { clock.now })
    for step in 1...40 {
      clock.now += 0.2
      bar.step(step, loss: 4.0 - 0.05 * Double(step))
    }
    // The first draw has one loss: nothing to join yet, so no chart.
    #expect(!Self.hasBraille(written[0]))
    let last = try! #require(written.last)
    #expect(Self.hasBraille(last))
    // Four plot rows, the axis, its step labels, then the status line: 7 rows, every one of
    // them erased before the next drawing.
    let erase = TerminalControl.clearLines(7)
    #expect(last.hasPrefix(erase))
    let rows = last.dropFirst(erase.count).split(separator: "\n", omittingEmptySubsequences: false)
    #expect(rows.count == 7)
    #expect(rows.last?.contains("step 40/40") == true)
    // The range on the left is the losses' own: 3.95 at step 1 down to 2 at step 40.
    #expect(rows[0].contains("3.95") && rows[3].contains("2 ┤"))
    #expect(rows[5].contains("1") && rows[5].contains("40"))
    #expect(rows.allSatisfy { displayWidth(String($0)) < 80 })
    // A falling loss: the top row is drawn on the left and empty on the right.
    let topCells = rows[0].split(separator: "┤").last.map(String.init) ?? ""
    #expect(Self.hasBraille(String(topCells.prefix(4))) && !Self.hasBraille(String(topCells.suffix(10))))
    bar.finish()
    #expect(written.last?.hasPrefix(TerminalControl.clearLines(7)) == true)
  }

  @Test func noChartWhenPipedOrWhenItsRowsAreZero() {
    var piped: [String] = []
    let pipedBar = TrainingProgressView(total: 20, display: ProgressDisplay(isTTY: false, write: { piped.append($0) }))
    var live: [String] = []
    let liveBar = TrainingProgressView(total: 20, display: ProgressDisplay(isTTY: true, write: { live.append($0) }))
    liveBar.chartRows = 0
    liveBar.redrawInterval = 0
    for step in 1...20 {
      pipedBar.step(step, loss: Double(20 - step))
      liveBar.step(step, loss: Double(20 - step))
      if step % 10 == 0 { pipedBar.evaluated(step: step, valLoss: 1) }
    }
    #expect(piped.count == 2 && !piped.contains(where: Self.hasBraille))
    #expect(live.count == 20 && !live.contains(where: Self.hasBraille) && !live.contains { $0.contains("\n") })
  }

  @Test func anchoredToABottomRowAStatusOverlaysTheRowsAboveWithoutScrolling() {
    var written: [String] = []
    let display = ProgressDisplay(isTTY: true, width: 40, write: { written.append($0) })
    display.bottomRow = 24
    display.show(lines: ["chart a", "chart b", "status"])
    #expect(written.last == TerminalControl.toRow(22) + TerminalControl.clearLine + "chart a"
      + TerminalControl.toRow(23) + TerminalControl.clearLine + "chart b"
      + TerminalControl.toRow(24) + TerminalControl.clearLine + "status")
    // Fewer lines: the rows no longer covered are blanked, and nothing is ever a newline.
    display.show("status 2")
    #expect(written.last == TerminalControl.toRow(22) + TerminalControl.clearLine
      + TerminalControl.toRow(23) + TerminalControl.clearLine
      + TerminalControl.toRow(24) + TerminalControl.clearLine + "status 2")
    display.show(lines: ["x", "y"])
    display.clear()
    #expect(written.last == TerminalControl.toRow(23) + TerminalControl.clearLine + TerminalControl.toRow(24)
      + TerminalControl.clearLine + TerminalControl.toRow(23))
    #expect(!written.contains { $0.contains("\n") })
  }
}
