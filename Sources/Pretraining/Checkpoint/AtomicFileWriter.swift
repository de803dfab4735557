import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces a file in one step: write a sibling temporary file, fsync it, rename it over the target.
///
/// rename(2) within one directory is atomic, so readers see either the old file or the complete
/// new one. The temporary name ends in `.tmp-<pid>-<random>` so concurrent writers never share it
/// and `.gitignore`'s `*.safetensors.tmp*` hides leftovers of a killed process.
enum AtomicFileWriter {
  static func write(_ bytes: [UInt8], to url: URL) throws {
    let target = url.standardizedFileURL
    let directory = target.deletingLastPathComponent()
    let temporary = directory.appendingPathComponent(
      "\(target.lastPathComponent).tmp-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))")

    let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw CheckpointError.io(path: target.path, operation: "create a temporary file for", reason: lastErrorText())
    }
    var closed = false
    do {
      try writeAll(bytes, to: descriptor, path: temporary.path)
      guard fsync(descriptor) == 0 else {
        throw CheckpointError.io(path: temporary.path, operation: "flush (fsync)", reason: lastErrorText())
      }
      closed = true
      guard close(descriptor) == 0 else {
        throw CheckpointError.io(path: temporary.path, operation: "close", reason: lastErrorText())
      }
      guard rename(temporary.path, target.path) == 0 else {
        throw CheckpointError.io(path: target.path, operation: "replace", reason: lastErrorText())
      }
    } catch {
      if !closed { _ = close(descriptor) }
      _ = unlink(temporary.path)
      throw error
    }
    syncDirectory(directory)
  }

  private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
    try bytes.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let written = systemWrite(descriptor, raw.baseAddress.map { $0 + offset }, raw.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          throw CheckpointError.io(path: path, operation: "write", reason: lastErrorText())
        }
        offset += written
      }
    }
  }

  /// Makes the rename itself durable; best effort, since some file systems refuse to fsync a directory.
  private static func syncDirectory(_ directory: URL) {
    let descriptor = open(directory.path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    _ = fsync(descriptor)
    _ = close(descriptor)
  }

  private static func lastErrorText() -> String {
    String(cString: strerror(errno))
  }
}

/// The C `write`, named apart from Swift methods called `write`.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
  write(descriptor, buffer, count)
}
