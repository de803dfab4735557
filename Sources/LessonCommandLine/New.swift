import ArgumentParser
import LessonKit

extension LessonCommand {
  /// `lesson new NAME [--package DIR [--lesson-package PATH|URL]]`.
  struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Scaffold a new lesson: a standalone package (--package), or a lesson and bundle in this package.",
      discussion: """
        With --package DIR: a new Swift package in DIR depending on `lesson` (Package.swift, Lessons/00_NAME.md, \
        a bundle with one step, one setting and one measured claim, an executable serving it, a test, a README); \
        `swift run NAME check` passes in it without edits. Without: Lessons/NN_NAME.md and a bundle in the \
        package around the lessons directory (the built-in course's path). Exit status: 0 created, 1 not created.
        """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The lesson's short name: lowercase letters, digits and '_'.")
    var name: String

    @Option(help: "Write a standalone author package into this new or empty directory.", completion: .directory)
    var package: String?

    @Option(
      help: ArgumentHelp(
        "Where the new package finds `lesson`: a git URL (from this version) or a local checkout (by path); "
          + "default: \(LessonKitVersion.packageURL) from \(LessonKitVersion.string).", valueName: "path-or-url"),
      completion: .directory)
    var lessonPackage: String?

    func validate() throws {
      if lessonPackage != nil && package == nil { throw ValidationError("--lesson-package applies with --package DIR") }
    }

    func run() throws {
      let env = global.environment()
      if let package {
        let dependency = lessonPackage.map(LessonPackageScaffold.Dependency.parse) ?? .released
        try finish(NewCommand.runPackage(env, name: name, directory: package, dependency: dependency))
      } else {
        try finish(NewCommand.run(env, name: name))
      }
    }
  }
}
