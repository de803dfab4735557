import Foundation
import LessonKit
import Pretraining

// MARK: - The play widget's state

/// The state of `lesson play` and what each key does to it, free of terminal I/O.
///
/// Two modes: **typing** (printable keys extend the prompt) and **commands** (`g` greedy, `G`
/// 40 greedy, `s` sample, `S` 40 samples, `m` next model, `1`–`9` presets, `-`/`+`
/// temperature, `c` clear, `e` type again, `q` quit). Enter or Esc leaves typing; arrows, Tab
/// (next preset) and Backspace work in both.
///
/// `G` and `S` queue their 40 characters rather than adding them at once: the screen takes them
/// one at a time with `generateQueued()`, redrawing in between, and any key stops the rest.
/// Every character of the prompt remembers whether it was typed or generated, and the last one
/// generated is kept with the probability it had.
public struct PlaySession: Sendable {
  public enum Mode: Sendable, Equatable { case typing, commands }

  /// Temperature limits and step, in tenths so repeated steps land exactly on 0.1, 0.2, ….
  public static let temperatureTenths = 1...30

  /// Where a character of the prompt came from.
  public enum Origin: Sendable, Equatable { case typed, generated }

  /// The character generated last and its probability under the distribution it was drawn from
  /// (after the temperature).
  public struct Choice: Sendable, Equatable {
    public var character: Unicode.Scalar
    public var probability: Double
  }

  /// Characters `G` and `S` add, one at a time.
  public static let queuedRun = 40

  public let models: [any NextCharacterModel]
  public let presets: [String]
  /// How many bars to show.
  public var top: Int
  public private(set) var modelIndex: Int
  public private(set) var prompt: [Unicode.Scalar] = []
  /// One origin per character of `prompt`.
  public private(set) var origins: [Origin] = []
  public private(set) var lastChoice: Choice?
  /// Characters still to generate for `G` or `S`, and whether greedily.
  public private(set) var queued = 0
  private var queuedGreedy = true
  private var queuedAdded = 0
  public private(set) var mode: Mode = .typing
  /// What the last key did, or why it did nothing.
  public private(set) var message: String?
  public private(set) var isFinished = false
  private var tenths: Int
  private var presetIndex = -1
  private var generator: SplitMix64

  /// - Parameters:
  ///   - models: at least one model; `m` cycles through them.
  ///   - temperature: rounded to a tenth and clamped to 0.1…3.0.
  public init(
    models: [any NextCharacterModel], presets: [String], top: Int = 10, temperature: Double = 1, seed: UInt64 = 1337,
    modelIndex: Int = 0
  ) {
    self.models = models
    self.presets = presets
    self.top = max(1, top)
    self.modelIndex = models.isEmpty ? 0 : min(max(0, modelIndex), models.count - 1)
    self.tenths = Self.clampTenths(Int((temperature * 10).rounded()))
    self.generator = SplitMix64(seed: seed)
  }

  public var model: any NextCharacterModel { models[modelIndex] }
  public var temperature: Double { Double(tenths) / 10 }
  public var promptText: String { String(String.UnicodeScalarView(prompt)) }

  /// The next-character distribution after the prompt, at the current temperature.
  public func distribution() throws -> [Double] {
    NextCharacterMath.tempered(try model.distribution(after: prompt), temperature: temperature)
  }

  // MARK: - Keys

  /// Applies one key; sets `isFinished` on `q` (in command mode), Ctrl-C or end of input.
  public mutating func handle(_ key: Key) {
    if queued > 0, key != .resize {
      // Any key stops a run of generated characters; only a resize lets it go on.
      message = (queuedGreedy ? "greedy" : "sampled") + " +\(queuedAdded), stopped"
      queued = 0
      if key != .interrupt, key != .endOfInput { return }
    }
    message = nil
    switch key {
    case .interrupt, .endOfInput:
      isFinished = true
    case .left, .down:
      changeTemperature(by: -1)
    case .right, .up:
      changeTemperature(by: 1)
    case .tab:
      choosePreset((presetIndex + 1) % max(1, presets.count))
    case .backspace:
      if prompt.isEmpty { message = "the prompt is empty" } else { removeLast() }
    case .enter, .escape:
      mode = mode == .typing ? .commands : .typing
      message = mode == .commands ? "commands: g s G S m 1-9 ←/→ · e to type again" : "typing: Enter when done"
    case .character(let character):
      if mode == .typing { type(character) } else { command(character) }
    case .resize:
      break  // the screen is redrawn for the new size; the state is unchanged
    case .other, .pageUp, .pageDown:
      message = "that key does nothing here"
    }
  }

  private mutating func command(_ character: Character) {
    switch character {
    case "g": generate(1, greedy: true)
    case "G": queue(Self.queuedRun, greedy: true)
    case "s": generate(1, greedy: false)
    case "S": queue(Self.queuedRun, greedy: false)
    case "m":
      modelIndex = (modelIndex + 1) % models.count
      message = "model: \(model.name)"
      if let unknown = prompt.first(where: { !model.vocabulary.contains($0) }) {
        message = "model: \(model.name); it does not know \(Self.describe(unknown)) in the prompt — clear it with c"
      }
    case "-", "_": changeTemperature(by: -1)
    case "+", "=": changeTemperature(by: 1)
    case "c":
      setPrompt([])
      message = "prompt cleared"
    case "e", "i":
      mode = .typing
      message = "typing: Enter when done"
    case "q", "Q":
      isFinished = true
    default:
      if let digit = character.wholeNumberValue, (1...9).contains(digit), digit <= presets.count {
        choosePreset(digit - 1)
      } else {
        message = "'\(Sanitizer.visibleWhitespace(String(character)))' is not a command; press e to type"
      }
    }
  }

  /// Appends `text` to the prompt if every character is in the model's vocabulary.
  ///
  /// - Returns: whether it was appended; otherwise `message` names the unknown character.
  @discardableResult
  public mutating func type(_ text: some StringProtocol) -> Bool {
    let scalars = Array(text.unicodeScalars)
    let vocabulary = model.vocabulary
    if let unknown = scalars.first(where: { !vocabulary.contains($0) }) {
      message = "\(Self.describe(unknown)) is not in the \(model.name) model's vocabulary "
        + "(\(vocabulary.count) characters from its corpus)"
      return false
    }
    prompt += scalars
    origins += Array(repeating: .typed, count: scalars.count)
    return true
  }

  private mutating func type(_ character: Character) { type(String(character)) }

  /// Replaces the prompt with `text` when the model knows every character of it.
  @discardableResult
  public mutating func replacePrompt(with text: String) -> Bool {
    let (previous, previousOrigins) = (prompt, origins)
    setPrompt([])
    if type(text) { return true }
    (prompt, origins) = (previous, previousOrigins)
    return false
  }

  private mutating func setPrompt(_ scalars: [Unicode.Scalar]) {
    prompt = scalars
    origins = Array(repeating: .typed, count: scalars.count)
    lastChoice = nil
  }

  private mutating func removeLast() {
    prompt.removeLast()
    origins.removeLast()
  }

  private mutating func choosePreset(_ index: Int) {
    guard presets.indices.contains(index) else { return }
    presetIndex = index
    if replacePrompt(with: presets[index]) { message = "preset \(index + 1): \"\(presets[index])\"" }
  }

  private mutating func changeTemperature(by step: Int) {
    let next = Self.clampTenths(tenths + step)
    message = next == tenths ? "temperature stays within 0.1…3.0" : nil
    tenths = next
  }

  private static func clampTenths(_ value: Int) -> Int {
    min(max(value, temperatureTenths.lowerBound), temperatureTenths.upperBound)
  }

  // MARK: - Generating

  /// Appends `count` characters at once, each the most probable (`greedy`) or drawn at the temperature.
  public mutating func generate(_ count: Int, greedy: Bool) {
    var added = 0
    for _ in 0..<count {
      guard generateOne(greedy: greedy) else { return }
      added += 1
    }
    message = Self.describe(added: added, greedy: greedy, last: lastChoice)
  }

  /// Queues `count` characters for `generateQueued()`.
  mutating func queue(_ count: Int, greedy: Bool) {
    (queued, queuedGreedy, queuedAdded) = (count, greedy, 0)
    message = (greedy ? "greedy" : "sampling") + " ×\(count)… any key stops"
  }

  /// Adds the next queued character; the screen calls it between redraws while `queued > 0`.
  public mutating func generateQueued() {
    guard queued > 0 else { return }
    guard generateOne(greedy: queuedGreedy) else {
      queued = 0
      return
    }
    queued -= 1
    queuedAdded += 1
    message = queued == 0 ? Self.describe(added: queuedAdded, greedy: queuedGreedy, last: lastChoice) : nil
  }

  /// Appends one character; false (with the error as the message) when the model fails.
  private mutating func generateOne(greedy: Bool) -> Bool {
    do {
      let probabilities = try distribution()
      let index = greedy
        ? Categorical.argmax(probabilities)
        : Categorical.draw(from: probabilities, using: &generator, total: probabilities.reduce(0, +))
      let character = model.vocabulary[index]
      prompt.append(character)
      origins.append(.generated)
      lastChoice = Choice(character: character, probability: probabilities[index])
      return true
    } catch {
      message = "the model failed: \(error)"
      return false
    }
  }

  /// "sampled +1: 'e' at 12.5%", or "greedy +40; the last, 'e', at 41.0%".
  static func describe(added: Int, greedy: Bool, last: Choice?) -> String {
    let head = (greedy ? "greedy" : "sampled") + " +\(added)"
    guard let last else { return head }
    let character = "'\(Sanitizer.visibleWhitespace(String(last.character)))'"
    let probability = NumberFormat.percent(last.probability)
    return added == 1 ? "\(head): \(character) at \(probability)" : "\(head); the last, \(character), at \(probability)"
  }

  /// A character named for messages: `'é' (U+00E9)`.
  static func describe(_ scalar: Unicode.Scalar) -> String {
    let hex = String(scalar.value, radix: 16, uppercase: true)
    let code = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    return "'\(Sanitizer.visibleWhitespace(String(scalar)))' (U+\(code))"
  }
}
