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

  /// The `k` most probable indices, most probable first (lower index first on ties).
  public static func top(_ k: Int, of probabilities: [Double]) -> [Int] {
    Array(probabilities.indices.sorted { a, b in
      probabilities[a] != probabilities[b] ? probabilities[a] > probabilities[b] : a < b
    }.prefix(max(0, k)))
  }
}
