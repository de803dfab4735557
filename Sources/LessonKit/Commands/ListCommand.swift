import Foundation

// MARK: - lesson list

/// `lesson list`: every lesson with its title, number of steps and number of claims.
///
/// Parses only; runs nothing and builds no registry, so it starts fast.
public enum ListCommand {
  public static func run(_ env: CommandEnvironment) -> Int32 {
    let found: [LessonLocator.Found]
    do {
      found = try env.locator.lessons()
    } catch {
      env.error(String(describing: error))
      return 2
    }
    var rows: [[String]] = []
    var status: Int32 = 0
    for lesson in found {
      do {
        let parsed = try Lesson.load(path: lesson.path)
        // A built-in lesson's file is an unpacked copy in the cache: where it came from says more.
        let place = lesson.origin == .builtIn ? "(built in)" : LessonLocator.displayPath(lesson.path)
        rows.append([lesson.name, parsed.title, String(parsed.steps.count), String(parsed.claims.count), place])
      } catch {
        env.error(String(describing: error))
        status = 2
      }
    }
    if rows.isEmpty {
      env.err("no lessons in \(env.locator.searchedDescription)\n")
      return status
    }
    let lines = TableRenderer.render(
      title: nil, headers: ["LESSON", "TITLE", "STEPS", "CLAIMS", "FILE"], rows: rows, style: env.outStyle)
    env.out(lines.joined(separator: "\n") + "\n")
    return status
  }
}
