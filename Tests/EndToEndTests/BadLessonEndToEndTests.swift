import Foundation
import Testing

// MARK: - The bad-lesson corpus

/// One malformed or hostile lesson of `Fixtures/bad-lessons/` and what `lesson` must do with it.
///
/// Written by `Tools/make_bad_lessons.py` into `expectations.json`.
struct BadLesson: Decodable, Sendable, CustomTestStringConvertible {
  /// The file name under `bad-lessons/`.
  var file: String
  /// The exit status of `lesson check`: 2 cannot load or bind, 1 a check failed.
  var exit: Int32
  /// A phrase the message must contain.
  var phrase: String
  /// The line the message must name, as `bad-lessons/<file>:<line>`.
  var line: Int
  /// Whether the lesson carries escape sequences or HTML that must be printed inert.
  var inert: Bool?

  var path: String { "bad-lessons/\(file)" }
  var testDescription: String { file }

  static let all: [BadLesson] = {
    let url = URL(fileURLWithPath: LessonBinary.fixtures).appendingPathComponent("bad-lessons/expectations.json")
    guard let data = try? Data(contentsOf: url) else { return [] }
    return (try? JSONDecoder().decode([BadLesson].self, from: data)) ?? []
  }()
}

@Suite struct BadLessonEndToEndTests {
  @Test func theCorpusIsLargeAndEveryFileIsListed() throws {
    #expect(BadLesson.all.count >= 40)
    let directory = URL(fileURLWithPath: LessonBinary.fixtures).appendingPathComponent("bad-lessons").path
    let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".md") }
    #expect(Set(files) == Set(BadLesson.all.map(\.file)), "expectations.json and the directory disagree")
  }

  /// `lesson check` exits 1 or 2 as expected, never by a signal, naming the phrase and file:line.
  @Test(arguments: BadLesson.all)
  func checkReportsTheProblemWithFileAndLine(_ lesson: BadLesson) throws {
    let output = try LessonBinary.runTestbed(["check", lesson.path])
    let text = output.stdout + output.stderr
    #expect(!output.signaled, "killed by signal \(output.status)")
    #expect(output.status == lesson.exit, "\(text.prefix(2000))")
    #expect(text.contains(lesson.phrase), "\(text.prefix(2000))")
    #expect(text.contains("\(lesson.path):\(lesson.line)"), "\(text.prefix(2000))")
  }

  /// `run` agrees with `check` on the exit status; `show` and `lint` never crash.
  @Test(arguments: BadLesson.all)
  func otherCommandsAgreeAndNeverCrash(_ lesson: BadLesson) throws {
    let run = try LessonBinary.runTestbed(["run", "--no-pause", lesson.path])
    #expect(!run.signaled)
    #expect(run.status == lesson.exit, "\((run.stdout + run.stderr).suffix(2000))")
    for command in ["show", "lint"] {
      let output = try LessonBinary.runTestbed([command, lesson.path])
      #expect(!output.signaled, "lesson \(command) killed by signal \(output.status)")
      #expect([0, 1, 2].contains(output.status), "lesson \(command) exited \(output.status)")
    }
  }

  /// Whatever a lesson holds, `lesson` prints no control character but newlines, and in colour
  /// no escape sequence but its own SGR colours.
  @Test(arguments: BadLesson.all.filter { $0.inert == true })
  func hostileTextIsPrintedInert(_ lesson: BadLesson) throws {
    for command in ["run", "show", "check"] {
      for color in ["never", "always"] {
        var arguments = [command, lesson.path, "--color", color]
        if command == "run" { arguments.append("--no-pause") }
        let output = try LessonBinary.runTestbed(arguments)
        for (stream, text) in [("stdout", output.stdout), ("stderr", output.stderr)] {
          let withoutColours = text.replacing(/\x{1B}\[[0-9;]*m/, with: "")
          let controls = withoutColours.unicodeScalars.filter { scalar in
            (scalar.value < 0x20 && scalar != "\n") || (0x7F...0x9F).contains(scalar.value)
              || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
          }
          #expect(controls.isEmpty, "\(command) --color \(color) \(stream): \(controls.map { String($0.value, radix: 16) })")
          if color == "never" { #expect(!text.contains("\u{1B}")) }
        }
      }
    }
  }

  // MARK: - Cases made on the fly

  /// Runs `lesson check` on a path (absolute or relative to the fixtures).
  private func check(_ path: String) throws -> LessonBinary.Output {
    try LessonBinary.runTestbed(["check", path])
  }

  @Test func aTenMegabyteLessonIsRefusedBeforeParsing() throws {
    let directory = try TemporaryDirectory()
    let path = directory.path + "/huge.md"
    var text = "# Huge\n\n[5,050](check:selftest-sum-of-range)\n\n"
    let paragraph = String(repeating: "All work and no play. ", count: 50) + "\n\n"
    while text.utf8.count < 10_000_000 { text += paragraph }
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    for command in ["check", "run", "show", "lint"] {
      let output = try LessonBinary.runTestbed([command, path])
      #expect(!output.signaled)
      #expect(output.status == 2, "\(command): \(output.stderr)")
      #expect(output.stderr.contains("\(path):1"), "\(command): \(output.stderr)")
      #expect(output.stderr.contains("lesson is too large"))
      #expect(output.stderr.contains("over the limit of 4194304 bytes"))
    }
  }

  @Test func aLessonJustUnderTheLimitIsRead() throws {
    let directory = try TemporaryDirectory()
    let path = directory.path + "/big.md"
    var text = "# Big\n\n[5,000](check:selftest-sum-of-range)\n\n"
    let paragraph = String(repeating: "All work and no play. ", count: 50) + "\n\n"
    while text.utf8.count + paragraph.utf8.count <= 4 * 1024 * 1024 { text += paragraph }
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    let output = try check(path)
    #expect(output.status == 1, "\(output.stderr)")
    #expect(output.stdout.contains("\(path):3 selftest-sum-of-range FAIL"))
  }

  @Test func aDirectoryIsNotALesson() throws {
    let directory = try TemporaryDirectory()
    let output = try check(directory.path)
    #expect(output.status == 2)
    #expect(output.stderr.contains("\(directory.path):1"))
    #expect(output.stderr.contains("it is a directory"))
  }

  @Test func aMissingFileIsNamed() throws {
    let output = try check("bad-lessons/no-such-lesson.md")
    #expect(output.status == 2)
    #expect(output.stderr.contains("bad-lessons/no-such-lesson.md:1"))
    #expect(output.stderr.contains("no such file"))
  }

  @Test func aDeviceIsNotReadForever() throws {
    let output = try check("/dev/zero")
    #expect(output.status == 2)
    #expect(output.stderr.contains("/dev/zero:1"))
    #expect(output.stderr.contains("not a regular file"))
  }

  @Test func anUnreadableFileIsNamed() throws {
    guard getuid() != 0 else { return }  // root reads anything
    let directory = try TemporaryDirectory()
    let path = directory.path + "/secret.md"
    try "# T\n".write(toFile: path, atomically: false, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: path)
    let output = try check(path)
    #expect(output.status == 2)
    #expect(output.stderr.contains("\(path):1"))
  }
}

// MARK: - Helpers

/// A directory under the system temporary directory, removed when the value is released.
final class TemporaryDirectory {
  let path: String

  init() throws {
    path = FileManager.default.temporaryDirectory.appendingPathComponent("lesson-bad-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }
}
