import Foundation
import Testing

@Suite struct CommandsEndToEndTests {
  @Test func listShowsTitlesStepsAndClaims() throws {
    let output = try LessonBinary.runTestbed(["list"])
    #expect(output.status == 0)
    let row = try #require(output.stdout.split(separator: "\n").first { $0.hasPrefix("selftest") })
    let columns = row.split(separator: " ", omittingEmptySubsequences: true)
    #expect(row.contains("Engine self-test"))
    #expect(columns.suffix(3).map(String.init) == ["4", "7", "Lessons/00_selftest.md"])
  }

  /// The engine's self-test bundle lives only in `lesson-testbed`: the shipped registry lacks it.
  @Test func theShippedLessonDoesNotServeTheSelfTestBundle() throws {
    let output = try LessonBinary.run(["check", "selftest"])
    #expect(output.status == 2, "\(output.stdout)\(output.stderr)")
    #expect(output.stderr.contains("step 'selftest-make-range' is not registered"), "\(output.stderr)")
    #expect(try LessonBinary.runTestbed(["check", "selftest"]).status == 0)
  }

  /// `--color` and `--lessons-dir` are accepted by every subcommand, before or after its name.
  @Test func globalOptionsGoBeforeOrAfterAnySubcommand() throws {
    let listed = try LessonBinary.runTestbed(["--lessons-dir", LessonBinary.fixtures + "/Lessons", "list"], in: NSTemporaryDirectory())
    #expect(listed.status == 0, "\(listed.stderr)")
    #expect(listed.stdout.contains("Engine self-test"))
    let tiny = ["--batch", "2", "--context", "8", "--d", "16", "--layers", "1", "--heads", "2", "--eval-batches", "1"]
    let train = try LessonBinary.run(["train", "--color", "never", "--steps", "1"] + tiny)
    #expect(train.status == 0, "\(train.stderr)")
    #expect(train.stdout.hasPrefix("step 1: train loss"))
    let before = try LessonBinary.run(["--color", "never", "train", "--steps", "1"] + tiny)
    #expect(before.status == 0, "\(before.stderr)")
    let corpus = try LessonBinary.run(["corpus", "--color", "always"])
    #expect(corpus.status == 0 && corpus.stdout.hasPrefix("HAMLET"), "\(corpus.stderr)")
    for command in [["bench", "--steps", "0"], ["sample", "--checkpoint", "/nonexistent", "--count=-1"], ["play", "--top", "0"]] {
      let output = try LessonBinary.run(command + ["--color", "never"])
      #expect(output.status == 2, "\(command): \(output.stderr)")
      #expect(!output.stderr.contains("Unknown option"), "\(command) refuses --color")
    }
  }

  /// `list` only parses: it neither binds nor runs, so it stays instant and works on unbound lessons.
  @Test func listParsesWithoutBindingOrRunning() throws {
    let directory = NSTemporaryDirectory() + "lesson-list-\(UUID().uuidString)/Lessons"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent) }
    let lesson = """
      # Unbound

      ```swift step=no-such-step
      x
      ```

      A claim on [3](check:no-such-check) things.
      """
    try lesson.write(toFile: directory + "/00_unbound.md", atomically: true, encoding: .utf8)
    let output = try LessonBinary.runTestbed(["list", "--lessons-dir", directory])
    #expect(output.status == 0, "\(output.stderr)")
    #expect(output.stdout.contains("Unbound"))
    let check = try LessonBinary.runTestbed(["check", directory + "/00_unbound.md"])
    #expect(check.status == 2, "binding the same lesson fails, so list did not bind it")
  }

  @Test func plotsAreWrittenOnlyWhenAsked() throws {
    let directory = NSTemporaryDirectory() + "lesson-plots-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    _ = try LessonBinary.runTestbed(["check", "selftest", "--plots", directory])
    let svg = try String(contentsOfFile: directory + "/selftest-squares.svg", encoding: .utf8)
    #expect(svg.hasPrefix("<?xml") && svg.contains("</svg>"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["selftest-squares.svg"])

    let missing = try LessonBinary.runTestbed(["check", "selftest", "--plots", directory + "/absent"])
    #expect(missing.status != 0 && missing.stderr.contains("is not an existing directory"), "\(missing.stderr)")
  }

  @Test func lessonsDirFromAnywhere() throws {
    let output = try LessonBinary.runTestbed(["list", "--lessons-dir", LessonBinary.fixtures + "/Lessons"], in: NSTemporaryDirectory())
    #expect(output.status == 0)
    #expect(output.stdout.contains("onefalse"))
  }

  @Test func runRendersProseRunsStepsAndMarksClaims() throws {
    let output = try LessonBinary.runTestbed(["run", "selftest"])
    #expect(output.status == 0, "\(output.stderr)")
    #expect(output.stdout.contains("Building a range"))
    #expect(output.stdout.contains("┌ step selftest-make-range"))
    #expect(output.stdout.contains("Built the numbers 1 through 100."))
    #expect(output.stdout.contains("tensor([[ 1,  2,  3,  4,  5],"))
    #expect(output.stdout.contains("5,050\u{A0}✓"))
    #expect(output.stdout.contains("(display only: not run)"))
    #expect(output.stderr.contains("counting 3/3"))
    #expect(output.lastLine == "9 passed, 0 failed")
  }

  @Test func runMarksAFalseClaim() throws {
    let output = try LessonBinary.runTestbed(["run", "onefalse", "--no-pause"])
    #expect(output.status == 1)
    #expect(output.stdout.contains("5,000\u{A0}(the\u{A0}lesson\u{A0}says\u{A0}5,000\u{A0}·\u{A0}now\u{A0}5,050\u{A0}✗)"))
  }

  @Test func showRunsNothing() throws {
    let output = try LessonBinary.runTestbed(["show", "selftest"])
    #expect(output.status == 0)
    #expect(output.stdout.contains("let numbers = Array(1...context[count])"))
    #expect(!output.stdout.contains("Built the numbers"))
    #expect(output.stdout.contains("5,050\u{A0}○"))
  }

  @Test func lessonTextCannotDriveTheTerminal() throws {
    let directory = NSTemporaryDirectory() + "lesson-escape-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/evil.md"
    try "# Evil \u{1B}]0;title\u{07}\n\nText \u{1B}[2J cleared? [5,050](check:selftest-sum-of-range)\n"
      .write(toFile: path, atomically: true, encoding: .utf8)
    for color in ["never", "always"] {
      let output = try LessonBinary.runTestbed(["run", path, "--color", color])
      #expect(!output.stdout.contains("\u{1B}]0;"))
      #expect(!output.stdout.contains("\u{1B}[2J"))
      #expect(output.stdout.contains("␛[2J"))
    }
  }

  @Test func lintIsCleanOnTheFixture() throws {
    let output = try LessonBinary.runTestbed(["lint", "selftest"])
    #expect(output.status == 0, "\(output.stdout)")
    // Registrations no lesson in the directory uses are warnings, not errors.
    #expect(output.stdout.contains("EngineSelfTest.swift:"))
    #expect(output.stdout.contains("step 'selftest-fail' (bundle 'engine-selftest') is registered but no lesson uses it"))
    #expect(!output.stdout.contains("'selftest-sum-of-range' (bundle"))
    #expect(output.stdout.contains("0 errors"))
  }

  @Test func lintFlagsUnknownIdsWithFileAndLine() throws {
    let output = try LessonBinary.runTestbed(["lint", "Broken/00_unknown.md"])
    #expect(output.status == 1)
    #expect(output.stdout.contains("Broken/00_unknown.md:3: error: step 'selftest-no-such-step' is not registered"))
  }
}
