import AtomicFiles
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - The cache's secret key

/// The per-user secret the result cache tags its entries with (HMAC-SHA256).
///
/// It lives outside the cache directory, in the user's state directory
/// (`$XDG_STATE_HOME/lesson/cache-key`, else `~/.local/state/lesson/cache-key`, beside the
/// lesson progress files), so a cache directory copied from another user or machine arrives
/// without it and its entries are foreign, and an entry edited by hand cannot be tagged again
/// by anyone who cannot read this file. It is 32 random bytes, created on first use with mode
/// 0600; a key file that anyone else could read, or that is not exactly what this type writes,
/// is refused rather than used.
public struct CacheSigningKey: Sendable, Equatable {
  /// The key's length: SHA-256's output size, the RFC 2104 recommendation for HMAC-SHA256.
  public static let length = 32

  let bytes: [UInt8]

  /// The key file for `environment`: `cache-key` in the state directory lesson progress uses.
  public static func standardPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
    LessonProgressStore.standard(environment: environment).directory + "/cache-key"
  }

  /// Why the key cannot be used.
  struct Refusal: Error, CustomStringConvertible {
    let path: String
    let reason: String
    var description: String { "the cache key \(path) \(reason)" }
  }

  /// Reads the key at `path`, creating it (and its directory, mode 0700) when there is none.
  static func loadOrCreate(at path: String) throws -> CacheSigningKey {
    if let key = try read(path) { return key }
    do {
      // Mode 0700 for what is created: the key's folder is nobody else's business.
      try AtomicFile.makeDirectories((path as NSString).deletingLastPathComponent, mode: 0o700)
    } catch {
      throw Refusal(path: path, reason: "cannot be created (\(error))")
    }
    var generator = SystemRandomNumberGenerator()
    let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
    do {
      if try AtomicFile.create(bytes, at: path, mode: 0o600) { return CacheSigningKey(bytes: bytes) }
    } catch {
      throw Refusal(path: path, reason: "cannot be created: \(error)")
    }
    // Another process created it first: use theirs, so both processes' entries agree.
    guard let key = try read(path) else { throw Refusal(path: path, reason: "vanished while it was being created") }
    return key
  }

  /// The key at `path`, nil when there is no file; refuses anything but a regular file of
  /// exactly `length` bytes that only its owner (this user) can read or write.
  private static func read(_ path: String) throws -> CacheSigningKey? {
    // O_NOFOLLOW: a symbolic link put in the key's place is refused, not followed to a file
    // somebody else chose; O_NONBLOCK: a FIFO there cannot make the open wait forever.
    let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
    guard descriptor >= 0 else {
      let failure = errno
      if failure == ENOENT { return nil }
      if failure == ELOOP { throw Refusal(path: path, reason: "is a symbolic link; remove it (rm \(path)) and a new key is made") }
      throw Refusal(path: path, reason: "cannot be read (\(String(cString: strerror(failure))))")
    }
    defer { _ = close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else {
      throw Refusal(path: path, reason: "cannot be read (\(String(cString: strerror(errno))))")
    }
    let remedy = "remove it (rm \(path)) and a new key is made; entries tagged with the old one are then recomputed"
    guard (info.st_mode & S_IFMT) == S_IFREG else {
      throw Refusal(path: path, reason: "is \(FileKind.of(path).phrase), not a regular file; \(remedy)")
    }
    guard info.st_uid == geteuid() else {
      throw Refusal(path: path, reason: "belongs to another user (uid \(info.st_uid)); \(remedy)")
    }
    let mode = info.st_mode & 0o777
    guard mode & 0o077 == 0 else {
      throw Refusal(path: path, reason: "can be read or written by others (mode \(String(mode, radix: 8))); "
        + "make it private (chmod 600 \(path)), or, if others may have read it, \(remedy)")
    }
    guard info.st_size == off_t(length) else {
      throw Refusal(path: path, reason: "holds \(info.st_size) bytes, not \(length); \(remedy)")
    }
    var bytes = [UInt8](repeating: 0, count: length)
    let count = bytes.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, length) }
    guard count == length else { throw Refusal(path: path, reason: "cannot be read whole; \(remedy)") }
    return CacheSigningKey(bytes: bytes)
  }
}

/// The C `read`, named apart from the type's `read(_:)`.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
  read(descriptor, buffer, count)
}
