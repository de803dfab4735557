import Foundation
import LessonKit
import Testing

@Suite struct WatchTests {
  private func result(_ id: String, _ status: CheckResult.Status, line: Int = 3) -> CheckResult {
    CheckResult(kind: .claim, id: id, file: "t.md", line: line, status: status, claimed: nil, computed: nil, message: nil, seconds: 0)
  }

  @Test func onlyStatusChangesAndNewResultsCount() {
    let old = [result("a", .passed), result("b", .passed), result("c", .failed)]
    let new = [result("a", .passed, line: 9), result("b", .failed), result("d", .passed)]
    let changes = StatusChanges.between(old, new)
    #expect(changes.changed.map(\.id) == ["b", "d"])
    #expect(changes.removed == ["claim c"])
  }

  @Test func aRepeatedClaimIsMatchedByOccurrence() {
    let old = [result("a", .passed), result("a", .passed)]
    let new = [result("a", .passed), result("a", .failed)]
    #expect(StatusChanges.between(old, new).changed.count == 1)
    #expect(StatusChanges.between(old, [result("a", .passed)]).removed == ["claim a"])
  }

  /// Runs watch mode in-process: the first check prints everything; an edit that breaks one claim
  /// prints that claim alone and the new totals; then the loop stops.
  @Test func printsEverythingFirstThenOnlyWhatChanged() throws {
    let root = NSTemporaryDirectory() + "watch-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: root + "/Lessons", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: root) }
    let path = root + "/Lessons/00_t.md"
    try "# T\n\nSeven is [7](check:seven) and three is [3](check:three).\n".write(toFile: path, atomically: true, encoding: .utf8)
    var out = ""
    let env = CommandEnvironment(
      out: { out += $0 }, err: { _ in }, outStyle: .plain, errStyle: .plain, width: 80,
      locator: LessonLocator(lessonsDirectory: root + "/Lessons"), isInteractive: false, errIsTTY: false)
    let registry = {
      try Registry(bundles: [LessonBundle(name: "t") {
        measuring("seven", .number(7))
        measuring("three", .number(3))
      }])
    }
    var polls = 0
    let status = WatchCommand.run(env, options: uncached(["t"]), registry: registry, interval: 0.01) {
      polls += 1
      if polls == 1 {
        // Edit the prose above the claims and break one of them.
        try? "# T\n\nMore prose.\n\nSeven is [7](check:seven) and three is [4](check:three).\n"
          .write(toFile: path, atomically: true, encoding: .utf8)
      }
      return polls > 2
    }
    #expect(status == 0)
    let lines = out.split(separator: "\n").map(String.init)
    let afterChange = try #require(lines.firstIndex { $0.hasSuffix("changed; checking again") })
    #expect(lines[..<afterChange].contains("2 passed, 0 failed"))
    let changed = Array(lines[(afterChange + 1)...])
    #expect(changed.count == 2, "\(changed)")
    #expect(changed.first?.hasSuffix("00_t.md:5 three FAIL (claimed 4, computed 3)") == true)
    #expect(changed.last == "1 passed, 1 failed")
  }

  @Test func watchingSeveralLessonsIsRefused() {
    var err = ""
    let env = CommandEnvironment(
      out: { _ in }, err: { err += $0 }, outStyle: .plain, errStyle: .plain, width: 80,
      locator: LessonLocator(lessonsDirectory: "/nonexistent"), isInteractive: false, errIsTTY: false)
    let status = WatchCommand.run(
      env, options: uncached(["a", "b"]), registry: { try Registry(bundles: []) }, shouldStop: { true })
    #expect(status == 2)
    #expect(err.contains("--watch follows one lesson"))
  }
}
