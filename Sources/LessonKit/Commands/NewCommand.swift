import Foundation

// MARK: - lesson new

/// `lesson new NAME`: scaffolds a lesson and its bundle, and says what to do next.
public enum NewCommand {
  /// Creates the files; returns 0, or 1 when the name or the package is unusable.
  public static func run(_ env: CommandEnvironment, name: String) -> Int32 {
    do {
      guard let lessonsDirectory = env.locator.directory else {
        throw LessonLoadError.noLessonsDirectory(startingAt: FileManager.default.currentDirectoryPath)
      }
      guard let root = LessonLocator.packageRoot(above: lessonsDirectory + "/x.md") else {
        throw ScaffoldError.noPackage(lessonsDirectory)
      }
      let scaffold = try LessonScaffold(name: name, number: LessonScaffold.nextNumber(in: lessonsDirectory))
      let written = try scaffold.write(lessonsDirectory: lessonsDirectory, packageRoot: root)
      env.out(nextSteps(scaffold, written))
      return 0
    } catch {
      env.error(String(describing: error))
      return 1
    }
  }

  /// `lesson new NAME --package DIR`: writes a standalone author package; 0, or 1 when not created.
  public static func runPackage(
    _ env: CommandEnvironment, name: String, directory: String, dependency: LessonPackageScaffold.Dependency
  ) -> Int32 {
    do {
      let scaffold = try LessonPackageScaffold(name: name, dependency: dependency)
      let written = try scaffold.write(into: directory)
      let shown = LessonLocator.displayPath(directory)
      let commands = aligned([
        ("cd \(shown)", "the new package"),
        ("swift run \(scaffold.executableName) check \(scaffold.lesson.name)", "builds, runs the step: 2 passed, 0 failed"),
        ("swift test", "the same check, as a test"),
      ])
      env.out("""
        Created the package \(shown) (\(written.count) files): the lesson \(scaffold.lesson.lessonFileName), its bundle \
        \(scaffold.moduleName), the executable `\(scaffold.executableName)` and a test.

        Next:
        \(commands)

        Then write prose and claims in Lessons/\(scaffold.lesson.lessonFileName) and steps in \
        Sources/\(scaffold.moduleName)/\(scaffold.moduleName).swift; the guide is docs/authoring.md of `lesson`.

        """)
      return 0
    } catch {
      env.error(String(describing: error))
      return 1
    }
  }

  /// The report `lesson new` prints: what it created and the author's loop from there.
  public static func nextSteps(_ scaffold: LessonScaffold, _ written: LessonScaffold.WrittenFiles) -> String {
    let lesson = LessonLocator.displayPath(written.lesson)
    let bundle = LessonLocator.displayPath(written.bundle)
    let commands = [
      ("swift build -c release", "compile the new bundle into `lesson`"),
      (".build/release/lesson check \(scaffold.name)", "runs the step and checks the claim: 1 passed"),
      (".build/release/lesson lint \(scaffold.name)", "ids, attributes, source regions: 0 errors"),
    ]
    let next = aligned(commands)
    return """
      Created \(lesson) (one step, one claim)
      Created \(bundle) (registers step '\(scaffold.stepID)' and check '\(scaffold.checkID)')
      Added   \(scaffold.typeName).bundle to \(LessonLocator.displayPath(written.bundleList))

      Next:
      \(next)

      Then write prose and claims in \(lesson)
      (`lesson check --watch \(scaffold.name)` re-checks on every save, no rebuild needed),
      and steps and checks in \(bundle) (rebuild after editing it;
      `lesson sync \(scaffold.name)` copies a changed `// lesson:begin` region into the lesson).
      `lesson lint --claims \(scaffold.name)` lists figures in the prose that no claim covers.
      The guide: docs/authoring.md

      """
  }

  /// Commands with their comments lined up: `  swift build   # why`.
  static func aligned(_ commands: [(String, String)]) -> String {
    let width = commands.map(\.0.count).max() ?? 0
    return commands.map { command, why in
      "  " + command + String(repeating: " ", count: width - command.count) + "   # " + why
    }.joined(separator: "\n")
  }
}
