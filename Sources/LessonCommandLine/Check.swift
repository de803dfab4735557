import ArgumentParser
import Dispatch
import Foundation
import LessonKit

extension LessonCommand {
  /// `lesson check [LESSON…]`.
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run every step and claim without prose; one line per result.",
      discussion: "Exit status: 0 all passed, 1 something failed, 2 a lesson could not be loaded or bound.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Lesson paths or short names; default: every lesson.", completion: .custom(lessonNameCompletions))
    var lessons: [String] = []

    @Option(help: "Report format: text, json or junit.")
    var format: ReportFormat = .text

    @Option(help: "Run only this step or check (with its dependencies); repeatable.")
    var only: [String] = []

    @Option(help: "Start at this step or check (earlier steps run only as dependencies).")
    var from: String?

    @OptionGroup var settings: RunSettingsOptions

    @Flag(help: "Check one lesson, then again on every save of its Markdown, printing only what changed status. Ctrl-C stops.")
    var watch = false

    func run() throws {
      let options = CheckOptions(lessons: lessons, format: format, only: only, from: from, run: settings.configuration)
      if watch {
        // Ctrl-C is how watching ends: Interrupts runs this, restores the terminal and exits 130.
        Interrupts.addCleanup {
          if Terminal.isTTY(2) { StandardStreams.err(TerminalControl.clearLine) }
          StandardStreams.out("stopped watching\n")
        }
        try finish(WatchCommand.run(global.environment(), options: options, registry: makeRegistry, shouldStop: { false }))
        return
      }
      try finish(CheckCommand.run(global.environment(), options: options, registry: makeRegistry))
    }
  }
}
