import ArgumentParser
import LessonKit

extension LessonCommand {
  /// `lesson build --html OUT [LESSON…]`.
  struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Publish lessons as a static HTML site, every claim marked with its verdict.",
      discussion: """
        Runs each lesson as `lesson check` does and writes one page per lesson plus index.html into OUT. \
        The pages need no network: open them from file:// or serve OUT with any static server. \
        Exit status: 0 all verified and written, 1 a claim or step failed (nothing is written unless \
        --allow-failures), 2 a lesson could not be loaded or bound.
        """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("html"), help: "The directory to write the site into (created if missing).", completion: .directory)
    var outputDirectory: String

    @Argument(help: "Lesson paths or short names; default: every lesson.", completion: .custom(lessonNameCompletions))
    var lessons: [String] = []

    @OptionGroup var settings: RunSettingsOptions

    @Flag(help: "Write the pages even when claims fail, with the failures marked (the exit status stays 1).")
    var allowFailures = false

    func run() throws {
      let options = BuildOptions(
        outputDirectory: outputDirectory, lessons: lessons, run: settings.configuration, allowFailures: allowFailures)
      try finish(BuildCommand.run(global.environment(), options: options, registry: makeRegistry))
    }
  }
}
