import Foundation
import Pretraining
import Testing
import TestSupport

@Suite struct NGramTests {
  static let dataset: CharDataset = {
    do { return try CharDataset(text: Corpus.shakespeare) } catch { fatalError("embedded corpus: \(error)") }
  }()

  static func model(order: Int, smoothing: Double = NGramModel.defaultSmoothing) throws -> NGramModel {
    try NGramModel(order: order, dataset: dataset, smoothing: smoothing)
  }

  // MARK: - Distributions

  @Test(arguments: [1, 2, 3])
  func distributionsSumToOne(order: Int) throws {
    let model = try Self.model(order: order)
    let tokenizer = Self.dataset.tokenizer
    for prefix in ["", "T", "To be, or not to b", "Zq", "xxxxx", "\n\n"] {
      let ids = prefix.unicodeScalars.map { tokenizer.id(of: $0) ?? 0 }
      for temperature in [0.0, 0.25, 1, 3, .infinity] {
        let p = try model.distribution(after: ids, temperature: temperature)
        #expect(p.count == tokenizer.vocabularySize)
        #expect(p.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(abs(p.reduce(0, +) - 1) < 1e-9, "order \(order) prefix \(prefix.debugDescription) τ=\(temperature)")
      }
    }
  }

  @Test func followsTheCorpus() throws {
    let tokenizer = Self.dataset.tokenizer
    let trigram = try Self.model(order: 3)
    let p = try trigram.distribution(after: try tokenizer.encode("To b"))
    let best = p.indices.max { p[$0] < p[$1] } ?? 0
    #expect(tokenizer.characters[best] == "e")
    let greedy = try trigram.greedyContinuation(of: try tokenizer.encode("the"), count: 40)
    #expect(greedy.count == 40)
  }

  @Test func shortPrefixesBackOffToLowerOrders() throws {
    let unigram = try Self.model(order: 1)
    let bigram = try Self.model(order: 2)
    let trigram = try Self.model(order: 3)
    let a = try Self.dataset.tokenizer.encode("a")
    #expect(try trigram.distribution(after: []) == unigram.distribution(after: []))
    #expect(try trigram.distribution(after: a) == bigram.distribution(after: a))
    #expect(try bigram.distribution(after: []) == unigram.distribution(after: []))
  }

  @Test func unseenContextsBackOffInsteadOfGoingUniform() throws {
    let tokenizer = try CharTokenizer(text: "abcab")
    let trigram = try NGramModel(order: 3, text: "abcab", tokenizer: tokenizer, smoothing: 0.5)
    let bigram = try NGramModel(order: 2, text: "abcab", tokenizer: tokenizer, smoothing: 0.5)
    // "cc" never occurs: the trigram uses the bigram context "c", which was followed by "a".
    let unseen = try tokenizer.encode("cc")
    #expect(try trigram.distribution(after: unseen) == bigram.distribution(after: [unseen[1]]))
    // Seen context "ab" -> "c" once: (1 + 0.5) / (1 + 0.5 * 3).
    #expect(abs(try trigram.probability(of: 2, after: try tokenizer.encode("ab")) - 1.5 / 2.5) < 1e-12)
  }

  // MARK: - Loss on the val split

  @Test func higherOrdersPredictHeldOutShakespeareBetter() throws {
    let val = Self.dataset.val
    let v = Self.dataset.tokenizer.vocabularySize
    let uniform = NGramModel.uniformLoss(vocabularySize: v)
    let losses = try (1...3).map { try Self.model(order: $0).averageLoss(on: val) }
    let bits = losses.map { $0 / log(2.0) }
    print("n-gram val loss (k = \(NGramModel.defaultSmoothing), V = \(v), ln V = \(uniform)): "
          + "unigram \(losses[0]) nats = \(bits[0]) bits/char, bigram \(losses[1]) = \(bits[1]), trigram \(losses[2]) = \(bits[2])")
    #expect(losses[0] < uniform)
    #expect(losses[1] < losses[0])
    #expect(losses[2] < losses[1])
    #expect(abs(try Self.model(order: 2).bitsPerCharacter(on: val) - bits[1]) < 1e-12)
  }

  /// An independent plain-Python implementation (Tools/interop/ngram_reference.py) gets the same losses.
  @Test(.enabled(if: DataTestSupport.python3 != nil, "python3 is not on PATH; `make test` installs it"))
  func matchesAnIndependentPythonImplementation() throws {
    let python = try #require(DataTestSupport.python3)
    let directory = try DataTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let corpus = directory.appendingPathComponent("corpus.txt")
    try Data(Corpus.shakespeare.utf8).write(to: corpus)
    let script = DataTestSupport.repositoryRoot.appendingPathComponent("Tools/interop/ngram_reference.py")
    for k in [0.1, 0.5] {
      let output = try DataTestSupport.run(python, [script.path, corpus.path, "--k", String(k)])
      struct Reference: Decodable {
        let vocab: Int
        let loss: [String: Double]
      }
      let reference = try JSONDecoder().decode(Reference.self, from: Data(output.utf8))
      #expect(reference.vocab == Self.dataset.tokenizer.vocabularySize)
      for order in 1...3 {
        let swiftLoss = try Self.model(order: order, smoothing: k).averageLoss(on: Self.dataset.val)
        let pythonLoss = try #require(reference.loss[String(order)])
        #expect(abs(swiftLoss - pythonLoss) < 1e-9, "order \(order), k \(k)")
      }
    }
  }

  /// The documented default k must be close to the best k on the val split for bigram and trigram.
  @Test func defaultSmoothingIsNearTheBestOnVal() throws {
    let grid = [1.0, 0.3, 0.1, 0.03, 0.01]
    for order in [2, 3] {
      let losses = try grid.map { try Self.model(order: order, smoothing: $0).bitsPerCharacter(on: Self.dataset.val) }
      print("order \(order) val bits/char by k: " + zip(grid, losses).map { "k=\($0): \($1)" }.joined(separator: ", "))
      let chosen = try Self.model(order: order).bitsPerCharacter(on: Self.dataset.val)
      #expect(chosen - (losses.min() ?? 0) < 0.05)
      #expect(losses[0] > chosen, "Laplace (k = 1) should be worse than the default")
    }
  }

  // MARK: - Temperature and sampling

  @Test func entropyRisesWithTemperature() throws {
    let model = try Self.model(order: 2)
    let prefix = try Self.dataset.tokenizer.encode("t")
    let temperatures = [0.0, 0.3, 0.7, 1, 1.5, 3, .infinity]
    let entropies = try temperatures.map { NGramModel.entropy(of: try model.distribution(after: prefix, temperature: $0)) }
    #expect(entropies[0] == 0)
    for index in 1..<entropies.count { #expect(entropies[index] > entropies[index - 1]) }
    let v = Double(Self.dataset.tokenizer.vocabularySize)
    #expect(abs(try #require(entropies.last) - log(v)) < 1e-9)
    // A vanishing temperature is still a distribution: one-hot on the argmax.
    let frozen = try model.distribution(after: prefix, temperature: 1e-300)
    #expect(frozen == (try model.distribution(after: prefix, temperature: 0)))
  }

  @Test func lowTemperatureSamplingEqualsGreedy() throws {
    let model = try Self.model(order: 3)
    let prompt = try Self.dataset.tokenizer.encode("To be")
    let greedy = try model.greedyContinuation(of: prompt, count: 200)
    var rng = SeededGenerator(seed: 3)
    #expect(try model.sample(after: prompt, count: 200, temperature: 0.02, using: &rng) == greedy)
    #expect(try model.sample(after: prompt, count: 200, temperature: 0, using: &rng) == greedy)
  }

  @Test func samplingIsSeededAndFollowsTheDistribution() throws {
    let model = try Self.model(order: 2)
    let prompt = try Self.dataset.tokenizer.encode("th")
    var first = SeededGenerator(seed: 11)
    var second = SeededGenerator(seed: 11)
    let a = try model.sample(after: prompt, count: 100, temperature: 1, using: &first)
    #expect(a == (try model.sample(after: prompt, count: 100, temperature: 1, using: &second)))

    // One-step draws after "h": empirical frequencies match the model's within 4 standard errors.
    let p = try model.distribution(after: [prompt[1]])
    var counts = [Int](repeating: 0, count: p.count)
    var rng = SeededGenerator(seed: 12)
    let draws = 20_000
    for _ in 0..<draws { counts[Int(try model.sample(after: prompt, count: 1, using: &rng)[0])] += 1 }
    for token in p.indices where p[token] > 0.01 {
      let frequency = Double(counts[token]) / Double(draws)
      let standardError = (p[token] * (1 - p[token]) / Double(draws)).squareRoot()
      #expect(abs(frequency - p[token]) < 4 * standardError, "token \(token)")
    }
  }

  // MARK: - Errors

  @Test func invalidArgumentsThrow() throws {
    let model = try Self.model(order: 2)
    #expect(throws: NGramError.invalidOrder(4)) { try Self.model(order: 4) }
    #expect(throws: NGramError.invalidSmoothing(0)) { try Self.model(order: 2, smoothing: 0) }
    #expect(throws: NGramError.invalidTemperature(-1)) { try model.distribution(after: [], temperature: -1) }
    #expect(throws: NGramError.self) { try model.distribution(after: [], temperature: .nan) }
    #expect(throws: NGramError.tokenOutOfRange(999, position: 1, vocabularySize: model.vocabularySize)) {
      try model.distribution(after: [0, 999])
    }
    #expect(throws: NGramError.tooFewEvaluationTokens(1)) { try model.averageLoss(on: [0]) }
    #expect(throws: NGramError.noTrainingTokens) { try NGramModel(order: 2, tokens: [], vocabularySize: 3) }
  }
}
