import Foundation
import LessonKit
import Pretraining

// MARK: - The worked example of docs/authoring.md

/// Steps and checks of `Lessons/examples/00_softmax.md`, the authoring guide's worked example.
///
/// It turns three logits into probabilities with the sampler's own softmax, reshapes them with
/// temperature, and samples from them with a seeded generator, so every figure is reproducible.
enum SoftmaxExample {
  /// Scores for three next tokens, highest first.
  static let logits: [Float] = [2.0, 1.0, 0.1]
  /// How many tokens the sampling step draws.
  static let draws = 10_000
  /// Temperatures the lesson compares, coldest first.
  static let temperatures: [Float] = [0.5, 1, 2]

  static let probabilitiesKey = StateKey<[Float]>("example.probabilities")
  static let countsKey = StateKey<[Int]>("example.counts")
  static let entropiesKey = StateKey<[Double]>("example.entropies")

  static let bundle = LessonBundle(name: "example-softmax") {
    Step("softmax-probabilities") { context in
      // lesson:begin softmax-probabilities
      let logits: [Float] = [2.0, 1.0, 0.1]
      let probabilities = MiniGPT.samplingDistribution(logits: logits, temperature: 1, topK: nil)
      // lesson:end
      context[probabilitiesKey] = probabilities
      context.table(
        "softmax of the logits", headers: ["token", "logit", "probability"],
        rows: logits.indices.map { ["\($0)", fixed(Double(logits[$0]), 1), fixed(Double(probabilities[$0]), 3)] })
    }

    Step("softmax-temperatures") { context in
      let distributions = temperatures.map {
        MiniGPT.samplingDistribution(logits: logits, temperature: $0, topK: nil)
      }
      let entropies = distributions.map(entropy)
      context[entropiesKey] = entropies
      context.table(
        "temperature reshapes the distribution", headers: ["temperature", "p(token 0)", "entropy (nats)"],
        rows: temperatures.indices.map {
          [fixed(Double(temperatures[$0]), 1), fixed(Double(distributions[$0][0]), 3), fixed(entropies[$0], 3)]
        })
    }

    Step("softmax-sampling", after: ["softmax-probabilities"]) { context in
      let probabilities = try context.require(probabilitiesKey)
      // lesson:begin softmax-sampling
      var generator = SeededGenerator(seed: context.seed)        // --seed changes the draws
      var counts = [Int](repeating: 0, count: probabilities.count)
      for _ in 0..<draws {
        counts[sample(probabilities, using: &generator)] += 1
      }
      // lesson:end
      context[countsKey] = counts
      context.chart(.bars(labels: counts.indices.map { "token \($0)" }, values: counts.map(Double.init), title: "\(draws) draws"))
      context.expect(counts.reduce(0, +) == draws, "every draw lands on a token", detail: "\(counts)")
    }

    Check("softmax-sums-to-one", after: ["softmax-probabilities"]) { context in
      let total = try context.require(probabilitiesKey).reduce(0, +)
      return .boolean(abs(total - 1) < 1e-6, detail: "sum \(total)")
    }
    Check("softmax-top-probability", after: ["softmax-probabilities"]) { context in
      .number(Double(try context.require(probabilitiesKey)[0]))
    }
    Check("softmax-cold-top-probability") { _ in
      .number(Double(MiniGPT.samplingDistribution(logits: logits, temperature: temperatures[0], topK: nil)[0]))
    }
    Check("softmax-entropy-rises", after: ["softmax-temperatures"]) { context in
      let entropies = try context.require(entropiesKey)
      let rising = zip(entropies, entropies.dropFirst()).allSatisfy { $0 < $1 }
      return .boolean(rising, detail: entropies.map { fixed($0, 3) }.joined(separator: " < "))
    }
    Check("softmax-uniform-entropy") { _ in .number(log(Double(logits.count))) }
    Check("softmax-token-count") { _ in .number(Double(logits.count)) }
    Check("softmax-cold-temperature") { _ in .number(Double(temperatures[0])) }
    Check("softmax-draws", after: ["softmax-sampling"]) { context in
      .number(Double(try context.require(countsKey).reduce(0, +)))
    }
    Check("softmax-top-share", after: ["softmax-sampling"]) { context in
      .number(Double(try context.require(countsKey)[0]) / Double(draws))
    }
    Check("softmax-seed") { context in .number(Double(context.seed)) }
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
