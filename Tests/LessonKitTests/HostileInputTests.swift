import AtomicFiles
import Foundation
import LessonKit
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - Raw HTML that hides claims and steps

@Suite struct RawHTMLHidingTests {
  private func errors(_ markdown: String) -> [String] {
    Lesson.parse(markdown, file: "x.md").diagnostics.map(\.description)
  }

  @Test func anUnclosedCommentHidingAClaimIsReportedAtBothLines() {
    let found = errors("# T\n\n<!-- draft\n\nThe sum is [5,000](check:selftest-sum-of-range).\n")
    #expect(found.contains { $0.hasPrefix("x.md:5:") && $0.contains("inside raw HTML") && $0.contains("never checked") })
    #expect(found.contains { $0.hasPrefix("x.md:3:") && $0.contains("HTML comment opened at line 3 is never closed")
      && $0.contains("`-->`") })
  }

  @Test(arguments: ["pre", "script", "style", "textarea", "PRE"])
  func anUnclosedRawTextBlockIsReported(_ tag: String) {
    let found = errors("# T\n\n<\(tag)>\n[1](check:a)\n")
    #expect(found.contains { $0.hasPrefix("x.md:4:") && $0.contains("check:a") }, "\(found)")
    #expect(found.contains { $0.hasPrefix("x.md:3:") && $0.contains("</\(tag.lowercased())>") }, "\(found)")
  }

  @Test func aStepFenceInsideHTMLIsReported() {
    let found = errors("# T\n\n<pre>\n```swift step=make\nx\n```\n</pre>\n")
    #expect(found.count == 1)
    #expect(found.first?.hasPrefix("x.md:4:") == true)
    #expect(found.first?.contains("step never runs") == true)
  }

  @Test func claimsInOtherHTMLFormsAreReported() {
    // A <div> block runs to the next blank line; an inline comment; an href; an autolink in HTML.
    #expect(errors("# T\n\n<div>\n[1](check:a)\n</div>\n").contains { $0.hasPrefix("x.md:4:") })
    #expect(errors("# T\n\nSum <!-- [1](check:a) --> here.\n").contains { $0.hasPrefix("x.md:3:") })
    #expect(errors("# T\n\n<a href=\"check:a\">1</a> here.\n").contains { $0.contains("check:a") })
    #expect(errors("# T\n\n<div>\n<check:a>\n</div>\n").contains { $0.contains("check:a") })
    #expect(errors("# T\n\nText <span\ntitle='[2](check:b)'>x</span>.\n").contains { $0.hasPrefix("x.md:4:") })
  }

  @Test func harmlessHTMLIsNotReported() {
    #expect(errors("# T\n\n<!-- a note -->\n\nThe count is 3<!-- not-a-claim -->.\n").isEmpty)
    #expect(errors("# T\n\n<preface>\n\n<pre>\ncode\n</pre>\n\n<!-->\n\n<details>\n\nx\n</details>\n").isEmpty)
    #expect(errors("# T\n\n<!-- check: the spelling -->\n").isEmpty)
  }

  @Test func linksAfterMultiLineInlineHTMLKeepTheirLines() {
    let lesson = Lesson.parse("# T\n\nA <span\nclass=x\n>b</span> and [1](check:a).\n", file: "x.md")
    #expect(lesson.claims.first?.line == 5)
  }
}

// MARK: - Tolerances and ids

@Suite struct StrictToleranceTests {
  @Test(arguments: ["0x1p-1", "inf", "nan", "infinity", "1e99999", "1_000", "+5%", "5%%", " 5", "5.", "0x10%", "1e308e1", ""])
  func malformedTolerancesAreRefused(_ text: String) {
    #expect(ClaimTolerance.parse(text) == nil)
    #expect(ClaimTolerance.problem(text)?.contains("malformed") == true, "\(text)")
  }

  @Test(arguments: [("5%", ClaimTolerance.relative(0.05)), ("0.01", .absolute(0.01)), ("1e-6", .absolute(1e-6)),
                    (".5", .absolute(0.5)), ("100%", .relative(1))])
  func decimalTolerancesAreRead(_ text: String, _ expected: ClaimTolerance) {
    #expect(ClaimTolerance.parse(text) == expected)
  }

  @Test func anAbsoluteToleranceWiderThanTheClaimIsRefused() {
    let lesson = Lesson.parse("# T\n\n[1](check:a \"tol=1e308\") [0](check:b \"tol=2\") [50](check:c \"tol=0.5\")\n", file: "x.md")
    let messages = lesson.diagnostics.map(\.message)
    #expect(messages.count == 2, "\(messages)")
    #expect(messages.contains { $0.contains("claim 'a'") && $0.contains("wider than the claimed number 1") && $0.contains("`tol=1`") })
    #expect(messages.contains { $0.contains("claim 'b'") })
  }

  @Test func aMillionCharacterToleranceOrIdGivesAShortMessage() {
    let huge = String(repeating: "9", count: 1_000_000)
    let lesson = Lesson.parse("# T\n\n[1](check:a \"tol=\(huge)\") [2](check:\(huge))\n\n```swift step=\(huge)\n```\n", file: "x.md")
    #expect(lesson.diagnostics.count == 3, "\(lesson.diagnostics.map(\.message).map { $0.prefix(200) })")
    for diagnostic in lesson.diagnostics { #expect(diagnostic.description.utf8.count < 600) }
    #expect(lesson.diagnostics.contains { $0.message.contains("at most 100 characters") })
  }
}

// MARK: - Saved progress from elsewhere

@Suite struct SavedProgressCheckTests {
  private let lesson = Lesson.parse(
    "# T\n\n## One\n\n```swift step=a\n```\n\n[1](check:c)\n\n## Two\n\n[2](check:d)\n", file: "x.md")

  private func progress(claims: [Int: Bool] = [0: true], steps: [String: String] = ["a": "done"], step: Int? = nil,
                        sections: Int = 2, section: Int = 0) -> LessonProgress {
    LessonProgress(lesson: "x.md", title: "T", sectionCount: sections, section: section, step: step, claims: claims, steps: steps)
  }

  @Test func progressThatFitsTheLessonIsAccepted() {
    #expect(progress().problem(for: lesson, sectionCount: 2) == nil)
    #expect(progress(claims: [0: true, 1: false], step: 0, section: 1).problem(for: lesson, sectionCount: 2) == nil)
  }

  @Test func foreignClaimsStepsAndStatesAreRefused() {
    #expect(progress(claims: [999: true]).problem(for: lesson, sectionCount: 2)?.contains("claim #1000") == true)
    #expect(progress(claims: [-1: false]).problem(for: lesson, sectionCount: 2) != nil)
    #expect(progress(steps: ["bogus": "failed"]).problem(for: lesson, sectionCount: 2)?.contains("'bogus'") == true)
    #expect(progress(steps: ["a": "passed"]).problem(for: lesson, sectionCount: 2)?.contains("'passed'") == true)
    #expect(progress(step: 5).problem(for: lesson, sectionCount: 2)?.contains("step #6") == true)
    #expect(progress(section: 7).problem(for: lesson, sectionCount: 2) != nil)
    #expect(progress(sections: 3).problem(for: lesson, sectionCount: 2) != nil)
  }
}

// MARK: - Lesson files: form kept, links followed, specials refused

@Suite struct LessonFileFormTests {
  @Test func encodeRestoresTheBOMAndLineEndingsDecodeDropped() throws {
    for original in ["\u{FEFF}# T\r\n\r\nText\r\n", "# T\r\rText\r", "# T\n\nText\n", "\u{FEFF}# T\n"] {
      let data = Data(original.utf8)
      let text = try Lesson.decode(data, file: "x.md")
      #expect(Lesson.encode(text, like: data) == Array(data), "\(original.debugDescription)")
    }
  }

  @Test func aSymlinkToALessonLoadsAndSpecialFilesAreNamed() throws {
    let directory = NSTemporaryDirectory() + "lesson-links-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try "# Linked\n".write(toFile: directory + "/real.md", atomically: false, encoding: .utf8)
    try FileManager.default.createSymbolicLink(atPath: directory + "/link.md", withDestinationPath: "real.md")
    #expect(try Lesson.load(path: directory + "/link.md").title == "Linked")
    #expect(mkfifo(directory + "/pipe.md", 0o644) == 0)
    #expect(throws: LessonLoadError.self) { try Lesson.load(path: directory + "/pipe.md") }
    do {
      _ = try Lesson.load(path: directory + "/pipe.md")
    } catch {
      #expect(String(describing: error).contains("it is a FIFO (named pipe)"))
    }
    do {
      _ = try Lesson.load(path: "/dev/null")
      Issue.record("/dev/null loaded")
    } catch {
      #expect(String(describing: error).contains("it is a character device"))
    }
  }
}

// MARK: - The atomic writer

@Suite struct AtomicFileRulesTests {
  private let directory: String

  init() throws {
    directory = NSTemporaryDirectory() + "atomic-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  private func mode(_ path: String) -> mode_t {
    var info = stat()
    _ = stat(path, &info)
    return info.st_mode & 0o7777
  }

  private func leftovers() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains(".tmp-") }
  }

  @Test func theModeOfTheReplacedFileIsKept() throws {
    let path = directory + "/model.safetensors"
    try AtomicFile.write("old", to: path)
    #expect(chmod(path, 0o600) == 0)
    try AtomicFile.write("new", to: path)
    #expect(mode(path) == 0o600)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
    #expect(try leftovers().isEmpty)
  }

  @Test func aSymlinkIsFollowedAndStaysALink() throws {
    try AtomicFile.write("old", to: directory + "/target")
    try FileManager.default.createSymbolicLink(atPath: directory + "/link", withDestinationPath: "target")
    try AtomicFile.write("new", to: directory + "/link")
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: directory + "/link") == "target")
    #expect(try String(contentsOfFile: directory + "/target", encoding: .utf8) == "new")
  }

  @Test func specialFilesHardLinksAndDanglingLinksAreRefusedUntouched() throws {
    #expect(mkfifo(directory + "/fifo", 0o644) == 0)
    try AtomicFile.write("shared", to: directory + "/a")
    #expect(link(directory + "/a", directory + "/b") == 0)
    try FileManager.default.createSymbolicLink(atPath: directory + "/dangling", withDestinationPath: "nowhere")
    let cases: [(String, String)] = [
      (directory + "/fifo", "FIFO"), ("/dev/null", "character device"), (directory, "directory"),
      (directory + "/a", "2 hard links"), (directory + "/dangling", "symbolic link to a missing file"),
    ]
    for (path, phrase) in cases {
      do {
        try AtomicFile.write("x", to: path)
        Issue.record("\(path) was written")
      } catch {
        #expect(String(describing: error).contains(phrase), "\(error)")
      }
      #expect(throws: FileWriteError.self) { try AtomicFile.checkWritable(path) }
    }
    #expect(FileKind.of(directory + "/fifo") == .fifo)
    #expect(FileKind.of("/dev/null") == .characterDevice)
    #expect(try String(contentsOfFile: directory + "/b", encoding: .utf8) == "shared")
    #expect(try leftovers().isEmpty)
  }

  @Test func aReadOnlyFileIsRefusedForAnOrdinaryUser() throws {
    let path = directory + "/readonly"
    try AtomicFile.write("keep", to: path)
    #expect(chmod(path, 0o444) == 0)
    if getuid() == 0 {
      // Root may write anything, as with cp; the mode is still kept.
      try AtomicFile.write("root", to: path)
      #expect(mode(path) == 0o444)
    } else {
      #expect(throws: FileWriteError.self) { try AtomicFile.write("x", to: path) }
      #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep")
    }
  }
}
