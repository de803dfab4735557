import Foundation
import Testing

/// A lesson's figures are load-bearing: move any written number and `lesson check` fails.
@Suite struct ClaimMutationTests {
  /// One claim found in the Markdown, in document order.
  struct WrittenClaim {
    var id: String
    var text: String
    var mutated: String?
  }

  /// Finds every `[text](check:id …)` link, outside code blocks.
  static func claims(in markdown: String) throws -> [WrittenClaim] {
    var prose = ""
    var inFence = false
    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("```") { inFence.toggle(); prose += "\n"; continue }
      prose += (inFence ? "" : line) + "\n"
    }
    let pattern = try NSRegularExpression(pattern: #"\[([^\]]*)\]\(check:([^\s\)]+)"#)
    return pattern.matches(in: prose, range: NSRange(prose.startIndex..., in: prose)).compactMap { match in
      guard let text = Range(match.range(at: 1), in: prose), let id = Range(match.range(at: 2), in: prose) else {
        return nil
      }
      return WrittenClaim(id: String(prose[id]), text: String(prose[text]), mutated: mutate(String(prose[text])))
    }
  }

  /// Moves the first digit of a figure by five (4.11 → 9.11, 2,048 → 7,048): far outside any tolerance.
  static func mutate(_ text: String) -> String? {
    guard let index = text.firstIndex(where: { $0.isASCII && $0.isNumber }), let digit = text[index].wholeNumberValue else {
      return nil
    }
    var changed = text
    changed.replaceSubrange(index...index, with: String((digit + 5) % 10))
    return changed
  }

  @Test(arguments: [("Lessons/00_pretrain.md", 30), ("Lessons/01_sft.md", 12), ("Lessons/02_dpo.md", 30)])
  func everyWrittenFigureIsCheckedAgainstTheImplementation(lesson: String, minimumFigures: Int) throws {
    let path = LessonBinary.packageRoot.appendingPathComponent(lesson).path
    let original = try String(contentsOfFile: path, encoding: .utf8)
    let written = try Self.claims(in: original)
    let figures = written.filter { $0.mutated != nil }
    #expect(figures.count >= minimumFigures, "\(lesson) should make at least \(minimumFigures) numeric claims; found \(figures.count)")

    var mutatedLesson = original
    for claim in figures {
      let mutated = try #require(claim.mutated)
      let range = try #require(mutatedLesson.range(of: "[\(claim.text)](check:\(claim.id)"), "claim \(claim.id) not found verbatim")
      mutatedLesson.replaceSubrange(range, with: "[\(mutated)](check:\(claim.id)")
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lesson-mutated-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let copy = directory.appendingPathComponent(URL(fileURLWithPath: lesson).lastPathComponent)
    try mutatedLesson.write(to: copy, atomically: true, encoding: .utf8)

    // Only prose changed, so the steps may replay from `make test`'s cold check of the real lessons.
    let output = try LessonBinary.run(
      ["check", "--format", "json", copy.path], in: LessonBinary.packageRoot.path, environment: LessonBinary.sharedCache)
    #expect(output.status == 1, "a lesson with wrong figures must fail: \(output.stderr)")
    let report = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
    let lessons = try #require(report["lessons"] as? [[String: Any]])
    let results = try #require(lessons.first?["results"] as? [[String: Any]])
    // A claim restating a setting is reported as a "setting" and must fail when moved, too.
    let claimResults = results.filter { ["claim", "setting"].contains($0["kind"] as? String) }
    try #require(claimResults.count == written.count, "one result per written claim")
    for (claim, result) in zip(written, claimResults) {
      #expect(result["id"] as? String == claim.id)
      let expected = claim.mutated == nil ? "pass" : "fail"
      #expect(result["status"] as? String == expected, "claim '\(claim.id)' (\(claim.text) → \(claim.mutated ?? "unchanged"))")
    }
  }
}
