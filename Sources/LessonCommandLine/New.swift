import ArgumentParser
import LessonKit

extension LessonCommand {
  /// `lesson new NAME`.
  struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Scaffold a new lesson: Lessons/NN_NAME.md and a Swift bundle with one step and one claim.",
      discussion: "It passes `lesson check` and `lesson lint` after `swift build`. Exit status: 0 created, 1 not created.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The lesson's short name: lowercase letters, digits and '_'.")
    var name: String

    func run() throws {
      try finish(NewCommand.run(global.environment(), name: name))
    }
  }
}
