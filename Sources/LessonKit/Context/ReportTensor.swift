// MARK: - Report tensors

/// A tensor as a step reports it: shape and values, free of any numeric library.
public struct ReportTensor: Sendable {
  /// The dimensions, outermost first.
  public let shape: [Int]
  /// Row-major values; `shape.reduce(1, *)` of them.
  public let values: [Double]
  /// Whether to print the values as integers (token ids, counts).
  public let isInteger: Bool
  /// Turns an integer value (a token id) into the text it stands for.
  public let decode: (@Sendable (Int) -> String)?

  /// Creates a report tensor.
  ///
  /// - Parameters:
  ///   - shape: the dimensions, outermost first (empty for a scalar).
  ///   - values: row-major values.
  ///   - isInteger: print values as integers.
  ///   - decode: maps a token id to its text, to show integer tensors decoded.
  public init(
    shape: [Int], values: [Double], isInteger: Bool = false, decode: (@Sendable (Int) -> String)? = nil
  ) {
    self.shape = shape
    self.values = values
    self.isInteger = isInteger
    self.decode = decode
  }

  /// Whether `values` holds exactly as many elements as `shape` implies.
  public var isConsistent: Bool {
    shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == values.count
  }
}
