import ArgumentParser
import LessonKit

extension LessonCommand {
  /// `lesson list`.
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the lessons with their titles and numbers of steps and claims.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
      try finish(ListCommand.run(global.environment()))
    }
  }
}
