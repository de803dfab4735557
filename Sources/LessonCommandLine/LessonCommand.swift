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
      Run.self, Check.self, Build.self, List.self, Show.self, Params.self, Lint.self, Sync.self, Cache.self,
      Train.self, Sample.self, Bench.self, Export.self, Corpus.self, Play.self,
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
    let given = arguments ?? Array(CommandLine.arguments.dropFirst())
    main(GlobalOptions.movedAfterSubcommand(given, subcommands: subcommandNames))
    Foundation.exit(0)
  }
}

extension LessonCommand {
  /// The words that name a subcommand (`run`, `check`, …, and `help`).
  public static var subcommandNames: Set<String> {
    Set(configuration.subcommands.map { $0._commandName } + ["help"])
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

/// Options every subcommand accepts, before or after its name (`lesson --color never check`).
public struct GlobalOptions: ParsableArguments {
  @Option(name: .customLong("lessons-dir"), help: "The lessons directory (default: the nearest Lessons/ above the current directory).")
  public var lessonsDirectory: String?

  @Option(help: "Colour: auto (terminal only, honours NO_COLOR), always or never.")
  public var color: ColorMode = .auto

  public init() {}

  /// The flags above, each taking one value.
  public static let flags: Set<String> = ["--lessons-dir", "--color"]

  /// `arguments` with global options written before the subcommand moved just after it, where
  /// swift-argument-parser reads them: `--lessons-dir X list` → `list --lessons-dir X`. Anything
  /// else (no subcommand word, another option first) is left as it is.
  public static func movedAfterSubcommand(_ arguments: [String], subcommands: Set<String>) -> [String] {
    var index = 0
    var global: [String] = []
    while index < arguments.count {
      let word = arguments[index]
      if flags.contains(word), index + 1 < arguments.count {
        global += arguments[index...index + 1]
        index += 2
      } else if let equals = word.firstIndex(of: "="), flags.contains(String(word[..<equals])) {
        global.append(word)
        index += 1
      } else {
        break
      }
    }
    guard !global.isEmpty, index < arguments.count, subcommands.contains(arguments[index]) else { return arguments }
    return [arguments[index]] + global + arguments[(index + 1)...]
  }

  /// The environment the LessonKit commands run in.
  public func environment() -> CommandEnvironment {
    .standard(color: color, lessonsDirectory: lessonsDirectory ?? Course.current.lessonsDirectory)
  }
}

/// What one run of a lesson is configured with: `run` and `check` declare it once.
struct RunSettingsOptions: ParsableArguments {
  @Option(help: "The lesson seed.")
  var seed: UInt64 = 1337

  @Option(
    name: .customLong("set"),
    help: ArgumentHelp("Change a lesson parameter; repeatable (`lesson params LESSON` lists them).", valueName: "name=value"))
  var assignments: [String] = []

  @Flag(help: "Compute every step afresh: neither read nor write the result cache.")
  var noCache = false

  @Option(help: "Also write the steps' charts (e.g. the loss curve) as SVG files into this existing directory.")
  var plots: String?

  /// The engine's form of these options.
  var configuration: RunConfiguration {
    RunConfiguration(seed: seed, assignments: assignments, useCache: !noCache, plotDirectory: plots)
  }

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
