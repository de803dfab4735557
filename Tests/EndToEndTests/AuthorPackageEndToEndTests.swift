import Foundation
import Testing

/// An author's course outside this repository: `lesson new --package` scaffolds a package that
/// depends on this one *by version*, and with no edit it builds, its check passes and its test too.
///
/// The dependency is a clone of this checkout's committed HEAD, tagged with `lesson --version`, so
/// the test proves what an author on another machine gets from `from: "<version>"`: SwiftPM accepts
/// the package's CPU-tuning flags in a versioned dependency (tools-version 6.2), and the public API
/// (LessonKit, LessonCommandLine) is enough to write a bundle, an executable and a test.
@Suite(.serialized) struct AuthorPackageEndToEndTests {
  /// Runs `command` in `directory`, returning its status and what it printed (both streams).
  func shell(_ command: [String], in directory: String) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = command
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    // The author's `check` keeps its result cache and progress in the test's folder, not the user's.
    var environment = ProcessInfo.processInfo.environment
    environment["XDG_CACHE_HOME"] = directory + "/.test-cache"
    environment["XDG_STATE_HOME"] = directory + "/.test-state"
    process.environment = environment
    let log = directory + "/.command-\(UUID().uuidString).log"
    _ = FileManager.default.createFile(atPath: log, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    process.standardOutput = handle
    process.standardError = handle
    process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
    try process.run()
    process.waitUntilExit()
    try handle.close()
    let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    try? FileManager.default.removeItem(atPath: log)
    return (process.terminationStatus, output)
  }

  /// The two ways an author finds `lesson`: a git URL by version (a tagged clone here), or a
  /// checkout by path (this one, working tree and all).
  enum Dependency: String, CaseIterable, Sendable { case taggedClone, checkoutPath }

  @Test(.timeLimit(.minutes(30)), arguments: Dependency.allCases)
  func aScaffoldedPackageBuildsAndPassesItsCheck(dependency: Dependency) throws {
    let work = "/tmp/lesson-author-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: work) }

    let version = try LessonBinary.run(["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(version.split(separator: ".").count == 3, "lesson --version printed '\(version)'")
    let location: String
    switch dependency {
    case .taggedClone:
      let clone = try shell(["git", "clone", "--quiet", "--no-hardlinks", LessonBinary.packageRoot.path, work + "/lesson"], in: work)
      try #require(clone.status == 0, "git clone: \(clone.output)")
      let tag = try shell(["git", "-c", "user.name=t", "-c", "user.email=t@t", "tag", "-f", version], in: work + "/lesson")
      try #require(tag.status == 0, "git tag: \(tag.output)")
      location = "file://" + work + "/lesson"
    case .checkoutPath:
      location = LessonBinary.packageRoot.path
    }

    let scaffold = try LessonBinary.run(
      ["new", "demo_course", "--package", work + "/demo", "--lesson-package", location], in: work)
    try #require(scaffold.status == 0, "lesson new: \(scaffold.stderr)")
    let manifest = try String(contentsOfFile: work + "/demo/Package.swift", encoding: .utf8)
    switch dependency {
    case .taggedClone: #expect(manifest.contains("from: \"\(version)\""), "\(manifest)")
    case .checkoutPath: #expect(manifest.contains(".package(path: "), "\(manifest)")
    }

    let build = try shell(["swift", "build", "--build-tests"], in: work + "/demo")
    try #require(build.status == 0, "swift build: \(build.output.suffix(3000))")
    let check = try shell([work + "/demo/.build/debug/demo-course", "check", "demo_course"], in: work + "/demo")
    #expect(check.status == 0, "\(check.output)")
    #expect(check.output.contains("demo-course-total pass"), "\(check.output)")
    #expect(check.output.hasSuffix("2 passed, 0 failed\n"), "\(check.output)")
    let test = try shell(["swift", "test", "--skip-build"], in: work + "/demo")
    #expect(test.status == 0, "swift test: \(test.output.suffix(3000))")

    // Moving the lesson's measured figure makes the author's own check fail.
    let lessonPath = work + "/demo/Lessons/00_demo_course.md"
    let lesson = try String(contentsOfFile: lessonPath, encoding: .utf8)
    try lesson.replacingOccurrences(of: "[10](check:demo-course-total)", with: "[11](check:demo-course-total)")
      .write(toFile: lessonPath, atomically: true, encoding: .utf8)
    let moved = try shell([work + "/demo/.build/debug/demo-course", "check", "demo_course"], in: work + "/demo")
    #expect(moved.status == 1 && moved.output.contains("claimed 11, computed 10"), "\(moved.output)")
  }
}
