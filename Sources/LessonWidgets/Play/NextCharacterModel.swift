import Foundation
import LessonKit

// MARK: - Next-character models

/// A model that predicts the next character of a text: what `lesson play` explores.
///
/// LessonKit knows no numeric library, so the models live elsewhere: `LessonBundles` makes the
/// bigram and trigram n-gram models conform, and a trained MiniGPT needs one more conformance.
public protocol NextCharacterModel: Sendable {
  /// A short name to switch by: `bigram`, `trigram`, `minigpt`.
  var name: String { get }
  /// One line on what the model is, e.g. "n-gram of order 3, add-0.1 smoothing, 61 characters".
  var summary: String { get }
  /// The characters the model knows, in the order of its distributions.
  var vocabulary: [Unicode.Scalar] { get }
  /// The probabilities (temperature 1) of each vocabulary character following `prefix`.
  ///
  /// `prefix` holds only vocabulary characters; the result has `vocabulary.count` entries
  /// summing to 1.
  func distribution(after prefix: [Unicode.Scalar]) throws -> [Double]
}

// MARK: - Distribution arithmetic

/// Temperature, entropy, top-k, greedy choice and sampling over a probability vector.
public enum NextCharacterMath {
  /// `probabilities` raised to 1/τ and renormalized, computed from log-ratios to the largest so
  /// a small τ cannot underflow every weight. τ = 1 returns the input.
  public static func tempered(_ probabilities: [Double], temperature: Double) -> [Double] {
    guard temperature != 1, temperature > 0, !probabilities.isEmpty else { return probabilities }
    let logs = probabilities.map { $0 > 0 ? Foundation.log($0) : -Double.infinity }
    let peak = logs.max() ?? 0
    let weights = logs.map { $0.isFinite ? Foundation.exp(($0 - peak) / temperature) : 0 }
    let sum = weights.reduce(0, +)
    return sum > 0 ? weights.map { $0 / sum } : probabilities
  }

  /// Shannon entropy in bits.
  public static func entropyBits(_ probabilities: [Double]) -> Double {
    probabilities.reduce(0) { sum, p in p > 0 ? sum - p * Foundation.log2(p) : sum }
  }

  /// The index of the largest probability (the lowest index on ties).
  public static func argmax(_ probabilities: [Double]) -> Int {
    var best = 0
    for index in probabilities.indices where probabilities[index] > probabilities[best] { best = index }
    return best
  }

  /// The `k` most probable indices, most probable first (lower index first on ties).
  public static func top(_ k: Int, of probabilities: [Double]) -> [Int] {
    Array(probabilities.indices.sorted { a, b in
      probabilities[a] != probabilities[b] ? probabilities[a] > probabilities[b] : a < b
    }.prefix(max(0, k)))
  }

  /// An index drawn from `probabilities` with a uniform number from `generator`.
  public static func draw(from probabilities: [Double], using generator: inout SplitMix64) -> Int {
    let target = Double(generator.next() >> 11) * 0x1p-53 * probabilities.reduce(0, +)
    var cumulative = 0.0
    var lastPossible = 0
    for (index, p) in probabilities.enumerated() where p > 0 {
      cumulative += p
      lastPossible = index
      if target < cumulative { return index }
    }
    return lastPossible
  }
}

/// A small seeded generator (SplitMix64) for sampling characters reproducibly.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
