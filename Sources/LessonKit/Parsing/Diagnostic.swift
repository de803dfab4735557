// MARK: - Diagnostics

/// A problem found in a lesson, located at a file and line.
public struct Diagnostic: Sendable, Equatable, Error, CustomStringConvertible {
  /// How serious a diagnostic is.
  public enum Severity: String, Sendable { case error, warning }

  public var severity: Severity
  public var file: String
  public var line: Int
  public var message: String

  public init(_ severity: Severity, file: String, line: Int, _ message: String) {
    self.severity = severity
    self.file = file
    self.line = line
    self.message = message
  }

  /// `file:line: error: message`.
  public var description: String { "\(file):\(line): \(severity.rawValue): \(message)" }
}

/// Errors that stop a lesson from loading.
public enum LessonLoadError: Error, CustomStringConvertible {
  case unreadable(path: String, reason: String)
  /// The file is larger than `Lesson.maximumFileSize`.
  case tooLarge(path: String, size: Int, limit: Int)
  /// The bytes are not lesson text (invalid UTF-8, NUL bytes); `line` holds the first bad byte.
  case malformedText(path: String, line: Int, reason: String)
  case notFound(String, searched: String, available: [String])
  case noLessonsDirectory(startingAt: String)
  case noLessons(directory: String)
  /// A folder given with `--lessons` that is not a directory.
  case noSuchFolder(String)

  public var description: String {
    switch self {
    case let .unreadable(path, reason):
      return "\(path):1: error: cannot read lesson: \(reason)"
    case let .tooLarge(path, size, limit):
      return "\(path):1: error: lesson is too large: \(size) bytes, over the limit of \(limit) bytes "
        + "(\(limit / 1_048_576) MiB); split it into several lessons"
    case let .malformedText(path, line, reason):
      return "\(path):\(line): error: cannot read lesson: \(reason)"
    case let .notFound(name, searched, available):
      let names = available.isEmpty ? "none" : available.joined(separator: ", ")
      return "no lesson named '\(name)' in \(searched) (available: \(names))"
    case let .noLessonsDirectory(start):
      return "no Lessons/ directory in \(start) or above; pass --lessons DIR or a lesson path"
    case let .noSuchFolder(path):
      return "--lessons \(path): no such directory; give a folder that holds NN_<name>.md lessons"
    case let .noLessons(directory):
      return "\(directory) holds no NN_<name>.md lessons"
    }
  }
}
