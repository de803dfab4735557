import Foundation

/// Why generation was rejected.
public enum SamplingError: Error, CustomStringConvertible, Equatable {
  case emptyPrompt
  case invalidTemperature(Float)
  case invalidTopK(Int)
  case invalidCount(Int)

  public var description: String {
    switch self {
    case .emptyPrompt: return "the prompt is empty: generation needs at least one token to condition on"
    case .invalidTemperature(let t): return "temperature must be a positive finite number (got \(t))"
    case .invalidTopK(let k): return "topK must be at least 1 (got \(k))"
    case .invalidCount(let n): return "count must be ≥ 0 (got \(n))"
    }
  }
}

extension MiniGPT {
  /// Continues `prompt` by `count` tokens, one forward pass per token on the last T tokens.
  ///
  /// - Parameters:
  ///   - temperature: divides the logits before softmax (< 1 sharpens, > 1 flattens).
  ///   - topK: if set, samples only among the k most likely tokens.
  ///   - greedy: always takes the most likely token (temperature and topK are then irrelevant).
  ///   - seed: fixes the sampling stream.
  /// - Returns: the `count` new tokens (without the prompt).
  public func generate(prompt: [TokenID], count: Int, temperature: Float = 1, topK: Int? = nil,
                       greedy: Bool = false, seed: UInt64 = 0) throws -> [TokenID] {
    guard !prompt.isEmpty else { throw SamplingError.emptyPrompt }
    guard count >= 0 else { throw SamplingError.invalidCount(count) }
    guard temperature > 0, temperature.isFinite else { throw SamplingError.invalidTemperature(temperature) }
    if let topK, topK < 1 { throw SamplingError.invalidTopK(topK) }
    var generator = SeededGenerator(seed: seed)
    var context = prompt
    var produced: [TokenID] = []
    produced.reserveCapacity(count)
    for _ in 0..<count {
      let logits = try nextTokenLogits(after: context)
      let next = greedy
        ? Self.argmax(logits)
        : Self.sample(logits: logits, temperature: temperature, topK: topK, generator: &generator)
      produced.append(next)
      context.append(next)
    }
    return produced
  }

  /// The logits for the token after `context`, from one forward pass on its last T tokens.
  public func nextTokenLogits(after context: [TokenID]) throws -> [Float] {
    guard !context.isEmpty else { throw SamplingError.emptyPrompt }
    let window = Array(context.suffix(config.contextLength))
    return try forwardPass(inputs: window, targets: nil, batchSize: 1).logits(batch: 0, position: window.count - 1)
  }

  /// p(next token | context): the softmax of ``nextTokenLogits(after:)`` at temperature 1.
  public func nextTokenProbabilities(after context: [TokenID]) throws -> [Float] {
    Self.samplingDistribution(logits: try nextTokenLogits(after: context), temperature: 1, topK: nil)
  }

  /// The probabilities sampling would use for these logits (softmax of logits / temperature, top-k kept).
  public static func samplingDistribution(logits: [Float], temperature: Float, topK: Int?) -> [Float] {
    var threshold = -Float.infinity
    if let topK, topK < logits.count {
      threshold = logits.sorted(by: >)[max(topK, 1) - 1]
    }
    let maximum = logits.max() ?? 0
    var weights = logits.map { $0 >= threshold ? Float(exp(Double(($0 - maximum) / temperature))) : 0 }
    let total = weights.reduce(0, +)
    for i in weights.indices { weights[i] /= total }
    return weights
  }

  static func argmax(_ logits: [Float]) -> TokenID {
    var best = 0
    for i in logits.indices where logits[i] > logits[best] { best = i }
    return TokenID(best)
  }

  static func sample(logits: [Float], temperature: Float, topK: Int?, generator: inout SeededGenerator) -> TokenID {
    let probabilities = samplingDistribution(logits: logits, temperature: temperature, topK: topK)
    let u = generator.uniformFloat()
    var cumulative: Float = 0
    var lastNonZero = 0
    for (i, p) in probabilities.enumerated() where p > 0 {
      cumulative += p
      lastNonZero = i
      if u < cumulative { return TokenID(i) }
    }
    return TokenID(lastNonZero)
  }
}
