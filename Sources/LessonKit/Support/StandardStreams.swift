import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - Writing to stdout and stderr

/// The process's stdout and stderr, written without trapping.
///
/// `FileHandle.write(_:)` traps (a `try!` inside Foundation) when the write fails: `lesson check
/// > /dev/full`, a full disk, a file-size limit. Every command writes through here instead. A
/// failed stdout write ends the command with exit 1 and one line on stderr (the results are
/// lost, and going on would only hide that); a failed stderr write is dropped, since there is
/// nowhere left to say it.
public enum StandardStreams {
  /// Writes `text` to stdout, or exits 1 saying why it could not.
  public static func out(_ text: String) {
    guard write(text, to: 1) else {
      let reason = String(cString: strerror(errno))
      _ = write("error: cannot write the output: \(reason)\n", to: 2)
      exit(1)
    }
  }

  /// Writes `text` to stderr, if it can.
  public static func err(_ text: String) {
    _ = write(text, to: 2)
  }

  /// Writes all of `text` to `descriptor`; false (with `errno` set) when the system refuses.
  private static func write(_ text: String, to descriptor: Int32) -> Bool {
    var bytes = Array(text.utf8)
    return bytes.withUnsafeMutableBytes { raw in
      var offset = 0
      while offset < raw.count {
        let written = systemWrite(descriptor, raw.baseAddress! + offset, raw.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return false
        }
        offset += written
      }
      return true
    }
  }
}

/// The C `write`, named apart from the methods above.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
  write(descriptor, buffer, count)
}
