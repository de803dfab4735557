import Foundation
import Testing

/// `lesson run` and `lesson play` on a real terminal (tmux), and their plain forms when piped.
@Suite(.enabled(if: TmuxSession.isAvailable, "tmux is not installed (make test installs it); interactive tests skipped"))
struct InteractiveEndToEndTests {
  @Test func runPausesAtAStepRunsItOnEnterQuitsAndResumesThere() throws {
    let state = TemporaryStateHome()
    defer { state.remove() }
    do {
      let session = try TmuxSession(["run", "selftest"], binary: LessonBinary.testbedPath, environment: state.environment)
      defer { session.kill() }
      let paused = try #require(session.waitFor("┌ step selftest-make-range", "⏎ run · s skip"))
      #expect(paused.contains("Engine self-test · section 1/2: Building a range · claims passed 0/7"))
      #expect(!paused.contains("Built the numbers"))
      try session.send("Enter")
      let ran = try #require(session.waitFor("Built the numbers 1 through 100.", "⏎ next section"))
      #expect(ran.contains("5,050\u{A0}✓"))
      try session.send("Enter")
      let second = try #require(session.waitFor("┌ step selftest-squares", "⏎ run"))
      #expect(second.contains("section 2/2: Squares · claims passed 4/7"))
      try session.send("q")
      let quit = try #require(session.waitFor("EXIT=", "TTY="))
      #expect(quit.contains("EXIT=0"))
      #expect(quit.contains("TTY=icanon echo"))
      #expect(quit.contains("stopped at step 'selftest-squares' of section 2/2"))
    }
    #expect(state.progressFiles.count == 1)

    let resumed = try TmuxSession(["run", "selftest", "--resume"], binary: LessonBinary.testbedPath, environment: state.environment)
    defer { resumed.kill() }
    let screen = try #require(resumed.waitFor("resumed at section 2 of 2", "┌ step selftest-squares", "⏎ run"))
    #expect(!screen.contains("We build the numbers"))
    try resumed.send("Enter")
    // The step needs the range built in section 1: it is rebuilt quietly first.
    #expect(resumed.waitFor("largest square: 10,000") != nil)
    try resumed.send("q")
    #expect(resumed.waitFor("EXIT=0", "TTY=icanon echo") != nil)
  }

  @Test func ctrlCRestoresTheTerminalAndExits130() throws {
    let state = TemporaryStateHome()
    defer { state.remove() }
    let session = try TmuxSession(["run", "selftest"], binary: LessonBinary.testbedPath, environment: state.environment)
    defer { session.kill() }
    #expect(session.waitFor("⏎ run · s skip") != nil)
    try session.send("C-c")
    let screen = try #require(session.waitFor("EXIT=", "TTY="))
    #expect(screen.contains("EXIT=130"))
    #expect(screen.contains("TTY=icanon echo"))
  }

  @Test func skipListAndBackAtAStep() throws {
    let state = TemporaryStateHome()
    defer { state.remove() }
    let session = try TmuxSession(["run", "selftest"], binary: LessonBinary.testbedPath, environment: state.environment)
    defer { session.kill() }
    #expect(session.waitFor("⏎ run · s skip") != nil)
    try session.send("s")
    // Claims resting on the skipped step stay unchecked instead of running it.
    let skipped = try #require(session.waitFor("(skipped)", "⏎ next section"))
    #expect(skipped.contains("5,050\u{A0}○"))
    try session.send("l")
    let list = try #require(session.waitFor("Sections", "⏎ open · Esc back"))
    #expect(list.contains("1. Building a range  done"))
    #expect(list.contains("2. Squares  not run"))
    try session.send("x")
    try session.send("Escape")
    #expect(session.waitFor("⏎ next section") != nil)
    try session.send("Enter")
    #expect(session.waitFor("section 2/2: Squares", "⏎ run") != nil)
    try session.send("b")
    #expect(session.waitFor("section 1/2: Building a range", "┌ step selftest-make-range") != nil)
    try session.send("q")
    #expect(session.waitFor("EXIT=0") != nil)
  }

  /// Runs the self-test lesson, quits at its first step, and returns the progress file that saved.
  private func progressSavedAtTheFirstStep(_ state: TemporaryStateHome) throws -> String {
    do {
      let session = try TmuxSession(["run", "selftest"], binary: LessonBinary.testbedPath, environment: state.environment)
      defer { session.kill() }
      #expect(session.waitFor("⏎ run · s skip") != nil)
      try session.send("q")
      #expect(session.waitFor("EXIT=0") != nil)
    }
    return try #require(state.progressFiles.first)
  }

  /// A progress file edited by hand (issue 16: claim #999 and a step "bogus") is checked against the lesson.
  @Test func claimsAndStepsTheLessonDoesNotHaveAreNotCounted() throws {
    let state = TemporaryStateHome()
    defer { state.remove() }
    let file = try progressSavedAtTheFirstStep(state)
    var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
    json["claims"] = ["999": true, "0": false]
    json["steps"] = ["bogus": "failed"]
    try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: file))
    let session = try TmuxSession(["run", "selftest", "--resume"], binary: LessonBinary.testbedPath, environment: state.environment)
    defer { session.kill() }
    let screen = try #require(session.waitFor("ignoring the saved progress", "┌ step selftest-make-range"))
    // Adopted, the file would have shown "claims passed 1/7" (claim #1000 counted) and resumed.
    #expect(screen.contains("claims passed 0/7"), "\(screen)")
    #expect(!screen.contains("resumed at"))
    try session.send("q")
    #expect(session.waitFor("EXIT=0") != nil)
  }

  @Test func aCorruptProgressFileWarnsAndStartsFresh() throws {
    let state = TemporaryStateHome()
    defer { state.remove() }
    let file = try progressSavedAtTheFirstStep(state)
    try "{\"version\": 1, \"section\": ".write(toFile: file, atomically: true, encoding: .utf8)
    let session = try TmuxSession(["run", "selftest", "--resume"], binary: LessonBinary.testbedPath, environment: state.environment)
    defer { session.kill() }
    let screen = try #require(session.waitFor("ignoring the saved progress", "┌ step selftest-make-range"))
    #expect(screen.contains("section 1/2"))
    try session.send("q")
    #expect(session.waitFor("EXIT=0") != nil)
  }

  @Test func playShowsADistributionAndGreedyAppendsTheTopBar() throws {
    let session = try TmuxSession(["play"], in: NSTemporaryDirectory())
    defer { session.kill() }
    #expect(session.waitFor("prompt: \"\"", "next character, top 10:") != nil)
    try session.send("To be", literal: true)
    let typed = try #require(session.waitFor("prompt: \"To be\"", "entropy"))
    let lines = typed.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let header = try #require(lines.firstIndex { $0.hasPrefix("next character, top") })
    let topBar = lines[header + 1].trimmingCharacters(in: .whitespaces)
    let label = String(try #require(topBar.split(separator: " ").first))
    #expect(topBar.hasSuffix("%"))
    try session.send("Enter")
    #expect(session.waitFor("(commands)") != nil)
    try session.send("g")
    let appended = label == "␣" ? " " : label
    #expect(session.waitFor("prompt: \"To be\(appended)\"") != nil, "top bar was '\(label)'")
    try session.send("Right")
    #expect(session.waitFor("temperature 1.1") != nil)
    try session.send("q")
    #expect(session.waitFor("EXIT=0", "TTY=icanon echo") != nil)
  }
}

/// The plain forms: what scripts and CI see.
@Suite struct PipedOutputEndToEndTests {
  @Test func playPrintsTheDistributionAndAGreedyContinuation() throws {
    let output = try LessonBinary.run(["play", "--prompt", "To be", "--top", "5", "--temperature", "1.0", "--greedy", "40"])
    #expect(output.status == 0, "\(output.stderr)")
    #expect(!output.stdout.contains("\u{1B}"))
    let lines = output.stdout.split(separator: "\n").map(String.init)
    #expect(lines[0].hasPrefix("model: trigram"))
    #expect(lines[1] == "prompt: \"To be\"")
    #expect(lines[2].hasPrefix("temperature 1.0 · entropy "))
    #expect(lines[3] == "next character, top 5:")
    let bars = Array(lines[4..<9])
    #expect(bars.allSatisfy { $0.hasSuffix("%") })
    #expect(lines[9] == "greedy continuation (40 characters):")
    let continuation = lines[10]
    #expect(continuation.hasPrefix("\"To be"))
    #expect(continuation.count == 2 + 5 + 40)
    // The first greedy character is the top bar's.
    let label = String(bars[0].trimmingCharacters(in: .whitespaces).prefix(1))
    let first = String(continuation.dropFirst(6).prefix(1))
    #expect(first == (label == "␣" ? " " : label))
  }

  @Test func playBigramSamplesReproducibly() throws {
    let arguments = ["play", "--prompt", "What is", "--model", "bigram", "--sample", "30", "--top", "3"]
    let first = try LessonBinary.run(arguments)
    let second = try LessonBinary.run(arguments)
    #expect(first.status == 0)
    #expect(first.stdout == second.stdout)
    #expect(first.stdout.contains("model: bigram"))
    #expect(first.stdout.contains("sampled continuation (30 characters, seed 1337):"))
  }

  @Test func playRefusesUnknownCharactersAndBadOptionsClearly() throws {
    let unknown = try LessonBinary.run(["play", "--prompt", "To bé"])
    #expect(unknown.status == 1)
    #expect(unknown.stderr.contains("'é' (U+00E9) is not in the trigram model's vocabulary"))
    let hot = try LessonBinary.run(["play", "--prompt", "To", "--temperature", "5"])
    #expect(hot.status == 2)
    #expect(hot.stderr.contains("between 0.1 and 3.0"))
    let model = try LessonBinary.run(["play", "--prompt", "To", "--model", "gpt9"])
    #expect(model.status == 2)
    #expect(model.stderr.contains("choose one of: bigram, trigram"))
  }

  @Test func playReadsACorpusFile() throws {
    let path = NSTemporaryDirectory() + "corpus-\(UUID().uuidString).txt"
    try "abababababab abab".write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let output = try LessonBinary.run(["play", "--corpus", path, "--prompt", "ab", "--greedy", "4", "--top", "2"])
    #expect(output.status == 0, "\(output.stderr)")
    #expect(output.stdout.contains("3 characters, counted on the training split of corpus-"))
    #expect(output.stdout.contains("\"ababab\""))
  }

  @Test func pipedRunHasNoEscapesAndIgnoresResume() throws {
    let plain = try LessonBinary.runTestbed(["run", "selftest"])
    let resumed = try LessonBinary.runTestbed(["run", "selftest", "--resume"])
    #expect(!plain.stdout.contains("\u{1B}"))
    #expect(!plain.stderr.contains("\u{1B}"))
    #expect(resumed.stdout == plain.stdout)
    #expect(resumed.stderr.contains("--resume applies on a terminal"))
  }
}
