import ArgumentParser
import LessonKit

extension LessonCommand {
  /// `lesson cache [clear]`.
  struct Cache: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show the result cache's size and entries; `lesson cache clear` empties it.",
      discussion: "The cache lives in $XDG_CACHE_HOME/lesson (default ~/.cache/lesson).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "`clear` to remove every entry.")
    var action: Action?

    enum Action: String, ExpressibleByArgument, CaseIterable { case clear }

    func run() throws {
      try finish(CacheCommand.run(global.environment(), clear: action == .clear))
    }
  }
}
