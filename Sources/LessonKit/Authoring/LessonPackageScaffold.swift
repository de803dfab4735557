import AtomicFiles
import Foundation

// MARK: - Scaffolding an author package

/// The standalone package `lesson new NAME --package DIR` writes: an author's own course, which
/// depends on this package by version (or on a checkout by path) and never edits it.
///
/// ```
/// DIR/
///   Package.swift                 this package as a dependency; a library, an executable, a test
///   README.md                     the two commands
///   Lessons/00_NAME.md            one step, one setting, one measured claim
///   Sources/<Type>/<Type>.swift   the bundle (public, so the executable and the test see it)
///   Sources/<name>/main.swift     `LessonCommand.main(bundles: [<Type>.bundle])`
///   Tests/<Type>Tests/…           runs the lesson's check in-process and expects every claim to hold
/// ```
public struct LessonPackageScaffold: Sendable {
  /// Where the new package finds this one.
  public enum Dependency: Sendable, Equatable {
    /// A git URL and the lowest version accepted (`from:`).
    case url(String, from: String)
    /// A local checkout (`path:`), for tests and offline authors.
    case path(String)

    /// This project's released package, at the version of the running `lesson`.
    public static var released: Dependency { .url(LessonKitVersion.packageURL, from: LessonKitVersion.string) }

    /// `--lesson-package`'s value: a URL (`https://…`, `file://…`, `git@…`) or a directory.
    public static func parse(_ value: String) -> Dependency {
      if value.contains("://") || value.hasPrefix("git@") { return .url(value, from: LessonKitVersion.string) }
      return .path(URL(fileURLWithPath: value).standardizedFileURL.path)
    }

    /// SwiftPM's identity of the package: the last path component, lowercased, without `.git`.
    var identity: String {
      let location: String
      switch self {
      case let .url(url, _): location = url
      case let .path(path): location = path
      }
      var last = location.split(separator: "/").last.map(String.init) ?? location
      if last.hasSuffix(".git") { last.removeLast(4) }
      return last.lowercased()
    }

    var manifestLine: String {
      switch self {
      case let .url(url, version): return ".package(url: \(Self.quoted(url)), from: \(Self.quoted(version)))"
      case let .path(path): return ".package(path: \(Self.quoted(path)))"
      }
    }

    /// A Swift string literal (paths may hold quotes or backslashes).
    static func quoted(_ text: String) -> String {
      "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
  }

  public let lesson: LessonScaffold
  public let dependency: Dependency
  /// The executable's name: the lesson's name with `-` for `_` (`byte_pairs` → `byte-pairs`).
  public var executableName: String { lesson.name.replacingOccurrences(of: "_", with: "-") }
  /// The bundle's module, named as its type: `byte_pairs` → `BytePairsLesson`.
  public var moduleName: String { lesson.typeName }

  public init(name: String, dependency: Dependency) throws {
    lesson = try LessonScaffold(name: name, number: 0, isPublic: true)
    self.dependency = dependency
  }

  /// Every file of the package, by path relative to its root.
  public var files: [(path: String, text: String)] {
    [
      ("Package.swift", manifest),
      ("README.md", readme),
      (".gitignore", ".build/\nPackage.resolved\n"),
      ("Lessons/" + lesson.lessonFileName, lesson.markdown),
      ("Sources/\(moduleName)/\(moduleName).swift", lesson.swift),
      ("Sources/\(executableName)/main.swift", main),
      ("Tests/\(moduleName)Tests/\(moduleName)Tests.swift", test),
    ]
  }

  var manifest: String {
    let package = Dependency.quoted(dependency.identity)
    return """
      // swift-tools-version: 6.2
      import PackageDescription

      // A course of lessons for `lesson`: the bundle (steps and checks) is a library, the executable
      // is the whole `lesson` command line serving it, and the test checks every claim.
      let package = Package(
        name: \(Dependency.quoted(executableName)),
        platforms: [.macOS(.v14)],
        dependencies: [
          \(dependency.manifestLine),
        ],
        targets: [
          .target(name: "\(moduleName)", dependencies: [.product(name: "LessonKit", package: \(package))]),
          .executableTarget(
            name: "\(executableName)",
            dependencies: ["\(moduleName)", .product(name: "LessonCommandLine", package: \(package))]
          ),
          .testTarget(
            name: "\(moduleName)Tests",
            dependencies: ["\(moduleName)", .product(name: "LessonKit", package: \(package))]
          ),
        ]
      )

      """
  }

  var main: String {
    """
    import LessonCommandLine
    import \(moduleName)

    // The whole `lesson` command line (run, check, lint, build --html, …) serving this course.
    LessonCommand.main(bundles: [\(lesson.typeName).bundle])

    """
  }

  var test: String {
    """
    import Foundation
    import LessonKit
    import Testing
    import \(moduleName)

    /// The lesson's check, run in-process: every claim holds and none is left unbound.
    @Test func everyClaimOfTheLessonHolds() throws {
      let lessons = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Lessons").standardizedFileURL.path
      var out = ""
      var err = ""
      let env = CommandEnvironment(
        out: { out += $0 }, err: { err += $0 }, outStyle: .plain, errStyle: .plain, width: 80,
        locator: LessonLocator(lessonsDirectory: lessons), isInteractive: false, errIsTTY: false)
      let options = CheckOptions(lessons: ["\(lesson.name)"], run: RunConfiguration(useCache: false))
      let status = CheckCommand.run(env, options: options) { try Registry(bundles: [\(lesson.typeName).bundle]) }
      #expect(status == 0, "lesson check failed:\\n\\(out)\\(err)")
      #expect(out.contains(" \(lesson.checkID) pass "), "\\(out)")
      #expect(out.hasSuffix(" passed, 0 failed\\n"), "\\(out)")
    }

    """
  }

  var readme: String {
    """
    # \(executableName)

    A lesson for [`lesson`](\(LessonKitVersion.packageURL)): prose in `Lessons/\(lesson.lessonFileName)`,
    its steps and checks in `Sources/\(moduleName)/\(moduleName).swift`.

    ```sh
    swift run \(executableName) check \(lesson.name)   # runs every step, checks every claim
    swift run \(executableName) run \(lesson.name)     # the lesson in the terminal, step by step
    ```

    `swift test` runs the same check. `swift run \(executableName) help` lists every command;
    `lesson params \(lesson.name)` the settings a learner may change, `lesson lint --claims` the
    figures no claim covers yet.

    """
  }

  /// Writes the package into `directory`, which must not exist or be empty; returns its files' paths.
  public func write(into directory: String) throws -> [String] {
    let fm = FileManager.default
    var isDirectory: ObjCBool = false
    if fm.fileExists(atPath: directory, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw ScaffoldError.unwritable(path: directory, reason: "it is a file, not a directory") }
      let entries = (try? fm.contentsOfDirectory(atPath: directory)) ?? []
      guard entries.isEmpty else {
        throw ScaffoldError.unwritable(path: directory, reason: "it is not empty; name a new or empty directory")
      }
    }
    var written: [String] = []
    for file in files {
      let path = (directory as NSString).appendingPathComponent(file.path)
      do {
        try AtomicFile.write(file.text, to: path, createDirectory: true)
      } catch {
        throw ScaffoldError.unwritable(path: path, reason: String(describing: error))
      }
      written.append(path)
    }
    return written
  }
}
