import AtomicFiles
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - The result cache

/// Steps' results on disk, so a lesson re-checks in seconds and resumes without retraining.
///
/// An entry is keyed by everything that determines it (see `StepKey`) and written atomically
/// with a tag under the user's secret key (`CacheSigningKey`, kept outside the directory).
/// Reading trusts nothing: a truncated, corrupt, foreign (another build, user or machine) or
/// hand-edited entry is reported once as a warning, ignored and recomputed. When the directory
/// cannot be written (read-only, full, not a directory), or the key cannot be read or created,
/// the run goes on uncached after one warning. The cache keeps under `limitBytes` by evicting
/// the least recently used entries.
public final class ResultCache: @unchecked Sendable {
  /// The default size bound: 256 MiB (the pretraining lesson needs about 10 MB).
  public static let defaultLimit = 256 << 20
  /// Entries larger than this are not written, and not read.
  static let entryLimit = 64 << 20

  /// The directory holding the entries.
  public let directory: String
  /// The identity of the build whose entries this cache reads and writes.
  public let build: String
  /// The size bound.
  public let limitBytes: Int
  /// The file holding the key entries are tagged with.
  public let keyFile: String
  private let warn: (String) -> Void
  private var warned: Set<String> = []
  private var writable = true
  /// The key, read (or created) on first use: commands that only list or clear never touch it.
  private var signingKey: Result<CacheSigningKey, any Error>?
  private let lock = NSLock()

  /// A cache in `directory` for entries of `build`, tagged with the key in `keyFile`.
  public init(
    directory: String, build: String, keyFile: String, limitBytes: Int = ResultCache.defaultLimit,
    warn: @escaping (String) -> Void
  ) {
    self.directory = directory
    self.build = build
    self.keyFile = keyFile
    self.limitBytes = limitBytes
    self.warn = warn
  }

  /// `$XDG_CACHE_HOME/lesson` when that is an absolute path, else `~/.cache/lesson`.
  public static func standardDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
    if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") { return cache + "/lesson" }
    let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    return home + "/.cache/lesson"
  }

  private var entryDirectory: String { directory + "/steps" }

  private func file(for key: String) -> String { entryDirectory + "/" + key + ".entry" }

  // MARK: - Reading

  /// The entry stored under `key`, if there is a valid one.
  func load(key: String, step: String) -> CachedStep? {
    let path = file(for: key)
    guard let bytes = readRegularFile(path), let signingKey = usableKey() else { return nil }
    do {
      let entry = try CacheEntryFormat.decode(bytes, key: key, build: build, signingKey: signingKey)
      guard entry.step == step else { throw CacheEntryFormat.Refusal(reason: "it belongs to step '\(entry.step)'") }
      touch(path)
      return entry
    } catch {
      warnOnce(
        "corrupt:\(key)",
        "warning: ignoring cache entry \(path) for step '\(step)': \(error); recomputing it")
      _ = unlink(path)
      return nil
    }
  }

  /// The file's bytes when it is a regular file of a sane size; nil when it does not exist.
  private func readRegularFile(_ path: String) -> [UInt8]? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
      warnOnce("kind:\(path)", "warning: cache entry \(path) is not a regular file; ignoring it")
      return nil
    }
    guard info.st_size <= off_t(Self.entryLimit) else {
      warnOnce("size:\(path)", "warning: cache entry \(path) is larger than any entry the cache writes; ignoring it")
      return nil
    }
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    return [UInt8](data)
  }

  // MARK: - Writing

  /// Stores `entry`; on failure the cache turns itself off for the rest of the run, with one warning.
  func store(_ entry: CachedStep) {
    lock.lock()
    let open = writable
    lock.unlock()
    guard open else { return }
    do {
      // The folder first: a cache that cannot be written at all never gets to creating a key.
      try prepareDirectory()
      guard let signingKey = usableKey() else { return }
      let bytes = try CacheEntryFormat.encode(entry, key: signingKey)
      guard bytes.count <= Self.entryLimit else { return }
      try AtomicFile.write(bytes, to: file(for: entry.key))
      evict()
    } catch {
      lock.lock()
      writable = false
      lock.unlock()
      warnOnce("write", "warning: cannot write the result cache (\(error)); continuing without it")
    }
  }

  /// The signing key, or nil (after one warning, and with the cache off for reading and
  /// writing) when it cannot be read or created: without it no entry can be trusted or tagged.
  private func usableKey() -> CacheSigningKey? {
    let (result, first) = lock.withLock {
      if let known = signingKey { return (known, false) }
      let loaded = Result { try CacheSigningKey.loadOrCreate(at: keyFile) }
      signingKey = loaded
      if case .failure = loaded { writable = false }
      return (loaded, true)
    }
    switch result {
    case .success(let key): return key
    case .failure(let error):
      if first { warnOnce("key", "warning: \(error); continuing without the result cache") }
      return nil
    }
  }

  /// Creates the cache's folders as needed; the error says in plain words what is in the way
  /// (a file, a read-only parent), not Foundation's error dump.
  private func prepareDirectory() throws {
    for path in [directory, entryDirectory] {
      switch FileKind.of(path) {
      case .directory: continue
      case .missing, .unreadable: try AtomicFile.makeDirectories(path)
      case let kind: throw CacheDirectoryError(path: path, reason: "it is \(kind.phrase), not a directory")
      }
    }
  }

  private func touch(_ path: String) {
    // The modification time doubles as the last-use time for eviction.
    _ = utimes(path, nil)
  }

  // MARK: - Listing and eviction

  /// One file of the cache.
  public struct EntryInfo: Sendable, Equatable {
    public let path: String
    public let bytes: Int
    public let lastUsed: Date
  }

  /// The entries on disk, most recently used first.
  public func entries() -> [EntryInfo] {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: entryDirectory) else { return [] }
    var result: [EntryInfo] = []
    for name in names where name.hasSuffix(".entry") {
      let path = entryDirectory + "/" + name
      var info = stat()
      guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
      result.append(EntryInfo(
        path: path, bytes: Int(info.st_size),
        lastUsed: Date(timeIntervalSince1970: modificationTime(info))))
    }
    return result.sorted { $0.lastUsed > $1.lastUsed }
  }

  /// Removes every entry (and temporary files a killed writer left); returns how many files went.
  @discardableResult
  public func clear() -> Int {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: entryDirectory) else { return 0 }
    var removed = 0
    for name in names where name.hasSuffix(".entry") || name.contains(".entry.tmp-") {
      if unlink(entryDirectory + "/" + name) == 0 { removed += 1 }
    }
    return removed
  }

  /// Deletes least recently used entries until the cache fits its bound, and temporary files
  /// older than an hour (a writer that was killed mid-write).
  private func evict() {
    var entries = self.entries()
    var total = entries.reduce(0) { $0 + $1.bytes }
    while total > limitBytes, let oldest = entries.popLast() {
      _ = unlink(oldest.path)
      total -= oldest.bytes
    }
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: entryDirectory) else { return }
    let hourAgo = Date().timeIntervalSince1970 - 3600
    for name in names where name.contains(".entry.tmp-") {
      var info = stat()
      let path = entryDirectory + "/" + name
      if lstat(path, &info) == 0, modificationTime(info) < hourAgo { _ = unlink(path) }
    }
  }

  func warnOnce(_ kind: String, _ message: String) {
    lock.lock()
    let first = warned.insert(kind).inserted
    lock.unlock()
    if first { warn(message + "\n") }
  }
}

/// Seconds since 1970 of a file's last modification.
private func modificationTime(_ info: stat) -> Double {
  #if canImport(Darwin)
    return Double(info.st_mtimespec.tv_sec) + Double(info.st_mtimespec.tv_nsec) / 1e9
  #else
    return Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
  #endif
}

/// A folder of the cache cannot be used.
struct CacheDirectoryError: Error, CustomStringConvertible {
  let path: String
  let reason: String
  var description: String { "\(path): \(reason)" }
}

// MARK: - Keys

/// The key of one step's result: a hash of everything that determines it.
///
/// The build identity, the step id, the lesson seed, the step's own parameter values, and the
/// keys of the steps it reads from (so a change anywhere upstream changes every key below it).
/// A parameter only enters the keys of the steps that declare it and of their dependents, so
/// changing one downstream of training never retrains.
enum StepKey {
  static func make(build: String, step: String, seed: UInt64, parameters: [(String, ParameterValue)], upstream: [String]) -> String {
    var hasher = SHA256()
    hasher.update(field: "lesson step key 1")
    hasher.update(field: build)
    hasher.update(field: step)
    hasher.update(field: String(seed))
    for (name, value) in parameters.sorted(by: { $0.0 < $1.0 }) {
      hasher.update(field: name)
      hasher.update(field: value.keyText)
    }
    for key in upstream { hasher.update(field: key) }
    return SHA256.hex(hasher.finalize())
  }
}

// MARK: - Build identity

/// What identifies the running build: a SHA-256 of the executable's own bytes, with the version.
///
/// Every Swift module of an executable is linked into it, so two builds that differ in any step,
/// kernel or renderer differ here, and an entry from another build is never read. (Shared
/// system libraries such as BLAS are not part of it; a result that depends on them is still the
/// same computation.)
public enum BuildIdentity {
  /// The running executable's identity, computed once per process.
  public static let current: String = {
    let path = executablePath()
    guard let handle = FileHandle(forReadingAtPath: path) else {
      // Unreadable executable: an identity unique to this process, so nothing is ever shared.
      return "unidentified-" + UUID().uuidString
    }
    defer { try? handle.close() }
    var hasher = SHA256()
    hasher.update(field: LessonKitVersion.string)
    while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
      chunk.withUnsafeBytes { hasher.update(buffer: $0) }
    }
    return SHA256.hex(hasher.finalize())
  }()

  private static func executablePath() -> String {
    #if os(Linux)
      return "/proc/self/exe"
    #else
      return Bundle.main.executablePath ?? CommandLine.arguments[0]
    #endif
  }
}
