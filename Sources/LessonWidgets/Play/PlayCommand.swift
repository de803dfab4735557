import ArgumentParser
import Foundation
import LessonKit

// MARK: - lesson play

/// What `lesson play` shows and how: the command line's only declaration of its flags.
public struct PlayOptions: ParsableArguments, Sendable {
  @Option(help: "The prompt (prints a plain report instead of the interactive widget).")
  public var prompt: String?

  @Option(help: "How many of the most probable characters to show.")
  public var top: Int = 10

  @Option(help: "Sampling temperature, 0.1 to 3.0.")
  public var temperature: Double = 1.0

  @Option(help: "Continue the prompt greedily by this many characters.")
  public var greedy: Int?

  @Option(help: "Continue the prompt by sampling this many characters.")
  public var sample: Int?

  @Option(help: "The model: bigram, trigram, or minigpt with --checkpoint (default: the most capable one).")
  public var model: String?

  @Option(help: "Also offer a MiniGPT checkpoint written by `lesson train --out`.", completion: .file(extensions: ["safetensors"]))
  public var checkpoint: String?

  @Option(help: "Build the n-gram models from this text file instead of the embedded Shakespeare.", completion: .file())
  public var corpus: String?

  @Option(help: "Seed for sampling.")
  public var seed: UInt64 = 1337

  public init() {}

  /// The model shown first: the one named, else the most capable one offered.
  var initialModel: String { model ?? (checkpoint == nil ? "trigram" : "minigpt") }
}

/// `lesson play`: the next-character widget on a terminal, or a plain report for scripts.
public enum PlayCommand {
  /// Runs the widget or prints the report; 0 on success, 1 for a prompt the model cannot read,
  /// 2 for bad options or models that cannot be built.
  public static func run(
    _ env: CommandEnvironment, options: PlayOptions, presets: [String] = PlayModels.presets,
    models makeModels: (PlayOptions) throws -> [any NextCharacterModel] = PlayModels.make
  ) -> Int32 {
    guard (0.1...3.0).contains(options.temperature) else {
      env.error("--temperature must be between 0.1 and 3.0 (got \(ClaimComparison.format(options.temperature)))")
      return 2
    }
    guard options.top >= 1 else {
      env.error("--top must be at least 1 (got \(options.top))")
      return 2
    }
    for (flag, count) in [("--greedy", options.greedy), ("--sample", options.sample)] {
      if let count, !(0...10_000).contains(count) {
        env.error("\(flag) must be between 0 and 10000 characters (got \(count))")
        return 2
      }
    }
    let models: [any NextCharacterModel]
    do {
      models = try makeModels(options)
    } catch {
      env.error("could not build the models: \(error)")
      return 2
    }
    guard !models.isEmpty else {
      env.error("no next-character model is available")
      return 2
    }
    let name = options.initialModel
    guard let modelIndex = models.firstIndex(where: { $0.name == name }) else {
      env.error("unknown model '\(name)'; choose one of: " + models.map(\.name).joined(separator: ", "))
      return 2
    }
    var session = PlaySession(
      models: models, presets: presets, top: options.top, temperature: options.temperature, seed: options.seed,
      modelIndex: modelIndex)
    let scripted = options.prompt != nil || options.greedy != nil || options.sample != nil
    if !scripted, env.isInteractive, let terminal = RawTerminal() {
      interact(&session, terminal: terminal, env: env)
      return 0
    }
    return report(&session, options: options, env: env)
  }

  // MARK: - Interactive

  /// Time between two generated characters of `G` and `S`: fast enough to read as typing.
  static let frameMilliseconds: Int32 = 35

  private static func interact(_ session: inout PlaySession, terminal: RawTerminal, env: CommandEnvironment) {
    defer { terminal.restore() }
    env.out(TerminalControl.hideCursor)
    while !session.isFinished {
      // The width is read again at every redraw: a resize (SIGWINCH) arrives as a key and reflows the screen.
      let width = RawTerminal.size().columns
      let lines = PlayScreen.lines(for: session, width: width, style: env.outStyle).map { clipToWidth($0, width) }
      env.out(TerminalControl.clearScreen + lines.joined(separator: "\n"))
      // `G` and `S` add their characters one frame at a time; a key arriving meanwhile stops them.
      let keys = terminal.readKeys(timeoutMilliseconds: session.queued > 0 ? Self.frameMilliseconds : -1)
      if keys.isEmpty { session.generateQueued() }
      for key in keys where !session.isFinished { session.handle(key) }
    }
    env.out(TerminalControl.showCursor + "\n")
  }

  // MARK: - Plain report

  private static func report(_ session: inout PlaySession, options: PlayOptions, env: CommandEnvironment) -> Int32 {
    let style = env.outStyle
    if let prompt = options.prompt, !session.type(prompt) {
      env.error(session.message ?? "the prompt cannot be read")
      return 1
    }
    let model = session.model
    env.out("model: \(Sanitizer.clean(model.name)) — \(Sanitizer.clean(model.summary, singleLine: true))\n")
    env.out("prompt: \"" + PlayScreen.visiblePrompt(session.promptText, width: 10_000) + "\"\n")
    do {
      let probabilities = try session.distribution()
      env.out(String(
        format: "temperature %.1f · entropy %.2f bits\n", session.temperature,
        NextCharacterMath.entropyBits(probabilities)))
      env.out("next character, top \(min(options.top, probabilities.count)):\n")
      for line in PlayScreen.bars(probabilities, model: model, top: options.top, width: env.width, style: style) {
        env.out("  " + line + "\n")
      }
    } catch {
      env.error("the model could not predict: \(error)")
      return 1
    }
    for (label, count, greedy) in [("greedy", options.greedy, true), ("sampled", options.sample, false)] {
      guard let count else { continue }
      // Each continuation starts from the prompt itself.
      if let prompt = options.prompt { session.replacePrompt(with: prompt) } else { session.replacePrompt(with: "") }
      session.generate(count, greedy: greedy)
      let seedNote = greedy ? "" : ", seed \(options.seed)"
      env.out("\(label) continuation (\(count) characters\(seedNote)):\n")
      env.out("\"" + PlayScreen.visiblePrompt(session.promptText, width: 10_000) + "\"\n")
    }
    return 0
  }
}
