import Foundation

// MARK: - lesson progress, and the bare `lesson` overview

/// `lesson progress`: every lesson's saved progress; `--reset LESSON` forgets one lesson's.
///
/// The bare `lesson` prints the same table under a line on how to start (`overview`). Both only
/// parse lessons and read progress files: no registry, no step runs, so they answer at once.
public enum ProgressCommand {
  /// One lesson's row: what `lesson run --resume` would continue from.
  struct Row {
    var name: String
    var title: String
    var progress: String
    var saved: LessonProgressStore.Loaded
    var finished: Bool {
      if case let .progress(progress) = saved { return progress.finished }
      return false
    }
  }

  /// Prints every lesson's progress; exits 2 when the lessons cannot be listed.
  public static func run(_ env: CommandEnvironment, store: LessonProgressStore = .standard()) -> Int32 {
    guard let rows = rows(env, store: store) else { return 2 }
    if rows.isEmpty {
      env.err("no lessons in \(env.locator.searchedDescription)\n")
      return 0
    }
    env.out(table(rows, style: env.outStyle) + "\n")
    return 0
  }

  /// Forgets the saved progress of the lesson `argument` names.
  public static func reset(_ env: CommandEnvironment, lesson argument: String, store: LessonProgressStore = .standard()) -> Int32 {
    let path: String
    do {
      path = try env.locator.resolve(argument)
    } catch {
      env.error(String(describing: error))
      return 2
    }
    let name = LessonLocator.shortName(ofFile: (path as NSString).lastPathComponent) ?? argument
    do {
      guard try store.remove(lesson: path) else {
        env.out("\(Sanitizer.clean(name, singleLine: true)): no saved progress\n")
        return 0
      }
    } catch {
      env.error("cannot reset \(name): \(error)")
      return 1
    }
    env.out("\(Sanitizer.clean(name, singleLine: true)): progress reset\n")
    return 0
  }

  /// The bare `lesson`: what it is, the lessons with their progress, and how to start.
  public static func overview(_ env: CommandEnvironment, abstract: String, store: LessonProgressStore = .standard()) -> Int32 {
    env.out(abstract + "\n\n")
    guard let rows = rows(env, store: store) else { return 2 }
    if rows.isEmpty {
      env.out("No lessons found in \(env.locator.searchedDescription).\n"
        + "Write one with `lesson new NAME`, or point --lessons or LESSON_PATH at a folder of lessons.\n")
      return 0
    }
    env.out(table(rows, style: env.outStyle) + "\n\n")
    let next = rows.first { !$0.finished } ?? rows[0]
    let name = Sanitizer.clean(next.name, singleLine: true)
    let verb = next.saved == .none || next.finished ? "lesson run \(name)" : "lesson run --resume \(name)"
    env.out("Start with `\(verb)`. `lesson check LESSON` verifies every claim; `lesson help` lists every command.\n")
    return 0
  }

  /// The progress table `run` and `overview` both print.
  static func table(_ rows: [Row], style: TerminalStyle) -> String {
    TableRenderer.render(
      title: nil, headers: ["LESSON", "TITLE", "PROGRESS", "SETTINGS"],
      rows: rows.map { [$0.name, $0.title, $0.progress, changedSettings($0.saved)] }, style: style
    ).joined(separator: "\n")
  }

  /// The rows, or nil after an error message when the lessons cannot be listed.
  static func rows(_ env: CommandEnvironment, store: LessonProgressStore) -> [Row]? {
    let found: [LessonLocator.Found]
    do {
      found = try env.locator.lessons()
    } catch {
      env.error(String(describing: error))
      return nil
    }
    return found.map { found in
      let lesson = try? Lesson.load(path: found.path)
      let title = lesson?.title ?? "(unreadable: lesson check \(found.name) says why)"
      let saved = store.load(lesson: found.path)
      return Row(
        name: found.name, title: title,  // TableRenderer cleans every cell
        progress: describe(saved, claimCount: lesson?.claims.count), saved: saved)
    }
  }

  /// The settings the learner changed with `e` in `lesson run`, as `lr=0.03 steps=50` (a resume
  /// runs with them again); empty when none changed.
  static func changedSettings(_ loaded: LessonProgressStore.Loaded) -> String {
    guard case let .progress(progress) = loaded else { return "" }
    return (progress.settings?.overrides ?? [:]).sorted { $0.key < $1.key }
      .map { "\($0.key)=\($0.value.description)" }.joined(separator: " ")
  }

  /// `3/9 sections, 12/93 claims passed`, `done (93/93 claims passed)`, `not started`.
  static func describe(_ loaded: LessonProgressStore.Loaded, claimCount: Int?) -> String {
    switch loaded {
    case .none:
      return "not started"
    case .corrupt:
      return "unreadable progress (lesson progress --reset resets it)"
    case let .progress(progress):
      let sections = progress.sectionStatus
      let done = sections.filter { $0 == .done }.count
      let claims = claimCount.map { "\(progress.claimsPassed)/\($0) claims passed" } ?? "\(progress.claimsPassed) claims passed"
      let failed = sections.contains(.failed) ? ", a section failed" : ""
      if progress.finished { return "done (\(claims)\(failed))" }
      return "\(done)/\(sections.count) sections, \(claims)\(failed)"
    }
  }
}
