import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A plain-words reason why reading `url` failed, instead of Foundation's "error 256" (or its
/// "you don't have permission" for a device or FIFO, even as root).
public func fileReadFailureReason(_ url: URL, _ error: Error) -> String {
  switch FileKind.of(url.path) {
  case .missing: return "no such file"
  case .regular:
    guard FileManager.default.isReadableFile(atPath: url.path) else { return "permission denied" }
    // The system's words (EIO for /proc/self/mem, EISDIR, ...) rather than "error 256".
    let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
    if let underlying, underlying.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(underlying.code))) }
    if (error as NSError).domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32((error as NSError).code))) }
    // Foundation's error can carry no code at all (EIO from /proc/self/mem arrives as "error
    // 256"): ask the system by reading one byte.
    let descriptor = open(url.path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    if descriptor >= 0 {
      defer { close(descriptor) }
      var byte: UInt8 = 0
      if read(descriptor, &byte, 1) < 0 { return String(cString: strerror(errno)) }
    }
    return "it could not be read"
  case let kind: return "it is \(kind.phrase), not a regular file"
  }
}
