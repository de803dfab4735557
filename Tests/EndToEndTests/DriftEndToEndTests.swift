import Foundation
import Testing

/// `lesson lint` flags a changed snippet and `lesson sync` repairs it, in a throwaway package.
@Suite struct DriftEndToEndTests {
  static let source = """
    enum Demo {
      static func numbers() -> [Int] {
        // lesson:begin selftest-make-range
        let numbers = Array(1...100)
        context[rangeKey] = numbers
        // lesson:end
      }
    }
    """
  static let lesson = """
    # Drift demo

    ```swift step=selftest-make-range
    let numbers = Array(1...99)
    context[rangeKey] = numbers
    ```

    The sum is [5,050](check:selftest-sum-of-range).
    """

  private func makePackage() throws -> String {
    let root = NSTemporaryDirectory() + "lesson-drift-\(UUID().uuidString)"
    let fm = FileManager.default
    try fm.createDirectory(atPath: root + "/Sources/Demo", withIntermediateDirectories: true)
    try fm.createDirectory(atPath: root + "/Lessons", withIntermediateDirectories: true)
    try "// swift-tools-version: 6.0\n".write(toFile: root + "/Package.swift", atomically: true, encoding: .utf8)
    try Self.source.write(toFile: root + "/Sources/Demo/Demo.swift", atomically: true, encoding: .utf8)
    try Self.lesson.write(toFile: root + "/Lessons/00_drift.md", atomically: true, encoding: .utf8)
    return root
  }

  @Test func lintFlagsDriftAndSyncRepairsIt() throws {
    let root = try makePackage()
    defer { try? FileManager.default.removeItem(atPath: root) }

    let lint = try LessonBinary.runTestbed(["lint", "drift"], in: root)
    #expect(lint.status == 1)
    #expect(lint.stdout.contains("Lessons/00_drift.md:3: error: step 'selftest-make-range' differs from its source region"))
    #expect(lint.stdout.contains("- let numbers = Array(1...99)"))
    #expect(lint.stdout.contains("+ let numbers = Array(1...100)"))

    let dryRun = try LessonBinary.runTestbed(["sync", "drift", "--check"], in: root)
    #expect(dryRun.status == 1)
    #expect(dryRun.stdout.contains("would update step 'selftest-make-range'"))
    #expect(try String(contentsOfFile: root + "/Lessons/00_drift.md", encoding: .utf8) == Self.lesson)

    let sync = try LessonBinary.runTestbed(["sync", "drift"], in: root)
    #expect(sync.status == 0)
    #expect(sync.stdout.contains("updated step 'selftest-make-range'"))
    let repaired = try String(contentsOfFile: root + "/Lessons/00_drift.md", encoding: .utf8)
    #expect(repaired == Self.lesson.replacingOccurrences(of: "1...99", with: "1...100"))

    let relint = try LessonBinary.runTestbed(["lint", "drift"], in: root)
    #expect(relint.status == 0, "\(relint.stdout)")
    #expect(try LessonBinary.runTestbed(["sync", "drift", "--check"], in: root).status == 0)
    #expect(try LessonBinary.runTestbed(["check", "drift"], in: root).lastLine == "2 passed, 0 failed")
  }

  @Test func stepWithoutRegionIsALintError() throws {
    let root = try makePackage()
    defer { try? FileManager.default.removeItem(atPath: root) }
    try "// no markers\n".write(toFile: root + "/Sources/Demo/Demo.swift", atomically: true, encoding: .utf8)
    let lint = try LessonBinary.runTestbed(["lint", "drift"], in: root)
    #expect(lint.status == 1)
    #expect(lint.stdout.contains("Lessons/00_drift.md:3: error: step 'selftest-make-range' has no source region"))
  }
}
