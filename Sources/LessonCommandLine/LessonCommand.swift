import ArgumentParser
import AtomicFiles
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
/// LessonCommand.main(bundles: AllBundles.list, lessons: BuiltInCourse.lessons)
/// ```
public struct LessonCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "lesson",
    abstract: "Run Markdown lessons whose code runs and whose claims are checked.",
    version: LessonKitVersion.string,
    // Reading and checking lessons first, then the numeric tools, then authoring.
    subcommands: [
      Run.self, Check.self, Build.self, List.self, Progress.self, Show.self, Params.self, Lint.self, Sync.self,
      Cache.self, Train.self, Sample.self, Bench.self, Export.self, Corpus.self, Play.self,
      New.self,
    ])

  @OptionGroup var global: GlobalOptions

  public init() {}

  /// The bare `lesson`: an overview of the lessons and how to start. It never runs a lesson
  /// by itself (`lesson LESSON` and `lesson run` do).
  public func run() throws {
    try finish(ProgressCommand.overview(global.environment(), abstract: Self.configuration.abstract))
  }

  /// Runs the command line on the process's arguments with `bundles` as the course, then exits.
  ///
  /// - Parameters:
  ///   - bundles: every bundle whose steps and checks the lessons may use.
  ///   - lessons: the lessons built into the executable, found after every folder on the
  ///     search path (`--lessons`, or the nearest `Lessons/`; then `LESSON_PATH`).
  ///   - arguments: the arguments after the program name; nil = the process's own.
  ///
  /// `bundles` is evaluated only after the CPU check: bundle code is compiled for the vector ISA.
  /// Before anything else, on a CPU newer than the installed OpenBLAS, the process restarts once
  /// with better BLAS kernels (see `CPUCheck.chooseBLASKernels`). Every command does: the lessons'
  /// figures hold whichever kernels round the matrix products, and the cache keeps each kernel
  /// family's results apart.
  public static func main(
    bundles: @autoclosure () -> [LessonBundle], lessons: [BuiltInLesson] = [], arguments: [String]? = nil
  ) -> Never {
    CPUCheck.requireVectorISA()
    CPUCheck.chooseBLASKernels()
    let given = arguments ?? Array(CommandLine.arguments.dropFirst())
    Course.current = Course(bundles: bundles(), lessons: lessons)
    // Built once, and only when the first word is neither a command nor an option.
    var found: LessonLocator?
    func locator() -> LessonLocator {
      if let found { return found }
      let made = GlobalOptions.locator(for: given)
      found = made
      return made
    }
    let route = FrontDoor.route(
      given, subcommands: subcommandNames, findLesson: { word in (try? locator().find(word)) != nil },
      lessonNames: { ((try? locator().lessons()) ?? []).map(\.name) })
    switch route {
    case let .parse(arguments):
      runParsed(arguments)
    case let .unknown(word, suggestion):
      let hint = suggestion.map { "; did you mean `\($0)`?" } ?? "; `lesson help` lists the commands, `lesson list` the lessons"
      StandardStreams.err("error: no such command or lesson '\(Sanitizer.clean(word, singleLine: true))'\(hint)\n")
      Foundation.exit(2)
    }
    Foundation.exit(0)
  }
}

extension LessonCommand {
  /// Parses and runs `arguments` as `main(_:)` does, with two differences for bad input: a value
  /// swift-argument-parser cannot parse exits 2 like every other bad flag (not its usage status
  /// 64), and its message is made safe to print (it echoes the refused value, which may hold
  /// escape codes or be 100 KB long).
  static func runParsed(_ arguments: [String]) -> Never {
    do {
      var command = try parseAsRoot(arguments)
      try command.run()
      Foundation.exit(0)
    } catch {
      let code = exitCode(for: error)
      let message = printableParserMessage(fullMessage(for: error))
      if !message.isEmpty {
        // Help and version are results (stdout); everything else is an error (stderr).
        if code == .success { StandardStreams.out(message + "\n") } else { StandardStreams.err(message + "\n") }
      }
      Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
    }
  }

  /// `message` with control characters made visible and every overlong word cut to an excerpt.
  static func printableParserMessage(_ message: String) -> String {
    message.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      Sanitizer.clean(String(line), singleLine: true).split(separator: " ", omittingEmptySubsequences: false)
        .map { word in word.count > 200 ? excerpt(String(word)) : String(word) }
        .joined(separator: " ")
    }.joined(separator: "\n")
  }

  /// The words that name a subcommand (`run`, `check`, …, and `help`).
  public static var subcommandNames: Set<String> {
    Set(configuration.subcommands.map { $0._commandName } + ["help"])
  }
}

/// What the command line serves: the bundles and the built-in lessons, fixed once by `LessonCommand.main`.
struct Course {
  var bundles: [LessonBundle]
  var lessons: [BuiltInLesson]

  /// Set before any argument is parsed and never changed afterwards, so reads need no lock.
  nonisolated(unsafe) static var current = Course(bundles: [], lessons: [])
}

// MARK: - Shared options

/// Options every subcommand accepts, before or after its name (`lesson --color never check`).
public struct GlobalOptions: ParsableArguments {
  @Option(
    name: [.customLong("lessons"), .customLong("lessons-dir")],
    help: ArgumentHelp(
      "A folder of lessons, searched before LESSON_PATH's folders and the built-in lessons; repeatable "
        + "(default: the nearest Lessons/ above the current directory).", valueName: "dir"),
    completion: .directory)
  public var lessonsDirectories: [String] = []

  @Option(help: "Colour: auto (terminal only, honours NO_COLOR), always or never.")
  public var color: ColorMode = .auto

  public init() {}

  /// The flags above, each taking one value.
  public static let flags: Set<String> = ["--lessons", "--lessons-dir", "--color"]

  /// `arguments` with global options written before the subcommand moved just after it, where
  /// swift-argument-parser reads them: `--lessons X list` → `list --lessons X`. Anything
  /// else (no subcommand word, another option first) is left as it is.
  public static func movedAfterSubcommand(_ arguments: [String], subcommands: Set<String>) -> [String] {
    let (global, rest) = leadingGlobalOptions(arguments)
    guard !global.isEmpty, let word = rest.first, subcommands.contains(word) else { return arguments }
    return [word] + global + rest.dropFirst()
  }

  /// The global options at the start of `arguments`, and what follows them.
  public static func leadingGlobalOptions(_ arguments: [String]) -> (global: [String], rest: ArraySlice<String>) {
    var index = 0
    while index < arguments.count {
      let word = arguments[index]
      if flags.contains(word), index + 1 < arguments.count {
        index += 2
      } else if let equals = word.firstIndex(of: "="), flags.contains(String(word[..<equals])) {
        index += 1
      } else {
        break
      }
    }
    return (Array(arguments[..<index]), arguments[index...])
  }

  /// The lesson search path: these folders (or the nearest `Lessons/`), `LESSON_PATH`, then the
  /// course's built-in lessons, unpacked into the user's cache.
  public func locator(environment: [String: String] = ProcessInfo.processInfo.environment) -> LessonLocator {
    let builtIn = BuiltInLessonFolder.materialize(
      Course.current.lessons, cacheRoot: ResultCache.standardDirectory(environment: environment)
    ) { warning in StandardStreams.err("warning: \(Sanitizer.clean(warning))\n") }
    return LessonLocator(lessonsDirectories: lessonsDirectories, searchPath: environment["LESSON_PATH"], builtIn: builtIn)
  }

  /// The search path as the words before the subcommand would set it (for routing a bare word).
  static func locator(for arguments: [String]) -> LessonLocator {
    let (global, _) = leadingGlobalOptions(arguments)
    let parsed = (try? GlobalOptions.parse(global)) ?? GlobalOptions()
    return parsed.locator()
  }

  /// The environment the LessonKit commands run in.
  public func environment() -> CommandEnvironment {
    var environment = CommandEnvironment.standard(color: color, locator: locator())
    environment.numericEnvironment = CPUCheck.numericEnvironment
    return environment
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

  @Option(
    help: "Also write the steps' charts (e.g. the loss curve) as SVG files into this existing directory.", completion: .directory)
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
  if LessonRunner.hasAbandonedWork {
    // A timed-out or trapped step's thread still exists: leave without exit handlers or destructors.
    fflush(nil)
    _exit(code)
  }
  if code != 0 { throw ExitCode(code) }
}
