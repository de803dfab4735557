import Foundation
import LessonKit
import Testing

/// Invalidation is correctness: each test changes one input and asserts exactly which steps run.
@Suite struct ResultCacheTests {
  /// Runs every claim of the fixture lesson with a fresh fixture (fresh counters) and returns
  /// which steps really ran, and the results.
  private func check(
    _ cache: TemporaryCache, build: String = "build-A", set: [String] = [], seed: UInt64 = 1337, keyFile: String? = nil
  ) throws -> (ran: [String], results: [CheckResult]) {
    let fixture = try GraphFixture()
    let runner = try fixture.runner(cache: cache.make(build: build, keyFile: keyFile), set: set, seed: seed)
    let results = fixture.checkAll(runner)
    let ran = ["base", "scaled", "report", "other", "uses-handle"].filter { fixture.counter.count($0) > 0 }
    return (ran, results)
  }

  private func stripped(_ results: [CheckResult]) -> [CheckResult] {
    results.map { result in
      var copy = result
      copy.seconds = 0
      copy.cached = false
      return copy
    }
  }

  @Test func aWarmRunReplaysEverythingWithIdenticalResults() throws {
    let cache = TemporaryCache()
    let cold = try check(cache)
    #expect(cold.ran == ["base", "scaled", "report", "other", "uses-handle"])
    let warm = try check(cache)
    #expect(warm.ran.isEmpty)
    #expect(stripped(warm.results) == stripped(cold.results))
    #expect(warm.results.filter { $0.kind == .claim }.allSatisfy { $0.cached })
    #expect(cache.warnings.isEmpty)
  }

  @Test func changingAParameterRerunsItsStepAndDependentsOnly() throws {
    let cache = TemporaryCache()
    _ = try check(cache)
    // factor is declared by `scaled`: base stays cached, scaled and report rerun.
    let changed = try check(cache, set: ["factor=3"])
    #expect(changed.ran == ["scaled", "report"])
    #expect(changed.results.first { $0.id == "scaled-sum" }?.computed == "30")
    // count is declared by `base`, upstream of both.
    #expect(try check(cache, set: ["count=5"]).ran == ["base", "scaled", "report"])
    // Back to the defaults: every entry is still there.
    #expect(try check(cache).ran.isEmpty)
  }

  @Test func aReaderThatRunsGetsCachedStateWithoutRerunningItsWriter() throws {
    let cache = TemporaryCache()
    _ = try check(cache)
    // `report` reruns for a new factor only through `scaled`; `scaled` needs base's numbers,
    // which come back from base's entry: base's body does not run.
    let changed = try check(cache, set: ["factor=4"])
    #expect(!changed.ran.contains("base"))
  }

  @Test func aNonCacheableValueIsRebuiltByItsWriter() throws {
    let cache = TemporaryCache()
    _ = try check(cache)
    // Remove uses-handle's entry only: it must run, and its writer `other` (whose NSObject
    // cannot be stored) runs again to rebuild the value.
    let fixture = try GraphFixture()
    let runner = try fixture.runner(cache: cache.make())
    let key = runner.key(of: "uses-handle")
    try FileManager.default.removeItem(atPath: cache.directory + "/steps/\(key).entry")
    let results = fixture.checkAll(runner)
    #expect(results.allSatisfy { $0.passed })
    #expect(fixture.counter.count("uses-handle") == 1)
    #expect(fixture.counter.count("other") == 1)
  }

  @Test func theSeedAndTheBuildAreInEveryKey() throws {
    let cache = TemporaryCache()
    _ = try check(cache)
    #expect(try check(cache, seed: 7).ran == ["base", "scaled", "report", "other", "uses-handle"])
    #expect(try check(cache, build: "build-B").ran == ["base", "scaled", "report", "other", "uses-handle"])
    #expect(try check(cache).ran.isEmpty)
  }

  @Test func aForeignEntryUnderTheRightNameIsRefused() throws {
    let cache = TemporaryCache()
    _ = try check(cache, build: "build-B")
    // Copy build B's entries over the names build A would look up.
    let fixtureA = try GraphFixture()
    let runnerA = try fixtureA.runner(cache: cache.make(build: "build-A"))
    let fixtureB = try GraphFixture()
    let runnerB = try fixtureB.runner(cache: cache.make(build: "build-B"))
    for step in ["base", "scaled", "report", "other", "uses-handle"] {
      try FileManager.default.copyItem(
        atPath: cache.directory + "/steps/\(runnerB.key(of: step)).entry",
        toPath: cache.directory + "/steps/\(runnerA.key(of: step)).entry")
    }
    let results = fixtureA.checkAll(runnerA)
    #expect(results.allSatisfy { $0.passed })
    #expect(fixtureA.counter.count("base") == 1)
    #expect(!results.contains { $0.cached })
  }

  @Test(arguments: [0, 1, 15, 40, 200, -1, -33])
  func aFlippedByteIsRecomputedNeverTrusted(_ position: Int) throws {
    let cache = TemporaryCache()
    let cold = try check(cache)
    for file in cache.entryFiles() {
      var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
      let index = position >= 0 ? min(position, bytes.count - 1) : bytes.count + position
      bytes[index] ^= 0x20
      try Data(bytes).write(to: URL(fileURLWithPath: file))
    }
    let warm = try check(cache)
    #expect(warm.ran == ["base", "scaled", "report", "other", "uses-handle"])
    #expect(stripped(warm.results) == stripped(cold.results))
    #expect(cache.warnings.contains { $0.contains("ignoring cache entry") })
  }

  @Test func truncatedAndEmptyEntriesAreRecomputed() throws {
    let cache = TemporaryCache()
    _ = try check(cache)
    for (index, file) in cache.entryFiles().enumerated() {
      let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
      try bytes.prefix(index * 7).write(to: URL(fileURLWithPath: file))
    }
    let warm = try check(cache)
    #expect(warm.results.allSatisfy { $0.passed })
    #expect(warm.ran.count == 5)
  }

  @Test func aHandEditedMeasurementIsRefused() throws {
    let cache = TemporaryCache()
    _ = try check(cache)
    // Change the recorded sum in place (10 → 90, same length), keeping the old tag.
    var edited = 0
    for file in cache.entryFiles() {
      var text = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
      if let range = findBytes(Array(#""base-sum":{"number":{"_0":10}"#.utf8), in: text) {
        text[range.upperBound - 3] = UInt8(ascii: "9")
        try Data(text).write(to: URL(fileURLWithPath: file))
        edited += 1
      }
    }
    #expect(edited == 1)
    let warm = try check(cache)
    #expect(warm.ran.contains("base"))
    #expect(warm.results.first { $0.id == "base-sum" }?.passed == true)
  }

  @Test func anUnwritableCacheDegradesToUncachedWithOneWarning() throws {
    let cache = TemporaryCache()
    // The cache path is a plain file.
    try Data("not a directory".utf8).write(to: URL(fileURLWithPath: cache.directory))
    let first = try check(cache)
    #expect(first.results.allSatisfy { $0.passed })
    #expect(cache.warnings.count == 1)
    #expect(cache.warnings[0].contains("continuing without it"))
    try? FileManager.default.removeItem(atPath: cache.directory)
  }

  @Test func leastRecentlyUsedEntriesAreEvicted() throws {
    let cache = TemporaryCache()
    _ = try check(cache)
    let sizes = cache.entryFiles().map { (try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int) ?? 0 }
    let total = sizes.reduce(0, +)
    // A bound a little under the total: the next store must evict something.
    _ = try check(cache, build: "build-C")
    let bounded = cache.make(build: "build-D", limit: total)
    let fixture = try GraphFixture()
    _ = fixture.checkAll(try fixture.runner(cache: bounded))
    let remaining = cache.entryFiles().reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
    #expect(remaining <= total)
    #expect(bounded.entries().count >= 1)
  }

  @Test func concurrentRunsShareTheCacheSafely() async throws {
    let cache = TemporaryCache()
    let fixture = try GraphFixture()
    try await withThrowingTaskGroup(of: [CheckResult].self) { group in
      for _ in 0..<4 {
        group.addTask {
          let local = try GraphFixture()
          return local.checkAll(try local.runner(cache: cache.make()))
        }
      }
      for try await results in group { #expect(results.allSatisfy { $0.passed }) }
    }
    #expect(cache.warnings.isEmpty)
    _ = fixture
    #expect(try check(cache).ran.isEmpty)
  }

  @Test func clearRemovesTheEntries() throws {
    let cache = TemporaryCache()
    _ = try check(cache)
    #expect(cache.make().entries().count == 5)
    #expect(cache.make().clear() == 5)
    #expect(cache.make().entries().isEmpty)
  }

  // MARK: - The key

  /// Rewrites every entry: `edit` changes its bytes, then the last 32 bytes become the plain
  /// SHA-256 of the rest, as anyone without the key can compute (and as format 1 checked).
  private func editAndHashAgain(_ cache: TemporaryCache, _ edit: (inout [UInt8]) -> Void) throws {
    for file in cache.entryFiles() {
      var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
      edit(&bytes)
      let body = Array(bytes.dropLast(32))
      try Data(body + SHA256.hash(body)).write(to: URL(fileURLWithPath: file))
    }
  }

  @Test func anEntryEditedAndHashedAgainIsRecomputedWithAWarning() throws {
    let cache = TemporaryCache()
    let cold = try check(cache)
    var edited = 0
    try editAndHashAgain(cache) { bytes in
      // base-sum is 10: record 90 instead, the same length, so only the tag can tell.
      if let range = findBytes(Array(#""base-sum":{"number":{"_0":10}"#.utf8), in: bytes) {
        bytes[range.upperBound - 3] = UInt8(ascii: "9")
        edited += 1
      }
    }
    #expect(edited >= 1)
    let warm = try check(cache)
    #expect(warm.ran == ["base", "scaled", "report", "other", "uses-handle"])
    #expect(stripped(warm.results) == stripped(cold.results))
    #expect(warm.results.first { $0.id == "base-sum" }?.passed == true)
    #expect(cache.warnings.contains { $0.contains("ignoring cache entry") && $0.contains("its tag does not match") })
  }

  @Test func anEntryOfTheOlderUnkeyedFormatIsRecomputedWithAWarning() throws {
    let cache = TemporaryCache()
    let cold = try check(cache)
    // What format 1 wrote: its magic, and a plain SHA-256 at the end.
    try editAndHashAgain(cache) { bytes in
      bytes.replaceSubrange(0..<15, with: Array("LESSON-CACHE 1\n".utf8))
    }
    let warm = try check(cache)
    #expect(warm.ran == ["base", "scaled", "report", "other", "uses-handle"])
    #expect(stripped(warm.results) == stripped(cold.results))
    #expect(cache.warnings.contains { $0.contains("written by an older lesson, without a key") }, "\(cache.warnings)")
  }

  @Test func entriesFromACacheWithAnotherKeyAreForeign() throws {
    let cache = TemporaryCache()
    let cold = try check(cache)
    // The same directory read by another user or machine: its own key, in its own state directory.
    let otherKey = cache.stateDirectory + "/other-user/cache-key"
    let foreign = try check(cache, keyFile: otherKey)
    #expect(foreign.ran == ["base", "scaled", "report", "other", "uses-handle"])
    #expect(stripped(foreign.results) == stripped(cold.results))
    #expect(cache.warnings.filter { $0.contains("its tag does not match") }.count == 5, "\(cache.warnings)")
    // Its own entries (now tagged with the other key) replay under that key.
    #expect(try check(cache, keyFile: otherKey).ran.isEmpty)
  }

  @Test func theKeyIsMadeOncePrivateAndOutsideTheCache() throws {
    let cache = TemporaryCache()
    _ = try check(cache)
    var info = stat()
    #expect(stat(cache.keyFile, &info) == 0)
    #expect(info.st_mode & 0o777 == 0o600)
    #expect(info.st_size == off_t(CacheSigningKey.length))
    #expect(stat(cache.stateDirectory + "/lesson", &info) == 0 && info.st_mode & 0o777 == 0o700)
    #expect(!cache.keyFile.hasPrefix(cache.directory + "/"))
    let key = try Data(contentsOf: URL(fileURLWithPath: cache.keyFile))
    #expect(try check(cache).ran.isEmpty)
    #expect(try Data(contentsOf: URL(fileURLWithPath: cache.keyFile)) == key, "the key was replaced")
    #expect(Set(key).count > 4, "not random bytes: \(Array(key))")
    #expect(cache.warnings.isEmpty)
  }

  @Test func theStandardKeyFileIsInTheStateDirectory() {
    #expect(CacheSigningKey.standardPath(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]) == "/s/lesson/cache-key")
    #expect(CacheSigningKey.standardPath(environment: ["HOME": "/h"]) == "/h/.local/state/lesson/cache-key")
    #expect(CacheSigningKey.standardPath(environment: ["XDG_STATE_HOME": "relative", "HOME": "/h"]) == "/h/.local/state/lesson/cache-key")
  }

  /// A key file that cannot be trusted is not used: one warning that names it and says how to
  /// fix it, every step computed, every result right, and nothing cached.
  @Test(arguments: ["directory", "short", "readable by others", "symbolic link", "fifo", "unreadable folder"])
  func aBadKeyFileGivesOneWarningAndCorrectResults(_ kind: String) throws {
    let cache = TemporaryCache()
    let folder = cache.stateDirectory + "/lesson"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let good = [UInt8](repeating: 7, count: CacheSigningKey.length)
    var fix = "rm " + cache.keyFile
    switch kind {
    case "directory":
      try FileManager.default.createDirectory(atPath: cache.keyFile, withIntermediateDirectories: false)
    case "short":
      #expect(FileManager.default.createFile(atPath: cache.keyFile, contents: Data(good.prefix(31)), attributes: [.posixPermissions: 0o600]))
    case "readable by others":
      #expect(FileManager.default.createFile(atPath: cache.keyFile, contents: Data(good), attributes: [.posixPermissions: 0o644]))
      fix = "chmod 600 " + cache.keyFile
    case "symbolic link":
      let real = cache.stateDirectory + "/real-key"
      #expect(FileManager.default.createFile(atPath: real, contents: Data(good), attributes: [.posixPermissions: 0o600]))
      try FileManager.default.createSymbolicLink(atPath: cache.keyFile, withDestinationPath: real)
    case "fifo":
      #expect(mkfifo(cache.keyFile, 0o600) == 0)
    default:
      // The key's folder cannot be entered, so the key can be neither read nor created (root
      // ignores modes, so there a file stands where the folder should be instead).
      try FileManager.default.removeItem(atPath: folder)
      #expect(FileManager.default.createFile(atPath: folder, contents: Data("x".utf8)))
      fix = "cannot be"
    }
    let cold = try check(cache)
    #expect(cold.ran == ["base", "scaled", "report", "other", "uses-handle"])
    #expect(cold.results.allSatisfy { $0.passed }, "\(cold.results)")
    #expect(cache.warnings.count == 1, "\(cache.warnings)")
    #expect(cache.warnings.first?.contains(cache.keyFile) == true, "\(cache.warnings)")
    #expect(cache.warnings.first?.contains(fix) == true, "\(cache.warnings)")
    #expect(cache.warnings.first?.contains("continuing without the result cache") == true)
    #expect(cache.entryFiles().isEmpty)
    // Still refused next time: nothing was replaced or trusted in between.
    #expect(try check(cache).ran.count == 5)
  }

  private func findBytes(_ needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
    guard needle.count <= haystack.count else { return nil }
    for start in 0...(haystack.count - needle.count) where Array(haystack[start..<start + needle.count]) == needle {
      return start..<start + needle.count
    }
    return nil
  }
}

@Suite struct SHA256Tests {
  @Test(arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    ),
  ])
  func fipsVectors(_ message: String, _ digest: String) {
    #expect(SHA256.hex(SHA256.hash(Array(message.utf8))) == digest)
  }

  @Test func oneMillionAs() {
    var hasher = SHA256()
    let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
    for _ in 0..<1000 { chunk.withUnsafeBytes { hasher.update(buffer: $0) } }
    #expect(SHA256.hex(hasher.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  @Test func splitUpdatesAgreeWithOneShot() {
    let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
    for split in [0, 1, 63, 64, 65, 500, 999] {
      var hasher = SHA256()
      bytes[..<split].withUnsafeBytes { hasher.update(buffer: $0) }
      hasher.update(bytes[split...])
      #expect(hasher.finalize() == SHA256.hash(bytes))
    }
  }
}

/// RFC 4231's test vectors for HMAC-SHA256 (case 5 compares the 128-bit truncation it gives).
@Suite struct HMACSHA256Tests {
  @Test(arguments: [
    ([UInt8](repeating: 0x0B, count: 20), Array("Hi There".utf8),
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
    (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
    ([UInt8](repeating: 0xAA, count: 20), [UInt8](repeating: 0xDD, count: 50),
     "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
    (Array(1...25), [UInt8](repeating: 0xCD, count: 50),
     "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
    ([UInt8](repeating: 0x0C, count: 20), Array("Test With Truncation".utf8), "a3b6167473100ee06e0c796c2955552b"),
    ([UInt8](repeating: 0xAA, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
    ([UInt8](repeating: 0xAA, count: 131), Array(("This is a test using a larger than block-size key and a larger than block-size data. "
      + "The key needs to be hashed before being used by the HMAC algorithm.").utf8),
     "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
  ])
  func rfc4231(_ key: [UInt8], _ message: [UInt8], _ tag: String) {
    let computed = HMACSHA256.authenticate(message, key: key)
    #expect(computed.count == 32)
    #expect(SHA256.hex(Array(computed.prefix(tag.count / 2))) == tag)
  }

  @Test func tagsCompareWholly() {
    let tag = HMACSHA256.authenticate(Array("entry".utf8), key: Array("key".utf8))
    #expect(HMACSHA256.tagsEqual(tag, tag))
    for index in [0, 15, 31] {
      var changed = tag
      changed[index] ^= 1
      #expect(!HMACSHA256.tagsEqual(tag, changed))
    }
    #expect(!HMACSHA256.tagsEqual(tag, Array(tag.dropLast())))
  }
}
