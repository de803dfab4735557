import Foundation

// MARK: - Finding lessons

/// Finds the lessons directory and resolves lesson arguments (paths or short names).
///
/// Lessons are files named `NN_<name>.md` in `Lessons/`; `pretrain` finds `00_pretrain.md`.
/// The directory is `--lessons-dir` when given, else the first `Lessons/` found walking up
/// from the current directory.
public struct LessonLocator: Sendable {
  /// The lessons directory, if one was found.
  public let directory: String?

  /// Locates the lessons directory.
  ///
  /// - Parameters:
  ///   - lessonsDirectory: an explicit directory (`--lessons-dir`).
  ///   - currentDirectory: where to start walking up.
  public init(lessonsDirectory: String?, currentDirectory: String = FileManager.default.currentDirectoryPath) {
    if let lessonsDirectory {
      directory = lessonsDirectory
      return
    }
    var url = URL(fileURLWithPath: currentDirectory).standardizedFileURL
    var found: String?
    while true {
      let candidate = url.appendingPathComponent("Lessons")
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue {
        found = candidate.path
        break
      }
      let parent = url.deletingLastPathComponent()
      if parent.path == url.path { break }
      url = parent
    }
    directory = found
  }

  /// The lesson files (`NN_<name>.md`), sorted by name.
  public func lessonFiles() throws -> [String] {
    guard let directory else {
      throw LessonLoadError.noLessonsDirectory(startingAt: FileManager.default.currentDirectoryPath)
    }
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return names.filter { Self.shortName(ofFile: $0) != nil }.sorted().map { (directory as NSString).appendingPathComponent($0) }
  }

  /// `pretrain` for `00_pretrain.md`; `nil` for names not shaped `NN_<name>.md`.
  public static func shortName(ofFile name: String) -> String? {
    guard name.hasSuffix(".md") else { return nil }
    let stem = name.dropLast(3)
    guard let underscore = stem.firstIndex(of: "_") else { return nil }
    let number = stem[..<underscore]
    let rest = stem[stem.index(after: underscore)...]
    guard !number.isEmpty, number.allSatisfy(\.isNumber), !rest.isEmpty else { return nil }
    return String(rest)
  }

  /// Resolves a LESSON argument: an existing path, a short name, a full file name or its number;
  /// `nil` means the first lesson.
  public func resolve(_ argument: String?) throws -> String {
    guard let argument else {
      let files = try lessonFiles()
      guard let first = files.first else { throw LessonLoadError.noLessons(directory: directory ?? ".") }
      return first
    }
    if argument.contains("/") || argument.hasSuffix(".md") || FileManager.default.fileExists(atPath: argument) {
      if FileManager.default.fileExists(atPath: argument) { return argument }
      if argument.contains("/") { throw LessonLoadError.unreadable(path: argument, reason: "no such file") }
    }
    let files = try lessonFiles()
    let match = files.first { path in
      let name = (path as NSString).lastPathComponent
      let stem = String(name.dropLast(3))
      return Self.shortName(ofFile: name) == argument || stem == argument || name == argument
        || stem.split(separator: "_").first.map(String.init) == argument
    }
    guard let match else {
      throw LessonLoadError.notFound(
        argument, searched: directory ?? ".",
        available: files.compactMap { Self.shortName(ofFile: ($0 as NSString).lastPathComponent) })
    }
    return match
  }

  /// Resolves several LESSON arguments; none means every lesson.
  public func resolveAll(_ arguments: [String]) throws -> [String] {
    if arguments.isEmpty { return try lessonFiles() }
    return try arguments.map { try resolve($0) }
  }

  /// The directory holding `Package.swift`, walking up from `path`'s directory.
  public static func packageRoot(above path: String) -> String? {
    var url = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
    while true {
      if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        return url.path
      }
      let parent = url.deletingLastPathComponent()
      if parent.path == url.path { return nil }
      url = parent
    }
  }

  /// `path` relative to the current directory when it lies below it, for shorter messages.
  public static func displayPath(_ path: String) -> String {
    let current = FileManager.default.currentDirectoryPath
    let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
    if absolute.hasPrefix(current + "/") { return String(absolute.dropFirst(current.count + 1)) }
    return path
  }
}
