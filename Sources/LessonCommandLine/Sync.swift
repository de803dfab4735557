import ArgumentParser
import LessonKit

extension LessonCommand {
  /// `lesson sync [LESSON…] [--check]`.
  struct Sync: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Rewrite each step's code block from its `// lesson:begin` source region.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Lesson paths or short names; default: every lesson.", completion: .custom(lessonNameCompletions))
    var lessons: [String] = []

    @Flag(help: "Write nothing; exit 1 when a block is out of sync.")
    var check = false

    func run() throws {
      try finish(SyncCommand.run(global.environment(), lessons: lessons, checkOnly: check))
    }
  }
}
