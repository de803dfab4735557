import Foundation
import LessonKit
import Pretraining

// MARK: - lesson sample

/// What `lesson sample` generates from.
public struct SampleCommandOptions: Sendable, Equatable {
  /// A checkpoint written by `lesson train --out`.
  public var checkpoint: String
  /// The text to continue; nil = a newline (or the vocabulary's first character without one).
  public var prompt: String?
  /// Characters to generate.
  public var count: Int
  /// Divides the logits before softmax.
  public var temperature: Float
  /// Sample only among the k most likely characters.
  public var topK: Int?
  /// Always take the most likely character.
  public var greedy: Bool
  /// Seeds the sampling.
  public var seed: UInt64

  public init(checkpoint: String, prompt: String? = nil, count: Int = 200, temperature: Float = 1,
              topK: Int? = nil, greedy: Bool = false, seed: UInt64 = 1337) {
    self.checkpoint = checkpoint
    self.prompt = prompt
    self.count = count
    self.temperature = temperature
    self.topK = topK
    self.greedy = greedy
    self.seed = seed
  }

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
      env.out(text.hasSuffix("\n") ? text : text + "\n")
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
    if let topK = options.topK, topK < 1 {
      throw ToolInputError("--top-k must be at least 1 (got \(topK))")
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
