import Foundation
import Testing

/// The pretraining lesson's claims are load-bearing: change any written figure and `lesson check` fails.
@Suite struct PretrainLessonTests {
  static var lessonPath: String {
    LessonBinary.packageRoot.appendingPathComponent("Lessons/00_pretrain.md").path
  }

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
    let range = NSRange(prose.startIndex..., in: prose)
    return pattern.matches(in: prose, range: range).map { match in
      let text = String(prose[Range(match.range(at: 1), in: prose)!])
      let id = String(prose[Range(match.range(at: 2), in: prose)!])
      return WrittenClaim(id: id, text: text, mutated: mutate(text))
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

  @Test func everyWrittenFigureIsCheckedAgainstTheImplementation() throws {
    let original = try String(contentsOfFile: Self.lessonPath, encoding: .utf8)
    let written = try Self.claims(in: original)
    let figures = written.filter { $0.mutated != nil }
    #expect(figures.count >= 30, "the lesson should make at least 30 numeric claims; found \(figures.count)")

    var mutatedLesson = original
    for claim in figures {
      let before = "[\(claim.text)](check:\(claim.id)"
      let after = "[\(claim.mutated!)](check:\(claim.id)"
      let range = try #require(mutatedLesson.range(of: before), "claim \(claim.id) not found verbatim")
      mutatedLesson.replaceSubrange(range, with: after)
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lesson-mutated-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let copy = directory.appendingPathComponent("00_pretrain.md")
    try mutatedLesson.write(to: copy, atomically: true, encoding: .utf8)

    let output = try LessonBinary.run(["check", "--format", "json", copy.path], in: LessonBinary.packageRoot.path)
    #expect(output.status == 1, "a lesson with wrong figures must fail: \(output.stderr)")
    let report = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
    let lessons = try #require(report["lessons"] as? [[String: Any]])
    let results = try #require(lessons.first?["results"] as? [[String: Any]])
    let claimResults = results.filter { ($0["kind"] as? String) == "claim" }
    try #require(claimResults.count == written.count, "one result per written claim")

    for (claim, result) in zip(written, claimResults) {
      #expect(result["id"] as? String == claim.id)
      let status = result["status"] as? String
      if claim.mutated != nil {
        #expect(status == "fail", "changing \(claim.text) to \(claim.mutated!) did not fail check '\(claim.id)'")
      } else {
        #expect(status == "pass", "statement claim '\(claim.id)' should still pass")
      }
    }
  }
}
