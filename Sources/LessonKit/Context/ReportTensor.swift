// MARK: - Report tensors

/// A tensor as a step reports it: shape and values, free of any numeric library.
///
/// Plain data, so that a step's output can be cached on disk and published as HTML: an integer
/// tensor of token ids carries the text of each id (decoded when reported), not a closure.
public struct ReportTensor: Sendable, Codable, Equatable {
  /// The dimensions, outermost first.
  public let shape: [Int]
  /// Row-major values; `shape.reduce(1, *)` of them.
  public let values: [Double]
  /// Whether to print the values as integers (token ids, counts).
  public let isInteger: Bool
  /// The text each value stands for (a token id's characters), one per value, or nil.
  public let decoded: [String]?

  /// Creates a report tensor.
  ///
  /// - Parameters:
  ///   - shape: the dimensions, outermost first (empty for a scalar).
  ///   - values: row-major values.
  ///   - isInteger: print values as integers.
  ///   - decode: maps a token id to its text, to show integer tensors decoded.
  public init(
    shape: [Int], values: [Double], isInteger: Bool = false, decode: ((Int) -> String)? = nil
  ) {
    self.shape = shape
    self.values = values
    self.isInteger = isInteger
    self.decoded = decode.map { decode in
      values.map { value in value.isFinite && abs(value) < 1e15 ? decode(Int(value)) : "" }
    }
  }

  /// Whether `values` holds exactly as many elements as `shape` implies.
  public var isConsistent: Bool {
    shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == values.count
      && (decoded == nil || decoded?.count == values.count)
  }
}
