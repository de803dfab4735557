import ArgumentParser
import ModelCommands
import LessonKit

extension LessonCommand {
  /// `lesson bench`.
  struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Time training steps: ms/step, tokens/s, GFLOP/s against this machine's sgemm, phases, peak RSS.")

    @OptionGroup var global: GlobalOptions

    @OptionGroup var shape: ModelShapeFlags

    @Option(help: "Timed steps (after the warm-up).")
    var steps = 50

    @Option(help: "Untimed warm-up steps.")
    var warmup = 5

    @Option(help: "Seeds the initialization and the batches.")
    var seed: UInt64 = 1337

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    func run() throws {
      let options = BenchCommandOptions(shape: shape.options, steps: steps, warmupSteps: warmup, seed: seed, json: json)
      try finish(BenchCommand.run(global.environment(), options: options))
    }
  }
}
