import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - Atomic file replacement

/// Why a file could not be written.
public struct FileWriteError: Error, CustomStringConvertible, Sendable {
  public let path: String
  public let operation: String
  public let reason: String

  public var description: String { "could not \(operation) \(path): \(reason)" }
}

/// Replaces files in one step: a sibling temporary file is written, fsynced and renamed over the
/// target, so a reader (or a crash) sees either the old file or the complete new one.
///
/// Checkpoints (Pretraining), progress files and plots (LessonKit) all go through here.
public enum AtomicFile {
  /// Writes `bytes` to `path`, creating the parent directory when `createDirectory` is set.
  public static func write(_ bytes: [UInt8], to path: String, createDirectory: Bool = false) throws {
    let target = URL(fileURLWithPath: path).standardizedFileURL
    let directory = target.deletingLastPathComponent()
    if createDirectory {
      do {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      } catch {
        throw FileWriteError(path: directory.path, operation: "create the directory", reason: error.localizedDescription)
      }
    }
    // The pid and a random suffix keep concurrent writers off each other's temporary file; the
    // `.tmp-` infix lets `.gitignore` (`*.safetensors.tmp*`) hide what a killed process leaves.
    let temporary = directory.appendingPathComponent(
      "\(target.lastPathComponent).tmp-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))").path
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw FileWriteError(path: target.path, operation: "create a temporary file next to", reason: lastError())
    }
    var closed = false
    do {
      try bytes.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
          let written = systemWrite(descriptor, raw.baseAddress.map { $0 + offset }, raw.count - offset)
          if written < 0 {
            if errno == EINTR { continue }
            throw FileWriteError(path: temporary, operation: "write", reason: lastError())
          }
          offset += written
        }
      }
      guard fsync(descriptor) == 0 else { throw FileWriteError(path: temporary, operation: "fsync", reason: lastError()) }
      closed = true
      guard close(descriptor) == 0 else { throw FileWriteError(path: temporary, operation: "close", reason: lastError()) }
      guard rename(temporary, target.path) == 0 else {
        throw FileWriteError(path: target.path, operation: "replace", reason: lastError())
      }
    } catch {
      if !closed { _ = close(descriptor) }
      _ = unlink(temporary)
      throw error
    }
    // Make the rename durable too; best effort, some file systems refuse to fsync a directory.
    let directoryDescriptor = open(directory.path, O_RDONLY | O_CLOEXEC)
    if directoryDescriptor >= 0 {
      _ = fsync(directoryDescriptor)
      _ = close(directoryDescriptor)
    }
  }

  /// Writes `text` as UTF-8 to `path`.
  public static func write(_ text: String, to path: String, createDirectory: Bool = false) throws {
    try write(Array(text.utf8), to: path, createDirectory: createDirectory)
  }

  private static func lastError() -> String { String(cString: strerror(errno)) }
}

/// The C `write`, named apart from Swift methods called `write`.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
  write(descriptor, buffer, count)
}
