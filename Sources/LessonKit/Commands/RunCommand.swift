// MARK: - lesson run

/// What `lesson run` runs and how.
public struct RunOptions: Sendable {
  public var lesson: String?
  /// Seed, `--set` overrides, cache and plots.
  public var run: RunConfiguration
  /// Never pause before steps, even on a terminal.
  public var noPause: Bool
  /// On a terminal, continue from the saved progress instead of the beginning.
  public var resume: Bool

  public init(lesson: String? = nil, run: RunConfiguration = RunConfiguration(), noPause: Bool = false, resume: Bool = false) {
    self.lesson = lesson
    self.run = run
    self.noPause = noPause
    self.resume = resume
  }
}

/// `lesson run`: renders the lesson and runs each step right after its code, marking claims.
public enum RunCommand {
  /// Runs the lesson; returns 0 when every claim and assertion passed, 1 otherwise, 2 when the
  /// lesson cannot be loaded or bound.
  public static func run(_ env: CommandEnvironment, options: RunOptions, registry makeRegistry: () throws -> Registry) -> Int32 {
    guard let (registry, path) = env.prepare(lesson: options.lesson, registry: makeRegistry),
      let lesson = env.usable(LoadedLesson.load(path, registry: registry))
    else { return 2 }
    let progress = env.progressDisplay()
    let runner: LessonRunner
    do {
      runner = try options.run.makeRunner(lesson, registry: registry, env: env, progress: progress.show)
    } catch {
      env.error("\(LessonLocator.displayPath(lesson.file)): \(error)")
      return 2
    }
    if env.isInteractive && !options.noPause,
      let code = InteractiveRun.run(
        env, lesson: lesson, registry: registry, runner: runner, progressLine: progress, resume: options.resume,
        store: .standard())
    {
      return code
    }
    if options.resume { env.err("note: --resume applies on a terminal; running from the start\n") }
    let renderer = ProseRenderer(lesson: lesson, style: env.outStyle, width: env.width, write: env.out)
    let output = ReportRenderer(style: env.outStyle, width: max(20, env.width - 2))
    let pause = env.isInteractive && !options.noPause
    var results: [CheckResult] = []
    var quit = false

    // A claim whose step comes later waits for it: nothing runs early because prose mentions it.
    var pending: [Int] = []
    renderer.claimDisplay = { index in
      if quit { return .unchecked }
      guard runner.isReady(claimAt: index) else {
        pending.append(index)
        return .pending(step: runner.steps(forClaimAt: index).first ?? "?")
      }
      let result = runner.evaluateClaim(at: index)
      progress.clear()
      results.append(result)
      return .checked(result)
    }
    renderer.onStep = { index, step in
      renderer.renderStepCode(step)
      if quit { return }
      if step.attributes.display {
        renderer.emitLine(env.outStyle.apply(.dim, "(display only: not run)"))
        return
      }
      if pause {
        env.out(env.outStyle.apply(.dim, "⏎ run step '\(Sanitizer.clean(step.id))' · q quits ") )
        let answer = env.readLine()
        if answer == nil || answer?.trimmingCharacters(in: .whitespaces).lowercased() == "q" {
          quit = true
          env.out("\n")
          renderer.stop()
          return
        }
      }
      let alreadyRan = runner.record(of: step.id) != nil
      guard let record = runner.runStep(at: index) else { return }
      progress.clear()
      results += runner.results(forStepAt: index)
      if record.cached {
        renderer.emitLine(env.outStyle.apply(.dim, "(from cache, \(NumberFormat.elapsed(record.seconds)))"))
      } else if alreadyRan {
        renderer.emitLine(env.outStyle.apply(.dim, "(ran earlier, for a step that needed its result)"))
      }
      let lines = output.lines(for: record.output)
      if !lines.isEmpty { renderer.emitLine("") }
      for line in lines { renderer.emitLine("  " + line) }
      if let failure = record.failure {
        renderer.emitLine(env.outStyle.apply([.red, .bold], "✗ step failed: ") + Sanitizer.clean(failure, singleLine: true))
      }
      // The claims above that waited for this step.
      let ready = pending.filter { runner.isReady(claimAt: $0) }
      pending.removeAll { ready.contains($0) }
      if !ready.isEmpty { renderer.emitLine("") }
      for claimIndex in ready {
        let result = runner.evaluateClaim(at: claimIndex)
        results.append(result)
        renderer.emitLine(ClaimLine.render(result, claim: lesson.claims[claimIndex], style: env.outStyle))
      }
    }
    renderer.render()
    // Claims still waiting (their step came earlier than they did, or was skipped by quitting)
    // are checked now, so the totals and the exit status count every claim.
    if !quit {
      for claimIndex in pending {
        let result = runner.evaluateClaim(at: claimIndex)
        results.append(result)
        env.out(ClaimLine.render(result, claim: lesson.claims[claimIndex], style: env.outStyle) + "\n")
      }
    }
    if quit {
      env.err("stopped before the end of the lesson\n")
      return 0
    }
    let passed = results.filter(\.passed).count
    let failed = results.count - passed
    env.out("\n" + env.outStyle.apply(.bold, "\(passed) passed, \(failed) failed") + "\n")
    if results.contains(where: { $0.status == .misbound }) { return 2 }
    return failed > 0 ? 1 : 0
  }
}
