import LessonKit

/// How the first word of a command line is read, before swift-argument-parser sees it.
///
/// A subcommand is parsed as such; a lesson name or path runs that lesson (`lesson pretrain` is
/// `lesson run pretrain`); nothing at all prints the overview; any other word is a mistake, said
/// with the closest command or lesson, never taken for a lesson that does not exist.
public enum FrontDoor {
  public enum Route: Equatable, Sendable {
    /// Hand these arguments to swift-argument-parser.
    case parse([String])
    /// The first word names neither a command nor a lesson.
    case unknown(String, suggestion: String?)
  }

  public static func route(
    _ arguments: [String], subcommands: Set<String>, findLesson: (String) -> Bool, lessonNames: () -> [String] = { [] }
  ) -> Route {
    let (global, rest) = GlobalOptions.leadingGlobalOptions(arguments)
    guard let word = rest.first else { return .parse(arguments) }
    if word.hasPrefix("-") { return .parse(arguments) }
    if subcommands.contains(word) { return .parse(GlobalOptions.movedAfterSubcommand(arguments, subcommands: subcommands)) }
    if findLesson(word) { return .parse(["run"] + global + rest) }
    let candidates = subcommands.sorted() + lessonNames()
    return .unknown(word, suggestion: Suggestion.closest(to: word, among: candidates))
  }
}
