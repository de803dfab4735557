// MARK: - lesson check

/// The formats `lesson check` can write.
public enum ReportFormat: String, Sendable, CaseIterable {
  case text, json, junit
}

/// What `lesson check` runs and how it reports.
public struct CheckOptions: Sendable {
  public var lessons: [String]
  public var format: ReportFormat
  /// Step or check ids to run alone (with their dependencies).
  public var only: [String]
  /// A step or check id to start at (earlier items run only as dependencies).
  public var from: String?
  /// Seed, `--set` overrides, cache and plots.
  public var run: RunConfiguration

  public init(
    lessons: [String] = [], format: ReportFormat = .text, only: [String] = [], from: String? = nil,
    run: RunConfiguration = RunConfiguration()
  ) {
    self.lessons = lessons
    self.format = format
    self.only = only
    self.from = from
    self.run = run
  }
}

/// `lesson check`: runs every step and claim without prose and reports one line per result.
public enum CheckCommand {
  /// Runs the check and returns the exit code (0 pass, 1 failures, 2 load or bind errors).
  public static func run(_ env: CommandEnvironment, options: CheckOptions, registry makeRegistry: () throws -> Registry) -> Int32 {
    guard let (registry, paths) = env.prepare(lessons: options.lessons, registry: makeRegistry) else { return 2 }
    let loaded = paths.map { LoadedLesson.load($0, registry: registry) }
    let selectors = options.only + (options.from.map { [$0] } ?? [])
    for id in selectors where !loaded.contains(where: { $0.lesson.map { lessonMentions($0, id) } ?? false }) {
      env.error("no step or claim '\(id)' in \(paths.map(LessonLocator.displayPath).joined(separator: ", "))")
      return 2
    }
    // Every lesson must accept the --set assignments before anything runs.
    var settings: [String: ParameterSettings] = [:]
    for entry in loaded {
      guard let lesson = entry.lesson, entry.isUsable else { continue }
      do {
        settings[lesson.file] = try options.run.settings(for: lesson, registry: registry)
      } catch {
        env.error("\(LessonLocator.displayPath(lesson.file)): \(error)")
        return 2
      }
    }
    var report = CheckReport()
    for entry in loaded {
      guard let lesson = entry.lesson, entry.isUsable else {
        var messages = entry.errors.map(\.description)
        if let loadError = entry.loadError { messages.append(loadError) }
        if let loadError = entry.loadError { env.error(loadError) }
        for error in entry.errors { env.diagnostic(error) }
        report.lessons.append(.init(file: entry.path, title: entry.lesson?.title ?? entry.path, results: [], errors: messages))
        continue
      }
      let results = check(lesson, registry: registry, options: options, settings: settings[lesson.file], env: env)
      report.lessons.append(.init(file: lesson.file, title: lesson.title, results: results, errors: []))
    }
    switch options.format {
    case .text: env.out(report.text(style: env.outStyle))
    case .json: env.out(report.json())
    case .junit: env.out(report.junit())
    }
    return report.exitCode
  }

  private static func lessonMentions(_ lesson: Lesson, _ id: String) -> Bool {
    lesson.steps.contains { $0.id == id } || lesson.claims.contains { $0.id == id }
  }

  /// Runs the selected items of one lesson in document order.
  static func check(
    _ lesson: Lesson, registry: Registry, options: CheckOptions, settings: ParameterSettings?, env: CommandEnvironment
  ) -> [CheckResult] {
    let progress = env.progressDisplay()
    guard let runner = try? options.run.makeRunner(
      lesson, registry: registry, env: env, settings: settings, progress: progress.show)
    else { return [] }
    func id(of item: LessonItem) -> String {
      switch item {
      case .step(let index): return lesson.steps[index].id
      case .claim(let index): return lesson.claims[index].id
      }
    }
    var selected = Array(lesson.items.indices)
    if let from = options.from {
      if let start = lesson.items.firstIndex(where: { id(of: $0) == from }) {
        selected = Array(start..<lesson.items.count)
      } else {
        selected = []
      }
    }
    if !options.only.isEmpty {
      selected = selected.filter { options.only.contains(id(of: lesson.items[$0])) }
    }
    var results: [CheckResult] = []
    for index in selected {
      switch lesson.items[index] {
      case .step(let stepIndex):
        runner.runStep(at: stepIndex)
        progress.clear()
        results += runner.results(forStepAt: stepIndex)
      case .claim(let claimIndex):
        results.append(runner.evaluateClaim(at: claimIndex))
        progress.clear()
      }
    }
    return results
  }
}
