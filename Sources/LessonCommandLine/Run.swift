import ArgumentParser
import LessonKit

extension LessonCommand {
  /// `lesson run [LESSON]`.
  struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Render a lesson and run each step after its code, checking every claim.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A lesson path or short name (pretrain → Lessons/00_pretrain.md); default: the first lesson.", completion: .custom(lessonNameCompletions))
    var lesson: String?

    @Flag(help: "Run straight through without pausing before steps.")
    var noPause = false

    @Flag(help: "On a terminal, continue where you left off (progress is kept in $XDG_STATE_HOME/lesson).")
    var resume = false

    @OptionGroup var settings: RunSettingsOptions

    func run() throws {
      let options = RunOptions(lesson: lesson, run: settings.configuration, noPause: noPause, resume: resume)
      try finish(RunCommand.run(global.environment(), options: options, registry: makeRegistry))
    }
  }
}
