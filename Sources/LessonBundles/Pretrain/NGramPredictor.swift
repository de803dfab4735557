import Foundation
import LessonKit
import Pretraining

// MARK: - Section 10: a next-character predictor you can poke

extension PretrainLesson {
  static let coldTemperature = Parameter.real(
    "cold-temperature", default: 0.5, in: 0.05...0.95, "the low temperature the n-gram section compares with 1")
  static let hotTemperature = Parameter.real(
    "hot-temperature", default: 2, in: 1.05...10, "the high temperature the n-gram section compares with 1")
  static let predictorPrompts = ["To be", "What is"]

  @LessonBundleBuilder static var ngramPredictor: [BundleEntry] {
    Step(
      "ngram-predictor", reads: [datasetKey], parameters: [coldTemperature, hotTemperature, temperature],
      measures: ["entropy-rises-with-temperature", "greedy-is-deterministic", "greedy-loops", "cold-sampling-is-greedy"]
    ) { context in
      let data = try context.require(datasetKey)
      let tokenizer = data.tokenizer
      // lesson:begin ngram-predictor
      let bigram = try NGramModel(order: 2, dataset: data)    // counts of (previous char → next char)
      let trigram = try NGramModel(order: 3, dataset: data)   // counts of (two previous chars → next char)
      let prompt = try tokenizer.encode("To be")
      let temperatures: [Double] = [context[coldTemperature], 1, context[hotTemperature]]
      let distributions = try temperatures.map { try trigram.distribution(after: prompt, temperature: $0) }
      let greedy = tokenizer.decode(try trigram.greedyContinuation(of: prompt, count: 60))
      var rng = SeededGenerator(seed: context.seed)
      let sampled = tokenizer.decode(try trigram.sample(after: prompt, count: 60, temperature: context[temperature], using: &rng))
      // lesson:end
      for text in predictorPrompts {
        let ids = try tokenizer.encode(text)
        for (name, model) in [("bigram", bigram), ("trigram", trigram)] {
          for tau in temperatures where name == "trigram" || tau == 1 {
            let p = try model.distribution(after: ids, temperature: tau)
            let top = p.enumerated().sorted { $0.element > $1.element }.prefix(6)
            context.chart(.bars(
              labels: top.map { tokenizer.visible(TokenID($0.offset)) }, values: top.map(\.element),
              title: "\(name) after \"\(text)\", temperature \(tau) (entropy \(fixed(NGramModel.entropy(of: p), 2)) nats)"))
          }
        }
      }
      context.text("trigram, greedy, after \"To be\":\nTo be\(greedy)")
      context.text("trigram, sampled at temperature \(context[temperature]), after \"To be\":\nTo be\(sampled)")
      let entropies = distributions.map { NGramModel.entropy(of: $0) }
      context.measure(
        "entropy-rises-with-temperature", zip(entropies, entropies.dropFirst()).allSatisfy { $1 > $0 },
        detail: "entropy at τ = " + temperatures.map { "\($0)" }.joined(separator: ", ") + ": "
          + entropies.map { fixed($0, 3) }.joined(separator: ", ") + " nats")
      let again = tokenizer.decode(try trigram.greedyContinuation(of: prompt, count: 60))
      context.measure("greedy-is-deterministic", greedy == again, detail: "two greedy continuations of \"To be\" compared")
      // A loop: the last 30 characters are one short stretch repeated.
      let tail = Array(greedy.suffix(30))
      let period = (1...10).first { p in tail.indices.dropFirst(p).allSatisfy { tail[$0] == tail[$0 - p] } }
      context.measure("greedy-loops", period != nil, detail: period.map { "repeats every \($0) characters: \"\(String(tail.prefix($0)))\"" } ?? "no short period")
      let cold = tokenizer.decode(try trigram.sample(after: prompt, count: 60, temperature: 1e-3, using: &rng))
      context.measure("cold-sampling-is-greedy", cold == greedy, detail: "60 characters sampled at τ = 0.001 vs greedy")
      context.text("Try it yourself: lesson play")
    }
  }
}
