/// A small, fast, seedable random source: the same seed gives the same stream on every platform.
///
/// xoshiro256** seeded through SplitMix64, as its authors recommend. Swift's
/// `SystemRandomNumberGenerator` cannot be seeded, so everything reproducible in the
/// library (initialization, batch sampling, dropout-free sampling of text) draws from this.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
  private var stream: (UInt64, UInt64, UInt64, UInt64)

  /// Creates a generator whose whole stream is fixed by `seed`.
  public init(seed: UInt64) {
    var mixer = SplitMix64(seed: seed)
    stream = (mixer.next(), mixer.next(), mixer.next(), mixer.next())
  }

  /// Where a stream stands: xoshiro256**'s four words, enough to continue it draw for draw.
  public struct State: Sendable, Equatable {
    public var words: (UInt64, UInt64, UInt64, UInt64)

    /// Fails when every word is zero, the one state xoshiro never leaves (and never reaches).
    public init?(words: [UInt64]) {
      guard words.count == 4, words.contains(where: { $0 != 0 }) else { return nil }
      self.words = (words[0], words[1], words[2], words[3])
    }

    /// The four words, in order.
    public var array: [UInt64] { [words.0, words.1, words.2, words.3] }

    public static func == (a: State, b: State) -> Bool { a.array == b.array }
  }

  /// Where this stream stands now.
  public var state: State { State(words: [stream.0, stream.1, stream.2, stream.3])! }

  /// Continues a stream from a saved ``state``.
  public init(state: State) {
    stream = state.words
  }

  /// Returns the next 64 random bits.
  public mutating func next() -> UInt64 {
    let result = rotateLeft(stream.1 &* 5, by: 7) &* 9
    let shifted = stream.1 << 17
    stream.2 ^= stream.0
    stream.3 ^= stream.1
    stream.1 ^= stream.2
    stream.0 ^= stream.3
    stream.2 ^= shifted
    stream.3 = rotateLeft(stream.3, by: 45)
    return result
  }

  /// Returns a uniform integer in `0..<upperBound` without modulo bias.
  public mutating func uniformInt(below upperBound: Int) -> Int {
    precondition(upperBound > 0, "uniformInt(below:) needs a positive bound")
    return Int(next(upperBound: UInt64(upperBound)))
  }

  /// Returns a uniform Float in `[0, 1)` built from the top 24 bits.
  public mutating func uniformFloat() -> Float {
    Float(next() >> 40) * (1.0 / 16_777_216.0)
  }

  /// Returns a standard normal sample (Box–Muller in Double, then rounded to Float).
  public mutating func normal() -> Float {
    // 1 - u keeps the logarithm's argument in (0, 1].
    let u1 = 1.0 - Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    return Float((-2.0 * _log(u1)).squareRoot() * _cos(2.0 * Double.pi * u2))
  }

  private func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 {
    (x << k) | (x >> (64 &- k))
  }
}

#if canImport(Glibc)
import Glibc
private func _log(_ x: Double) -> Double { Glibc.log(x) }
private func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#elseif canImport(Darwin)
import Darwin
private func _log(_ x: Double) -> Double { Darwin.log(x) }
private func _cos(_ x: Double) -> Double { Darwin.cos(x) }
#endif

/// SplitMix64: one 64-bit word of state, a strong mix per draw. It seeds `SeededGenerator`, and it
/// is the whole generator of `lesson play` and of the published widget, whose JavaScript copy
/// must give the same draws from the same seed (a 64-bit add and three multiplies port exactly).
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
