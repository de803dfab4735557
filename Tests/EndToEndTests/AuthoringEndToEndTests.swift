import Foundation
import Testing

@Suite struct AuthoringEndToEndTests {
  private var root: String { LessonBinary.packageRoot.path }

  @Test func theRealLessonsAndTheExampleCoverEveryFigure() throws {
    let output = try LessonBinary.run(
      ["lint", "--claims", "Lessons/00_pretrain.md", "Lessons/01_sft.md", "Lessons/02_dpo.md", "Lessons/examples/00_softmax.md"],
      in: root)
    #expect(output.status == 0, "\(output.stdout)")
    #expect(output.lastLine == "0 errors, 0 warnings")
  }

  @Test func lintClaimsReportsAnUncoveredFigureWithItsLine() throws {
    let directory = try temporaryLessons(["00_t.md": "# T\n\nThe selftest sums [5050](check:selftest-sum-of-range).\n\nIt took 12 tries.\n"])
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let output = try LessonBinary.runTestbed(["lint", "--claims", "--lessons-dir", directory, "t"], in: directory)
    #expect(output.status == 1)
    #expect(output.stdout.contains("00_t.md:5: error: figure 12"))
    #expect(output.stdout.contains("12<!-- not-a-claim -->"))
  }

  @Test func theWorkedExamplePasses() throws {
    let output = try LessonBinary.run(["check", "Lessons/examples/00_softmax.md"], in: root)
    #expect(output.status == 0, "\(output.stdout)")
    #expect(output.lastLine == "11 passed, 0 failed")
  }

  @Test func newRefusesABadNameAndExplains() throws {
    let output = try LessonBinary.run(["new", "Bad-Name"], in: root)
    #expect(output.status == 1)
    #expect(output.stderr.contains("cannot name a lesson"))
  }

  @Test func newScaffoldsIntoThePackageAndSaysWhatNext() throws {
    let package = NSTemporaryDirectory() + "new-e2e-\(UUID().uuidString)"
    let fm = FileManager.default
    try fm.createDirectory(atPath: package + "/Lessons", withIntermediateDirectories: true)
    try fm.createDirectory(atPath: package + "/Sources/LessonBundles", withIntermediateDirectories: true)
    defer { try? fm.removeItem(atPath: package) }
    try "// swift-tools-version: 6.0\n".write(toFile: package + "/Package.swift", atomically: true, encoding: .utf8)
    try "# First\n".write(toFile: package + "/Lessons/00_first.md", atomically: true, encoding: .utf8)
    try "public enum AllBundles {\n  public static let list: [LessonBundle] = [\n    A.bundle,\n  ]\n}\n"
      .write(toFile: package + "/Sources/LessonBundles/AllBundles.swift", atomically: true, encoding: .utf8)
    let output = try LessonBinary.run(["new", "my_topic"], in: package)
    #expect(output.status == 0, "\(output.stderr)")
    #expect(output.stdout.contains("swift build -c release"))
    #expect(fm.fileExists(atPath: package + "/Lessons/01_my_topic.md"))
    #expect(fm.fileExists(atPath: package + "/Sources/LessonBundles/MyTopic/MyTopicLesson.swift"))
    let list = try String(contentsOfFile: package + "/Sources/LessonBundles/AllBundles.swift", encoding: .utf8)
    #expect(list.contains("    A.bundle,\n    MyTopicLesson.bundle,\n  ]"))
    let listed = try LessonBinary.run(["list"], in: package)
    #expect(listed.stdout.contains("my_topic"))
  }

  @Test func watchReportsOnlyTheChangeAndStopsCleanlyOnInterrupt() throws {
    let directory = try temporaryLessons(["00_w.md": "# W\n\n[5050](check:selftest-sum-of-range) and [1337](check:selftest-seed).\n"])
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: LessonBinary.testbedPath)
    process.arguments = ["check", "--watch", "--lessons-dir", directory, "w"]
    let outURL = URL(fileURLWithPath: directory + "/out.txt")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = FileHandle.nullDevice
    try process.run()
    func output() -> String { (try? String(contentsOf: outURL, encoding: .utf8)) ?? "" }
    func waitFor(_ text: String) {
      let deadline = Date().addingTimeInterval(20)
      while !output().contains(text), Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
    }
    waitFor("2 passed, 0 failed")
    try "# W\n\n[5050](check:selftest-sum-of-range) and [1338](check:selftest-seed).\n"
      .write(toFile: directory + "/00_w.md", atomically: true, encoding: .utf8)
    waitFor("1 passed, 1 failed")
    process.interrupt()
    process.waitUntilExit()
    #expect(process.terminationStatus == 130, "Ctrl-C ends watching as it ends every command")
    let lines = output().split(separator: "\n").map(String.init)
    let change = try #require(lines.firstIndex { $0.hasSuffix("changed; checking again") })
    #expect(lines[(change + 1)...].first?.hasSuffix("selftest-seed FAIL (claimed 1338, computed 1,337)") == true)
    #expect(lines[(change + 1)...].count == 3, "\(lines)")   // the changed claim, the totals, "stopped watching"
    #expect(lines.last == "stopped watching")
  }

  private func temporaryLessons(_ files: [String: String]) throws -> String {
    let directory = NSTemporaryDirectory() + "authoring-e2e-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for (name, text) in files { try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8) }
    return directory
  }
}
