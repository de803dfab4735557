import AtomicFiles
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - Saved progress

/// Where a learner is in one lesson: what `lesson run --resume` continues from.
public struct LessonProgress: Codable, Equatable, Sendable {
  /// Bumped when the format changes; other versions are treated as corrupt.
  public static let currentVersion = 1

  public var version: Int
  /// The lesson file, as an absolute path.
  public var lesson: String
  public var title: String
  /// The section (page) to open, 0-based.
  public var section: Int
  /// The step (index into `Lesson.steps`) to pause at, or `nil` for the section's start.
  public var step: Int?
  /// Every section was gone through to the end.
  public var finished: Bool
  /// Status per section, `sectionStatus.count` == the lesson's section count.
  public var sectionStatus: [SectionStatus]
  /// Claim index → passed, for the claims checked so far.
  public var claims: [Int: Bool]
  /// Step id → "done", "failed" or "skipped".
  public var steps: [String: String]
  /// When this was saved.
  public var updated: Date
  /// The settings the learner chose (`e` in `lesson run`), when they differ from the lesson's;
  /// absent in files written before settings could change.
  public var settings: ParameterSettings?

  public init(
    lesson: String, title: String, sectionCount: Int, section: Int = 0, step: Int? = nil, finished: Bool = false,
    claims: [Int: Bool] = [:], steps: [String: String] = [:], updated: Date = Date()
  ) {
    self.version = Self.currentVersion
    self.lesson = lesson
    self.title = title
    self.section = section
    self.step = step
    self.finished = finished
    self.sectionStatus = Array(repeating: .notRun, count: max(1, sectionCount))
    self.claims = claims
    self.steps = steps
    self.updated = updated
  }

  /// Claims that passed so far.
  public var claimsPassed: Int { claims.values.filter { $0 }.count }
}

// MARK: - Store

/// A progress file that cannot be removed.
struct ProgressFileError: Error, CustomStringConvertible {
  let path: String
  let reason: String
  var description: String { "\(path): \(reason)" }
}

/// Keeps each lesson's progress as a JSON file in the user's state directory.
///
/// The directory is `$XDG_STATE_HOME/lesson` when that variable holds an absolute path, else
/// `~/.local/state/lesson`. Files are replaced atomically, so a crash mid-save leaves the old one.
public struct LessonProgressStore: Sendable {
  /// What loading found.
  public enum Loaded: Equatable, Sendable {
    case none
    case progress(LessonProgress)
    /// The file exists but cannot be used; `reason` says why.
    case corrupt(path: String, reason: String)
  }

  public let directory: String

  public init(directory: String) { self.directory = directory }

  /// The store in the XDG state directory for `environment`.
  public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> LessonProgressStore {
    if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
      return LessonProgressStore(directory: state + "/lesson")
    }
    let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    return LessonProgressStore(directory: home + "/.local/state/lesson")
  }

  /// The file for the lesson at `lessonPath`: its name plus a hash of its absolute path, so two
  /// lessons with one name in different directories keep apart.
  public func path(forLesson lessonPath: String) -> String {
    let absolute = Self.absolute(lessonPath)
    let name = URL(fileURLWithPath: absolute).deletingPathExtension().lastPathComponent
    let safeName = String(name.unicodeScalars.map { scalar -> Character in
      CharacterSet.alphanumerics.contains(scalar) || scalar == "-" || scalar == "_" ? Character(scalar) : "_"
    }.prefix(60))
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a: stable across runs, unlike Hasher
    for byte in absolute.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return directory + "/" + safeName + "-" + String(hash, radix: 16) + ".json"
  }

  /// Reads the saved progress of `lessonPath`.
  public func load(lesson lessonPath: String) -> Loaded {
    let file = path(forLesson: lessonPath)
    // Only a regular file of a plausible size is read: a FIFO would block, /dev/zero or a huge
    // file would be read into memory.
    switch FileKind.of(file) {
    case .missing: return .none
    case .regular(let size):
      guard size <= Self.maximumFileSize else {
        return .corrupt(path: file, reason: "it is \(size) bytes, larger than any progress lesson writes")
      }
    case let kind: return .corrupt(path: file, reason: "it is \(kind.phrase), not a regular file")
    }
    guard let data = FileManager.default.contents(atPath: file) else {
      return .corrupt(path: file, reason: "it cannot be read")
    }
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    do {
      let progress = try decoder.decode(LessonProgress.self, from: data)
      guard progress.version == LessonProgress.currentVersion else {
        return .corrupt(path: file, reason: "it has format version \(progress.version), not \(LessonProgress.currentVersion)")
      }
      guard progress.section >= 0, !progress.sectionStatus.isEmpty, (progress.step ?? 0) >= 0 else {
        return .corrupt(path: file, reason: "it holds a negative position")
      }
      return .progress(progress)
    } catch {
      return .corrupt(path: file, reason: "it is not valid progress JSON")
    }
  }

  /// Saves `progress` atomically (temporary file, fsync, rename), creating the directory.
  public func save(_ progress: LessonProgress) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.dateEncodingStrategy = .iso8601
    let data = try encoder.encode(progress)
    try AtomicFile.write([UInt8](data), to: path(forLesson: progress.lesson), createDirectory: true)
  }

  /// The largest progress file read: a lesson's position and claims take a few KB.
  static let maximumFileSize = 16 << 20

  /// Deletes the saved progress of `lessonPath`; returns false when there was none.
  ///
  /// Only the one name is removed (`unlink`): a symbolic link goes, not what it points to, and a
  /// directory someone put there is refused rather than deleted with everything in it.
  public func remove(lesson lessonPath: String) throws -> Bool {
    let file = path(forLesson: lessonPath)
    var info = stat()
    guard lstat(file, &info) == 0 else { return false }
    guard (info.st_mode & S_IFMT) != S_IFDIR else {
      throw ProgressFileError(path: file, reason: "it is a directory, not a progress file; remove it yourself if nothing in it is needed")
    }
    guard unlink(file) == 0 else { throw ProgressFileError(path: file, reason: String(cString: strerror(errno))) }
    return true
  }

  /// `path` made absolute against the current directory, `.` and `..` resolved.
  public static func absolute(_ path: String) -> String {
    URL(fileURLWithPath: path).standardizedFileURL.path
  }
}
