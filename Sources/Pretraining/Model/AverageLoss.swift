extension MiniGPT {
  /// Mean next-token loss over a token sequence, in nats per token: the figure
  /// ``NGramModel/averageLoss(on:)`` gives for an n-gram model, for this one.
  ///
  /// The sequence is cut into windows of T + 1 tokens overlapping by one, so every token after
  /// the first is predicted exactly once (from the start of its window), 32 windows per pass.
  ///
  /// - Throws: ``ModelError/emptyBatch`` for fewer than two tokens; the model's errors for tokens
  ///   outside its vocabulary.
  public func averageLoss(on tokens: TokenStore) throws -> Double {
    guard tokens.count >= 2 else { throw ModelError.emptyBatch }
    let t = config.contextLength
    let windowsPerPass = 32
    var (total, graded) = (0.0, 0)
    for first in stride(from: 0, to: tokens.count - 1, by: t * windowsPerPass) {
      let starts = stride(from: first, to: min(tokens.count - 1, first + t * windowsPerPass), by: t)
      // Windows of a pass share one length; the short tail window goes on its own.
      for group in [starts.filter { $0 + t < tokens.count }, starts.filter { $0 + t >= tokens.count }] where !group.isEmpty {
        let length = min(t, tokens.count - 1 - group[0])
        let inputs = group.flatMap { tokens[$0 ..< $0 + length] }, targets = group.flatMap { tokens[$0 + 1 ... $0 + length] }
        let pass = try forwardPass(inputs: inputs, targets: targets, batchSize: group.count)
        total += Double(try pass.loss) * Double(pass.scoredPositions)
        graded += pass.scoredPositions
      }
    }
    return total / Double(max(graded, 1))
  }
}
