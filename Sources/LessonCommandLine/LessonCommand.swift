import ArgumentParser
import Foundation
import LessonKit

/// The `lesson` command: runs Markdown lessons whose code runs and whose claims are checked.
///
/// The command line is a library, so any executable can serve its own course with it:
///
/// ```swift
/// import LessonBundles
/// import LessonCommandLine
///
/// LessonCommand.main(bundles: AllBundles.list)
/// ```
public struct LessonCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "lesson",
    abstract: "Run Markdown lessons whose code runs and whose claims are checked.",
    version: LessonKitVersion.string,
    // Reading and checking lessons first, then the numeric tools, then authoring.
    subcommands: [
      Run.self, Check.self, Build.self, List.self, Show.self, Lint.self, Sync.self,
      Train.self, Sample.self, Bench.self, Corpus.self, Play.self,
      New.self,
    ],
    defaultSubcommand: Run.self)

  public init() {}

  /// Runs the command line on the process's arguments with `bundles` as the course, then exits.
  ///
  /// - Parameters:
  ///   - bundles: every bundle whose steps and checks the lessons may use.
  ///   - lessonsDirectory: the lessons to use when `--lessons-dir` is not given; nil = the
  ///     nearest `Lessons/` above the current directory.
  ///   - arguments: the arguments after the program name; nil = the process's own.
  public static func main(bundles: [LessonBundle], lessonsDirectory: String? = nil, arguments: [String]? = nil) -> Never {
    Course.current = Course(bundles: bundles, lessonsDirectory: lessonsDirectory)
    main(arguments)
    Foundation.exit(0)
  }
}

/// What the command line serves: the bundles and where lessons are, fixed once by `LessonCommand.main`.
struct Course {
  var bundles: [LessonBundle]
  var lessonsDirectory: String?

  /// Set before any argument is parsed and never changed afterwards, so reads need no lock.
  nonisolated(unsafe) static var current = Course(bundles: [], lessonsDirectory: nil)
}

// MARK: - Shared options

/// Options every subcommand accepts.
struct GlobalOptions: ParsableArguments {
  @Option(name: .customLong("lessons-dir"), help: "The lessons directory (default: the nearest Lessons/ above the current directory).")
  var lessonsDirectory: String?

  @Option(help: "Colour: auto (terminal only, honours NO_COLOR), always or never.")
  var color: ColorMode = .auto

  /// The environment the LessonKit commands run in.
  func environment() -> CommandEnvironment {
    .standard(color: color, lessonsDirectory: lessonsDirectory ?? Course.current.lessonsDirectory)
  }
}

/// Where lesson steps may also write their charts as SVG files.
struct PlotOptions: ParsableArguments {
  @Option(help: "Also write the steps' charts (e.g. the loss curve) as SVG files into this existing directory.")
  var plots: String?

  func validate() throws {
    guard let plots else { return }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: plots, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw ValidationError("--plots \(plots) is not an existing directory")
    }
  }
}

extension ColorMode: ExpressibleByArgument {}
extension ReportFormat: ExpressibleByArgument {}

/// Builds the registry of the course's bundles.
func makeRegistry() throws -> Registry {
  try Registry(bundles: Course.current.bundles)
}

/// Ends the process with a LessonKit command's exit code.
func finish(_ code: Int32) throws {
  if code != 0 { throw ExitCode(code) }
}
