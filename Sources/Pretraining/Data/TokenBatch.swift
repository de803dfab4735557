/// Token ids, as the model consumes them. Targets use ``ignoreIndex`` for positions without a loss.
public typealias TokenID = Int32

/// The target value that cross-entropy skips: no loss and no gradient at that position (PyTorch's default).
public let ignoreIndex: TokenID = -100

/// Which part of the corpus a batch is drawn from.
public enum Split: String, Sendable, CaseIterable {
  case train
  case val
}

/// B windows of T tokens and their targets, stored row-major as (B, T).
///
/// `targets[b][t]` is the token that follows `inputs[b][t]` in the corpus, or ``ignoreIndex``.
public struct TokenBatch: Sendable, Equatable {
  /// Number of windows (B).
  public let size: Int
  /// Tokens per window (T).
  public let context: Int
  /// Input tokens, `size * context` ids, row-major.
  public var inputs: [TokenID]
  /// Target tokens, `size * context` ids, row-major.
  public var targets: [TokenID]
  /// Where each window starts in its split (for lessons that inspect sampling); empty when not from a corpus.
  public var starts: [Int]

  /// Creates a batch from row-major inputs and targets of equal length `size * context`.
  public init(size: Int, context: Int, inputs: [TokenID], targets: [TokenID], starts: [Int] = []) {
    precondition(inputs.count == size * context && targets.count == size * context,
                 "TokenBatch needs size*context inputs and targets")
    self.size = size
    self.context = context
    self.inputs = inputs
    self.targets = targets
    self.starts = starts
  }
}
