import Foundation
import Testing

/// `lesson` away from any checkout: the built-in lessons, the front door, and the search path.
@Suite struct InstalledUseEndToEndTests {
  /// A fresh directory with no `Lessons/` at or above it.
  func elsewhere() throws -> String {
    let directory = "/tmp/lesson-elsewhere-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return directory
  }

  @Test func outsideACheckoutTheBuiltInLessonsAreListed() throws {
    let directory = try elsewhere()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let output = try LessonBinary.run(["list"], in: directory)
    #expect(output.status == 0, "\(output.stderr)")
    let rows = output.stdout.split(separator: "\n").dropFirst(2).map { $0.split(separator: " ").first.map(String.init) ?? "" }
    #expect(rows == ["pretrain", "sft", "dpo"], "\(output.stdout)")
    #expect(output.stdout.contains("(built in)"))
  }

  /// The built-in pretraining lesson checks out in a directory of its own (replaying `make test`'s
  /// cold check from the shared cache when there is one: the steps are the same, wherever the file is).
  @Test func outsideACheckoutThePretrainingLessonChecks() throws {
    let directory = try elsewhere()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let output = try LessonBinary.run(["check", "pretrain"], in: directory, environment: LessonBinary.sharedCache)
    #expect(output.status == 0, "\(output.stdout.suffix(2000))\n\(output.stderr.suffix(2000))")
    #expect(output.lastLine.hasSuffix(" passed, 0 failed"), "\(output.lastLine)")
  }

  @Test func aMistypedCommandSuggestsTheRightOne() throws {
    let output = try LessonBinary.run(["chek"], in: try elsewhere())
    #expect(output.status == 2)
    #expect(output.stderr == "error: no such command or lesson 'chek'; did you mean `check`?\n")
    #expect(output.stdout.isEmpty)
  }

  /// A bare `lesson` piped prints the overview and runs nothing (no step, no training line).
  @Test func aBareLessonPrintsTheOverviewAndRunsNothing() throws {
    let output = try LessonBinary.run([], in: try elsewhere())
    #expect(output.status == 0, "\(output.stderr)")
    #expect(output.stdout.contains("pretrain") && output.stdout.contains("not started"), "\(output.stdout)")
    #expect(output.stdout.contains("Start with `lesson run pretrain`"))
    #expect(output.stderr.isEmpty, "\(output.stderr)")
  }

  /// `LESSON_PATH` and `--lessons` add folders; the built-in lessons stay on the path after them.
  @Test func lessonPathAndTheLessonsOptionAddFolders() throws {
    let directory = try elsewhere()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try FileManager.default.createDirectory(atPath: directory + "/mine", withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: LessonBinary.fixtures + "/Lessons/00_selftest.md", toPath: directory + "/mine/07_mine.md")
    let viaPath = try LessonBinary.run(["list"], in: directory, environment: ["LESSON_PATH": directory + "/mine"])
    #expect(viaPath.stdout.contains("mine") && viaPath.stdout.contains("pretrain"), "\(viaPath.stdout)")
    let viaOption = try LessonBinary.run(["--lessons", directory + "/mine", "list"], in: directory)
    #expect(viaOption.stdout.contains("mine") && viaOption.stdout.contains("(built in)"), "\(viaOption.stdout)")
    let missing = try LessonBinary.run(["list", "--lessons", directory + "/nothing"], in: directory)
    #expect(missing.status == 2 && missing.stderr.contains("no such directory"), "\(missing.stderr)")
    // A bare word naming a lesson on the path runs it, though a folder here has the same name.
    let runByName = try LessonBinary.runTestbed(["mine"], in: directory, environment: ["LESSON_PATH": directory + "/mine"])
    #expect(runByName.status == 0 && runByName.lastLine.contains("passed"), "\(runByName.stdout)\(runByName.stderr)")
  }

  /// Completion scripts exist for the three shells, and lesson names complete.
  @Test func completionCompletesLessonNames() throws {
    for shell in ["bash", "zsh", "fish"] {
      let script = try LessonBinary.run(["--generate-completion-script", shell])
      #expect(script.status == 0 && script.stdout.contains("lesson"), "\(shell): \(script.stderr)")
    }
    let directory = try elsewhere()
    // What the bash script runs for `lesson check pr<TAB>`: the argument, the word's index, the
    // cursor's offset in it, then the words.
    let completions = try LessonBinary.run(
      ["---completion", "check", "--", "positional@0", "2", "2", "lesson", "check", "pr"], in: directory)
    #expect(completions.stdout.split(separator: "\n").contains("pretrain"), "\(completions.stdout)\(completions.stderr)")
  }
}
