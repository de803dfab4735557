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
/// Checkpoints (Pretraining), progress files, plots and synced lessons (LessonKit) all go
/// through here, so every rule about what may be replaced lives in this one place:
/// - only regular files are replaced: a device (`/dev/null`), FIFO, socket or directory at the
///   path is refused, never swapped for a regular file;
/// - a symbolic link is followed, and the regular file it points to is replaced (the link stays);
/// - the replaced file keeps its permission bits (a 0600 checkpoint stays 0600) and, when the
///   process may set them, its owner and group;
/// - a file the user may not write (a 0444 file, for a non-root user) is refused, not replaced
///   behind the user's back by renaming over it;
/// - a file with several hard links is refused: renaming would silently detach this name from
///   the others, and writing in place would give up atomicity (a crash would damage every name);
/// - the temporary file of a write that is cut short by a signal is removed by
///   `removeTemporaryFiles()`, which the interrupt handler calls before exiting.
public enum AtomicFile {
  /// Writes `bytes` to `path`, creating the parent directory when `createDirectory` is set.
  public static func write(_ bytes: [UInt8], to path: String, createDirectory: Bool = false) throws {
    let given = URL(fileURLWithPath: path).standardizedFileURL
    if createDirectory { try makeDirectories(given.deletingLastPathComponent().path) }
    let target = try replaceableTarget(given.path)
    let directory = (target.path as NSString).deletingLastPathComponent
    let temporary = temporaryName(for: target.path)
    // Registered before it exists, so an interrupt between open and rename removes it.
    inFlight.insert(temporary)
    defer { inFlight.remove(temporary) }
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, target.existing?.mode ?? 0o666)
    guard descriptor >= 0 else {
      throw FileWriteError(path: target.path, operation: "create a temporary file next to", reason: lastError())
    }
    var closed = false
    do {
      try writeAll(bytes, to: descriptor, named: temporary)
      if let existing = target.existing {
        // open() applied the umask; the replacement gets exactly the old bits, and the old owner
        // when we are allowed to give it (root rewriting a user's file); otherwise ours.
        _ = fchown(descriptor, existing.owner, existing.group)
        guard fchmod(descriptor, existing.mode) == 0 else {
          throw FileWriteError(path: temporary, operation: "set the mode of", reason: lastError())
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
    syncDirectory(directory)
  }

  /// Creates `path` holding `bytes` with exactly `mode`, unless a file is already there.
  ///
  /// The bytes go to a temporary file first and are linked into place (`link` fails if the
  /// name exists), so the file appears whole or not at all, and of two processes creating it
  /// at once one wins and the other reads the winner's (unlike `rename`, which would let the
  /// second replace a file the first already used).
  ///
  /// - Returns: true when this call created it; false when a file was already at `path`.
  public static func create(_ bytes: [UInt8], at path: String, mode: mode_t) throws -> Bool {
    let directory = (path as NSString).deletingLastPathComponent
    let temporary = temporaryName(for: path)
    inFlight.insert(temporary)
    defer { inFlight.remove(temporary) }
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
    guard descriptor >= 0 else {
      throw FileWriteError(path: path, operation: "create a temporary file next to", reason: lastError())
    }
    defer { _ = unlink(temporary) }
    var closed = false
    do {
      // open() applied the umask; the file gets exactly `mode`.
      guard fchmod(descriptor, mode) == 0 else { throw FileWriteError(path: temporary, operation: "set the mode of", reason: lastError()) }
      try writeAll(bytes, to: descriptor, named: temporary)
      guard fsync(descriptor) == 0 else { throw FileWriteError(path: temporary, operation: "fsync", reason: lastError()) }
      closed = true
      guard close(descriptor) == 0 else { throw FileWriteError(path: temporary, operation: "close", reason: lastError()) }
    } catch {
      if !closed { _ = close(descriptor) }
      throw error
    }
    guard link(temporary, path) == 0 else {
      if errno == EEXIST { return false }
      throw FileWriteError(path: path, operation: "create", reason: lastError())
    }
    syncDirectory(directory)
    return true
  }

  /// `mkdir -p path`, giving the folders it creates `mode` (0700 for a private one); the error
  /// says in plain words what is in the way, not Foundation's error dump.
  public static func makeDirectories(_ path: String, mode: mode_t = 0o755) throws {
    var prefix = path.hasPrefix("/") ? "" : "."
    for component in path.split(separator: "/") {
      prefix += "/" + component
      guard mkdir(prefix, mode) == 0 || errno == EEXIST else {
        throw FileWriteError(path: prefix, operation: "create the directory", reason: lastError())
      }
    }
    guard case .directory = FileKind.of(path) else {
      throw FileWriteError(path: path, operation: "create the directory", reason: "it is \(FileKind.of(path).phrase)")
    }
  }

  /// Writes `text` as UTF-8 to `path`.
  public static func write(_ text: String, to path: String, createDirectory: Bool = false) throws {
    try write(Array(text.utf8), to: path, createDirectory: createDirectory)
  }

  /// Checks that `path` may be replaced, without writing: what `write` would refuse, it refuses
  /// here, so a command can fail on a bad output path before hours of work rather than after.
  public static func checkWritable(_ path: String) throws {
    let target = try replaceableTarget(URL(fileURLWithPath: path).standardizedFileURL.path)
    let directory = (target.path as NSString).deletingLastPathComponent
    guard target.existing != nil || access(directory, W_OK | X_OK) == 0 else {
      throw FileWriteError(path: target.path, operation: "create", reason: "the directory \(directory) "
        + (FileManager.default.fileExists(atPath: directory) ? "is not writable" : "does not exist"))
    }
  }

  /// Removes the temporary files of writes still in progress. Called from the interrupt handler
  /// just before the process exits, so a second Ctrl-C during a checkpoint write leaves no
  /// `X.tmp-*` behind; the target itself is untouched (it is only ever renamed over whole).
  public static func removeTemporaryFiles() {
    for path in inFlight.drain() { _ = unlink(path) }
  }

  // MARK: - What may be replaced

  /// The file a write to `path` replaces: `path` itself, or the file its symbolic links lead to.
  struct Target {
    struct Existing {
      var mode: mode_t
      var owner: uid_t
      var group: gid_t
    }

    var path: String
    /// The current file's mode and owner, or `nil` when there is no file yet.
    var existing: Existing?
  }

  /// Resolves `path` and refuses targets that must not be replaced (see the type's rules).
  static func replaceableTarget(_ path: String) throws -> Target {
    var resolved = path
    var info = stat()
    if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK {
      guard let real = realpath(path, nil) else {
        let failure = errno
        guard failure == ENOENT else {
          // ELOOP (links that lead back to themselves), EACCES, ...: say what the system said.
          throw FileWriteError(path: path, operation: "write", reason:
            "it is a symbolic link that cannot be followed (\(String(cString: strerror(failure)))); remove the link or point it at a file")
        }
        throw FileWriteError(path: path, operation: "write", reason:
          "it is a symbolic link to a missing file (\(linkDestination(path))); remove the link or create its target")
      }
      resolved = String(cString: real)
      free(real)
    }
    guard stat(resolved, &info) == 0 else {
      guard errno == ENOENT else { throw FileWriteError(path: resolved, operation: "write", reason: lastError()) }
      return Target(path: resolved, existing: nil)
    }
    let kind = info.st_mode & S_IFMT
    guard kind == S_IFREG else {
      throw FileWriteError(path: resolved, operation: "write", reason:
        "it is \(FileKind.of(resolved).phrase), not a regular file; give the path of a regular file (or of a new one)")
    }
    if info.st_nlink > 1 {
      throw FileWriteError(path: resolved, operation: "replace", reason:
        "it has \(info.st_nlink) hard links, and replacing it would detach this name from the others; "
          + "write to another path, or break the link first (cp \(resolved) copy && mv copy \(resolved))")
    }
    guard access(resolved, W_OK) == 0 else {
      throw FileWriteError(path: resolved, operation: "replace", reason:
        "it is read-only for you (mode \(String(info.st_mode & 0o777, radix: 8))); make it writable "
          + "(chmod u+w) or write to another path")
    }
    return Target(path: resolved, existing: .init(mode: info.st_mode & 0o7777, owner: info.st_uid, group: info.st_gid))
  }

  private static func linkDestination(_ path: String) -> String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "unreadable"
  }

  private static func lastError() -> String { String(cString: strerror(errno)) }

  /// A fresh name beside `path` for its temporary file. The pid and a random suffix keep
  /// concurrent writers off each other's file; the `.tmp-` infix lets `.gitignore`
  /// (`*.safetensors.tmp*`) hide what a killed process leaves.
  private static func temporaryName(for path: String) -> String {
    path + ".tmp-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
  }

  /// Writes all of `bytes` to `descriptor`, retrying short writes and EINTR.
  private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, named path: String) throws {
    try bytes.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let written = systemWrite(descriptor, raw.baseAddress.map { $0 + offset }, raw.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          throw FileWriteError(path: path, operation: "write", reason: lastError())
        }
        offset += written
      }
    }
  }

  /// Makes a rename or link in `directory` durable; best effort, some file systems refuse to
  /// fsync a directory.
  private static func syncDirectory(_ directory: String) {
    let descriptor = open(directory, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    _ = fsync(descriptor)
    _ = close(descriptor)
  }

  // MARK: - Writes in progress

  /// The temporary files between `open` and `rename`, shared with the interrupt handler's thread.
  private static let inFlight = TemporaryFiles()

  private final class TemporaryFiles: @unchecked Sendable {
    // @unchecked: every access to `paths` holds `lock`.
    private let lock = NSLock()
    private var paths: Set<String> = []

    func insert(_ path: String) { lock.withLock { _ = paths.insert(path) } }
    func remove(_ path: String) { lock.withLock { _ = paths.remove(path) } }
    func drain() -> Set<String> {
      lock.withLock {
        defer { paths = [] }
        return paths
      }
    }
  }
}

/// The C `write`, named apart from Swift methods called `write`.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
  write(descriptor, buffer, count)
}
