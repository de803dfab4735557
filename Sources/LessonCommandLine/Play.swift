import ArgumentParser
import Foundation
import LessonWidgets
import LessonKit

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

    @Option(help: "The prompt (prints a plain report instead of the interactive widget).")
    var prompt: String?

    @Option(help: "How many of the most probable characters to show.")
    var top: Int = 10

    @Option(help: "Sampling temperature, 0.1 to 3.0.")
    var temperature: Double = 1.0

    @Option(help: "Continue the prompt greedily by this many characters.")
    var greedy: Int?

    @Option(help: "Continue the prompt by sampling this many characters.")
    var sample: Int?

    @Option(help: "The model: bigram, trigram, or minigpt with --checkpoint (default: the most capable one).")
    var model: String?

    @Option(help: "Also offer a MiniGPT checkpoint written by `lesson train --out`.")
    var checkpoint: String?

    @Option(help: "Build the n-gram models from this text file instead of the embedded Shakespeare.")
    var corpus: String?

    @Option(help: "Seed for sampling.")
    var seed: UInt64 = 1337

    func run() throws {
      let options = PlayOptions(
        prompt: prompt, top: top, temperature: temperature, greedy: greedy, sample: sample,
        model: model ?? (checkpoint == nil ? "trigram" : "minigpt"), seed: seed)
      let corpusPath = corpus
      let checkpointPath = checkpoint
      try finish(PlayCommand.run(global.environment(), options: options, presets: PlayModels.presets) {
        var models: [any NextCharacterModel]
        if let corpusPath {
          guard let data = FileManager.default.contents(atPath: corpusPath) else {
            throw ValidationError("cannot read the corpus file \(corpusPath)")
          }
          models = try PlayModels.ngrams(
            corpus: String(decoding: data, as: UTF8.self),
            corpusName: URL(fileURLWithPath: corpusPath).lastPathComponent)
        } else {
          models = try PlayModels.ngrams()
        }
        if let checkpointPath {
          models.append(try MiniGPTCharacterModel(checkpoint: URL(fileURLWithPath: checkpointPath)))
        }
        return models
      })
    }
  }
}
