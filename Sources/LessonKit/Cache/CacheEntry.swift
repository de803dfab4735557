import AtomicFiles
import Foundation

// MARK: - One cached step

/// What the cache keeps of one step's run: everything `run` and `check` show and compare, and
/// the state later steps read.
public struct CachedStep: Sendable, Equatable {
  /// The key the entry was stored under (it is checked again on reading).
  public var key: String
  /// The step id.
  public var step: String
  /// The build that computed it.
  public var build: String
  /// What the step reported.
  public var output: [ReportItem]
  /// What it measured, by name.
  public var measurements: [String: MeasuredValue]
  /// Seconds the step took when it really ran.
  public var seconds: Double
  /// Encoded state values it wrote, by key name (only keys whose values are `CacheableState`).
  public var state: [String: Data]
}

/// The on-disk form of a `CachedStep`.
///
/// ```
/// "LESSON-CACHE 2\n"   magic and format version (15 bytes)
/// header length        UInt64, little-endian
/// header               JSON: key, step, build, output, measurements, seconds, blob table
/// blobs                the state values, back to back
/// tag                  HMAC-SHA256 of every byte before it under the cache's key (32 bytes)
/// ```
/// The tag is checked first, so nothing an attacker or a bad disk wrote is parsed; it needs the
/// user's secret key (`CacheSigningKey`), so an entry edited by hand and hashed again, or one
/// copied from another user's or machine's cache, is refused like a corrupt one. Every length
/// is checked against the file's size before anything is sliced or allocated, so a truncated
/// file is refused with a reason, never trusted and never a trap. Format 1 ended in a plain
/// SHA-256, which anyone can recompute: its entries are refused, and recomputed.
enum CacheEntryFormat {
  static let magic = Array("LESSON-CACHE 2\n".utf8)
  /// The unkeyed format before it.
  static let unkeyedMagic = Array("LESSON-CACHE 1\n".utf8)
  static let tagLength = 32

  private struct Header: Codable {
    var key: String
    var step: String
    var build: String
    var output: [ReportItem]
    var measurements: [String: MeasuredValue]
    var seconds: Double
    var blobs: [Blob]
  }

  private struct Blob: Codable {
    var name: String
    var offset: Int
    var length: Int
  }

  /// Why bytes are not a usable cache entry.
  struct Refusal: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
  }

  static func encode(_ entry: CachedStep, key signingKey: CacheSigningKey) throws -> [UInt8] {
    var blobs: [Blob] = []
    var offset = 0
    for name in entry.state.keys.sorted() {
      let length = entry.state[name]!.count
      blobs.append(Blob(name: name, offset: offset, length: length))
      offset += length
    }
    let header = try CacheJSON.encoder.encode(Header(
      key: entry.key, step: entry.step, build: entry.build, output: entry.output, measurements: entry.measurements,
      seconds: entry.seconds, blobs: blobs))
    var bytes = magic
    var headerLength = UInt64(header.count).littleEndian
    withUnsafeBytes(of: &headerLength) { bytes += $0 }
    bytes += header
    for name in entry.state.keys.sorted() { bytes += entry.state[name]! }
    bytes += HMACSHA256.authenticate(bytes, key: signingKey.bytes)
    return bytes
  }

  /// Reads an entry, refusing anything that is not exactly what `encode` wrote for `key` by
  /// `build` under `signingKey`.
  static func decode(_ bytes: [UInt8], key: String, build: String, signingKey: CacheSigningKey) throws -> CachedStep {
    let minimum = magic.count + 8 + tagLength
    if bytes.starts(with: unkeyedMagic) {
      throw Refusal(reason: "it was written by an older lesson, without a key, so it cannot be told from an edited one")
    }
    guard bytes.count >= minimum else { throw Refusal(reason: "it is truncated (\(bytes.count) bytes)") }
    guard bytes.starts(with: magic) else { throw Refusal(reason: "it is not a lesson cache entry of this format") }
    let body = bytes.count - tagLength
    guard HMACSHA256.tagsEqual(HMACSHA256.authenticate(Array(bytes[..<body]), key: signingKey.bytes), Array(bytes[body...])) else {
      throw Refusal(reason: "its tag does not match: it is corrupt, was edited, or was written with another user's or machine's cache key")
    }
    var headerLength: UInt64 = 0
    for (shift, byte) in bytes[magic.count..<magic.count + 8].enumerated() { headerLength |= UInt64(byte) << (8 * UInt64(shift)) }
    let headerStart = magic.count + 8
    guard headerLength <= UInt64(body - headerStart) else { throw Refusal(reason: "its header length runs past the end") }
    let headerEnd = headerStart + Int(headerLength)
    let header: Header
    do {
      header = try CacheJSON.decoder.decode(Header.self, from: Data(bytes[headerStart..<headerEnd]))
    } catch {
      throw Refusal(reason: "its header is not valid")
    }
    guard header.key == key, header.build == build else {
      throw Refusal(reason: "it was stored for another key or build")
    }
    var state: [String: Data] = [:]
    let blobArea = body - headerEnd
    for blob in header.blobs {
      guard blob.offset >= 0, blob.length >= 0, blob.offset <= blobArea, blob.length <= blobArea - blob.offset else {
        throw Refusal(reason: "its state '\(excerpt(blob.name))' runs past the end")
      }
      state[blob.name] = Data(bytes[headerEnd + blob.offset..<headerEnd + blob.offset + blob.length])
    }
    return CachedStep(
      key: header.key, step: header.step, build: header.build, output: header.output,
      measurements: header.measurements, seconds: header.seconds, state: state)
  }
}
