import Foundation

/// A plain-words reason why reading `url` failed, instead of Foundation's "error 256" (or its
/// "you don't have permission" for a device or FIFO, even as root).
public func fileReadFailureReason(_ url: URL, _ error: Error) -> String {
  switch FileKind.of(url.path) {
  case .missing: return "no such file"
  case .regular:
    return FileManager.default.isReadableFile(atPath: url.path) ? error.localizedDescription : "permission denied"
  case let kind: return "it is \(kind.phrase), not a regular file"
  }
}
