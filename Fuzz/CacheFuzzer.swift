import Foundation

// MARK: - libFuzzer entry point: the result cache's entry reader

/// Feeds one input to the cache entry reader as the bytes of an entry file.
///
/// Compiled with the LessonKit sources into one module (see `scripts/fuzz.sh`), so it reaches the
/// internal format. What the cache promises, checked on every input: bytes are refused with a
/// reason or read whole, a read entry belongs to the key and build asked for, every piece of
/// state lies inside the file, and what is read encodes back to a readable entry with the same
/// contents (so a stale or foreign entry can never pass for a fresh one).
@_cdecl("LLVMFuzzerTestOneInput")
public func cacheFuzzerTestOneInput(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let input = [UInt8](UnsafeBufferPointer(start: bytes, count: count))
  for (key, build) in CacheFuzzTarget.identities {
    guard let entry = try? CacheEntryFormat.decode(input, key: key, build: build, signingKey: CacheFuzzTarget.signingKey)
    else { continue }
    precondition(entry.key == key && entry.build == build, "an entry of another key or build was accepted")
    precondition(entry.state.values.reduce(0) { $0 + $1.count } <= input.count, "state larger than the file")
    let again = try! CacheEntryFormat.decode(
      try! CacheEntryFormat.encode(entry, key: CacheFuzzTarget.signingKey), key: key, build: build,
      signingKey: CacheFuzzTarget.signingKey)
    precondition(again == entry, "an entry does not survive a round trip")
  }
  // Any bytes, wrapped in a valid envelope, must still decode or be refused without a trap.
  _ = try? CacheEntryFormat.decode(CacheFuzzTarget.enveloped(input), key: "k", build: "b", signingKey: CacheFuzzTarget.signingKey)
  return 0
}

enum CacheFuzzTarget {
  /// The key and build the seeds were written for, and one they were not.
  static let identities = [("k", "b"), ("other", "b")]

  /// The key the seed entries are tagged with: `scripts/fuzz.sh` writes these 32 bytes ("k"
  /// repeated) as the seeding run's key file, so real entries get past the tag to the parser.
  static let signingKey = CacheSigningKey(bytes: [UInt8](repeating: UInt8(ascii: "k"), count: CacheSigningKey.length))

  /// `bytes` as the header of an entry with a correct magic, length and tag: this reaches
  /// the JSON and blob-table checks, which random bytes would almost never get past.
  static func enveloped(_ bytes: [UInt8]) -> [UInt8] {
    var out = CacheEntryFormat.magic
    var length = UInt64(bytes.count).littleEndian
    withUnsafeBytes(of: &length) { out += $0 }
    out += bytes
    out += HMACSHA256.authenticate(out, key: signingKey.bytes)
    return out
  }
}
