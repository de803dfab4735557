/// A Float32 tensor value: a shape and its contiguous row-major values.
///
/// The model computes on raw slabs; `Tensor` is what it hands out (logits, attention weights,
/// per-position losses) so that callers get an ordinary value they can index, compare and keep.
public struct Tensor: Sendable, Equatable {
  /// Extent of each dimension, outermost first.
  public let shape: [Int]
  /// Row-major values; `values.count` is the product of `shape`.
  public var values: [Float]

  /// Creates a tensor, checking that `values` fills `shape` exactly.
  public init(shape: [Int], values: [Float]) throws {
    guard shape.allSatisfy({ $0 >= 0 }) else {
      throw TensorError.invalidShape(shape)
    }
    let expected = shape.reduce(1, *)
    guard expected == values.count else {
      throw TensorError.countMismatch(shape: shape, count: values.count)
    }
    self.shape = shape
    self.values = values
  }

  /// Creates a zero tensor of the given shape.
  public init(zeros shape: [Int]) {
    self.shape = shape.map { max($0, 0) }
    self.values = [Float](repeating: 0, count: self.shape.reduce(1, *))
  }

  /// Internal initializer for shapes the library computed itself.
  init(uncheckedShape shape: [Int], values: [Float]) {
    self.shape = shape
    self.values = values
  }

  /// Number of dimensions.
  public var rank: Int { shape.count }

  /// The flat row-major position of a multi-index, or nil when it is out of range.
  public func flatIndex(_ indices: [Int]) -> Int? {
    guard indices.count == shape.count else { return nil }
    var flat = 0
    for (index, extent) in zip(indices, shape) {
      guard index >= 0 && index < extent else { return nil }
      flat = flat * extent + index
    }
    return flat
  }

  /// The value at a multi-index; traps on a bad index like an array subscript does.
  public subscript(_ indices: Int...) -> Float {
    guard let flat = flatIndex(indices) else {
      preconditionFailure("Tensor index \(indices) out of range for shape \(shape)")
    }
    return values[flat]
  }

  /// The values of row `i` of the last dimension (e.g. one position's logits).
  public func row(_ i: Int) -> ArraySlice<Float> {
    let width = shape.last ?? 1
    return values[(i * width)..<((i + 1) * width)]
  }
}

/// Why a tensor could not be built.
public enum TensorError: Error, CustomStringConvertible, Equatable {
  case invalidShape([Int])
  case countMismatch(shape: [Int], count: Int)

  public var description: String {
    switch self {
    case .invalidShape(let shape):
      return "tensor shape \(shape) has a negative dimension"
    case .countMismatch(let shape, let count):
      return "tensor shape \(shape) needs \(shape.reduce(1, *)) values, got \(count)"
    }
  }
}
