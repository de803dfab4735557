import LessonKit
import Pretraining
import LessonWidgets
import Testing

/// A model over "ab " that always prefers the character after the prompt's last one (a→b→␣→a).
private struct CyclingModel: NextCharacterModel {
  let name = "cycle"
  let summary = "test model"
  let vocabulary: [Unicode.Scalar] = ["a", "b", " "]

  func distribution(after prefix: [Unicode.Scalar]) throws -> [Double] {
    let last = prefix.last.flatMap { vocabulary.firstIndex(of: $0) } ?? 2
    var probabilities = [0.2, 0.2, 0.2]
    probabilities[(last + 1) % 3] = 0.6
    return probabilities
  }
}

/// Always uniform, to tell models apart.
private struct UniformModel: NextCharacterModel {
  let name = "uniform"
  let summary = "test model"
  let vocabulary: [Unicode.Scalar] = ["a", "b", " "]
  func distribution(after prefix: [Unicode.Scalar]) throws -> [Double] { [1.0 / 3, 1.0 / 3, 1.0 / 3] }
}

@Suite struct PlaySessionTests {
  private func session() -> PlaySession {
    PlaySession(models: [CyclingModel(), UniformModel()], presets: ["ab", "zz"], top: 3)
  }

  private func keys(_ text: String) -> [Key] { text.map { Key.character($0) } }

  @Test func typingThenGreedyAppendsTheTopCharacter() throws {
    var play = session()
    for key in keys("ab") { play.handle(key) }
    #expect(play.promptText == "ab")
    #expect(play.mode == .typing)
    play.handle(.enter)
    #expect(play.mode == .commands)
    let top = NextCharacterMath.top(1, of: try play.distribution())[0]
    play.handle(.character("g"))
    #expect(play.promptText == "ab" + String(play.model.vocabulary[top]))
    #expect(play.promptText == "ab ")
    play.handle(.character("G"))
    // G queues its characters: the screen adds them one frame at a time.
    #expect(play.promptText.count == 3 && play.queued == PlaySession.queuedRun)
    while play.queued > 0 { play.generateQueued() }
    #expect(play.promptText.count == 43)
    #expect(play.promptText.hasPrefix("ab ab ab"))
    #expect(play.message == "greedy +40; the last, 'a', at 60.0%")
  }

  @Test func everyCharacterRemembersWhetherItWasTypedOrGenerated() throws {
    var play = session()
    for key in keys("ab") { play.handle(key) }
    play.handle(.enter)
    play.handle(.character("g"))
    // The cycling model puts 60% on the character after the last one: ' ' after 'b'.
    #expect(play.lastChoice?.character == " " && play.lastChoice?.probability == 0.6)
    #expect(play.message?.hasSuffix("at 60.0%") == true && play.message?.hasPrefix("greedy +1: ") == true)
    play.handle(.character("e"))
    for key in keys("a") { play.handle(key) }
    #expect(play.origins == [.typed, .typed, .generated, .typed])
    play.handle(.backspace)
    #expect(play.origins == [.typed, .typed, .generated])
    // The screen styles the model's characters apart; plain text shows none of it.
    let colored = TerminalStyle(colored: true)
    let shown = PlayScreen.lines(for: play, width: 80, style: colored).first { $0.hasPrefix("prompt: ") } ?? ""
    #expect(shown.contains("ab" + colored.apply([.cyan, .underline], " ")), "\(shown)")
    let plain = PlayScreen.lines(for: play, width: 80, style: .plain).first { $0.hasPrefix("prompt: ") } ?? ""
    #expect(plain.hasPrefix("prompt: \"ab \"") && !plain.contains("\u{1B}"), "\(plain)")
    play.handle(.enter)
    play.handle(.character("c"))
    #expect(play.origins.isEmpty && play.lastChoice == nil)
  }

  @Test func aKeyStopsAQueuedRunButAResizeDoesNot() {
    var play = session()
    play.handle(.enter)
    play.handle(.character("S"))
    for _ in 0..<5 { play.generateQueued() }
    play.handle(.resize)
    #expect(play.queued == PlaySession.queuedRun - 5)
    play.generateQueued()
    play.handle(.character("m"))
    // The key only stopped the run: it did not also switch the model.
    #expect(play.queued == 0 && play.model.name == "cycle")
    #expect(play.message == "sampled +6, stopped")
    #expect(play.promptText.count == 6 && play.origins.allSatisfy { $0 == .generated })
    play.generateQueued()
    #expect(play.promptText.count == 6)
  }

  @Test func commandLettersTypeWhileTyping() {
    var play = session()
    play.handle(.character("g"))
    #expect(play.message?.contains("not in the cycle model's vocabulary") == true)
    #expect(play.promptText.isEmpty)
    play.handle(.character("b"))
    play.handle(.backspace)
    #expect(play.promptText.isEmpty)
  }

  @Test func unknownCharactersAreRefusedWithAMessage() {
    var play = session()
    let accepted = play.type("aé")
    #expect(!accepted)
    #expect(play.promptText.isEmpty)
    #expect(play.message?.contains("'é' (U+00E9)") == true)
  }

  @Test func temperatureMovesInTenthsWithinBounds() throws {
    var play = session()
    #expect(play.temperature == 1.0)
    play.handle(.right)
    #expect(play.temperature == 1.1)
    for _ in 0..<40 { play.handle(.left) }
    #expect(play.temperature == 0.1)
    #expect(play.message?.contains("0.1…3.0") == true)
    play.handle(.enter)
    for _ in 0..<40 { play.handle(.character("+")) }
    #expect(play.temperature == 3.0)
    // A hotter distribution is flatter: more entropy than at τ = 1.
    let hot = NextCharacterMath.entropyBits(try play.distribution())
    let cold = NextCharacterMath.entropyBits(try CyclingModel().distribution(after: []))
    #expect(hot > cold)
  }

  @Test func presetsModelsAndQuitting() {
    var play = session()
    play.handle(.tab)
    #expect(play.promptText == "ab")
    play.handle(.tab)
    #expect(play.promptText == "ab")  // "zz" is not in the vocabulary: refused, prompt kept
    #expect(play.message?.contains("'z'") == true)
    play.handle(.enter)
    play.handle(.character("m"))
    #expect(play.model.name == "uniform")
    play.handle(.character("m"))
    #expect(play.model.name == "cycle")
    play.handle(.character("1"))
    #expect(play.promptText == "ab")
    play.handle(.character("c"))
    #expect(play.promptText.isEmpty)
    #expect(!play.isFinished)
    play.handle(.character("q"))
    #expect(play.isFinished)
  }

  @Test func samplingIsSeededAndStaysInTheVocabulary() {
    var first = session()
    var second = session()
    for key in [Key.enter, .character("S")] {
      first.handle(key)
      second.handle(key)
    }
    while first.queued > 0 { first.generateQueued() }
    while second.queued > 0 { second.generateQueued() }
    #expect(first.promptText.count == 40)
    #expect(first.promptText == second.promptText)
    #expect(first.promptText.allSatisfy { "ab ".contains($0) })
  }

  @Test func screenShowsPromptBarsAndEntropyWithinTheWidth() {
    var play = session()
    for key in keys("ab") { play.handle(key) }
    let lines = PlayScreen.lines(for: play, width: 60, style: .plain)
    #expect(lines.contains("prompt: \"ab\"▏   (typing)"))
    #expect(lines.contains { $0.hasPrefix("temperature 1.0 · entropy 1.37 bits") })
    #expect(lines.contains { $0.hasPrefix("  ␣ ") && $0.hasSuffix(" 60.0%") })
    for line in lines { #expect(line.count <= 60, "too wide: \(line)") }
  }

  @Test func mathHelpers() {
    #expect(NextCharacterMath.tempered([0.5, 0.5], temperature: 0.1) == [0.5, 0.5])
    let sharp = NextCharacterMath.tempered([0.6, 0.4], temperature: 0.5)
    #expect(abs(sharp[0] - 0.36 / 0.52) < 1e-12)
    #expect(NextCharacterMath.entropyBits([0.25, 0.25, 0.25, 0.25]) == 2)
    #expect(NextCharacterMath.top(2, of: [0.1, 0.3, 0.3, 0.3]) == [1, 2])
    #expect(Categorical.argmax([0.1, 0.3, 0.3]) == 1)
  }
}

/// The play screen at the widths (issue 13): every preset is listed and no line is wider than the screen.
@Suite struct PlayScreenWidthTests {
  @Test(arguments: [80, 60])
  func thePresetListFits(width: Int) {
    var play = PlaySession(models: [UniformModel()], presets: PlayModels.presets, top: 3)
    play.handle(.enter)
    let lines = PlayScreen.lines(for: play, width: width, style: .plain)
    for line in lines { #expect(displayWidth(line) <= width, "too wide at \(width): \(line)") }
    let text = lines.joined(separator: "\n").replacingOccurrences(of: "\u{A0}", with: " ")
    for (index, preset) in PlayModels.presets.prefix(9).enumerated() {
      #expect(text.contains("\(index + 1) \(preset)"), "preset \(preset) missing at \(width)")
    }
  }

  @Test func barsAreProportionalToTheProbability() throws {
    let play = PlaySession(models: [UniformModel()], presets: [], top: 3)
    let lines = PlayScreen.bars(try play.distribution(), model: UniformModel(), top: 3, width: 80, style: .plain)
    // A third each: a third of the bar's 50 columns, not a full bar because it is the largest.
    for line in lines { #expect(line.filter { $0 == "█" }.count == 16, "\(line)") }
  }
}

/// `lesson play`'s n-grams are the pretraining lesson's: counted on the same training split, so
/// the bars after "To be" show the probabilities the lesson prints.
@Suite struct PlayModelsMatchTheLessonTests {
  @Test func theTrigramAfterToBeIsTheLessons() throws {
    let played = try #require(try PlayModels.ngrams().compactMap { $0 as? NGramCharacterModel }.first { $0.name == "trigram" })
    let data = try CharDataset(text: Corpus.shakespeare)
    let lesson = try NGramModel(order: 3, dataset: data)
    let expected = try lesson.distribution(after: try data.tokenizer.encode("be"))
    #expect(try played.distribution(after: Array("To be".unicodeScalars)) == expected)
  }
}
