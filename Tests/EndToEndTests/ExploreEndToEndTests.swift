import Foundation
import Testing

/// Issue 13: exploring a lesson in `lesson run` on a real 80 × 24 terminal (tmux), then at 60
/// columns: settings changed with `e`, claims re-checked in place, scrolling, the section list,
/// keys typed during a step, the end screen.
@Suite(.enabled(if: TmuxSession.isAvailable, "tmux is not installed (make test installs it); interactive tests skipped"))
struct ExploreEndToEndTests {
  /// Starts `lesson-testbed run arguments…` at 80 × 24 with its own state and cache.
  private func session(_ arguments: [String], state: TemporaryStateHome) throws -> TmuxSession {
    try TmuxSession(
      ["run"] + arguments, binary: LessonBinary.testbedPath, environment: state.environment, columns: 80, rows: 24)
  }

  /// Waits for `texts` on the screen read with non-breaking spaces as spaces (the knob line keeps
  /// each `name = value` whole with them); returns that reading.
  private func waitForText(_ session: TmuxSession, _ texts: String..., timeout: Double = 20) -> String? {
    let plain = { (screen: String) in screen.replacingOccurrences(of: "\u{A0}", with: " ") }
    return session.waitFor(timeout: timeout) { screen in texts.allSatisfy(plain(screen).contains) }.map(plain)
  }

  /// Lines of the screen wider than `columns` once the terminal's own wrapping is undone.
  private func overwide(_ session: TmuxSession, columns: Int) -> [String] {
    session.joinedScreen().split(separator: "\n").map(String.init).filter { $0.count > columns }
  }

  /// Runs `lesson-testbed run arguments…` at 80 × 24 in `state`, hands the session to `body`,
  /// then quits with `q` and expects a clean exit with the terminal restored.
  private func explore(
    _ arguments: [String], in state: TemporaryStateHome, _ body: (TmuxSession) throws -> Void
  ) throws {
    let run = try session(arguments, state: state)
    defer { run.kill() }
    try body(run)
    try run.send("q")
    #expect(run.waitFor("EXIT=0", "TTY=icanon echo") != nil)
  }

  /// Pages down (PgDn only scrolls, it never runs or skips anything) until `marker` is on screen.
  private func scroll(_ session: TmuxSession, until marker: String) throws -> Bool {
    for _ in 0..<12 {
      if session.waitFor(marker, timeout: 1.5) != nil { return true }
      try session.send("NPage")
    }
    return session.waitFor(marker, timeout: 5) != nil
  }

  @Test func editingASettingRechecksTheClaimsInPlaceAndZeroRestoresThem() throws {
    let state = TemporaryStateHome()
    defer { state.remove() }
    try explore(["selftest"], in: state) { run in
      let paused = try #require(waitForText(run, "┌ step selftest-make-range", "⚙ count = 100", "⏎ run"))
      #expect(paused.contains("section 1/2"), "\(paused)")
      try run.send("Enter")
      #expect(run.waitFor("5,050\u{A0}✓", "claims passed 4/7") != nil)
      // Out of range: refused on the edit line with the range, nothing reruns.
      try run.send("e")
      #expect(run.waitFor("count = 100 → new value (an integer from 1 to 100000)") != nil)
      try run.send("0", "Enter")
      #expect(run.waitFor("✗ count takes an integer from 1 to 100000") != nil)
      try run.send("BSpace")
      try run.send("200", literal: true)
      try run.send("Enter")
      let changed = try #require(run.waitFor("the\u{A0}lesson\u{A0}says\u{A0}5,050\u{A0}·\u{A0}now\u{A0}20,100\u{A0}✗", timeout: 20))
      #expect(changed.contains("⚙ count = 200 (lesson: 100)"), "\(changed)")
      #expect(changed.contains("Built the numbers 1 through 200."), "the step reran with the new value: \(changed)")
      #expect(changed.contains("claims passed 1/7"), "\(changed)")   // only "every number is positive" still holds
      #expect(overwide(run, columns: 80).isEmpty, "\(overwide(run, columns: 80))")
      // The choice is part of the saved progress.
      let file = try #require(state.progressFiles.first)
      let saved = try String(contentsOfFile: file, encoding: .utf8)
      #expect(saved.contains("\"count\""), "\(saved)")
      try run.send("0")
      #expect(waitForText(run, "5,050 ✓", "claims passed 4/7", "⚙ count = 100 ·") != nil)
    }
  }

  @Test func savedSettingsComeBackOnResume() throws {
    let state = TemporaryStateHome()
    defer { state.remove() }
    try explore(["selftest"], in: state) { run in
      #expect(waitForText(run, "⚙ count = 100", "⏎ run") != nil)
      try run.send("e")
      #expect(run.waitFor("new value") != nil)
      try run.send("10", literal: true)
      try run.send("Enter")
      #expect(waitForText(run, "⚙ count = 10 (lesson: 100)") != nil)
    }
    try explore(["selftest", "--resume"], in: state) { resumed in
      #expect(waitForText(resumed, "with your settings count = 10 (lesson: 100)", "⚙ count = 10 (lesson: 100)") != nil)
      try resumed.send("Enter")
      #expect(resumed.waitFor("Built the numbers 1 through 10.") != nil)
    }
  }

  @Test func pageUpScrollsBackAndTheSectionListJumps() throws {
    let state = TemporaryStateHome()
    defer { state.remove() }
    try explore(["selftest"], in: state) { run in
      #expect(run.waitFor("┌ step selftest-make-range", "⏎ run") != nil)
      try run.send("l")
      let list = try #require(run.waitFor("Sections", "2. Squares"))
      #expect(list.contains("▸ ○ 1. Building a range"), "\(list)")
      try run.send("Down")
      #expect(run.waitFor("▸ ○ 2. Squares") != nil)
      try run.send("Enter")
      #expect(run.waitFor("section 2/2: Squares", "┌ step selftest-squares", "⏎ run") != nil)
      try run.send("Enter")
      // The step's cell comes to the top: the section heading above it is scrolled away.
      let ran = try #require(run.waitFor("┌ step selftest-squares", "largest square"))
      func headingShown(_ screen: String) -> Bool {
        screen.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == "Squares" }
      }
      #expect(!headingShown(ran), "\(ran)")
      try run.send("PPage")
      #expect(run.waitFor(timeout: 10, headingShown) != nil)
      try run.send("NPage")
      #expect(run.waitFor(timeout: 10) { !headingShown($0) } != nil)
      try run.send("?")
      #expect(run.waitFor("Keys", "PgUp PgDn", "any key returns") != nil)
      try run.send("x")
      #expect(run.waitFor("section 2/2") != nil)
    }
  }

  @Test func keysTypedWhileAStepRunsAreDiscarded() throws {
    let state = TemporaryStateHome()
    defer { state.remove() }
    try explore(["Extra/waiting.md"], in: state) { run in
      #expect(waitForText(run, "┌ step selftest-wait", "⚙ wait = 1.5", "⏎ run") != nil)
      try run.send("Enter")
      // The bottom row says the step runs, then the step's own progress line replaces it.
      #expect(run.waitFor { $0.contains("running selftest-wait") || $0.contains("selftest-wait: waiting") } != nil)
      // q would quit, l list, b would say "first section": none of it may act once the step is done.
      try run.send("qlb", literal: true)
      try run.send("Enter")
      let done = try #require(run.waitFor("waited 1.50 s", "⏎ finish"))
      #expect(!done.contains("EXIT="))
      usleep(700_000)
      let later = run.screen()
      #expect(!later.contains("EXIT="), "\(later)")
      #expect(!later.contains("Sections"), "\(later)")
      #expect(later.contains("⏎ finish"), "\(later)")
    }
  }

  @Test func aChangedSettingFailsTheClaimThatRestatesIt() throws {
    let state = TemporaryStateHome()
    defer { state.remove() }
    try explore(["Extra/waiting.md"], in: state) { run in
      #expect(waitForText(run, "waits 1.5 ⚙", "⚙ wait = 1.5", "⏎ run") != nil)
      // `e` works on the step the learner is paused at, before it ran.
      try run.send("e")
      #expect(run.waitFor("wait = 1.5 → new value (a number from 0 to 10)") != nil)
      try run.send("0.2", literal: true)
      try run.send("Enter")
      let changed = try #require(waitForText(run, "the lesson says 1.5 · now 0.2 ✗", "⚙ wait = 0.2 (lesson: 1.5)"))
      #expect(changed.contains("lesson setting"), "\(changed)")
      try run.send("Enter")
      #expect(run.waitFor("waited 0.20 s") != nil)
      try run.send("0")
      #expect(waitForText(run, "waits 1.5 ⚙", "⚙ wait = 1.5 · e edit") != nil)
    }
  }

  @Test func aResizeTo60ColumnsReflowsEveryLine() throws {
    let state = TemporaryStateHome()
    defer { state.remove() }
    try explore(["selftest"], in: state) { run in
      #expect(run.waitFor("┌ step selftest-make-range", "⏎ run") != nil)
      try run.send("Enter")
      #expect(run.waitFor("5,050\u{A0}✓", "⏎ next section") != nil)
      try run.send("Enter")
      #expect(run.waitFor("┌ step selftest-squares", "⏎ run") != nil)
      try run.send("Enter")
      #expect(run.waitFor("largest square") != nil)
      #expect(overwide(run, columns: 80).isEmpty, "\(overwide(run, columns: 80))")
      try run.resize(columns: 60)
      // The status line is drawn again for 60 columns and keeps its section number and claim count.
      let narrow = try #require(run.waitFor(timeout: 10) { screen in
        let first = screen.split(separator: "\n").first.map(String.init) ?? ""
        return first.count <= 60 && first.contains("section 2/2") && first.contains("claims passed")
      })
      #expect(overwide(run, columns: 60).isEmpty, "\(overwide(run, columns: 60))\n\(narrow)")
      try run.send("PPage")
      usleep(300_000)
      #expect(overwide(run, columns: 60).isEmpty, "\(overwide(run, columns: 60))")
    }
  }

  /// Skipped steps are not run at the end either: their claims are counted as not checked.
  @Test func theEndScreenCountsSkippedClaimsAsNotChecked() throws {
    let state = TemporaryStateHome()
    defer { state.remove() }
    let log = NSTemporaryDirectory() + "lesson-run-log-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: log) }
    let run = try TmuxSession(
      ["run", "selftest"], binary: LessonBinary.testbedPath,
      environment: state.environment.merging(["LESSON_SELFTEST_RUN_LOG": log]) { $1 }, columns: 80, rows: 24)
    defer { run.kill() }
    for (marker, key) in [
      ("┌ step selftest-make-range", "s"), ("⏎ next section", "Enter"), ("┌ step selftest-squares", "s"),
      ("▸ step selftest-progress", "s"), ("⏎ finish", "Enter"),
    ] {
      #expect(try scroll(run, until: marker), "waiting for \(marker)")
      try run.send(key)
    }
    let end = try #require(run.waitFor("Finished: Engine self-test", "EXIT="))
    // Only "a third is 0.333" rests on a step the lesson never shows; the other six wait for skipped steps.
    #expect(end.contains("claims: 1 of 7 hold, 6 not checked (their step was skipped or not reached)"), "\(end)")
    #expect(end.contains("1 passed, 0 failed"), "\(end)")
    // The step behind "a third" ran for its claim; the skipped ones never did.
    let ran = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    #expect(ran.contains("selftest-constants"), "\(ran)")
    #expect(!ran.contains("selftest-make-range") && !ran.contains("selftest-squares"), "\(ran)")
  }

  /// From 120 columns on, a side panel lists the section's claims, ○ until their step runs and
  /// ✓ after; narrower, the text has the whole width.
  @Test func wideTerminalsListTheSectionsClaimsBesideTheText() throws {
    let state = TemporaryStateHome()
    defer { state.remove() }
    let run = try TmuxSession(
      ["run", "selftest"], binary: LessonBinary.testbedPath, environment: state.environment, columns: 130, rows: 30)
    defer { run.kill() }
    let before = try #require(run.waitFor("claims in this section (4)", "┌ step selftest-make-range"))
    #expect(before.contains("○ 5,050  selftest-sum-of-range"), "\(before)")
    #expect(!before.contains("✓ 5,050"))
    try run.send("Enter")
    let after = try #require(run.waitFor("✓ 5,050  selftest-sum-of-range"))
    #expect(after.contains("✓ Every number is positive"), "\(after)")
    // The text keeps to its column: the panel's bar sits at one column on every row that has it.
    let bars = Set(after.split(separator: "\n").compactMap { line in
      line.firstIndex(of: "│").map { line.distance(from: line.startIndex, to: $0) }
    }.filter { $0 > 20 })
    #expect(bars.count == 1, "\(after)")
    #expect(run.joinedScreen().split(separator: "\n").allSatisfy { $0.count <= 130 })
    try run.resize(columns: 100)
    #expect(run.waitFor(timeout: 10) { !$0.contains("claims in this section") && $0.contains("Building a range") } != nil)
  }

  /// Training on a terminal draws the loss so far as a braille chart above the progress line,
  /// within the pane's width, and leaves only its summary when it ends.
  @Test func trainingOnATerminalChartsTheLossAboveItsProgressLine() throws {
    let state = TemporaryStateHome()
    defer { state.remove() }
    let out = NSTemporaryDirectory() + "lesson-chart-\(UUID().uuidString).safetensors"
    defer { try? FileManager.default.removeItem(atPath: out) }
    let run = try TmuxSession(
      ["train", "--steps", "4000", "--d", "32", "--layers", "1", "--heads", "2", "--context", "16", "--batch", "8",
       "--lr", "3e-3", "--threads", "1", "--out", out],
      environment: state.environment, columns: 80, rows: 24)
    defer { run.kill() }
    let braille = { (screen: String) in screen.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) } }
    let drawing = try #require(run.waitFor(timeout: 60) { braille($0) && $0.contains("training ▕") })
    let lines = drawing.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let bar = try #require(lines.lastIndex { $0.hasPrefix("training ▕") })
    // Above the bar: the step axis, the axis line, then plot rows with the loss range on the left.
    #expect(bar >= 6 && lines[bar - 2].contains("└──") && lines[bar - 3].contains("┤"), "\(drawing)")
    #expect(lines[(bar - 6)..<(bar - 2)].allSatisfy { $0.contains("┤") }, "\(drawing)")
    #expect(lines.allSatisfy { $0.count <= 80 })
    let end = try #require(run.waitFor("EXIT=0", timeout: 120))
    #expect(end.contains("checkpoint written to") && !braille(end), "\(end)")
  }

  /// The bar, on the real pretraining lesson at 80 × 24: the optimizer section (opened from
  /// the list, so nothing trains), `lr` set to 3e-2 with `e`, and a claim then shows ✗ with the new value.
  @Test func thePretrainingLessonTakesANewLearningRate() throws {
    let state = TemporaryStateHome()
    defer { state.remove() }
    let run = try TmuxSession(
      ["run", "pretrain"], in: LessonBinary.packageRoot.path, environment: state.environment, columns: 80, rows: 24)
    defer { run.kill() }
    #expect(run.waitFor("section 1/", "claims passed", timeout: 60) != nil)
    try run.send("l")
    #expect(run.waitFor("Sections", "9. Optimizer choices") != nil)
    try run.send("9")
    #expect(run.waitFor("▸ ○ 9. Optimizer choices") != nil)
    try run.send("Enter")
    #expect(run.waitFor("section 9/", "┌ step adamw-update", "⏎ run") != nil)
    try run.send("Enter")
    #expect(run.waitFor("one AdamW step (lr 0.0003", timeout: 60) != nil)
    try run.send("e")
    #expect(run.waitFor("lr = 0.0003 → new value (a number from 1e-06 to 0.1)") != nil)
    try run.send("3e-2", literal: true)
    try run.send("Enter")
    #expect(run.waitFor("lr = 0.03 ·", timeout: 60) != nil)
    // The learning-rate claim sits above the step now on screen: scroll back to it.
    let claim = "the\u{A0}lesson\u{A0}says\u{A0}3e-4\u{A0}·\u{A0}now\u{A0}3e-2\u{A0}✗"
    var shown: String?
    for _ in 0..<6 where shown == nil {
      try run.send("PPage")
      shown = run.waitFor(claim, timeout: 2)
    }
    let screen = try #require(shown)
    #expect(screen.contains("one AdamW step (lr 0.03"), "the step reran with the new rate: \(screen)")
    #expect(run.joinedScreen().split(separator: "\n").allSatisfy { $0.count <= 80 })
    try run.send("q")
    #expect(run.waitFor("EXIT=0") != nil)
  }

  /// A step that throws (as training does when its loss stops being finite) is a message under
  /// the step, and the run goes on to an end screen that names it and counts as `check` does.
  @Test func aFailingStepIsShownNotFatal() throws {
    let state = TemporaryStateHome()
    defer { state.remove() }
    let check = try LessonBinary.runTestbed(["check", "Extra/failing-step.md"], environment: state.environment)
    let run = try session(["Extra/failing-step.md"], state: state)
    defer { run.kill() }
    #expect(run.waitFor("▸ step selftest-fail (hidden)", "⏎ run") != nil)
    try run.send("Enter")
    let failed = try #require(run.waitFor("✗ step failed: deliberate failure from selftest-fail", "⏎ finish"))
    #expect(!failed.contains("EXIT="))
    try run.send("Enter")
    let end = try #require(run.waitFor("Finished: A failing step", "EXIT="))
    #expect(end.contains("✗ step selftest-fail failed"), "\(end)")
    #expect(end.contains("next: `lesson check"), "\(end)")
    #expect(end.contains(check.lastLine), "run's totals must be check's '\(check.lastLine)': \(end)")
    #expect(end.contains("EXIT=1"))
  }

  @Test func theEndScreenCountsWhatCheckCounts() throws {
    let state = TemporaryStateHome()
    defer { state.remove() }
    let check = try LessonBinary.runTestbed(["check", "selftest"], environment: state.environment)
    #expect(check.status == 0, "\(check.stderr)")
    let run = try session(["selftest"], state: state)
    defer { run.kill() }
    for marker in ["┌ step selftest-make-range", "⏎ next section", "┌ step selftest-squares", "▸ step selftest-progress", "⏎ finish"] {
      #expect(try scroll(run, until: marker), "waiting for \(marker)")
      try run.send("Enter")
    }
    let end = try #require(run.waitFor("Finished: Engine self-test", "EXIT="))
    #expect(end.contains("claims: 7 of 7 hold"), "\(end)")
    #expect(end.contains("settings: the lesson's own"), "\(end)")
    #expect(end.contains("next: `lesson run onefalse`"), "\(end)")
    #expect(end.contains(check.lastLine), "run's totals must be check's '\(check.lastLine)': \(end)")
    #expect(end.contains("EXIT=0"))
  }
}

/// `lesson play` on a terminal at 80 columns and after a resize to 60 (issue 13).
@Suite(.enabled(if: TmuxSession.isAvailable, "tmux is not installed (make test installs it); interactive tests skipped"))
struct PlayReflowEndToEndTests {
  @Test func playReflowsOnResizeAndListsEveryPreset() throws {
    let session = try TmuxSession(["play"], in: NSTemporaryDirectory(), columns: 80, rows: 24)
    defer { session.kill() }
    #expect(session.waitFor("prompt: \"\"", "next character, top 10:") != nil)
    try session.send("To be", literal: true)
    try session.send("Enter")
    let plain = { (screen: String) in screen.replacingOccurrences(of: "\u{A0}", with: " ") }
    let wide = try #require(session.waitFor { plain($0).contains("9 Thou art") && $0.contains("(commands)") })
    #expect(plain(wide).contains("1 To be"), "\(wide)")
    func overwide(_ columns: Int) -> [String] {
      session.joinedScreen().split(separator: "\n").map(String.init).filter { $0.count > columns }
    }
    #expect(overwide(80).isEmpty, "\(overwide(80))")
    try session.resize(columns: 60)
    // Redrawn for 60 columns: the presets wrap onto more lines and every one stays.
    let narrow = session.waitFor(timeout: 10) { screen in
      plain(screen).contains("9 Thou art") && screen.split(separator: "\n").allSatisfy { $0.count <= 60 }
    }
    #expect(narrow != nil)
    #expect(overwide(60).isEmpty, "\(overwide(60))")
    try session.send("q")
    #expect(session.waitFor("EXIT=0", "TTY=icanon echo") != nil)
  }
}

/// The bars of `lesson play` are proportional to the probability, not to the largest bar.
@Suite struct PlayBarsEndToEndTests {
  @Test(arguments: ["0.5", "2.0"])
  func barsAreOnAnAbsoluteScale(temperature: String) throws {
    let output = try LessonBinary.run(["play", "--prompt", "To be", "--top", "5", "--temperature", temperature])
    #expect(output.status == 0, "\(output.stderr)")
    let bars = output.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("  ") && $0.hasSuffix("%") }
    #expect(bars.count == 5, "\(output.stdout)")
    for bar in bars {
      let percent = try #require(Double(bar.split(separator: " ").last.map { String($0.dropLast()) } ?? ""), "\(bar)")
      // COLUMNS=80: a 50-column bar, so p% fills p/2 columns (to the eighth, shown as a partial block).
      let full = bar.filter { $0 == "█" }.count
      #expect(abs(Double(full) - percent / 100 * 50) <= 1, "\(bar)")
    }
  }
}
