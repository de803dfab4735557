import Foundation
import LessonBundles
import LessonWidgets
import LessonKit
import Pretraining
import Testing

/// The next-character widget in headless Chromium, against Swift on the same models: the
/// n-grams of `lesson play` and a small MiniGPT read from a checkpoint file.
@Suite(.serialized, .enabled(if: Browser.isAvailable, "chromium and chromedriver are missing (make test installs them)"))
struct WidgetBrowserTests {
  /// A MiniGPT with weights far from its initialization (so its distributions are far from
  /// uniform), written to a checkpoint file and read back both ways.
  static func checkpoint() throws -> URL {
    let tokenizer = try CharTokenizer(text: Corpus.shakespeare)
    let config = try MiniGPTConfig(
      vocabSize: tokenizer.vocabularySize, contextLength: 12, embeddingSize: 16, layerCount: 2, headCount: 2)
    let model = try MiniGPT(config: config, seed: 7)
    var generator = SeededGenerator(seed: 11)
    try model.loadParameters((0..<model.parameterCount).map { _ in generator.normal() })
    let url = URL(fileURLWithPath: try PageTestSupport.scratch("checkpoint") + "/tiny.safetensors")
    try ModelCheckpoint(model: model, tokenizer: tokenizer, step: 0).write(to: url)
    return url
  }

  /// The widget page for the play models plus the checkpoint's MiniGPT, and the Swift models.
  static func page() throws -> (url: URL, ngrams: [NGramCharacterModel], minigpt: MiniGPTCharacterModel) {
    let checkpointURL = try checkpoint()
    let ngrams = try PlayModels.ngrams().compactMap { $0 as? NGramCharacterModel }
    let minigpt = try MiniGPTCharacterModel(checkpoint: checkpointURL)
    let exported = try NextCharacterWidget.model(ModelCheckpoint.read(from: checkpointURL), summary: "tiny test model")
    let widget = try NextCharacterWidget.widget(models: ngrams.map(NextCharacterWidget.model) + [exported])
    let path = try PageTestSupport.scratch("widget") + "/widget.html"
    try HTMLSite.widgetPage(widget, title: "Next character", introduction: "test page").write(
      toFile: path, atomically: true, encoding: .utf8)
    return (URL(fileURLWithPath: path), ngrams, minigpt)
  }

  /// The bars as the page shows them: character, probability, bar width, printed value.
  static func bars(_ browser: Browser) async throws -> [(char: String, p: Double, width: String, value: String, label: String)] {
    let rows = try await browser.run("""
      return Array.from(document.querySelectorAll(".bars .bar")).map(function (b) {
        return [b.dataset.char, b.dataset.probability, b.querySelector(".bar-fill").style.width,
                b.querySelector(".bar-value").textContent, b.querySelector(".bar-char").textContent];
      });
      """) as? [[String]] ?? []
    return rows.map { ($0[0], Double($0[1]) ?? .nan, $0[2], $0[3], $0[4]) }
  }

  /// Swift's top bars for `model` after `prompt` at `temperature`, as (character, probability).
  static func swiftBars(_ model: any NextCharacterModel, _ prompt: String, temperature: Double, top: Int = 10) throws
    -> [(char: String, p: Double)]
  {
    let p = NextCharacterMath.tempered(try model.distribution(after: Array(prompt.unicodeScalars)), temperature: temperature)
    return NextCharacterMath.top(top, of: p).map { (String(model.vocabulary[$0]), p[$0]) }
  }

  static func expectSame(
    _ page: [(char: String, p: Double, width: String, value: String, label: String)], _ swift: [(char: String, p: Double)],
    tolerance: Double, _ what: String
  ) {
    #expect(page.count == swift.count, "\(what): \(page.count) bars, Swift has \(swift.count)")
    for (shown, expected) in zip(page, swift) {
      #expect(shown.char == expected.char, "\(what): bar '\(shown.char)' where Swift has '\(expected.char)'")
      #expect(abs(shown.p - expected.p) <= tolerance, "\(what) '\(expected.char)': page \(shown.p), Swift \(expected.p)")
      // Absolute scale: a bar's width is its probability of the full track.
      #expect(abs((Double(shown.width.dropLast()) ?? -1) - 100 * expected.p) < 0.01, "\(what): width \(shown.width)")
    }
  }

  static func setPrompt(_ browser: Browser, _ text: String) async throws {
    // Cleared as a reader would (select all, delete), so the page sees its input events; then typed.
    try await browser.run("""
      var prompt = document.querySelector('.prompt');
      prompt.focus(); prompt.select();
      """)
    try await browser.type(".prompt", "\u{E017}")
    if !text.isEmpty { try await browser.type(".prompt", text) }
    let value = try await browser.run("return document.querySelector('.prompt').value") as? String
    #expect(value == text, "typing gave \(value ?? "nil")")
  }

  @Test func opensOnToBeWithTheTrigramAsLessonPlayShowsIt() async throws {
    let (url, ngrams, _) = try Self.page()
    let play = try PageTestSupport.lesson(["play", "--prompt", "To be", "--model", "trigram"])
    #expect(play.status == 0, "lesson play failed: \(play.stderr)")
    // `  e ███…  31.2%`: the label, the bar, the percentage.
    let printed = play.stdout.split(separator: "\n").filter { $0.hasSuffix("%") && $0.hasPrefix("  ") }.map { line in
      let words = line.split(separator: " ")
      return (label: String(words.first ?? ""), value: String(words.last ?? ""))
    }
    #expect(printed.count == 10, "lesson play printed: \(play.stdout)")
    try await PageTestSupport.withBrowser { browser in
      try await browser.open(url)
      try await browser.wait(until: "return document.querySelector('section.widget').dataset.ready === 'true'")
      let state = try await browser.run(
        "var r = document.querySelector('section.widget'); return [r.dataset.model, r.dataset.temperature, r.querySelector('.prompt').value];")
        as? [String]
      #expect(state == ["trigram", "1", "To be"])
      let bars = try await Self.bars(browser)
      Self.expectSame(bars, try Self.swiftBars(ngrams[1], "To be", temperature: 1), tolerance: 1e-12, "trigram after To be")
      #expect(bars.map(\.label) == printed.map(\.label), "labels: page \(bars.map(\.label)), play \(printed.map(\.label))")
      #expect(bars.map { $0.value.trimmingCharacters(in: .whitespaces) } == printed.map(\.value))
      try await PageTestSupport.checkScreenshot(browser, name: "widget")
    }
  }

  @Test func typingAndTheTemperatureMoveTheBarsAsSwiftComputesThem() async throws {
    let (url, ngrams, _) = try Self.page()
    try await PageTestSupport.withBrowser { browser in
      try await browser.open(url)
      try await browser.wait(until: "return document.querySelector('section.widget').dataset.ready === 'true'")
      try await Self.setPrompt(browser, "What is")
      let typed = try await Self.bars(browser)
      Self.expectSame(typed, try Self.swiftBars(ngrams[1], "What is", temperature: 1), tolerance: 1e-12, "trigram after What is")
      // The slider by keyboard: five steps of 0.1 up, then the bigram.
      try await browser.type(".temperature", String(repeating: "\u{E014}", count: 5))
      let temperature = try await browser.run("return document.querySelector('.temperature').value") as? String
      #expect(temperature == "1.5")
      let warm = try await Self.bars(browser)
      #expect(warm.map(\.p) != typed.map(\.p), "moving the temperature did not change the bars")
      Self.expectSame(warm, try Self.swiftBars(ngrams[1], "What is", temperature: 1.5), tolerance: 1e-12, "trigram at 1.5")
      try await browser.click(".models button:nth-child(1)")
      Self.expectSame(
        try await Self.bars(browser), try Self.swiftBars(ngrams[0], "What is", temperature: 1.5), tolerance: 1e-12, "bigram at 1.5")
      // Preset buttons set the prompt.
      try await browser.click(".presets button:nth-child(3)")
      let prompt = try await browser.run("return document.querySelector('.prompt').value") as? String
      #expect(prompt == PlayModels.presets[2])
    }
  }

  @Test func javaScriptForwardPassMatchesSwiftOnTheSameCheckpoint() async throws {
    let (url, _, minigpt) = try Self.page()
    try await PageTestSupport.withBrowser { browser in
      try await browser.open(url)
      try await browser.wait(until: "return document.querySelector('section.widget').dataset.ready === 'true'")
      try await browser.click(".models button:nth-child(3)")
      // Short, empty, and longer than the context (12): the window slides as in Swift.
      for prompt in ["To be", "What is", "", "Now is the winter of our", "O Romeo"] {
        try await Self.setPrompt(browser, prompt)
        let shown = try await Self.bars(browser)
        let swift = try Self.swiftBars(minigpt, prompt, temperature: 1)
        Self.expectSame(shown, swift, tolerance: 1e-4, "minigpt after \"\(prompt)\"")
        // Far from uniform, so a wrong forward pass could not match by accident.
        #expect((swift.first?.p ?? 0) > 4 / Double(minigpt.vocabulary.count), "the test model is close to uniform")
      }
      try await browser.type(".temperature", String(repeating: "\u{E012}", count: 5))   // down to 0.5
      Self.expectSame(
        try await Self.bars(browser), try Self.swiftBars(minigpt, "O Romeo", temperature: 0.5), tolerance: 1e-4,
        "minigpt at 0.5")
    }
  }

  @Test func greedyContinueAppendsOneCharacterAtATimeAndSampleDrawsAsSwift() async throws {
    let (url, ngrams, _) = try Self.page()
    let trigram = ngrams[1]
    try await PageTestSupport.withBrowser { browser in
      try await browser.open(url)
      try await browser.wait(until: "return document.querySelector('section.widget').dataset.ready === 'true'")
      try await browser.run("""
        var root = document.querySelector('section.widget'), prompt = root.querySelector('.prompt');
        window.lengths = [];
        new MutationObserver(function () { window.lengths.push(prompt.value.length); })
          .observe(root.querySelector('.bars'), { childList: true });
        """)
      try await browser.click(".greedy")
      try await browser.wait(until: "return document.querySelector('section.widget').dataset.running === 'false'")
      var lengths = try await browser.run("return window.lengths") as? [Int] ?? []
      lengths = lengths.reduce(into: [Int]()) { if $0.last != $1 { $0.append($1) } }
      #expect(lengths == Array(6...65), "the prompt grew as \(lengths), not one character at a time")
      // The text is Swift's greedy continuation.
      var expected = "To be"
      for _ in 0..<60 {
        let p = try trigram.distribution(after: Array(expected.unicodeScalars))
        expected.unicodeScalars.append(trigram.vocabulary[Categorical.argmax(p)])
      }
      let text = try await browser.run("return document.querySelector('.prompt').value") as? String
      #expect(text == expected)
      // Sampling: SplitMix64 seeded 1337, the draws of Categorical.draw.
      try await Self.setPrompt(browser, "To be")
      try await browser.click(".sample")
      try await browser.wait(until: "return document.querySelector('section.widget').dataset.running === 'false'")
      var generator = SplitMix64(seed: 1337)
      var sampled = "To be"
      for _ in 0..<60 {
        let p = try trigram.distribution(after: Array(sampled.unicodeScalars))
        sampled.unicodeScalars.append(trigram.vocabulary[Categorical.draw(from: p, using: &generator, total: p.reduce(0, +))])
      }
      let drawn = try await browser.run("return document.querySelector('.prompt').value") as? String
      #expect(drawn == sampled)
      #expect(drawn != text, "sampling gave the greedy text")
    }
  }
}
