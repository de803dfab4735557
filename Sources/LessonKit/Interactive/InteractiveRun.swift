import AtomicFiles
import Dispatch
import Foundation

// MARK: - Step-through run on a terminal

/// `lesson run` on a terminal: one section at a time, seen through a window that scrolls, a
/// pause at every step, a status line on top, the keys on the bottom row, and progress (with
/// the settings chosen) saved at every pause so `--resume` continues there.
///
/// The section is rendered again, from the lesson and the runner's results, whenever something
/// changes: a step ran, a setting changed (its claims are re-checked in place), the window was
/// resized (everything reflows to the new width and height). Key handling is
/// `StepperMachine`'s; this type only does the terminal I/O around it.
final class InteractiveRun {
  /// How the learner went past a step in this visit of its section.
  private enum Visit {
    /// It ran (or was replayed); `note` says how, when that is worth saying.
    case ran(note: String?)
    case skipped
    /// It ran in an earlier session (`--resume`); it reruns quietly when a later step needs it.
    case earlier
  }

  private let env: CommandEnvironment
  private let lesson: Lesson
  private let registry: Registry
  private let runner: LessonRunner
  private let progressLine: ProgressDisplay
  private let store: LessonProgressStore
  private let terminal: RawTerminal
  private let pages: LessonPages
  /// The settings the run started with (`--set`), shown on the end screen beside the final ones.
  private let initialSettings: ParameterSettings
  private var machine: StepperMachine
  private var progress: LessonProgress
  /// This session's verdict on each claim checked, for the claims panel's "now" values.
  private var claimResults: [Int: CheckResult] = [:]
  private var pendingKeys: [Key] = []
  private var hint: String?
  private var saveFailureShown = false
  /// Steps whose output was shown in this session (as opposed to run quietly as dependencies).
  private var shown: Set<String> = []

  // The terminal, re-read at every redraw so a resized window reflows.
  private var width: Int
  private var rows: Int

  // The section on screen.
  private var page = 0
  private var visits: [Int: Visit] = [:]
  /// The section rendered at `width`, up to the step the learner is at (or its end).
  private var lines: [String] = []
  /// The line where each rendered step's code starts.
  private var stepLines: [Int: Int] = [:]
  /// Steps with their code and output: kept whole on a page where they fit.
  private var cells: [Range<Int>] = []
  /// The first step of the section not yet gone past, or `nil` at the section's end.
  private var pausedStep: Int?
  /// Whether a claim or step on the section failed in the last render.
  private var sectionFailed = false
  /// The first rendered line on screen.
  private var top = 0

  private init(
    env: CommandEnvironment, lesson: Lesson, registry: Registry, runner: LessonRunner, progressLine: ProgressDisplay,
    store: LessonProgressStore, terminal: RawTerminal
  ) {
    self.env = env
    self.lesson = lesson
    self.registry = registry
    self.runner = runner
    self.progressLine = progressLine
    self.store = store
    self.terminal = terminal
    self.pages = LessonPages(lesson)
    self.initialSettings = runner.context.settings
    let size = RawTerminal.size()
    self.rows = size.rows
    self.width = size.columns
    self.machine = StepperMachine(sectionCount: pages.count)
    self.progress = LessonProgress(
      lesson: LessonProgressStore.absolute(lesson.file), title: lesson.title, sectionCount: pages.count)
  }

  /// Runs `lesson` interactively; `nil` when stdin cannot be put in raw mode (the caller then
  /// runs it plainly). Returns 0 when the learner quit or everything passed, 1 when something failed.
  static func run(
    _ env: CommandEnvironment, lesson: Lesson, registry: Registry, runner: LessonRunner, progressLine: ProgressDisplay,
    resume: Bool, store: LessonProgressStore
  ) -> Int32? {
    guard let terminal = RawTerminal() else { return nil }
    let session = InteractiveRun(
      env: env, lesson: lesson, registry: registry, runner: runner, progressLine: progressLine, store: store,
      terminal: terminal)
    let resumeStep = resume ? session.loadSavedProgress() : nil
    defer { terminal.restore() }
    return session.loop(resumeStep: resumeStep)
  }

  // MARK: - Resume

  /// Adopts the saved progress (and its settings); returns the step to pause at, if any.
  private func loadSavedProgress() -> Int? {
    switch store.load(lesson: lesson.file) {
    case .none:
      hint = "no saved progress for this lesson yet: starting at the beginning"
    case let .corrupt(path, reason):
      ignoreSavedProgress(in: path, because: reason)
    case .progress(let saved):
      if saved.sectionStatus.count != pages.count {
        hint = "the lesson's sections changed since you saved: starting at the beginning"
      } else if let problem = saved.problem(for: lesson, sectionCount: pages.count) {
        ignoreSavedProgress(in: store.path(forLesson: lesson.file), because: problem)
      } else if saved.finished {
        hint = "you finished this lesson before: starting again from the beginning"
      } else {
        progress = saved
        page = min(saved.section, pages.count - 1)
        hint = "resumed at section \(page + 1) of \(pages.count)"
        // The settings chosen then, unless this run was given its own with --set.
        if let settings = saved.settings?.restricted(to: runner.parameters), !settings.overrides.isEmpty {
          if runner.context.settings.overrides.isEmpty {
            runner.apply(settings)
            hint! += " with your settings " + describe(settings) + " (0 restores the lesson's)"
          } else {
            hint! += "; --set given, so the saved settings " + describe(settings) + " are not used"
          }
        }
        progress.settings = runner.context.settings
        return saved.step
      }
    }
    return nil
  }

  /// Warns that the saved progress is not used, and why; the run starts fresh.
  private func ignoreSavedProgress(in path: String, because reason: String) {
    let message = "ignoring the saved progress in \(path): \(reason); starting fresh"
    env.err(env.errStyle.apply([.yellow, .bold], "warning: ") + Sanitizer.clean(message) + "\n")
    hint = message
  }

  private func save() {
    progress.updated = Date()
    progress.settings = runner.context.settings.overrides.isEmpty ? nil : runner.context.settings
    do {
      try store.save(progress)
    } catch {
      if !saveFailureShown { hint = "progress not saved: \(error)" }
      saveFailureShown = true
    }
  }

  // MARK: - The loop

  private func loop(resumeStep: Int?) -> Int32 {
    enter(page: page, resumeStep: resumeStep)
    env.out(TerminalControl.hideCursor)
    defer { env.out(TerminalControl.showCursor) }
    while true {
      draw()
      let action = machine.handle(nextKey(), at: pausePoint, knobs: knobs)
      switch action {
      case .run:
        guard let index = pausedStep else { break }
        visits[index] = .ran(note: run(index, rerun: false))
        machine.didRun(step: index)
        render()
        show(step: index)
        savePosition()
      case .skip:
        guard let index = pausedStep else { break }
        visits[index] = .skipped
        if progress.steps[lesson.steps[index].id] == nil { progress.steps[lesson.steps[index].id] = "skipped" }
        render()
        savePosition()
      case .rerun(let index):
        let note = run(index, rerun: true)
        if pages.page(ofStep: index) == page, visits[index] != nil { visits[index] = .ran(note: note) } else { hint = note }
        render()
        show(step: index)
        savePosition()
      case .proceed:
        if pausePoint == .endOfSection {
          let isLast = page == pages.count - 1
          finishSection(isLast: isLast)
          if isLast { return finish() }
          enter(page: machine.section)
        } else {
          scroll(.pageDown)
        }
      case .back, .jump:
        progress.finished = false
        enter(page: machine.section)
      case .scroll(let scroll):
        self.scroll(scroll)
      case .set(let spec, let value):
        var settings = runner.context.settings
        do {
          try settings.set(spec, to: value)
          change(to: settings, because: "\(spec.name) = \(value)")
        } catch {
          hint = "\(error)"
        }
      case .restoreDefaults:
        if runner.context.settings.overrides.isEmpty {
          hint = "the settings are the lesson's own already"
        } else {
          change(to: ParameterSettings(), because: "the lesson's own settings")
        }
      case .list, .help, .redraw:
        break
      case .quit:
        return quit()
      case .ignore(let message):
        hint = message
      }
    }
  }

  /// Opens section `index`: its first step pauses again; with `resumeStep`, the steps before it
  /// count as done in an earlier session.
  private func enter(page index: Int, resumeStep: Int? = nil) {
    page = index
    machine.enter(section: index)
    visits = [:]
    if let resumeStep {
      for step in pages.pages[index].steps where step < resumeStep { visits[step] = .earlier }
    }
    top = 0
    progress.section = page
    render()
    savePosition()
  }

  /// Saves where the learner is: the section and the step it pauses at (and what ran so far).
  private func savePosition() {
    // At a section's end, `--resume` opens the next one.
    progress.section = pausedStep == nil && page < pages.count - 1 ? page + 1 : page
    progress.step = pausedStep
    save()
  }

  private func finishSection(isLast: Bool) {
    progress.sectionStatus[page] = sectionFailed ? .failed : .done
    progress.section = isLast ? page : page + 1
    progress.step = nil
    progress.finished = isLast
    save()
  }

  // MARK: - Steps

  /// Runs (or reruns) the step at `index`, saying so on the bottom row meanwhile; returns the
  /// note shown above its output (from the cache, ran earlier, reran), if any.
  @discardableResult
  private func run(_ index: Int, rerun: Bool) -> String? {
    let step = lesson.steps[index]
    let alreadyRan = !rerun && runner.record(of: step.id) != nil
    if !alreadyRan {
      env.out(TerminalControl.toRow(rows) + TerminalControl.clearLine
        + env.outStyle.apply(.dim, clipToWidth("running \(Sanitizer.clean(step.id))…  (Ctrl-C interrupts)", width - 1)))
    }
    // A step's live status (a chart above its progress line, say) overlays the rows above the
    // bottom one rather than scrolling the screen; the page is drawn again when the step ends.
    progressLine.bottomRow = rows
    let record = rerun ? runner.rerunStep(at: index) : runner.runStep(at: index)
    progressLine.clear()
    // Keys pressed while the step ran were meant for a screen that is gone.
    terminal.discardPendingInput()
    pendingKeys.removeAll()
    guard let record else { return nil }
    progress.steps[step.id] = record.failure == nil ? "done" : "failed"
    let seenBefore = !shown.insert(step.id).inserted
    if rerun { return "↻ reran step '\(Sanitizer.clean(step.id))' in \(NumberFormat.elapsed(record.seconds))" }
    if record.cached { return "(from cache, \(NumberFormat.elapsed(record.seconds)); r reruns it)" }
    if alreadyRan {
      return seenBefore ? "(ran earlier in this session; r reruns it)" : "(ran earlier, for a step that needed its result)"
    }
    return nil
  }

  /// Switches to `settings`: every step that depends on a changed setting is forgotten, the
  /// ones the learner has run on this section rerun (from the cache where an entry exists), and
  /// the section is rendered again, so the claims resting on them are checked again in place.
  private func change(to settings: ParameterSettings, because reason: String) {
    let forgotten = Set(runner.apply(settings))
    var reran = 0
    for index in pages.pages[page].steps where forgotten.contains(lesson.steps[index].id) {
      guard case .ran? = visits[index] else { continue }
      let note = run(index, rerun: false)
      visits[index] = .ran(note: "⚙ " + describeSettings() + (note.map { " " + $0 } ?? ""))
      reran += 1
    }
    // Claims elsewhere that rest on a forgotten step are unchecked until shown again.
    for claim in progress.claims.keys where runner.steps(forClaimAt: claim).contains(where: forgotten.contains) {
      progress.claims[claim] = nil
      claimResults[claim] = nil
    }
    hint = reason + (reran > 0 ? " · reran \(reran) step\(reran == 1 ? "" : "s")" : "")
      + (settings.overrides.isEmpty ? "" : " · 0 restores the lesson's")
    render()
    if let focus = knobStep { show(step: focus) }
    save()
  }

  /// The changed settings, `count = 200 (lesson: 100)`, or `the lesson's own settings`.
  private func describeSettings() -> String {
    runner.context.settings.overrides.isEmpty ? "the lesson's own settings" : describe(runner.context.settings)
  }

  private func describe(_ settings: ParameterSettings) -> String {
    runner.parameters.compactMap { spec in
      settings.overrides[spec.name].map { "\(spec.name) = \($0) (lesson: \(spec.defaultValue))" }
    }.joined(separator: ", ")
  }

  // MARK: - Settings of the step at hand

  /// The latest step of the section the learner has reached that declares settings: the one `e` edits.
  private var knobStep: Int? {
    let reached = pages.pages[page].steps.filter { visits[$0] != nil || $0 == pausedStep }
    return reached.last { !(registry.step(lesson.steps[$0].id)?.parameters.isEmpty ?? true) }
  }

  private var knobs: [ParameterSpec] {
    knobStep.flatMap { registry.step(lesson.steps[$0].id)?.parameters } ?? []
  }

  /// `⚙ count = 100 · e edit` under a step's code, with the lesson's value beside a changed one;
  /// wrapped to `width` (the training step has eight settings), each setting kept whole.
  private func knobLines(for step: StepBlock, width: Int) -> [String] {
    guard let specs = registry.step(step.id)?.parameters, !specs.isEmpty else { return [] }
    let settings = runner.context.settings
    var fragments = [Fragment(text: "⚙", attributes: [.magenta])]
    for (offset, spec) in specs.enumerated() {
      let value = settings.value(of: spec)
      var text = "\(spec.name) = \(value)"
      if value != spec.defaultValue { text += " (lesson: \(spec.defaultValue))" }
      let whole = Sanitizer.clean(text, singleLine: true).replacingOccurrences(of: " ", with: "\u{A0}")
      fragments.append(Fragment(text: (offset == 0 ? " " : " · ") + whole, attributes: [.magenta]))
    }
    let changed = specs.contains { settings.value(of: $0) != $0.defaultValue }
    fragments.append(Fragment(text: changed ? " · e\u{A0}edit · 0\u{A0}defaults" : " · e\u{A0}edit", attributes: [.dim]))
    return TextWrapper.wrap(fragments, width: width, style: env.outStyle)
  }

  // MARK: - Rendering the section

  /// Renders the section at the current width, up to the first step not yet gone past.
  private func render() {
    let size = RawTerminal.size()
    (rows, width) = (size.rows, size.columns)
    var out: [String] = []
    var starts: [Int: Int] = [:]
    var cellRanges: [Range<Int>] = []
    var paused: Int?
    var claimsSeen: [Int] = []
    sectionFailed = false
    let output = ReportRenderer(style: env.outStyle, width: max(20, contentWidth - 4))
    let renderer = ProseRenderer(lesson: lesson, style: env.outStyle, width: contentWidth) { text in
      out.append(text.hasSuffix("\n") ? String(text.dropLast()) : text)
    }
    renderer.claimDisplay = { [unowned self] index in
      claimsSeen.append(index)
      return self.claimDisplay(index, stepsRendered: Set(starts.keys))
    }
    renderer.onStep = { [unowned self, unowned renderer] index, step in
      let first = out.count
      renderer.renderStepCode(step)
      starts[index] = first
      for line in self.knobLines(for: step, width: renderer.availableWidth) { renderer.emitLine(line) }
      if step.attributes.display {
        renderer.emitLine(self.env.outStyle.apply(.dim, "(display only: not run)"))
        return
      }
      guard let visit = self.visits[index] else {
        paused = index
        cellRanges.append(first..<out.count)
        renderer.stop()
        return
      }
      self.renderVisit(visit, step: index, claimsAbove: claimsSeen, output: output, renderer: renderer)
      cellRanges.append(first..<out.count)
    }
    let current = pages.pages[page]
    renderer.render(current.blocks, firstStep: current.firstStep, firstClaim: current.firstClaim)
    // A blank line the renderer held back may open a step's range: the cell starts at its code.
    for (step, start) in starts {
      var line = start
      while line < out.count - 1, stripANSI(out[line]).trimmingCharacters(in: .whitespaces).isEmpty { line += 1 }
      starts[step] = line
    }
    (lines, stepLines, pausedStep) = (out, starts, paused)
    // The whole section is on the page: it counts as gone through (the list shows it so).
    if paused == nil { progress.sectionStatus[page] = sectionFailed ? .failed : .done }
    cells = cellRanges.map { range in (starts.values.filter { range.contains($0) }.min() ?? range.lowerBound)..<range.upperBound }
    top = min(top, maxTop)
  }

  private func renderVisit(
    _ visit: Visit, step index: Int, claimsAbove: [Int], output: ReportRenderer, renderer: ProseRenderer
  ) {
    let step = lesson.steps[index]
    let dim = { (text: String) in self.env.outStyle.apply(.dim, text) }
    switch visit {
    case .skipped:
      renderer.emitLine(dim("(skipped)"))
    case .earlier:
      renderer.emitLine(dim("(done in an earlier session; reruns quietly when a later step needs it)"))
    case .ran(let note):
      if let note { renderer.emitLine(dim(Sanitizer.clean(note, singleLine: true))) }
      guard let record = runner.record(of: step.id) else {
        renderer.emitLine(dim("(not run with the current settings: r runs it)"))
        return
      }
      let outputLines = output.lines(for: record.output)
      if !outputLines.isEmpty { renderer.emitLine("") }
      for line in outputLines { renderer.emitLine("  " + line) }
      let failedExpectation = record.output.contains { item in
        if case .expectation(let expectation) = item { return !expectation.passed }
        return false
      }
      if record.failure != nil || failedExpectation {
        sectionFailed = true
      }
      if let failure = record.failure {
        // Wrapped, not cut: a diverging run's message names the step and the likely cause.
        let text = [
          Fragment(text: "✗ step failed:", attributes: [.red, .bold]),
          Fragment(text: " " + Sanitizer.clean(failure, singleLine: true), attributes: []),
        ]
        for line in TextWrapper.wrap(text, width: max(20, contentWidth - 4), style: env.outStyle) { renderer.emitLine(line) }
      }
      // The claims above that rest on this step, with their verdict now.
      let resting = claimsAbove.filter { runner.steps(forClaimAt: $0).contains(step.id) && runner.isReady(claimAt: $0) }
      if !resting.isEmpty { renderer.emitLine("") }
      for claimIndex in resting {
        let result = runner.evaluateClaim(at: claimIndex)
        renderer.emitLine(ClaimLine.render(result, claim: lesson.claims[claimIndex], style: env.outStyle))
      }
    }
  }

  private func claimDisplay(_ index: Int, stepsRendered: Set<Int>) -> ClaimDisplay {
    // A claim whose step has not run waits for it: pressing Enter at that step is what checks it.
    guard runner.isReady(claimAt: index) else {
      let ids = Set(runner.steps(forClaimAt: index))
      let below = lesson.steps.indices.filter { ids.contains(lesson.steps[$0].id) }
        .contains { $0 >= pages.pages[page].firstStep && !stepsRendered.contains($0) }
      // A step above (or in an earlier section) that a changed setting made stale is not "below":
      // the claim is simply unchecked until that step runs again.
      return below ? .pending(step: runner.steps(forClaimAt: index).first ?? "?") : .unchecked
    }
    let result = runner.evaluateClaim(at: index)
    progressLine.clear()
    progress.claims[index] = result.passed
    claimResults[index] = result
    if !result.passed { sectionFailed = true }
    return .checked(result)
  }

  // MARK: - The claims panel

  /// The side panel of claims appears from this many columns on.
  static let panelMinimumWidth = 120
  /// Its columns, besides the ` │ ` that parts it from the text.
  static let panelWidth = 34

  /// The columns the section's text is wrapped to: all of them, or those the panel leaves.
  private var contentWidth: Int {
    width >= Self.panelMinimumWidth ? width - Self.panelWidth - 3 : width
  }

  /// `rows` lines of the panel: the section's claims in order, each with its status (✓ holds,
  /// ✗ does not, with the value now, ○ not checked yet), clipped to the panel and padded.
  private func claimPanel(rows: Int) -> [String] {
    let style = env.outStyle
    let claims = pages.pages[page].claims
    var panel = [style.apply(.bold, "claims in this section") + style.apply(.dim, " (\(claims.count))")]
    for index in claims {
      let claim = lesson.claims[index]
      let said = ClaimLine.said(claim) + style.apply(.dim, "  " + Sanitizer.clean(claim.id, singleLine: true))
      // This session's verdict, else the saved one (from an earlier session, with no value).
      switch claimResults[index]?.passed ?? progress.claims[index] {
      case true?:
        panel.append(style.apply(.green, "✓") + " " + said)
      case false?:
        let now = claimResults[index].flatMap { ClaimLine.computed($0, claim: claim) }.map { " · now " + $0 } ?? ""
        panel.append(style.apply([.red, .bold], "✗") + " " + said + style.apply(.red, now))
      case nil:
        panel.append(style.apply(.dim, "○ " + said))
      }
    }
    if claims.isEmpty { panel.append(style.apply(.dim, "none")) }
    if panel.count > rows, rows > 0 {
      panel = Array(panel.prefix(rows - 1)) + [style.apply(.dim, "… \(panel.count - rows + 1) more")]
    }
    return (0..<max(0, rows)).map { $0 < panel.count ? clipToWidth(panel[$0], Self.panelWidth) : "" }
  }

  // MARK: - The window onto the section

  /// Rows for the section between the status line and the key hints.
  private var height: Int { max(1, rows - 2) }
  private var maxTop: Int { max(0, lines.count - height) }

  /// Where the learner is, as far as the keys are concerned: at a step whose code is in view, at
  /// the section's end in view, or with more below.
  private var pausePoint: PausePoint {
    if let pausedStep, let line = stepLines[pausedStep] {
      return line < top + height ? .beforeStep(pausedStep) : .pageFull
    }
    return top + height >= lines.count ? .endOfSection : .pageFull
  }

  /// Brings a step's cell into view: at the top of the screen, or as low as the section allows.
  private func show(step index: Int) {
    if let line = stepLines[index] { top = min(line, maxTop) }
  }

  private func scroll(_ scroll: Scroll) {
    switch scroll {
    case .lineUp: top -= 1
    case .lineDown: top += 1
    case .pageUp: top -= height
    case .pageDown:
      var next = top + height
      // No page break inside a cell that fits on a screen: the page ends above it instead.
      if let cell = cells.first(where: { $0.lowerBound > top && $0.lowerBound < next && next < $0.upperBound }),
        cell.count <= height
      {
        next = cell.lowerBound
      }
      top = next
    }
    top = max(0, min(top, maxTop))
  }

  // MARK: - Drawing

  private func draw() {
    let size = RawTerminal.size()
    if (size.rows, size.columns) != (rows, width) { render() }
    switch machine.mode {
    case .list(let selected): drawList(selected: selected)
    case .help: drawHelp()
    case .reading, .editing: drawSection()
    }
  }

  private func drawSection() {
    var screen = TerminalControl.clearScreen + statusLine
    let shown = Array(lines[min(top, lines.count)..<min(lines.count, top + height)])
    if contentWidth < width {
      // The side panel: the section's claims beside the text, on every row of the window.
      let panel = claimPanel(rows: height)
      for row in 0..<height {
        let line = row < shown.count ? clipToWidth(shown[row], contentWidth) : ""
        screen += "\n" + line + String(repeating: " ", count: max(0, contentWidth - displayWidth(stripANSI(line))))
          + env.outStyle.apply(.dim, " │ ") + panel[row]
      }
    } else {
      for line in shown { screen += "\n" + clipToWidth(line, width) }
    }
    let pause = pausePoint
    var text: String
    if case .editing(let edit) = machine.mode {
      let current = runner.context.settings.value(of: edit.knob)
      if let error = edit.error {
        text = "✗ \(error) · new value: \(edit.text)▏  │  " + StepperMachine.editHints
      } else {
        text = "⚙ \(edit.knob.name) = \(current) → new value (\(edit.knob.range)): \(edit.text)▏  │  " + StepperMachine.editHints
      }
      text = env.outStyle.apply(edit.error == nil ? .magenta : .red, clipToWidth(Sanitizer.clean(text, singleLine: true), width - 1))
    } else {
      text = StepperMachine.hints(at: pause, isLastSection: page == pages.count - 1)
      if let hint {
        text = Sanitizer.clean(hint, singleLine: true) + "  │  " + text
        self.hint = nil
      }
      text = env.outStyle.apply(.dim, clipToWidth(text, width - 1))
    }
    env.out(screen + TerminalControl.toRow(rows) + TerminalControl.clearLine + text)
  }

  /// The status line: lesson, section number and title, claims passed. The titles give way
  /// first, so the section number and the claim count stay at any width.
  private var statusLine: String {
    let title = Sanitizer.clean(lesson.title, singleLine: true)
    let section = Sanitizer.clean(pages.pages[page].title, singleLine: true)
    let number = "section \(page + 1)/\(pages.count)"
    let claims = "claims passed \(progress.claimsPassed)/\(lesson.claims.count)"
    let limit = width - 1
    let full = "\(title) · \(number): \(section) · \(claims)"
    var text: String
    if displayWidth(full) <= limit {
      text = full
    } else {
      let room = limit - displayWidth("\(number):  · \(claims)")
      text = room >= 8 ? "\(number): \(clipToWidth(section, room)) · \(claims)" : "§\(page + 1)/\(pages.count) · \(claims)"
      text = clipToWidth(text, limit)
    }
    return env.outStyle.apply([.bold, .cyan], text)
  }

  /// The sections with their status; the highlighted one opens on Enter.
  private func drawList(selected: Int) {
    var screen = TerminalControl.clearScreen + statusLine + "\n\n" + env.outStyle.apply(.bold, "Sections") + "\n"
    let first = max(0, min(selected - (rows - 6) / 2, pages.count - (rows - 5)))
    for index in pages.pages.indices.dropFirst(first).prefix(max(1, rows - 5)) {
      let status = progress.sectionStatus[index]
      let mark: String
      switch status {
      case .done: mark = env.outStyle.apply([.green, .bold], "✓")
      case .failed: mark = env.outStyle.apply([.red, .bold], "✗")
      case .notRun: mark = env.outStyle.apply(.dim, "○")
      }
      let pointer = index == selected ? "▸" : " "
      let here = index == page ? env.outStyle.apply(.bold, "  ◂ you are here") : ""
      var line = "\(pointer) \(mark) \(index + 1). \(Sanitizer.clean(pages.pages[index].title, singleLine: true))  "
        + env.outStyle.apply(.dim, status.rawValue) + here
      if index == selected { line = env.outStyle.apply(.bold, line) }
      screen += clipToWidth(line, width) + "\n"
    }
    screen += TerminalControl.toRow(rows) + env.outStyle.apply(.dim, clipToWidth(StepperMachine.listHints, width - 1))
    env.out(screen)
  }

  /// Every key and what it does; any key returns.
  private func drawHelp() {
    var screen = TerminalControl.clearScreen + statusLine + "\n\n" + env.outStyle.apply(.bold, "Keys") + "\n"
    let keyWidth = StepperMachine.keyTable.map { displayWidth($0.0) }.max() ?? 0
    for (key, meaning) in StepperMachine.keyTable {
      let pad = String(repeating: " ", count: keyWidth - displayWidth(key))
      let wrapped = TextWrapper.wrap([Fragment(text: meaning, attributes: [])], width: max(20, width - keyWidth - 5), style: env.outStyle)
      for (offset, line) in wrapped.enumerated() {
        let label = offset == 0 ? env.outStyle.apply(.bold, key) + pad : String(repeating: " ", count: keyWidth)
        screen += clipToWidth("  " + label + "  " + line, width) + "\n"
      }
    }
    screen += TerminalControl.toRow(rows) + env.outStyle.apply(.dim, "any key returns")
    env.out(screen)
  }

  private func nextKey() -> Key {
    if pendingKeys.isEmpty { pendingKeys = terminal.readKeys() }
    return pendingKeys.isEmpty ? .endOfInput : pendingKeys.removeFirst()
  }

  // MARK: - Ending

  private func quit() -> Int32 {
    progress.step = pausedStep
    save()
    env.out(TerminalControl.clearScreen)
    terminal.restore()
    let where_ = progress.step.map { "step '\(lesson.steps[$0].id)' of " } ?? ""
    env.err("stopped at \(Sanitizer.clean(where_))section \(progress.section + 1)/\(pages.count); "
      + "`lesson run --resume` continues there\n")
    return 0
  }

  /// The end screen: what passed, what was changed, what to do next. Its totals count what
  /// `lesson check` counts: every claim, every `expect`, and every failed step.
  private func finish() -> Int32 {
    env.out(TerminalControl.clearScreen)
    terminal.restore()
    let style = env.outStyle
    // Steps skipped, or never reached (the learner jumped past them with `l`), are not run now:
    // the end of a lesson must not start a training run nobody asked for. Their claims are
    // counted as not checked; a full walk-through therefore counts exactly what `check` counts.
    let skipped = Set(lesson.steps.filter { step in
      !step.attributes.display && (progress.steps[step.id] == "skipped"
        || (progress.steps[step.id] == nil && runner.record(of: step.id) == nil))
    }.map(\.id))
    var results: [CheckResult] = []
    var unchecked = 0
    for item in lesson.items {
      switch item {
      case .step(let index):
        // As `check` does: every step runs (replayed when it already did), unless it was skipped.
        guard !skipped.contains(lesson.steps[index].id) else { continue }
        runner.runStep(at: index)
        results += runner.results(forStepAt: index)
      case .claim(let index):
        if runner.steps(forClaimAt: index).contains(where: skipped.contains) {
          unchecked += 1
        } else {
          results.append(runner.evaluateClaim(at: index))
        }
      }
    }
    progressLine.clear()
    let claims = results.filter { $0.kind == .claim || $0.kind == .setting }
    let claimsHeld = claims.filter(\.passed).count
    var out = "\n" + style.apply(.bold, "Finished: " + Sanitizer.clean(lesson.title, singleLine: true)) + "\n"
    out += "  claims: \(claimsHeld) of \(lesson.claims.count) hold"
    if claims.count > claimsHeld { out += ", " + style.apply(.red, "\(claims.count - claimsHeld) do not") }
    if unchecked > 0 { out += ", \(unchecked) not checked (their step was skipped or not reached)" }
    out += "\n"
    let assertions = results.filter { $0.kind == .assertion }
    if !assertions.isEmpty { out += "  expectations in steps: \(assertions.filter(\.passed).count) of \(assertions.count) hold\n" }
    let failedSteps = results.filter { $0.kind == .step }
    for failure in failedSteps {
      out += "  " + style.apply(.red, "✗ step \(Sanitizer.clean(failure.id)) failed") + "\n"
    }
    for claim in results.filter({ !$0.passed && $0.kind != .step && $0.kind != .assertion }).prefix(5) {
      out += "  ✗ line \(claim.line): \(Sanitizer.clean(excerpt(claim.claimed ?? claim.id, limit: 40), singleLine: true))\n"
    }
    let final = runner.context.settings
    if final.overrides.isEmpty {
      out += "  settings: the lesson's own" + (initialSettings.overrides.isEmpty ? "" : " (restored)") + "\n"
    } else {
      out += "  settings you changed: " + Sanitizer.clean(describe(final), singleLine: true) + "\n"
      out += "  (`lesson check` uses the lesson's settings; `--set` gives it yours)\n"
    }
    out += "  next: " + nextStep(failed: results.contains { !$0.passed }) + "\n"
    let passed = results.filter(\.passed).count
    out += "\n" + style.apply(.bold, "\(passed) passed, \(results.count - passed) failed") + "\n"
    env.out(out)
    return results.contains { !$0.passed } ? 1 : 0
  }

  /// What to do after this lesson: fix what failed, or run the next lesson in the directory.
  private func nextStep(failed: Bool) -> String {
    let name = LessonLocator.shortName(ofFile: (lesson.file as NSString).lastPathComponent)
    if failed { return "`lesson check \(name ?? LessonLocator.displayPath(lesson.file))` lists every failure with its line" }
    let files = (try? env.locator.lessonFiles()) ?? []
    let here = LessonProgressStore.absolute(lesson.file)
    if let index = files.firstIndex(where: { LessonProgressStore.absolute($0) == here }), index + 1 < files.count,
      let next = LessonLocator.shortName(ofFile: (files[index + 1] as NSString).lastPathComponent)
    {
      return "`lesson run \(next)`"
    }
    return "`lesson list` shows every lesson"
  }
}
