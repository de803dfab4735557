import LessonKit

// MARK: - lesson play

/// What `lesson play` shows and how.
public struct PlayOptions: Sendable {
  /// The prompt for the plain (scripted) form; without one, a terminal gets the interactive widget.
  public var prompt: String?
  /// Number of bars.
  public var top: Int
  public var temperature: Double
  /// Characters to continue greedily (plain form).
  public var greedy: Int?
  /// Characters to sample (plain form).
  public var sample: Int?
  /// The model's name (`bigram`, `trigram`, …); default: the first model.
  public var model: String?
  public var seed: UInt64

  public init(
    prompt: String? = nil, top: Int = 10, temperature: Double = 1, greedy: Int? = nil, sample: Int? = nil,
    model: String? = nil, seed: UInt64 = 1337
  ) {
    self.prompt = prompt
    self.top = top
    self.temperature = temperature
    self.greedy = greedy
    self.sample = sample
    self.model = model
    self.seed = seed
  }
}

/// `lesson play`: the next-character widget on a terminal, or a plain report for scripts.
public enum PlayCommand {
  /// Runs the widget or prints the report; 0 on success, 1 for a prompt the model cannot read,
  /// 2 for bad options or models that cannot be built.
  public static func run(
    _ env: CommandEnvironment, options: PlayOptions, presets: [String],
    models makeModels: () throws -> [any NextCharacterModel]
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
      models = try makeModels()
    } catch {
      env.error("could not build the models: \(error)")
      return 2
    }
    guard !models.isEmpty else {
      env.error("no next-character model is available")
      return 2
    }
    var modelIndex = 0
    if let name = options.model {
      guard let index = models.firstIndex(where: { $0.name == name }) else {
        env.error("unknown model '\(name)'; choose one of: " + models.map(\.name).joined(separator: ", "))
        return 2
      }
      modelIndex = index
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

  private static func interact(_ session: inout PlaySession, terminal: RawTerminal, env: CommandEnvironment) {
    defer { terminal.restore() }
    env.out(TerminalControl.hideCursor)
    while !session.isFinished {
      let lines = PlayScreen.lines(for: session, width: env.width, style: env.outStyle)
      env.out(TerminalControl.clearScreen + lines.joined(separator: "\n"))
      for key in terminal.readKeys() where !session.isFinished { session.handle(key) }
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
