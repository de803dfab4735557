import ArgumentParser
import Foundation
import LessonKit
import Pretraining

// MARK: - lesson sample

/// What `lesson sample` generates from: the command line's only declaration of its flags.
public struct SampleCommandOptions: ParsableArguments, Sendable {
  @Option(help: "A safetensors checkpoint from `lesson train --out`.", completion: .file(extensions: ["safetensors"]))
  public var checkpoint: String

  @Option(help: "Text to continue (default: a newline).")
  public var prompt: String?

  @Option(help: "Characters to generate.")
  public var count = 200

  @Option(help: "Divides the logits: below 1 sharpens, above 1 flattens.")
  public var temperature: Float = 1

  @Option(help: "Sample only among the k most likely characters.")
  public var topK: Int?

  @Flag(help: "Always take the most likely character.")
  public var greedy = false

  @Option(help: "Seeds the sampling.")
  public var seed: UInt64 = 1337

  public init() {}

  /// The most characters one call generates (each costs a forward pass).
  public static let maximumCount = 1_000_000
}

/// `lesson sample`: continues a prompt with a trained checkpoint and prints prompt + continuation.
public enum SampleCommand {
  /// Returns 0, 1 (an unreadable or invalid checkpoint) or 2 (bad flags or a prompt outside the vocabulary).
  public static func run(_ env: CommandEnvironment, options: SampleCommandOptions) -> Int32 {
    do {
      try validate(options)
    } catch {
      env.error(String(describing: error))
      return ToolExit.badInput
    }
    let checkpoint: ModelCheckpoint
    do {
      checkpoint = try ModelCheckpoint.read(from: URL(fileURLWithPath: options.checkpoint))
    } catch {
      env.error("cannot use checkpoint \(options.checkpoint): \(error)")
      return ToolExit.failure
    }
    let tokenizer = checkpoint.tokenizer
    let promptText = options.prompt ?? (tokenizer.id(of: "\n") != nil ? "\n" : tokenizer.characters[0])
    let prompt: [TokenID]
    do {
      prompt = try tokenizer.encode(promptText)
    } catch {
      env.error("the prompt cannot be encoded: \(error) (the model knows \(tokenizer.vocabularySize) characters)")
      return ToolExit.badInput
    }
    do {
      let model = try checkpoint.makeModel()
      let produced = try model.generate(
        prompt: prompt, count: options.count, temperature: options.temperature, topK: options.topK,
        greedy: options.greedy, seed: options.seed)
      let text = promptText + tokenizer.decode(produced)
      // The vocabulary comes from the checkpoint: ESC or BEL in it (or learnt from a hostile corpus)
      // must not reach the terminal. Tabs and newlines are kept, as the text is often saved.
      let shown = Sanitizer.clean(text, keepingTabs: true)
      env.out(shown.hasSuffix("\n") ? shown : shown + "\n")
      return ToolExit.success
    } catch {
      env.error(String(describing: error))
      return ToolExit.failure
    }
  }

  static func validate(_ options: SampleCommandOptions) throws {
    guard options.count >= 0, options.count <= SampleCommandOptions.maximumCount else {
      throw ToolInputError("--count must be in 0...\(SampleCommandOptions.maximumCount) (got \(options.count))")
    }
    guard options.temperature > 0, options.temperature.isFinite else {
      throw ToolInputError("--temperature must be a positive finite number (got \(options.temperature)); use --greedy for the most likely text")
    }
    if let topK = options.topK, topK < 1 || topK > MiniGPTConfig.maximumVocabSize {
      throw ToolInputError("--top-k must be in 1...\(MiniGPTConfig.maximumVocabSize) (got \(topK))")
    }
    if let prompt = options.prompt, prompt.isEmpty {
      throw ToolInputError("--prompt is empty: generation needs at least one character to continue")
    }
  }
}

// MARK: - lesson corpus

/// `lesson corpus`: prints the embedded corpus exactly, so other tools can read the same characters.
public enum CorpusCommand {
  public static func run(_ env: CommandEnvironment) -> Int32 {
    env.out(Corpus.shakespeare)
    return ToolExit.success
  }
}
