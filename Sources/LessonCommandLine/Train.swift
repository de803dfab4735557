import ArgumentParser
import ModelCommands
import LessonKit

extension LessonCommand {
  /// `lesson train`.
  struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Train the lesson's MiniGPT on a corpus; progress on stderr, the result on stdout.",
      discussion: """
        Ctrl-C stops after the current step and still writes --out. \
        Exit status: 0 trained, 1 diverged or could not write, 2 bad input, 130/143 interrupted (SIGINT/SIGTERM).
        """)

    @OptionGroup var shape: ModelShapeFlags

    @Option(help: "Optimizer steps.")
    var steps = 300

    @Option(help: "Seeds the initialization and the batch sampling.")
    var seed: UInt64 = 1337

    @Option(name: .customLong("lr"), help: "AdamW learning rate (constant).")
    var learningRate: Float = 3e-4

    @Option(help: "Estimate train/val loss every N steps (and after the last); 0 = only at the end.")
    var evalEvery = 100

    @Option(help: "Batches averaged per loss estimate.")
    var evalBatches = 20

    @Option(help: "Write a safetensors checkpoint here (atomically) when training ends or is interrupted.")
    var out: String?

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    @Option(help: "Also write the loss curve (train and val) to this SVG file.")
    var plot: String?

    func run() throws {
      let options = TrainingCommandOptions(
        shape: shape.options, steps: steps, seed: seed, learningRate: learningRate, evalEvery: evalEvery,
        evalBatches: evalBatches, out: out, json: json, plot: plot)
      try finish(TrainingCommand.run(.standard(color: .auto, lessonsDirectory: nil), options: options))
    }
  }
}
