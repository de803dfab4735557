/// Preference pairs, (prompt, chosen response, rejected response), in the chat template, drawn
/// as the batches ``PreferenceObjective`` reads.
///
/// A batch of N pairs has 2N rows: the chosen responses in rows 0..<N, then the rejected ones in
/// the same order, each row padded like ``ChatDataset``'s and with its prompt masked, so the
/// model's loss grades only the responses.
public struct PreferenceDataset: Sendable {
  /// Each pair's prompt with its chosen response.
  public let chosen: ChatDataset
  /// Each pair's prompt with its rejected response, in the same order.
  public let rejected: ChatDataset

  /// Encodes `pairs` with the chat template, prompts masked.
  ///
  /// - Throws: ``ChatDataError/noExamples``, or ``DataError/unknownCharacter(_:offset:line:column:)``
  ///   for a character outside the vocabulary.
  public init(pairs: [(prompt: String, chosen: String, rejected: String)], tokenizer: CharTokenizer) throws {
    chosen = try ChatDataset(pairs: pairs.map { ($0.prompt, $0.chosen) }, tokenizer: tokenizer)
    rejected = try ChatDataset(pairs: pairs.map { ($0.prompt, $0.rejected) }, tokenizer: tokenizer)
  }

  /// Number of pairs.
  public var count: Int { chosen.count }

  /// Input tokens of the longest response of either kind: the smallest context that holds every pair.
  public var longestExample: Int { max(chosen.longestExample, rejected.longestExample) }

  /// The pairs at `rows`: their chosen responses, then their rejected ones, each padded to `context` tokens.
  ///
  /// - Throws: ``DataError/invalidBatchShape(size:context:)``, ``ChatDataError/rowOutOfRange(_:count:)``
  ///   or ``ChatDataError/exampleTooLong(index:tokens:context:)``.
  public func batch(rows: [Int], context: Int) throws -> TokenBatch {
    let first = try chosen.batch(rows: rows, context: context)
    let second = try rejected.batch(rows: rows, context: context)
    return TokenBatch(size: 2 * rows.count, context: context, inputs: first.inputs + second.inputs,
                      targets: first.targets + second.targets)
  }

  /// `pairs` pairs drawn uniformly with replacement: a batch of 2·`pairs` rows.
  public func batch(pairs: Int, context: Int, using rng: inout SeededGenerator) throws -> TokenBatch {
    guard pairs >= 1 else { throw DataError.invalidBatchShape(size: pairs, context: context) }
    return try batch(rows: (0..<pairs).map { _ in rng.uniformInt(below: count) }, context: context)
  }
}
