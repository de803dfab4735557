import Foundation
import Testing

/// The fine-tuning lesson's figures are load-bearing too: move any of them and `lesson check` fails.
@Suite struct SFTLessonTests {
  @Test func everyWrittenFigureIsCheckedAgainstTheImplementation() throws {
    let path = LessonBinary.packageRoot.appendingPathComponent("Lessons/01_sft.md").path
    let original = try String(contentsOfFile: path, encoding: .utf8)
    let written = try PretrainLessonTests.claims(in: original)
    let figures = written.filter { $0.mutated != nil }
    #expect(figures.count >= 12, "the lesson should make at least 12 numeric claims; found \(figures.count)")

    var mutatedLesson = original
    for claim in figures {
      let mutated = try #require(claim.mutated)
      let range = try #require(mutatedLesson.range(of: "[\(claim.text)](check:\(claim.id)"), "claim \(claim.id) not found verbatim")
      mutatedLesson.replaceSubrange(range, with: "[\(mutated)](check:\(claim.id)")
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sft-mutated-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let copy = directory.appendingPathComponent("01_sft.md")
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
      let expected = claim.mutated == nil ? "pass" : "fail"
      #expect(result["status"] as? String == expected, "claim '\(claim.id)' (\(claim.text) → \(claim.mutated ?? "unchanged"))")
    }
  }
}
