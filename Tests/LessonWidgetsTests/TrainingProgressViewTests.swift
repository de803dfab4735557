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
    let context = StepContext(progress: { lines.append($0) })
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
}
