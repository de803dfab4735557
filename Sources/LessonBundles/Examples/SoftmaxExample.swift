import Foundation
import LessonKit
import Pretraining

// MARK: - The worked example of docs/authoring.md

/// Steps of `Lessons/examples/00_softmax.md`, the authoring guide's worked example.
///
/// It turns three logits into probabilities with the sampler's own softmax, reshapes them with
/// temperature, and samples from them with a seeded generator, so every figure is reproducible.
/// Each step records what it measured; the lesson's claims bind to those names.
enum SoftmaxExample {
  /// Scores for three next tokens, highest first.
  static let logits: [Float] = [2.0, 1.0, 0.1]

  static let draws = Parameter.integer("draws", default: 10_000, in: 1...1_000_000, "tokens the sampling step draws")
  static let coldTemperature = Parameter.real(
    "cold-temperature", default: 0.5, in: 0.05...0.95, "the temperature below 1 that the lesson compares with 1 and 2")

  static let probabilitiesKey = StateKey<[Float]>("example.probabilities")

  static let bundle = LessonBundle(name: "example-softmax") {
    Step(
      "softmax-probabilities", writes: [probabilitiesKey],
      measures: ["softmax-sums-to-one", "softmax-top-probability", "softmax-token-count"]
    ) { context in
      // lesson:begin softmax-probabilities
      let logits: [Float] = [2.0, 1.0, 0.1]
      let probabilities = MiniGPT.samplingDistribution(logits: logits, temperature: 1, topK: nil)
      // lesson:end
      context[probabilitiesKey] = probabilities
      context.table(
        "softmax of the logits", headers: ["token", "logit", "probability"],
        rows: logits.indices.map { ["\($0)", fixed(Double(logits[$0]), 1), fixed(Double(probabilities[$0]), 3)] })
      let total = probabilities.reduce(0, +)
      context.measure("softmax-sums-to-one", abs(total - 1) < 1e-6, detail: "sum \(total)")
      context.measure("softmax-top-probability", Double(probabilities[0]))
      context.measure("softmax-token-count", probabilities.count)
    }

    Step(
      "softmax-temperatures", parameters: [coldTemperature],
      measures: ["softmax-cold-top-probability", "softmax-entropy-rises", "softmax-uniform-entropy"]
    ) { context in
      let temperatures = [Float(context[coldTemperature]), 1, 2]
      let distributions = temperatures.map { MiniGPT.samplingDistribution(logits: logits, temperature: $0, topK: nil) }
      let entropies = distributions.map(entropy)
      context.table(
        "temperature reshapes the distribution", headers: ["temperature", "p(token 0)", "entropy (nats)"],
        rows: temperatures.indices.map {
          [fixed(Double(temperatures[$0]), 2), fixed(Double(distributions[$0][0]), 3), fixed(entropies[$0], 3)]
        })
      context.measure("softmax-cold-top-probability", Double(distributions[0][0]))
      let rising = zip(entropies, entropies.dropFirst()).allSatisfy { $0 < $1 }
      context.measure("softmax-entropy-rises", rising, detail: entropies.map { fixed($0, 3) }.joined(separator: " < "))
      let uniform = [Float](repeating: 1 / Float(logits.count), count: logits.count)
      context.measure("softmax-uniform-entropy", entropy(uniform))
    }

    Step("softmax-sampling", reads: [probabilitiesKey], parameters: [draws], measures: ["softmax-top-share"]) { context in
      let probabilities = try context.require(probabilitiesKey)
      let draws = context[draws]
      // lesson:begin softmax-sampling
      var generator = SeededGenerator(seed: context.seed)        // --seed changes the draws
      var counts = [Int](repeating: 0, count: probabilities.count)
      for _ in 0..<draws {
        counts[sample(probabilities, using: &generator)] += 1
      }
      // lesson:end
      context.chart(.bars(labels: counts.indices.map { "token \($0)" }, values: counts.map(Double.init), title: "\(draws) draws"))
      context.expect(counts.reduce(0, +) == draws, "every draw lands on a token", detail: "\(counts)")
      context.measure("softmax-top-share", Double(counts[0]) / Double(draws))
    }
  }

  /// Entropy of a distribution, in nats.
  // lesson:begin softmax-entropy
  static func entropy(_ p: [Float]) -> Double {
    -p.reduce(0.0) { sum, pi in pi > 0 ? sum + Double(pi) * log(Double(pi)) : sum }
  }
  // lesson:end

  /// The index where `u ~ U[0, 1)` falls in the cumulative distribution.
  static func sample(_ probabilities: [Float], using generator: inout SeededGenerator) -> Int {
    let u = generator.uniformFloat()
    var cumulative: Float = 0
    for (index, p) in probabilities.enumerated() {
      cumulative += p
      if u < cumulative { return index }
    }
    return probabilities.count - 1
  }
}
