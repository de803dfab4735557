import ArgumentParser
import ModelCommands
import LessonKit

extension LessonCommand {
  /// `lesson sample`.
  struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Continue a prompt with a checkpoint written by `lesson train --out`.",
      discussion: "Exit status: 0 printed, 1 unusable checkpoint, 2 bad flags or a prompt character the model does not know.")

    @Option(help: "A safetensors checkpoint from `lesson train --out`.")
    var checkpoint: String

    @Option(help: "Text to continue (default: a newline).")
    var prompt: String?

    @Option(help: "Characters to generate.")
    var count = 200

    @Option(help: "Divides the logits: below 1 sharpens, above 1 flattens.")
    var temperature: Float = 1

    @Option(help: "Sample only among the k most likely characters.")
    var topK: Int?

    @Flag(help: "Always take the most likely character.")
    var greedy = false

    @Option(help: "Seeds the sampling.")
    var seed: UInt64 = 1337

    func run() throws {
      let options = SampleCommandOptions(
        checkpoint: checkpoint, prompt: prompt, count: count, temperature: temperature, topK: topK,
        greedy: greedy, seed: seed)
      try finish(SampleCommand.run(.standard(color: .auto, lessonsDirectory: nil), options: options))
    }
  }
}
