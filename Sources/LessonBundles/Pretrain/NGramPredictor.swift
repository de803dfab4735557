import Foundation
import LessonKit
import Pretraining

// MARK: - Section 10: a next-character predictor you can poke

/// What the n-gram section measured.
struct NGramProbe {
  var entropies: [Double]
  var greedyRepeats: Bool
  var coldSampleIsGreedy: Bool
}

extension PretrainLesson {
  static let predictorPrompts = ["To be", "What is"]
  static let predictorTemperatures = [0.5, 1.0, 2.0]

  @LessonBundleBuilder static var ngramPredictor: [BundleEntry] {
    Step("ngram-predictor", after: ["load-corpus"]) { context in
      let data = try context.require(datasetKey)
      let tokenizer = data.tokenizer
      // lesson:begin ngram-predictor
      let bigram = try NGramModel(order: 2, dataset: data)    // counts of (previous char → next char)
      let trigram = try NGramModel(order: 3, dataset: data)   // counts of (two previous chars → next char)
      let prompt = try tokenizer.encode("To be")
      let distributions = try [0.5, 1.0, 2.0].map { try trigram.distribution(after: prompt, temperature: $0) }
      let greedy = tokenizer.decode(try trigram.greedyContinuation(of: prompt, count: 60))
      // lesson:end
      let entropies = distributions.map { NGramModel.entropy(of: $0) }
      for text in predictorPrompts {
        let ids = try tokenizer.encode(text)
        for (name, model) in [("bigram", bigram), ("trigram", trigram)] {
          for temperature in predictorTemperatures where name == "trigram" || temperature == 1.0 {
            let p = try model.distribution(after: ids, temperature: temperature)
            let top = p.enumerated().sorted { $0.element > $1.element }.prefix(6)
            context.chart(.bars(
              labels: top.map { tokenizer.visible(TokenID($0.offset)) }, values: top.map(\.element),
              title: "\(name) after \"\(text)\", temperature \(temperature) (entropy \(fixed(NGramModel.entropy(of: p), 2)) nats)"))
          }
        }
        let continuation = tokenizer.decode(try trigram.greedyContinuation(of: ids, count: 60))
        context.text("trigram, greedy, after \"\(text)\":\n\(text)\(continuation)")
      }
      let again = tokenizer.decode(try trigram.greedyContinuation(of: prompt, count: 60))
      var rng = SeededGenerator(seed: context.seed)
      let cold = tokenizer.decode(try trigram.sample(after: prompt, count: 60, temperature: 1e-3, using: &rng))
      context[ngramKey] = NGramProbe(entropies: entropies, greedyRepeats: greedy == again, coldSampleIsGreedy: cold == greedy)
      context.text("Try it yourself: lesson play")
    }

    Check("entropy-rises-with-temperature", after: ["ngram-predictor"]) { context in
      let e = try context.require(ngramKey).entropies
      let rising = zip(e, e.dropFirst()).allSatisfy { $1 > $0 }
      return .boolean(rising, detail: "entropy at τ = 0.5, 1, 2: " + e.map { fixed($0, 3) }.joined(separator: ", ") + " nats")
    }
    Check("greedy-is-deterministic", after: ["ngram-predictor"]) { context in
      .boolean(try context.require(ngramKey).greedyRepeats, detail: "two greedy continuations of \"To be\" compared")
    }
    Check("cold-sampling-is-greedy", after: ["ngram-predictor"]) { context in
      .boolean(try context.require(ngramKey).coldSampleIsGreedy, detail: "60 characters sampled at τ = 0.001 vs greedy")
    }
  }
}
