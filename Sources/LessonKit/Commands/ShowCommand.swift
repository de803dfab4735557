// MARK: - lesson show

/// `lesson show LESSON`: renders the lesson for the terminal, running nothing.
public enum ShowCommand {
  public static func run(_ env: CommandEnvironment, lesson argument: String?) -> Int32 {
    let lesson: Lesson
    do {
      lesson = try Lesson.load(path: try env.locator.resolve(argument))
    } catch {
      env.error(String(describing: error))
      return 2
    }
    for diagnostic in lesson.diagnostics { env.diagnostic(diagnostic) }
    let renderer = ProseRenderer(lesson: lesson, style: env.outStyle, width: env.width, write: env.out)
    renderer.render()
    return 0
  }
}
