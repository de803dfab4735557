import Foundation

// MARK: - Step-through run on a terminal

/// `lesson run` on a terminal: one section per screen (paged when taller), a pause before every
/// step, a status line, and progress saved at every pause so `--resume` continues there.
///
/// Key handling is `StepperMachine`'s; this type only does the terminal I/O around it.
final class InteractiveRun {
  private enum Navigation { case back, quit }

  private let env: CommandEnvironment
  private let lesson: Lesson
  private let registry: Registry
  private let runner: LessonRunner
  private let progressLine: ProgressDisplay
  private let store: LessonProgressStore
  private let terminal: RawTerminal
  private let pages: LessonPages
  private let output: ReportRenderer
  /// Screen height, re-read at every new screen so a resized window pages right.
  private var rows: Int
  private var machine: StepperMachine
  private var progress: LessonProgress
  private var pendingKeys: [Key] = []
  private var skipped: Set<String> = []
  /// Claims shown as pending, waiting for the step that measures them.
  private var waiting: Set<Int> = []
  /// Steps whose output was shown in this session (as opposed to run quietly as dependencies).
  private var shown: Set<String> = []
  private var usedRows = 0
  private var navigation: Navigation?
  private var hint: String?
  private var page = 0
  private var pageFailed = false
  private var assertionsFailed = 0
  private var assertionsPassed = 0
  private var saveFailureShown = false

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
    self.output = ReportRenderer(style: env.outStyle, width: max(20, env.width - 2))
    self.rows = RawTerminal.size().rows
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

  /// Adopts the saved progress; returns the step to pause at, if any.
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
        machine.enter(section: page)
        hint = "resumed at section \(page + 1) of \(pages.count)"
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
    do {
      try store.save(progress)
    } catch {
      if !saveFailureShown { hint = "progress not saved: \(error)" }
      saveFailureShown = true
    }
  }

  // MARK: - Sections

  private func loop(resumeStep initialResumeStep: Int?) -> Int32 {
    var resumeStep = initialResumeStep
    while true {
      navigation = nil
      pageFailed = progress.sectionStatus[page] == .failed && resumeStep != nil
      machine.enter(section: page)
      startScreen()
      let current = pages.pages[page]
      if resumeStep == nil {
        progress.section = page
        progress.step = nil
        save()
      }
      let renderer = ProseRenderer(lesson: lesson, style: env.outStyle, width: env.width) { [unowned self] in
        self.writeLine($0)
      }
      renderer.claimDisplay = { [unowned self] index in self.claimDisplay(index) }
      renderer.onStep = { [unowned self, unowned renderer] index, step in
        renderer.renderStepCode(step)
        guard self.navigation == nil else { return renderer.stop() }
        if step.attributes.display {
          renderer.emitLine(self.env.outStyle.apply(.dim, "(display only: not run)"))
          return
        }
        if let pending = resumeStep, index < pending {
          renderer.emitLine(self.env.outStyle.apply(.dim, "(done in an earlier session; reruns quietly when a later step needs it)"))
          return
        }
        resumeStep = nil
        self.pause(beforeStep: index, step: step, renderer: renderer)
      }
      renderer.render(current.blocks, firstStep: current.firstStep, firstClaim: current.firstClaim)
      resumeStep = nil
      switch navigation {
      case .quit?:
        return quit()
      case .back?:
        page = machine.section
        continue
      case nil:
        break
      }
      if progress.sectionStatus[page] != .failed { progress.sectionStatus[page] = pageFailed ? .failed : .done }
      let isLast = page == pages.count - 1
      progress.section = isLast ? page : page + 1
      progress.step = nil
      progress.finished = isLast
      save()
      switch pauseAtEndOfSection(isLast: isLast) {
      case .quit?:
        return quit()
      case .back?:
        progress.finished = false
        page = machine.section
      case nil:
        if isLast { return finish() }
        page = machine.section
      }
    }
  }

  /// Waits at a section's end; `nil` means go on.
  private func pauseAtEndOfSection(isLast: Bool) -> Navigation? {
    while true {
      prompt(.endOfSection, isLast: isLast)
      switch machine.handle(nextKey(), at: .endOfSection) {
      case .proceed, .run, .skip:
        clearPrompt()
        return nil
      case .rerun(let index):
        clearPrompt()
        runAndShow(index, rerun: true, renderer: nil)
      case .back:
        return .back
      case .list:
        showList()
        startScreen()
        writeLine(env.outStyle.apply(.dim, "end of section \(page + 1): \(Sanitizer.clean(pages.pages[page].title))") + "\n")
      case .quit:
        return .quit
      case .ignore(let message):
        hint = message
      }
    }
  }

  // MARK: - Steps

  private func pause(beforeStep index: Int, step: StepBlock, renderer: ProseRenderer) {
    progress.section = page
    progress.step = index
    save()
    while true {
      prompt(.beforeStep(index), isLast: false)
      switch machine.handle(nextKey(), at: .beforeStep(index)) {
      case .run, .proceed:
        clearPrompt()
        runAndShow(index, rerun: false, renderer: renderer)
        machine.didRun(step: index)
        return
      case .skip:
        clearPrompt()
        skipped.insert(step.id)
        if progress.steps[step.id] == nil { progress.steps[step.id] = "skipped" }
        renderer.emitLine(env.outStyle.apply(.dim, "(skipped)"))
        return
      case .rerun(let other):
        clearPrompt()
        runAndShow(other, rerun: true, renderer: renderer)
      case .back:
        navigation = .back
        renderer.stop()
        return
      case .list:
        showList()
        startScreen()
        renderer.renderStepCode(step)
      case .quit:
        navigation = .quit
        renderer.stop()
        return
      case .ignore(let message):
        hint = message
      }
    }
  }

  /// Runs (or reruns) a step and shows its output under the current page.
  private func runAndShow(_ index: Int, rerun: Bool, renderer: ProseRenderer?) {
    let step = lesson.steps[index]
    let emit: (String) -> Void = { [unowned self] line in
      if let renderer { renderer.emitLine(line) } else { self.writeLine(line + "\n") }
    }
    let alreadyRan = !rerun && runner.record(of: step.id) != nil
    if !alreadyRan { emit(env.outStyle.apply(.dim, "running \(Sanitizer.clean(step.id))…")) }
    guard let record = rerun ? runner.rerunStep(at: index) : runner.runStep(at: index) else { return }
    progressLine.clear()
    skipped.remove(step.id)
    if rerun {
      emit(env.outStyle.apply(.dim, "↻ reran step '\(Sanitizer.clean(step.id))' in \(NumberFormat.elapsed(record.seconds))"))
    } else if record.cached {
      emit(env.outStyle.apply(.dim, "(from cache, \(NumberFormat.elapsed(record.seconds)); r reruns it)"))
    } else if alreadyRan {
      let note = shown.contains(step.id) ? "(ran earlier in this session; r reruns it)" : "(ran earlier, for a step that needed its result)"
      emit(env.outStyle.apply(.dim, note))
    }
    shown.insert(step.id)
    for result in runner.results(forStepAt: index) where result.kind == .assertion {
      if result.passed { assertionsPassed += 1 } else { assertionsFailed += 1 }
    }
    let lines = output.lines(for: record.output)
    if !lines.isEmpty { emit("") }
    for line in lines { emit("  " + line) }
    // The claims above that waited for this step, checked now.
    let ready = waiting.filter { runner.isReady(claimAt: $0) }.sorted()
    if !ready.isEmpty { emit("") }
    for claimIndex in ready {
      waiting.remove(claimIndex)
      let result = runner.evaluateClaim(at: claimIndex)
      progress.claims[claimIndex] = result.passed
      if !result.passed { markFailed(step: index) }
      emit(ClaimLine.render(result, claim: lesson.claims[claimIndex], style: env.outStyle))
    }
    if let failure = record.failure {
      emit(env.outStyle.apply([.red, .bold], "✗ step failed: ") + Sanitizer.clean(failure, singleLine: true))
      progress.steps[step.id] = "failed"
      markFailed(step: index)
    } else {
      progress.steps[step.id] = "done"
      if record.output.contains(where: { if case .expectation(let e) = $0 { return !e.passed } else { return false } }) {
        markFailed(step: index)
      }
    }
  }

  private func markFailed(step index: Int) {
    if let stepPage = pages.page(ofStep: index) {
      progress.sectionStatus[stepPage] = .failed
      if stepPage == page { pageFailed = true }
    }
  }

  // MARK: - Claims

  private func claimDisplay(_ index: Int) -> ClaimDisplay {
    if navigation != nil { return .unchecked }
    // A claim whose step has not run waits for it: pressing Enter at that step is what checks it.
    guard runner.isReady(claimAt: index) else {
      waiting.insert(index)
      return .pending(step: runner.steps(forClaimAt: index).first ?? "?")
    }
    let result = runner.evaluateClaim(at: index)
    progressLine.clear()
    progress.claims[index] = result.passed
    if !result.passed {
      pageFailed = true
      progress.sectionStatus[page] = .failed
    }
    return .checked(result)
  }

  // MARK: - Screen

  private var statusLine: String {
    let current = pages.pages[page]
    let text = "\(Sanitizer.clean(lesson.title, singleLine: true)) · section \(page + 1)/\(pages.count): "
      + "\(Sanitizer.clean(current.title, singleLine: true)) · claims passed \(progress.claimsPassed)/\(lesson.claims.count)"
    let clipped = displayWidth(text) > env.width ? String(text.prefix(max(10, env.width - 1))) + "…" : text
    return env.outStyle.apply([.bold, .cyan], clipped)
  }

  /// Clears the screen and draws the status line at the top.
  private func startScreen() {
    rows = RawTerminal.size().rows
    env.out(TerminalControl.clearScreen + statusLine + "\n")
    usedRows = 1
  }

  /// Writes one rendered line (ending in a newline), paging when the screen is full.
  private func writeLine(_ text: String) {
    guard navigation == nil else { return }
    let visible = stripANSI(text.hasSuffix("\n") ? String(text.dropLast()) : text)
    let height = max(1, (displayWidth(visible) + env.width - 1) / max(1, env.width))
    if usedRows + height > rows - 1, usedRows > 1 {
      pageBreak()
      guard navigation == nil else { return }
    }
    env.out(text)
    usedRows += height
  }

  private func pageBreak() {
    while true {
      prompt(.pageFull, isLast: false)
      switch machine.handle(nextKey(), at: .pageFull) {
      case .proceed, .run, .skip, .rerun:
        startScreen()
        return
      case .back:
        navigation = .back
        return
      case .list:
        showList()
        startScreen()
        return
      case .quit:
        navigation = .quit
        return
      case .ignore(let message):
        hint = message
      }
    }
  }

  /// The key hints (and any message) on the bottom line, with the status line refreshed.
  private func prompt(_ pause: PausePoint, isLast: Bool) {
    var text = StepperMachine.hints(at: pause, isLastSection: isLast)
    if let hint {
      text = Sanitizer.clean(hint, singleLine: true) + "  │  " + text
      self.hint = nil
    }
    if displayWidth(text) > env.width - 1 { text = String(text.prefix(max(10, env.width - 2))) + "…" }
    // Save the cursor, redraw the status line (claims may have passed), come back.
    env.out(TerminalControl.onFirstRow(statusLine))
    env.out(TerminalControl.clearLine + env.outStyle.apply(.dim, text))
  }

  private func clearPrompt() { env.out(TerminalControl.clearLine) }

  /// The sections with their status, on a screen of their own, until a key is pressed.
  private func showList() {
    env.out(TerminalControl.clearScreen + statusLine + "\n\n" + env.outStyle.apply(.bold, "Sections") + "\n")
    for (index, section) in pages.pages.enumerated() {
      let status = progress.sectionStatus[index]
      let mark: String
      switch status {
      case .done: mark = env.outStyle.apply([.green, .bold], "✓")
      case .failed: mark = env.outStyle.apply([.red, .bold], "✗")
      case .notRun: mark = env.outStyle.apply(.dim, "○")
      }
      let here = index == page ? env.outStyle.apply(.bold, "  ◂ you are here") : ""
      env.out("  \(mark) \(index + 1). \(Sanitizer.clean(section.title, singleLine: true))  "
        + env.outStyle.apply(.dim, status.rawValue) + here + "\n")
    }
    env.out("\n" + env.outStyle.apply(.dim, "any key returns"))
    _ = nextKey()
  }

  private func nextKey() -> Key {
    if pendingKeys.isEmpty { pendingKeys = terminal.readKeys() }
    return pendingKeys.isEmpty ? .endOfInput : pendingKeys.removeFirst()
  }

  // MARK: - Ending

  private func quit() -> Int32 {
    save()
    terminal.restore()
    env.out("\n")
    let where_ = progress.step.map { "step '\(lesson.steps[$0].id)' of " } ?? ""
    env.err("stopped at \(Sanitizer.clean(where_))section \(progress.section + 1)/\(pages.count); "
      + "`lesson run --resume` continues there\n")
    return 0
  }

  private func finish() -> Int32 {
    terminal.restore()
    let claimsFailed = progress.claims.values.filter { !$0 }.count
    let passed = progress.claimsPassed + assertionsPassed
    let failed = claimsFailed + assertionsFailed + progress.steps.values.filter { $0 == "failed" }.count
    env.out("\n" + env.outStyle.apply(.bold, "\(passed) passed, \(failed) failed") + "\n")
    return failed > 0 ? 1 : 0
  }
}
