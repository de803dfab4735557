import AtomicFiles
import Foundation

// MARK: - Lessons built into the executable

/// A lesson file compiled into an executable (for the built-in course, SwiftPM's `embedInCode`
/// resources), so an installed `lesson` serves its lessons from any directory.
public struct BuiltInLesson: Sendable {
  /// The file name, `NN_<name>.md`.
  public var fileName: String
  /// The file's bytes, exactly as in the package's `Lessons/`.
  public var bytes: [UInt8]

  public init(fileName: String, bytes: [UInt8]) {
    self.fileName = fileName
    self.bytes = bytes
  }
}

/// Puts the executable's lessons where every command can read them: a folder in the user's cache
/// named by a hash of their contents.
///
/// Every command reads lessons from files, and every lesson message names `file:line`, so a
/// learner who sees `…/00_pretrain.md:212: error` can open that file. Writing the embedded bytes
/// once into a content-named folder keeps both true for an installed binary; two versions of
/// `lesson` never share a folder, and a file someone edited there is put back before it is read.
public enum BuiltInLessonFolder {
  /// The folder holding `lessons`, written (atomically, file by file) where missing or changed.
  ///
  /// - Parameter cacheRoot: the user's cache directory for `lesson` (`ResultCache.standardDirectory()`).
  /// - Returns: nil when there are no lessons or the folder cannot be written (then only the
  ///   folders on the search path serve lessons; `warn` has said why).
  public static func materialize(_ lessons: [BuiltInLesson], cacheRoot: String, warn: (String) -> Void) -> String? {
    guard !lessons.isEmpty else { return nil }
    var hasher = SHA256()
    for lesson in lessons {
      hasher.update(field: lesson.fileName)
      hasher.update(field: String(lesson.bytes.count))
      hasher.update(lesson.bytes)
    }
    let folder = cacheRoot + "/built-in-lessons/" + String(SHA256.hex(hasher.finalize()).prefix(16))
    for lesson in lessons {
      // Only plain `NN_<name>.md` names: a name is a path component here.
      guard LessonLocator.shortName(ofFile: lesson.fileName) != nil, !lesson.fileName.contains("/") else { continue }
      let path = folder + "/" + lesson.fileName
      if FileManager.default.contents(atPath: path).map({ [UInt8]($0) == lesson.bytes }) == true { continue }
      do {
        try AtomicFile.write(lesson.bytes, to: path, createDirectory: true)
      } catch {
        warn("cannot unpack the built-in lessons into \(folder): \(error); they are unavailable in this run (set XDG_CACHE_HOME to a writable directory)")
        return nil
      }
    }
    return folder
  }
}
