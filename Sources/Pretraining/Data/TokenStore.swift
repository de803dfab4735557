// MARK: - Compact token storage

/// A run of token ids stored in 2 bytes each when the vocabulary has at most 65,536 tokens
/// (every character corpus in practice), else in 4.
///
/// A 200 MB corpus is 200 M tokens: 400 MB here instead of 800 MB as `[TokenID]`. The train
/// and val splits share one buffer; each is a range of it, so splitting copies nothing.
public struct TokenStore: RandomAccessCollection, Sendable, Equatable, CustomStringConvertible {
  enum Storage: Sendable {
    case narrow([UInt16])
    case wide([UInt32])
  }

  let storage: Storage
  /// Where this run starts in `storage`.
  let base: Int
  public let count: Int

  init(_ storage: Storage, range: Range<Int>) {
    self.storage = storage
    self.base = range.lowerBound
    self.count = range.count
  }

  /// Stores `ids` (each in `0 ..< 2^31`), in 2 bytes each when they all fit.
  public init(_ ids: [TokenID]) {
    if ids.allSatisfy({ $0 >= 0 && $0 <= TokenID(UInt16.max) }) {
      self.init(.narrow(ids.map { UInt16(truncatingIfNeeded: $0) }), range: 0..<ids.count)
    } else {
      self.init(.wide(ids.map { UInt32(truncatingIfNeeded: $0) }), range: 0..<ids.count)
    }
  }

  public var startIndex: Int { 0 }
  public var endIndex: Int { count }

  public subscript(position: Int) -> TokenID {
    precondition(position >= 0 && position < count, "token index out of range")
    switch storage {
    case .narrow(let ids): return TokenID(truncatingIfNeeded: ids[base &+ position])
    case .wide(let ids): return TokenID(truncatingIfNeeded: ids[base &+ position])
    }
  }

  /// Bytes per stored token: 2 or 4.
  public var bytesPerToken: Int {
    if case .narrow = storage { return 2 }
    return 4
  }

  /// Calls `narrow` or `wide` with the stored ids, so a hot loop reads them without a per-token switch.
  func withBuffer<Result>(
    narrow: (UnsafeBufferPointer<UInt16>) throws -> Result, wide: (UnsafeBufferPointer<UInt32>) throws -> Result
  ) rethrows -> Result {
    switch storage {
    case .narrow(let ids):
      return try ids.withUnsafeBufferPointer { try narrow(UnsafeBufferPointer(rebasing: $0[base..<(base + count)])) }
    case .wide(let ids):
      return try ids.withUnsafeBufferPointer { try wide(UnsafeBufferPointer(rebasing: $0[base..<(base + count)])) }
    }
  }

  public static func == (lhs: TokenStore, rhs: TokenStore) -> Bool { lhs.elementsEqual(rhs) }

  public var description: String { "TokenStore(\(count) tokens, \(bytesPerToken) bytes each)" }
}
