import ArgumentParser
import LessonKit
import ModelCommands

extension LessonCommand {
  /// `lesson train`.
  struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Train the lesson's MiniGPT on a corpus; progress on stderr, the result on stdout.",
      discussion: """
        Ctrl-C stops after the current step and still writes --out. \
        Exit status: 0 trained, 1 diverged or could not write, 2 bad input, 130/143 interrupted (SIGINT/SIGTERM).
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: TrainingCommandOptions

    func run() throws {
      try finish(TrainingCommand.run(global.environment(), options: options))
    }
  }
}
