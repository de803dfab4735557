import ArgumentParser
import LessonKit

extension LessonCommand {
  /// `lesson progress [--reset LESSON]`.
  struct Progress: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show every lesson's saved progress: sections done and claims passed.",
      discussion: "Progress is what `lesson run --resume` continues from; it is kept in $XDG_STATE_HOME/lesson "
        + "(default ~/.local/state/lesson). Exit status: 0, or 2 when the lessons cannot be found.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Forget this lesson's saved progress.", completion: .custom(lessonNameCompletions))
    var reset: String?

    func run() throws {
      let env = global.environment()
      if let reset {
        try finish(ProgressCommand.reset(env, lesson: reset))
      } else {
        try finish(ProgressCommand.run(env))
      }
    }
  }
}
