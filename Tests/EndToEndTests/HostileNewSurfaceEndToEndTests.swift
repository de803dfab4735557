import Foundation
import Testing

/// Hostile input to this round's new surfaces: the lesson search path, the built-in lessons'
/// folder, `lesson progress --reset` and `lesson new --package`. Each gives a short message and a
/// non-zero exit, and nothing that existed is replaced.
@Suite struct HostileNewSurfaceEndToEndTests {
  @Test func aLessonsOptionNamingAFileIsRefused() throws {
    let directory = try TemporaryDirectory()
    try "# x\n".write(toFile: directory.path + "/file.md", atomically: false, encoding: .utf8)
    let output = try LessonBinary.run(["list", "--lessons", directory.path + "/file.md"], in: directory.path)
    #expect(output.status == 2)
    #expect(output.stderr.contains("no such directory") && output.stderr.split(separator: "\n").count == 1, "\(output.stderr)")
  }

  /// LESSON_PATH entries that are missing, empty, relative or hold escape codes do not break
  /// listing; a lesson file name carrying terminal escapes reaches the screen cleaned.
  @Test func oddLessonPathEntriesAreHarmless() throws {
    let directory = try TemporaryDirectory()
    try FileManager.default.createDirectory(atPath: directory.path + "/odd", withIntermediateDirectories: true)
    try "# Bell\u{07}\u{1B}[31m title\n\n[1](check:x)\n".write(
      toFile: directory.path + "/odd/00_esc\u{1B}[2Jape.md", atomically: false, encoding: .utf8)
    let path = "::/nonexistent:\u{1B}]0;evil\u{07}:relative/dir:\(directory.path)/odd"
    let output = try LessonBinary.run(["list"], in: directory.path, environment: ["LESSON_PATH": path])
    #expect(output.status == 0, "\(output.stderr)")
    #expect(!output.stdout.contains("\u{1B}") && !output.stderr.contains("\u{1B}"), "\(output.stdout.debugDescription)")
    #expect(output.stdout.contains("pretrain"))
  }

  /// An unwritable cache leaves the built-in lessons out with one warning; folders still serve.
  @Test func anUnwritableCacheWarnsOnceAndListsTheRest() throws {
    let directory = try TemporaryDirectory()
    try "not a directory".write(toFile: directory.path + "/cache", atomically: false, encoding: .utf8)
    let output = try LessonBinary.run(["list"], in: directory.path, environment: ["XDG_CACHE_HOME": directory.path + "/cache"])
    #expect(output.stderr.components(separatedBy: "warning:").count == 2, "\(output.stderr)")
    #expect(output.stderr.contains("XDG_CACHE_HOME"), "\(output.stderr)")
    #expect(!output.stdout.contains("(built in)"))
  }

  @Test func progressResetOfAnUnknownLessonExitsTwo() throws {
    let directory = try TemporaryDirectory()
    let output = try LessonBinary.run(["progress", "--reset", "nosuch"], in: directory.path,
      environment: ["XDG_STATE_HOME": directory.path + "/state"])
    #expect(output.status == 2)
    #expect(output.stderr.contains("no lesson named 'nosuch'"), "\(output.stderr)")
  }

  /// `lesson new --package` writes only into a new or empty directory, never over a file or into
  /// a directory that holds anything, and refuses names that cannot name a lesson.
  @Test func newPackageRefusesToOverwrite() throws {
    let directory = try TemporaryDirectory()
    try "keep me".write(toFile: directory.path + "/taken", atomically: false, encoding: .utf8)
    try FileManager.default.createDirectory(atPath: directory.path + "/full", withIntermediateDirectories: true)
    try "mine".write(toFile: directory.path + "/full/notes.txt", atomically: false, encoding: .utf8)
    for (arguments, phrase) in [
      (["new", "demo", "--package", directory.path + "/taken"], "it is a file"),
      (["new", "demo", "--package", directory.path + "/full"], "it is not empty"),
      (["new", "Demo-1", "--package", directory.path + "/fresh"], "cannot name a lesson"),
      (["new", "demo", "--lesson-package", "/x"], "applies with --package"),
    ] {
      let output = try LessonBinary.run(arguments, in: directory.path)
      #expect(output.status != 0, "\(arguments)")
      #expect(output.stderr.contains(phrase), "\(arguments): \(output.stderr)")
    }
    #expect(try String(contentsOfFile: directory.path + "/taken", encoding: .utf8) == "keep me")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/full") == ["notes.txt"])
    #expect(!FileManager.default.fileExists(atPath: directory.path + "/fresh"))
  }

  /// A dependency path with quotes and backslashes stays one Swift string literal in the manifest.
  @Test func aQuotedLessonPackagePathStaysAStringLiteral() throws {
    let directory = try TemporaryDirectory()
    let odd = directory.path + "/we\"ird\\path"
    let output = try LessonBinary.run(["new", "demo", "--package", directory.path + "/pkg", "--lesson-package", odd], in: directory.path)
    #expect(output.status == 0, "\(output.stderr)")
    let manifest = try String(contentsOfFile: directory.path + "/pkg/Package.swift", encoding: .utf8)
    #expect(manifest.contains(#".package(path: "\#(directory.path)/we\"ird\\path")"#), "\(manifest)")
  }
}
