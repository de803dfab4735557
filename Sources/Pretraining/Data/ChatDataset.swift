/// Why a set of (prompt, response) pairs cannot be turned into batches.
public enum ChatDataError: Error, Sendable, Equatable, CustomStringConvertible {
  /// There is nothing to draw a batch from.
  case noExamples
  /// One templated pair does not fit the model's context.
  case exampleTooLong(index: Int, tokens: Int, context: Int)
  /// A requested row that is not one of the pairs.
  case rowOutOfRange(Int, count: Int)

  public var description: String {
    switch self {
    case .noExamples:
      return "the chat dataset has no (prompt, response) pairs: give it at least one"
    case .exampleTooLong(let index, let tokens, let context):
      return "pair \(index) needs \(tokens) input tokens but the context is \(context): shorten it or use a longer context"
    case .rowOutOfRange(let row, let count):
      return "row \(row) does not exist: the dataset has \(count) pairs (rows 0..<\(count))"
    }
  }
}

/// (prompt, response) pairs in the chat template, drawn as fixed-shape batches for fine-tuning.
///
/// Each pair is one row of a batch, starting at position 0. Rows shorter than the context are
/// padded at the end with the response-end marker and ``ignoreIndex`` targets: causal attention
/// never lets a real position read the padding after it, and ignored targets add neither loss
/// nor gradient, so padding changes nothing the model learns.
public struct ChatDataset: Sendable {
  /// One templated pair: input ids and next-token targets of equal length.
  public struct Example: Sendable, Equatable {
    public var inputs: [TokenID]
    public var targets: [TokenID]
  }

  /// The tokenizer every pair was encoded with.
  public let tokenizer: CharTokenizer
  /// Every pair, in the order given.
  public let examples: [Example]
  /// Whether prompt targets are set to ``ignoreIndex`` (supervised fine-tuning) or kept (plain next-token training).
  public let masksPrompt: Bool

  /// Encodes `pairs` with the chat template.
  ///
  /// - Parameter masksPrompt: `true` grades only the response (``ChatTemplate/example(prompt:response:tokenizer:)``);
  ///   `false` grades every next token, prompt included, as pretraining would.
  /// - Throws: ``ChatDataError/noExamples``, or ``DataError/unknownCharacter(_:offset:line:column:)``
  ///   for a character outside the vocabulary.
  public init(pairs: [(prompt: String, response: String)], tokenizer: CharTokenizer, masksPrompt: Bool = true) throws {
    guard !pairs.isEmpty else { throw ChatDataError.noExamples }
    self.tokenizer = tokenizer
    self.masksPrompt = masksPrompt
    examples = try pairs.map { pair in
      if masksPrompt {
        let example = try ChatTemplate.example(prompt: pair.prompt, response: pair.response, tokenizer: tokenizer)
        return Example(inputs: example.inputs, targets: example.targets)
      }
      let tokens = try tokenizer.encode(ChatTemplate.render(prompt: pair.prompt, response: pair.response))
      return Example(inputs: Array(tokens.dropLast()), targets: Array(tokens.dropFirst()))
    }
  }

  /// Number of pairs.
  public var count: Int { examples.count }

  /// Input tokens of the longest pair: the smallest context that holds every pair.
  public var longestExample: Int { examples.map(\.inputs.count).max() ?? 0 }

  /// `size` pairs drawn uniformly with replacement, each padded to `context` tokens.
  ///
  /// - Throws: ``DataError/invalidBatchShape(size:context:)`` or ``ChatDataError/exampleTooLong(index:tokens:context:)``.
  public func batch(size: Int, context: Int, using rng: inout SeededGenerator) throws -> TokenBatch {
    guard size >= 1, context >= 1 else { throw DataError.invalidBatchShape(size: size, context: context) }
    let rows = (0..<size).map { _ in rng.uniformInt(below: examples.count) }
    return try batch(rows: rows, context: context)
  }

  /// The pairs at `rows`, in order, each padded to `context` tokens.
  public func batch(rows: [Int], context: Int) throws -> TokenBatch {
    guard !rows.isEmpty, context >= 1 else { throw DataError.invalidBatchShape(size: rows.count, context: context) }
    let padding = tokenizer.id(of: ChatTemplate.responseEnd) ?? 0
    var inputs: [TokenID] = [], targets: [TokenID] = []
    inputs.reserveCapacity(rows.count * context)
    targets.reserveCapacity(rows.count * context)
    for row in rows {
      guard examples.indices.contains(row) else { throw ChatDataError.rowOutOfRange(row, count: examples.count) }
      let example = examples[row]
      guard example.inputs.count <= context else {
        throw ChatDataError.exampleTooLong(index: row, tokens: example.inputs.count, context: context)
      }
      let pad = context - example.inputs.count
      inputs += example.inputs + repeatElement(padding, count: pad)
      targets += example.targets + repeatElement(ignoreIndex, count: pad)
    }
    return TokenBatch(size: rows.count, context: context, inputs: inputs, targets: targets)
  }
}
