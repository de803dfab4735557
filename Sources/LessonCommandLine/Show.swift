import ArgumentParser
import LessonKit

extension LessonCommand {
  /// `lesson show LESSON`.
  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Render a lesson without running anything.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A lesson path or short name; default: the first lesson.", completion: .custom(lessonNameCompletions))
    var lesson: String?

    func run() throws {
      try finish(ShowCommand.run(global.environment(), lesson: lesson))
    }
  }
}
