import AtomicFiles
import Foundation

// MARK: - Finding lessons

/// Finds lessons and resolves lesson arguments (paths or short names).
///
/// Lessons are files named `NN_<name>.md`; `pretrain` finds `00_pretrain.md`. They are looked up
/// in folders, first match wins:
/// 1. the folders given with `--lessons` or, when none is given, the nearest `Lessons/` at or above
///    the current directory (a checkout, or an author's package);
/// 2. the folders in `LESSON_PATH` (colon-separated, as `PATH`);
/// 3. the lessons built into the executable, so an installed `lesson` serves its course anywhere.
public struct LessonLocator: Sendable {
  /// Where a folder of lessons came from, for listings and messages.
  public enum Origin: String, Sendable {
    case option = "--lessons"
    case nearest = "nearest Lessons/"
    case environment = "LESSON_PATH"
    case builtIn = "built in"
  }

  /// One folder on the search path.
  public struct Folder: Equatable, Sendable {
    public var path: String
    public var origin: Origin
  }

  /// The folders searched, in order.
  public let folders: [Folder]

  /// The folder new lessons are written into and whose package `lesson new` edits: the first
  /// `--lessons` folder, else the nearest `Lessons/`; nil when neither exists.
  public var directory: String? { folders.first { $0.origin == .option || $0.origin == .nearest }?.path }

  /// Locates the lesson folders.
  ///
  /// - Parameters:
  ///   - lessonsDirectories: the folders given with `--lessons`; they replace the nearest `Lessons/`.
  ///   - searchPath: `LESSON_PATH`'s value.
  ///   - builtIn: the folder holding the executable's own lessons (see `BuiltInLessons`), if any.
  ///   - currentDirectory: where to start looking for the nearest `Lessons/`.
  public init(
    lessonsDirectories: [String], searchPath: String? = nil, builtIn: String? = nil,
    currentDirectory: String = FileManager.default.currentDirectoryPath
  ) {
    var folders: [Folder] = lessonsDirectories.map { Folder(path: $0, origin: .option) }
    if lessonsDirectories.isEmpty, let nearest = Self.nearestLessonsDirectory(from: currentDirectory) {
      folders.append(Folder(path: nearest, origin: .nearest))
    }
    for entry in (searchPath ?? "").split(separator: ":", omittingEmptySubsequences: true) {
      folders.append(Folder(path: String(entry), origin: .environment))
    }
    if let builtIn { folders.append(Folder(path: builtIn, origin: .builtIn)) }
    self.folders = folders
  }

  /// A locator over one `--lessons` folder, or over the nearest `Lessons/` when it is nil.
  public init(lessonsDirectory: String?, currentDirectory: String = FileManager.default.currentDirectoryPath) {
    self.init(lessonsDirectories: lessonsDirectory.map { [$0] } ?? [], currentDirectory: currentDirectory)
  }

  /// The first `Lessons/` directory at or above `start`.
  static func nearestLessonsDirectory(from start: String) -> String? {
    var url = URL(fileURLWithPath: start).standardizedFileURL
    while true {
      let candidate = url.appendingPathComponent("Lessons")
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue {
        return candidate.path
      }
      let parent = url.deletingLastPathComponent()
      if parent.path == url.path { return nil }
      url = parent
    }
  }

  /// One lesson found on the search path.
  public struct Found: Equatable, Sendable {
    public var path: String
    public var name: String
    public var origin: Origin
  }

  /// Every lesson on the search path, folder by folder and by file name within a folder. A
  /// lesson whose short name an earlier folder already holds is hidden by it (an author's
  /// `pretrain` replaces the built-in one; a checkout's lessons replace the built-in copies).
  public func lessons() throws -> [Found] {
    var found: [Found] = []
    var seen: Set<String> = []
    for folder in folders {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
        // An explicit folder that is not there is a mistake worth naming; LESSON_PATH entries may
        // name folders that exist only sometimes, as PATH entries do.
        if folder.origin == .option { throw LessonLoadError.noSuchFolder(folder.path) }
        continue
      }
      let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
      for file in names.sorted() {
        guard let name = Self.shortName(ofFile: file), !seen.contains(name) else { continue }
        seen.insert(name)
        found.append(Found(path: (folder.path as NSString).appendingPathComponent(file), name: name, origin: folder.origin))
      }
    }
    if found.isEmpty && folders.allSatisfy({ $0.origin != .builtIn }) && directory == nil {
      throw LessonLoadError.noLessonsDirectory(startingAt: FileManager.default.currentDirectoryPath)
    }
    return found
  }

  /// The lesson files on the search path, in `lessons()` order.
  public func lessonFiles() throws -> [String] { try lessons().map(\.path) }

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
      guard let first = try lessons().first else { throw LessonLoadError.noLessons(directory: searchedDescription) }
      return first.path
    }
    if let path = try find(argument) { return path }
    throw LessonLoadError.notFound(argument, searched: searchedDescription, available: try lessons().map(\.name))
  }

  /// The lesson `argument` names, or nil when it names none (see `resolve`).
  public func find(_ argument: String) throws -> String? {
    // A word with a slash or `.md` is a path; so is a bare word naming a file here. A bare word
    // naming a directory (`mine`, next to `mine/07_mine.md`) is still a lesson name.
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory)
    if argument.contains("/") || argument.hasSuffix(".md") || (exists && !isDirectory.boolValue) {
      if exists { return argument }
      switch FileKind.of(argument) {
      case .missing:
        if argument.contains("/") { throw LessonLoadError.unreadable(path: argument, reason: "no such file") }
      case let kind:
        // A link loop or a dangling link is a path that says what is wrong with it, not an unknown name.
        throw LessonLoadError.unreadable(path: argument, reason: "it is \(kind.phrase)")
      }
    }
    return try lessons().first { lesson in
      let file = (lesson.path as NSString).lastPathComponent
      let stem = String(file.dropLast(3))
      return lesson.name == argument || stem == argument || file == argument
        || stem.split(separator: "_").first.map(String.init) == argument
    }?.path
  }

  /// Resolves several LESSON arguments; none means every lesson.
  public func resolveAll(_ arguments: [String]) throws -> [String] {
    if arguments.isEmpty { return try lessonFiles() }
    return try arguments.map { try resolve($0) }
  }

  /// The folders searched, for messages: `Lessons (nearest Lessons/), the built-in lessons`.
  public var searchedDescription: String {
    if folders.isEmpty { return "no lesson folder" }
    return folders.map { $0.origin == .builtIn ? "the built-in lessons" : LessonLocator.displayPath($0.path) }
      .joined(separator: ", ")
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
