// MARK: - Choosing an index from a distribution

/// The two ways every sampler here picks a token from probabilities: the most probable one, or a
/// seeded draw. The n-gram models, `lesson play` and (mirrored in JavaScript) the published widget
/// all use these, so the same seed gives the same text everywhere.
public enum Categorical {
  /// The index of the largest value (the lowest index on ties).
  public static func argmax(_ values: [Double]) -> Int {
    var best = 0
    for index in values.indices where values[index] > values[best] { best = index }
    return best
  }

  /// An index drawn in proportion to `weights`, from one 53-bit uniform number of `generator`: the
  /// first index whose running sum passes `uniform × total`.
  ///
  /// - Parameter total: the weights' sum; 1 for probabilities (then the draw is exactly
  ///   `uniform` against the running sum), else `weights.reduce(0, +)`.
  public static func draw<Generator: RandomNumberGenerator>(
    from weights: [Double], using generator: inout Generator, total: Double = 1
  ) -> Int {
    let target = Double(generator.next() >> 11) * 0x1p-53 * total
    var cumulative = 0.0
    var lastPossible = 0
    for (index, weight) in weights.enumerated() where weight > 0 {
      cumulative += weight
      lastPossible = index
      if target < cumulative { return index }
    }
    return lastPossible  // rounding left the running sum just below the target
  }
}
