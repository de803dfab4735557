import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - What is at a path

/// What a path names once symbolic links are followed: what readers and writers check before
/// they touch it, so a device, FIFO or directory is refused with words that say what it is.
public enum FileKind: Sendable, Equatable {
  case missing
  /// A regular file of `size` bytes.
  case regular(size: Int)
  case directory
  case characterDevice
  case blockDevice
  case fifo
  case socket
  /// A symbolic link whose target does not exist.
  case danglingLink
  /// `stat` failed for another reason (`reason` is strerror's text, e.g. permission denied).
  case unreadable(reason: String)

  /// The kind of `path`, following symbolic links.
  public static func of(_ path: String) -> FileKind {
    var info = stat()
    guard stat(path, &info) == 0 else {
      let failure = errno
      if failure == ENOENT {
        var link = stat()
        return lstat(path, &link) == 0 ? .danglingLink : .missing
      }
      return .unreadable(reason: String(cString: strerror(failure)))
    }
    switch info.st_mode & S_IFMT {
    case S_IFREG: return .regular(size: Int(info.st_size))
    case S_IFDIR: return .directory
    case S_IFCHR: return .characterDevice
    case S_IFBLK: return .blockDevice
    case S_IFIFO: return .fifo
    case S_IFSOCK: return .socket
    default: return .unreadable(reason: "unknown file type")
    }
  }

  /// "a character device", "a FIFO (named pipe)", … for messages.
  public var phrase: String {
    switch self {
    case .missing: return "missing"
    case .regular: return "a regular file"
    case .directory: return "a directory"
    case .characterDevice: return "a character device"
    case .blockDevice: return "a block device"
    case .fifo: return "a FIFO (named pipe)"
    case .socket: return "a socket"
    case .danglingLink: return "a symbolic link to a missing file"
    case .unreadable(let reason): return "not inspectable (\(reason))"
    }
  }
}
