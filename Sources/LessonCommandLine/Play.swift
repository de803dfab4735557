import ArgumentParser
import LessonKit
import LessonWidgets

extension LessonCommand {
  /// `lesson play`.
  struct Play: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Explore next-character predictions: type a prompt, watch the distribution, continue it.",
      discussion: """
        On a terminal without --prompt it is interactive (hints on screen). With --prompt (or when piped) it \
        prints the top-k distribution and any --greedy/--sample continuation as plain text.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: PlayOptions

    func run() throws {
      try finish(PlayCommand.run(global.environment(), options: options))
    }
  }
}
