import Foundation

// MARK: - lesson list

/// `lesson list`: every lesson with its title, number of steps and number of claims.
///
/// Parses only; runs nothing and builds no registry, so it starts fast.
public enum ListCommand {
  public static func run(_ env: CommandEnvironment) -> Int32 {
    let files: [String]
    do {
      files = try env.locator.lessonFiles()
    } catch {
      env.error(String(describing: error))
      return 2
    }
    var rows: [[String]] = []
    var status: Int32 = 0
    for file in files {
      let name = LessonLocator.shortName(ofFile: (file as NSString).lastPathComponent) ?? file
      do {
        let lesson = try Lesson.load(path: file)
        rows.append([name, lesson.title, String(lesson.steps.count), String(lesson.claims.count), LessonLocator.displayPath(file)])
      } catch {
        env.error(String(describing: error))
        status = 2
      }
    }
    if rows.isEmpty {
      env.err("no lessons in \(env.locator.directory ?? ".")\n")
      return status
    }
    let lines = TableRenderer.render(
      title: nil, headers: ["LESSON", "TITLE", "STEPS", "CLAIMS", "FILE"], rows: rows, style: env.outStyle)
    env.out(lines.joined(separator: "\n") + "\n")
    return status
  }
}
