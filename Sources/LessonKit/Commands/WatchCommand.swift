import Foundation

// MARK: - lesson check --watch

/// What changed between two checks of a lesson.
public struct StatusChanges: Sendable, Equatable {
  /// Results that are new, or whose status differs from the previous check's.
  public var changed: [CheckResult]
  /// Ids (with their kind) of results the previous check had and this one does not.
  public var removed: [String]

  /// Compares two checks' results. A result is matched by kind, id and occurrence (the second
  /// claim of the same check is a different result), not by line, so editing prose above a
  /// claim does not make it "change".
  public static func between(_ old: [CheckResult], _ new: [CheckResult]) -> StatusChanges {
    let before = keyed(old)
    let after = keyed(new)
    let beforeByKey = Dictionary(before.map { ($0.key, $0.result) }, uniquingKeysWith: { first, _ in first })
    let afterKeys = Set(after.map(\.key))
    let changed = after.filter { beforeByKey[$0.key]?.status != $0.result.status }.map(\.result)
    let removed = before.filter { !afterKeys.contains($0.key) }.map { "\($0.result.kind.rawValue) \($0.result.id)" }
    return StatusChanges(changed: changed, removed: removed)
  }

  private static func keyed(_ results: [CheckResult]) -> [(key: String, result: CheckResult)] {
    var seen: [String: Int] = [:]
    return results.map { result in
      let base = "\(result.kind.rawValue) \(result.id)"
      let occurrence = seen[base, default: 0]
      seen[base] = occurrence + 1
      return ("\(base) #\(occurrence)", result)
    }
  }
}

/// `lesson check --watch LESSON`: checks the lesson, then again whenever its Markdown changes,
/// printing only the results whose status changed and the new totals.
///
/// The registry is compiled into the binary, so prose and claims can be edited in a loop
/// without rebuilding; a change to Swift code needs `swift build` and a restart.
public enum WatchCommand {
  /// Watches one lesson until `shouldStop` returns true (polled every `interval` seconds).
  ///
  /// - Returns: 0 when stopped, 2 when the lesson cannot be found or the registry is invalid.
  public static func run(
    _ env: CommandEnvironment, options: CheckOptions, registry makeRegistry: () throws -> Registry,
    interval: Double = 0.5, shouldStop: () -> Bool
  ) -> Int32 {
    let registry: Registry
    let path: String
    do {
      guard options.lessons.count <= 1 else {
        throw WatchError.oneLesson(options.lessons)
      }
      registry = try makeRegistry()
      path = try env.locator.resolve(options.lessons.first)
    } catch {
      env.error(String(describing: error))
      return 2
    }
    let display = LessonLocator.displayPath(path)
    env.out(env.outStyle.apply(.dim, "Watching \(display) (checks again on every save; Ctrl-C stops)") + "\n")
    var lastText = try? String(contentsOfFile: path, encoding: .utf8)
    var previous = checkOnce(path: path, registry: registry, options: options, env: env, previous: nil)
    while !shouldStop() {
      Thread.sleep(forTimeInterval: interval)
      let text = try? String(contentsOfFile: path, encoding: .utf8)
      guard text != lastText else { continue }
      lastText = text
      if shouldStop() { break }
      let time = Self.clock.string(from: Date())
      env.out(env.outStyle.apply(.dim, "\(time) \(display) changed; checking again") + "\n")
      previous = checkOnce(path: path, registry: registry, options: options, env: env, previous: previous)
    }
    return 0
  }

  private static let clock: DateFormatter = {
    let formatter = DateFormatter()
    formatter.dateFormat = "HH:mm:ss"
    return formatter
  }()

  /// Checks the lesson once and prints every result (`previous == nil`) or only the changes.
  ///
  /// - Returns: this check's results (empty when the lesson could not be loaded or bound, so
  ///   every result counts as changed once it loads again).
  static func checkOnce(
    path: String, registry: Registry, options: CheckOptions, env: CommandEnvironment, previous: [CheckResult]?
  ) -> [CheckResult] {
    let loaded = LoadedLesson.load(path, registry: registry)
    guard let lesson = env.usable(loaded, diagnosticsToOut: true) else {
      env.out("\(loaded.errors.count + (loaded.loadError == nil ? 0 : 1)) error(s): fix the lesson and save again\n")
      return []
    }
    let settings: ParameterSettings
    do {
      settings = try options.run.settings(for: lesson, registry: registry)
    } catch {
      env.error("\(LessonLocator.displayPath(lesson.file)): \(error)")
      return []
    }
    let results = CheckCommand.check(lesson, registry: registry, options: options, settings: settings, env: env)
    let lessonResults = CheckReport.LessonResults(file: lesson.file, title: lesson.title, results: results, errors: [])
    if let previous {
      let changes = StatusChanges.between(previous, results)
      var report = CheckReport(lessons: [lessonResults])
      report.lessons[0].results = changes.changed
      let lines = report.text(style: env.outStyle).split(separator: "\n", omittingEmptySubsequences: false).dropLast(2)
      if lines.isEmpty && changes.removed.isEmpty { env.out(env.outStyle.apply(.dim, "no status changed") + "\n") }
      for line in lines { env.out(line + "\n") }
      for removed in changes.removed { env.out("\(Sanitizer.clean(removed)) removed\n") }
      env.out(CheckReport(lessons: [lessonResults]).summaryLine + "\n")
    } else {
      env.out(CheckReport(lessons: [lessonResults]).text(style: env.outStyle))
    }
    return results
  }
}

/// Why watch mode cannot start.
public enum WatchError: Error, CustomStringConvertible {
  case oneLesson([String])

  public var description: String {
    switch self {
    case .oneLesson(let lessons):
      return "--watch follows one lesson, got \(lessons.count) (\(lessons.joined(separator: ", "))): name one"
    }
  }
}
