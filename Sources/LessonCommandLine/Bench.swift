import ArgumentParser
import LessonKit
import ModelCommands

extension LessonCommand {
  /// `lesson bench`.
  struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Time training steps: ms/step, tokens/s, GFLOP/s against this machine's sgemm, phases, peak RSS.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: BenchCommandOptions

    func run() throws {
      try finish(BenchCommand.run(global.environment(), options: options))
    }
  }
}
