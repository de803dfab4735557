import ArgumentParser
import LessonKit
import ModelCommands

extension LessonCommand {
  /// `lesson sample`.
  struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Continue a prompt with a checkpoint written by `lesson train --out`.",
      discussion: "Exit status: 0 printed, 1 unusable checkpoint, 2 bad flags or a prompt character the model does not know.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: SampleCommandOptions

    func run() throws {
      try finish(SampleCommand.run(global.environment(), options: options))
    }
  }
}
