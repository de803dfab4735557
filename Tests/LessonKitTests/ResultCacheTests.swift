import Foundation
import LessonKit
import Testing

/// Invalidation is correctness: each test changes one input and asserts exactly which steps run.
@Suite struct ResultCacheTests {
  /// Runs every claim of the fixture lesson with a fresh fixture (fresh counters) and returns
  /// which steps really ran, and the results.
  private func check(
    _ cache: TemporaryCache, build: String = "build-A", set: [String] = [], seed: UInt64 = 1337
  ) throws -> (ran: [String], results: [CheckResult]) {
    let fixture = try GraphFixture()
    let runner = try fixture.runner(cache: cache.make(build: build), set: set, seed: seed)
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
    // Change the recorded sum in place (same length), keeping the old checksum.
    for file in cache.entryFiles() {
      var text = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
      if let range = findBytes(Array("[10,".utf8), in: text) ?? findBytes(Array(":10,".utf8), in: text) {
        text[range.lowerBound + 1] = UInt8(ascii: "9")
        try Data(text).write(to: URL(fileURLWithPath: file))
      }
    }
    let warm = try check(cache)
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
