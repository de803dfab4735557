import Foundation
import LessonKit
import Testing

@Suite struct KindMismatchTests {
  private let registry = {
    try Registry(bundles: [LessonBundle(name: "k") {
      measuring("vocab", .number(61))
      measuring("causal", .boolean(true, detail: "every future logit unchanged"))
    }])
  }

  private func claimResult(_ markdown: String) throws -> CheckResult {
    let lesson = Lesson.parse(markdown, file: "k.md")
    let runner = LessonRunner(lesson: lesson, registry: try registry(), context: StepContext())
    return runner.evaluateClaim(at: 0)
  }

  @Test func aNumberSpelledInWordsIsNamedAndTheFixUsesTheComputedValue() throws {
    let result = try claimResult("# K\n\nThe corpus has [sixty-one](check:vocab) characters.\n")
    #expect(result.status == .misbound)
    let message = try #require(result.message)
    #expect(message.contains("spells it in words (sixty one)"))
    #expect(message.contains("[61](check:vocab)"))
    #expect(message.contains(".boolean("))
  }

  @Test func aStatementWithoutNumberWordsGetsTheGeneralFix() throws {
    let message = try #require(try claimResult("# K\n\n[Many characters](check:vocab).\n").message)
    #expect(message.contains("holds no number to compare it with"))
    #expect(message.contains("[61](check:vocab)"))
  }

  @Test func aToleranceOnABooleanCheckIsNamed() throws {
    let result = try claimResult("# K\n\nThe mask holds [in 100% of cases](check:causal \"tol=5%\").\n")
    #expect(result.status == .misbound)
    let message = try #require(result.message)
    #expect(message.contains("returns true or false"))
    #expect(message.contains("its tolerance"))
    #expect(message.contains("[the total grows](check:causal)"))
    #expect(message.contains(".number("))
  }

  @Test func aNumberOnABooleanCheckWithoutToleranceSaysSo() throws {
    let message = try #require(try claimResult("# K\n\n[3 times](check:causal).\n").message)
    #expect(message.contains("move the number out of the link text"))
    #expect(!message.contains("tolerance"))
  }

  @Test func checkExitsTwoOnAKindMismatch() throws {
    let root = NSTemporaryDirectory() + "kind-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: root + "/Lessons", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: root) }
    try "# K\n\n[sixty-one](check:vocab) and [in 100% of cases](check:causal \"tol=5%\").\n"
      .write(toFile: root + "/Lessons/00_k.md", atomically: true, encoding: .utf8)
    var out = ""
    let env = CommandEnvironment(
      out: { out += $0 }, err: { _ in }, outStyle: .plain, errStyle: .plain, width: 80,
      locator: LessonLocator(lessonsDirectory: root + "/Lessons"), isInteractive: false, errIsTTY: false)
    #expect(CheckCommand.run(env, options: uncached(["k"]), registry: registry) == 2)
    #expect(out.components(separatedBy: "BIND-ERROR").count == 3)
  }

  @Test func numberWords() {
    #expect(KindMismatch.numberWords(in: "About Two thousand, or twice that") == ["two", "thousand", "twice"])
    #expect(KindMismatch.numberWords(in: "the mask is causal").isEmpty)
  }
}
