/// An owned, zero-initialized, 64-byte-aligned block of Float32 values whose address never changes.
///
/// Parameters, gradients, optimizer moments and activations all live in slabs, so a whole-model
/// operation (zeroing, clipping, AdamW, checkpointing) is one loop over one pointer, and kernels can
/// hold raw pointers into a slab for the life of the model without copy-on-write or ARC traffic.
public final class FloatSlab: @unchecked Sendable {
  // @unchecked: the slab is raw memory. The library only shares a slab across threads for reads
  // (parameters) or for writes to disjoint ranges (each data-parallel worker owns its buffers).

  /// Number of Float values in the slab.
  public let count: Int
  /// Start of the storage; valid for `count` values while the slab is alive.
  public let base: UnsafeMutablePointer<Float>

  /// Allocates `count` zeroed values.
  public init(count: Int) {
    precondition(count >= 0, "FloatSlab needs a non-negative count")
    self.count = count
    let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) &* 4, alignment: 64)
    base = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    base.initialize(repeating: 0, count: max(count, 1))
  }

  deinit {
    base.deallocate()
  }

  /// The whole slab as a mutable buffer.
  public var buffer: UnsafeMutableBufferPointer<Float> {
    UnsafeMutableBufferPointer(start: base, count: count)
  }

  /// Sets every value to zero.
  public func zero() {
    base.update(repeating: 0, count: count)
  }

  /// Copies the values out into an array (for inspection and tests; not for hot paths).
  public func toArray() -> [Float] {
    Array(UnsafeBufferPointer(start: base, count: count))
  }

  /// Copies `values` into the slab starting at `offset`.
  public func copy(from values: [Float], at offset: Int = 0) {
    precondition(offset >= 0 && offset &+ values.count <= count, "FloatSlab copy out of range")
    values.withUnsafeBufferPointer { source in
      guard let start = source.baseAddress else { return }
      (base + offset).update(from: start, count: source.count)
    }
  }
}
