import Foundation

/// A character n-gram model with add-k smoothing: the lesson's baseline and its interactive widget.
///
/// Order 1 is a unigram (no context), 2 a bigram (one character of context), 3 a trigram. The
/// probability of token `t` after context `c` is `(count(c, t) + k) / (count(c) + k * V)`.
///
/// **Short or unseen contexts back off.** The model keeps counts for every order up to its own.
/// A prefix shorter than `order - 1` uses all of it (the first character of a text is predicted
/// by the unigram, the second by the bigram); a context never seen in training falls back to the
/// next shorter one. Each case still yields one normalized distribution, so losses stay honest.
public struct NGramModel: Sendable {
  /// Context length plus one: 1 (unigram), 2 (bigram) or 3 (trigram).
  public let order: Int
  /// Number of token ids (V).
  public let vocabularySize: Int
  /// The pseudo-count k added to every (context, token) pair.
  public let smoothing: Double

  /// The default add-k pseudo-count.
  ///
  /// Chosen by val loss on the embedded corpus (`NGramTests` re-measures it): over k in
  /// {1, 0.3, 0.1, 0.03, 0.01}, k = 0.1 gave the lowest val loss for both the bigram
  /// (3.696 bits/char) and the trigram (3.271; 3.273 at k = 0.03). Laplace's k = 1 spreads too
  /// much mass over the many characters that never follow a given context (3.754 and 3.680).
  public static let defaultSmoothing = 0.1

  /// `contextTotals[n][context]`: how often a context of length n was followed by any token.
  private var contextTotals: [[Int: Int]]
  /// `ngramCounts[n][context * V + token]`: how often `token` followed a context of length n.
  private var ngramCounts: [[Int: Int]]

  // MARK: - Training

  /// Counts every n-gram of order 1 ... `order` in `tokens`.
  ///
  /// - Throws: ``NGramError`` for an order outside 1...3, a non-positive or non-finite `smoothing`,
  ///   an empty `tokens`, or an id outside `0 ..< vocabularySize`.
  public init<Tokens: RandomAccessCollection>(
    order: Int, tokens: Tokens, vocabularySize: Int, smoothing: Double = defaultSmoothing
  ) throws where Tokens.Element == TokenID, Tokens.Index == Int {
    guard (1...3).contains(order) else { throw NGramError.invalidOrder(order) }
    guard smoothing > 0, smoothing.isFinite else { throw NGramError.invalidSmoothing(smoothing) }
    // V^3 must fit an Int key; any Unicode-scalar vocabulary does.
    guard (1...1_114_112).contains(vocabularySize) else { throw NGramError.invalidVocabularySize(vocabularySize) }
    guard !tokens.isEmpty else { throw NGramError.noTrainingTokens }
    try Self.checkRange(tokens, vocabularySize: vocabularySize)

    self.order = order
    self.vocabularySize = vocabularySize
    self.smoothing = smoothing
    var totals = [[Int: Int]](repeating: [:], count: order)
    var counts = [[Int: Int]](repeating: [:], count: order)
    let v = vocabularySize
    for position in tokens.indices {
      let token = Int(tokens[position])
      var context = 0
      for length in 0..<min(order, position - tokens.startIndex + 1) {
        if length > 0 { context = context &+ Int(tokens[position - length]) &* Self.power(v, length - 1) }
        totals[length][context, default: 0] += 1
        counts[length][context &* v &+ token, default: 0] += 1
      }
    }
    self.contextTotals = totals
    self.ngramCounts = counts
  }

  /// Counts the n-grams of a dataset's train split, over its vocabulary.
  public init(order: Int, dataset: CharDataset, smoothing: Double = defaultSmoothing) throws {
    try self.init(order: order, tokens: dataset.train, vocabularySize: dataset.tokenizer.vocabularySize,
                  smoothing: smoothing)
  }

  /// Counts the n-grams of `text` encoded with `tokenizer`.
  public init(order: Int, text: String, tokenizer: CharTokenizer, smoothing: Double = defaultSmoothing) throws {
    try self.init(order: order, tokens: tokenizer.encode(text), vocabularySize: tokenizer.vocabularySize,
                  smoothing: smoothing)
  }

  // MARK: - Predicting

  /// The next-token distribution after `prefix`, sharpened or flattened by `temperature`.
  ///
  /// Temperature τ raises each probability to 1/τ and renormalizes: τ = 1 is the model itself,
  /// τ → 0 approaches the one-hot argmax (τ = 0 is exactly that, lowest id on ties), τ = ∞ is uniform.
  ///
  /// - Throws: ``NGramError/invalidTemperature(_:)`` for a negative or NaN τ,
  ///   ``NGramError/tokenOutOfRange(_:position:vocabularySize:)`` for a bad id in `prefix`.
  public func distribution(after prefix: [TokenID], temperature: Double = 1) throws -> [Double] {
    guard temperature >= 0 else { throw NGramError.invalidTemperature(temperature) }
    try Self.checkRange(prefix, vocabularySize: vocabularySize)
    var probabilities = modelDistribution(after: prefix[...])
    Self.applyTemperature(temperature, to: &probabilities)
    return probabilities
  }

  /// The model's probability of `token` right after `prefix` (temperature 1).
  public func probability(of token: TokenID, after prefix: [TokenID]) throws -> Double {
    try Self.checkRange(prefix, vocabularySize: vocabularySize)
    guard token >= 0, Int(token) < vocabularySize else {
      throw NGramError.tokenOutOfRange(token, position: prefix.count, vocabularySize: vocabularySize)
    }
    return probability(of: Int(token), after: prefix[...])
  }

  // MARK: - Exporting

  /// Every count the model holds, for recomputing its distributions elsewhere (the HTML widget).
  ///
  /// `levels[n]` lists the contexts of length n (0 ... order − 1), sorted by key; a context's key
  /// is Σ id(back) · V^(back − 1) over its last n tokens (back = 1 is the token just before the
  /// prediction), the key `distribution(after:)` looks up, backing off to shorter contexts the same way.
  public func counts() -> NGramCounts {
    var levels: [[NGramCounts.Context]] = []
    for length in 0..<order {
      var contexts: [NGramCounts.Context] = []
      for (key, total) in contextTotals[length].sorted(by: { $0.key < $1.key }) {
        var following: [[Int]] = []
        for token in 0..<vocabularySize {
          if let count = ngramCounts[length][key &* vocabularySize &+ token] { following.append([token, count]) }
        }
        contexts.append(NGramCounts.Context(key: key, total: total, following: following))
      }
      levels.append(contexts)
    }
    return NGramCounts(order: order, vocabularySize: vocabularySize, smoothing: smoothing, levels: levels)
  }

  // MARK: - Evaluating

  /// Mean negative log-likelihood, in nats, of each token of `tokens` given the ones before it.
  ///
  /// Scores positions 1 ..< count, the same next-token predictions a transformer makes on
  /// the sequence; each uses up to `order - 1` preceding tokens of `tokens` itself.
  ///
  /// - Throws: ``NGramError/tooFewEvaluationTokens(_:)`` for fewer than two tokens, or a range error.
  public func averageLoss(on tokens: some Collection<TokenID>) throws -> Double {
    let tokens = Array(tokens)  // free for an array; a TokenStore split is copied once
    guard tokens.count >= 2 else { throw NGramError.tooFewEvaluationTokens(tokens.count) }
    try Self.checkRange(tokens, vocabularySize: vocabularySize)
    var total = 0.0
    for position in 1..<tokens.count {
      let contextStart = max(0, position - (order - 1))
      total -= log(probability(of: Int(tokens[position]), after: tokens[contextStart..<position]))
    }
    return total / Double(tokens.count - 1)
  }

  /// ``averageLoss(on:)`` in bits per character (nats / ln 2).
  public func bitsPerCharacter(on tokens: some Collection<TokenID>) throws -> Double {
    try averageLoss(on: tokens) / log(2.0)
  }

  /// The loss of guessing uniformly over V tokens: ln V nats, what an untrained model scores.
  public static func uniformLoss(vocabularySize: Int) -> Double {
    log(Double(vocabularySize))
  }

  /// Shannon entropy of a distribution, in nats.
  public static func entropy(of distribution: [Double]) -> Double {
    distribution.reduce(0) { sum, p in p > 0 ? sum - p * log(p) : sum }
  }

  // MARK: - Generating

  /// `count` tokens continuing `prompt`, each the most probable one (lowest id on ties).
  public func greedyContinuation(of prompt: [TokenID], count: Int) throws -> [TokenID] {
    try generate(after: prompt, count: count) { probabilities in Categorical.argmax(probabilities) }
  }

  /// `count` tokens continuing `prompt`, each drawn from the distribution at `temperature`.
  ///
  /// Temperature 0 is greedy. The draws come from `rng`, so a seed fixes the text.
  public func sample(after prompt: [TokenID], count: Int, temperature: Double = 1,
                     using rng: inout SeededGenerator) throws -> [TokenID] {
    guard temperature >= 0 else { throw NGramError.invalidTemperature(temperature) }
    return try generate(after: prompt, count: count) { probabilities in
      var tempered = probabilities
      Self.applyTemperature(temperature, to: &tempered)
      return Categorical.draw(from: tempered, using: &rng)
    }
  }

  // MARK: - Internals

  private func generate(after prompt: [TokenID], count: Int, choose: ([Double]) -> Int) throws -> [TokenID] {
    guard count >= 0 else { throw NGramError.invalidCount(count) }
    try Self.checkRange(prompt, vocabularySize: vocabularySize)
    var history = Array(prompt.suffix(order - 1))
    var generated: [TokenID] = []
    generated.reserveCapacity(count)
    for _ in 0..<count {
      let next = TokenID(choose(modelDistribution(after: history[...])))
      generated.append(next)
      history.append(next)
      if history.count > order - 1 { history.removeFirst() }
    }
    return generated
  }

  /// The longest usable context ending `prefix`: at most `order - 1` tokens, backing off past
  /// contexts never seen in training. Returns its length and key.
  private func context(of prefix: ArraySlice<TokenID>) -> (length: Int, key: Int) {
    var length = min(order - 1, prefix.count)
    while length > 0 {
      var key = 0
      for back in 1...length {
        key = key &+ Int(prefix[prefix.endIndex - back]) &* Self.power(vocabularySize, back - 1)
      }
      if contextTotals[length][key] != nil { return (length, key) }
      length -= 1
    }
    return (0, 0)
  }

  private func probability(of token: Int, after prefix: ArraySlice<TokenID>) -> Double {
    let (length, key) = context(of: prefix)
    let total = Double(contextTotals[length][key] ?? 0)
    let count = Double(ngramCounts[length][key &* vocabularySize &+ token] ?? 0)
    return (count + smoothing) / (total + smoothing * Double(vocabularySize))
  }

  private func modelDistribution(after prefix: ArraySlice<TokenID>) -> [Double] {
    let (length, key) = context(of: prefix)
    let denominator = Double(contextTotals[length][key] ?? 0) + smoothing * Double(vocabularySize)
    let counts = ngramCounts[length]
    let base = key &* vocabularySize
    return (0..<vocabularySize).map { token in
      (Double(counts[base &+ token] ?? 0) + smoothing) / denominator
    }
  }

  private static func applyTemperature(_ temperature: Double, to probabilities: inout [Double]) {
    if temperature == 1 { return }
    if temperature == 0 {
      let best = Categorical.argmax(probabilities)
      for index in probabilities.indices { probabilities[index] = index == best ? 1 : 0 }
      return
    }
    // Scale log-ratios to the most likely token, (log p - log p_max) / τ, so the best token keeps
    // weight 1 and even a vanishing τ cannot turn every weight into 0/0.
    let logs = probabilities.map { log($0) }
    let peak = logs.max() ?? 0
    var sum = 0.0
    for index in probabilities.indices {
      let weight = exp((logs[index] - peak) / temperature)
      probabilities[index] = weight
      sum += weight
    }
    for index in probabilities.indices { probabilities[index] /= sum }
  }

  private static func power(_ base: Int, _ exponent: Int) -> Int {
    var result = 1
    for _ in 0..<exponent { result = result &* base }
    return result
  }

  private static func checkRange(_ tokens: some Collection<TokenID>, vocabularySize: Int) throws {
    for (position, token) in tokens.enumerated() where token < 0 || Int(token) >= vocabularySize {
      throw NGramError.tokenOutOfRange(token, position: position, vocabularySize: vocabularySize)
    }
  }
}

/// An n-gram model's counts as plain data (see ``NGramModel/counts()``).
public struct NGramCounts: Sendable, Codable, Equatable {
  /// One context: its key, how often it occurred, and `[token, count]` for each token that followed it.
  public struct Context: Sendable, Codable, Equatable {
    public var key: Int
    public var total: Int
    public var following: [[Int]]
  }

  public var order: Int
  public var vocabularySize: Int
  public var smoothing: Double
  /// `levels[n]`: the contexts of length n that occurred, sorted by key.
  public var levels: [[Context]]
}

/// Why an n-gram model could not be built or queried.
public enum NGramError: Error, Sendable, Equatable, CustomStringConvertible {
  case invalidOrder(Int)
  case invalidSmoothing(Double)
  case invalidVocabularySize(Int)
  case noTrainingTokens
  case tooFewEvaluationTokens(Int)
  case invalidTemperature(Double)
  case invalidCount(Int)
  case tokenOutOfRange(TokenID, position: Int, vocabularySize: Int)

  public var description: String {
    switch self {
    case .invalidOrder(let order):
      return "n-gram order \(order) is not supported: use 1 (unigram), 2 (bigram) or 3 (trigram)"
    case .invalidSmoothing(let k):
      return "add-k smoothing needs a positive, finite k (got \(k)); k = 0 would give unseen characters probability 0 and an infinite loss"
    case .invalidVocabularySize(let size):
      return "vocabulary size \(size) is outside 1...1114112 (the number of Unicode scalars)"
    case .noTrainingTokens:
      return "an n-gram model needs at least one training token"
    case .tooFewEvaluationTokens(let count):
      return "a loss needs at least 2 tokens (one to predict from, one to predict); got \(count)"
    case .invalidTemperature(let temperature):
      return "temperature must be 0 (greedy) or positive; got \(temperature)"
    case .invalidCount(let count):
      return "cannot generate \(count) tokens; the count must be 0 or more"
    case .tokenOutOfRange(let token, let position, let size):
      return "token id \(token) at position \(position) is outside the vocabulary 0..<\(size)"
    }
  }
}
