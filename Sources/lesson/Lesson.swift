import ArgumentParser
import Foundation
import LessonBundles
import LessonKit

/// The `lesson` command: runs Markdown lessons whose code runs and whose claims are checked.
@main
struct Lesson: ParsableCommand {
  static let configuration = CommandConfiguration(
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
    .standard(color: color, lessonsDirectory: lessonsDirectory)
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

/// Builds the registry of every compiled bundle.
func makeRegistry() throws -> Registry {
  try Registry(bundles: AllBundles.list)
}

/// Ends the process with a LessonKit command's exit code.
func finish(_ code: Int32) throws {
  if code != 0 { throw ExitCode(code) }
}
