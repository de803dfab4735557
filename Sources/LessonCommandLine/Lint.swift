import ArgumentParser
import LessonKit

extension LessonCommand {
  /// `lesson lint [LESSON…]`.
  struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check lessons statically: ids, attributes, claims and drift from the source.",
      discussion: "Exit status: 0 clean (warnings allowed), 1 errors, 2 a lesson could not be loaded.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Lesson paths or short names; default: every lesson.", completion: .custom(lessonNameCompletions))
    var lessons: [String] = []

    @Flag(help: "Also list every number in the prose that no claim covers (mark one that is not a claim with <!-- not-a-claim --> right after it).")
    var claims = false

    func run() throws {
      try finish(LintCommand.run(global.environment(), lessons: lessons, claims: claims, registry: makeRegistry))
    }
  }
}
