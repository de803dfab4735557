import ArgumentParser
import LessonKit

extension LessonCommand {
  /// `lesson params LESSON`.
  struct Params: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List a lesson's parameters: the settings `--set NAME=VALUE` changes, with their ranges.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A lesson path or short name; default: the first lesson.", completion: .custom(lessonNameCompletions))
    var lesson: String?

    @Option(help: "Output format: text or json.")
    var format: ParamsFormat = .text

    enum ParamsFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    func run() throws {
      try finish(ParamsCommand.run(global.environment(), lesson: lesson, json: format == .json, registry: makeRegistry))
    }
  }
}
