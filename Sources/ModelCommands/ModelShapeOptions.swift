import Foundation
import LessonKit
import Pretraining

/// The corpus, model shape, batch and threads shared by `lesson train` and `lesson bench`.
public struct ModelShapeOptions: Sendable, Equatable {
  /// A UTF-8 text file; nil = the embedded Shakespeare.
  public var corpus: String?
  /// Windows per batch (B).
  public var batchSize: Int
  /// Tokens per window and the model's context length (T).
  public var context: Int
  /// Width of the residual stream (d).
  public var embeddingSize: Int
  /// Transformer blocks (L).
  public var layers: Int
  /// Attention heads (h).
  public var heads: Int
  /// Data-parallel workers.
  public var threads: Int

  /// The lesson's model (d=128, L=4, h=4, T=64, B=32) on two threads.
  public init(corpus: String? = nil, batchSize: Int = 32, context: Int = 64, embeddingSize: Int = 128,
              layers: Int = 4, heads: Int = 4, threads: Int = 2) {
    self.corpus = corpus
    self.batchSize = batchSize
    self.context = context
    self.embeddingSize = embeddingSize
    self.layers = layers
    self.heads = heads
    self.threads = threads
  }

  /// Most worker threads accepted; more only adds gradient slabs to sum.
  public static let maximumThreads = 256
  /// Most windows per batch accepted; B·T·d and B·h·T² sizes stay far inside `Int` below it.
  public static let maximumBatchSize = 65_536

  /// What the options resolve to once the corpus is read and every value checked.
  public struct Resolved: Sendable {
    public var dataset: CharDataset
    public var config: MiniGPTConfig
    /// "the embedded Shakespeare" or the corpus path.
    public var corpusName: String
  }

  /// Reads the corpus and checks every option, so a run never fails on its input halfway through.
  ///
  /// - Throws: ``ToolInputError`` with a message naming the flag to change.
  public func resolve() throws -> Resolved {
    try checkShape()
    let dataset: CharDataset
    let corpusName: String
    if let corpus {
      // Streamed: the text is never held whole, and tokens take 2 bytes each (see CharDataset).
      // `-` (and /dev/stdin from a pipe) reads standard input.
      corpusName = corpus == "-" ? "standard input" : corpus
      do {
        dataset = try CharDataset(contentsOf: URL(fileURLWithPath: corpus))
      } catch DataError.emptyText, DataError.corpusTooShort(tokens: 0) {
        throw ToolInputError("\(corpusName) is empty: training needs text")
      } catch {
        throw ToolInputError(String(describing: error))
      }
      if dataset.tokenizer.vocabularySize < 2 {
        let only = dataset.tokenizer.scalars.first.map { "'" + CharTokenizer.visible($0) + "'" } ?? ""
        throw ToolInputError("\(corpusName) uses a single distinct character (\(only)): a model needs at least two "
          + "characters to choose between")
      }
    } else {
      corpusName = "the embedded Shakespeare"
      dataset = try Self.dataset(from: Corpus.shakespeare, name: corpusName)
    }
    let vocabulary = dataset.tokenizer.vocabularySize
    guard vocabulary <= MiniGPTConfig.maximumVocabSize else {
      throw ToolInputError("\(corpusName) has \(NumberFormat.grouped(vocabulary)) distinct characters, above the vocabulary "
        + "limit of \(NumberFormat.grouped(MiniGPTConfig.maximumVocabSize)); use a corpus with fewer distinct characters")
    }
    for split in Split.allCases {
      let tokens = dataset.tokens(split).count
      guard tokens - context - 1 >= 1 else {
        throw ToolInputError("the \(split.rawValue) split of \(corpusName) has \(tokens) characters, too few for "
          + "--context \(context): a random window and its shifted target need at least \(context + 2) (context + 2); "
          + "use --context \(max(tokens - 2, 1)) or less, or a longer corpus")
      }
    }
    let config: MiniGPTConfig
    do {
      config = try MiniGPTConfig(vocabSize: vocabulary, contextLength: context, embeddingSize: embeddingSize,
                                 layerCount: layers, headCount: heads)
    } catch {
      throw ToolInputError(String(describing: error))
    }
    try checkMemory(config)
    return Resolved(dataset: dataset, config: config, corpusName: corpusName)
  }

  /// Flag-level checks that need no corpus.
  func checkShape() throws {
    func atLeastOne(_ value: Int, _ flag: String, _ why: String) throws {
      guard value >= 1 else { throw ToolInputError("\(flag) must be at least 1 (got \(value)): \(why)") }
    }
    try atLeastOne(batchSize, "--batch", "a batch needs a window")
    try atLeastOne(context, "--context", "a window needs a token to predict from")
    try atLeastOne(embeddingSize, "--d", "the residual stream needs a width")
    try atLeastOne(layers, "--layers", "the model needs a block")
    try atLeastOne(heads, "--heads", "attention needs a head")
    try atLeastOne(threads, "--threads", "the work needs a thread")
    guard batchSize <= Self.maximumBatchSize else {
      throw ToolInputError("--batch \(batchSize) is above the limit of \(Self.maximumBatchSize) windows")
    }
    guard threads <= Self.maximumThreads else {
      throw ToolInputError("--threads \(threads) is above the limit of \(Self.maximumThreads)")
    }
    guard context <= MiniGPTConfig.maximumContextLength else {
      throw ToolInputError("--context \(context) is above the limit of \(MiniGPTConfig.maximumContextLength)")
    }
    guard embeddingSize <= MiniGPTConfig.maximumEmbeddingSize else {
      throw ToolInputError("--d \(embeddingSize) is above the limit of \(MiniGPTConfig.maximumEmbeddingSize)")
    }
    guard layers <= MiniGPTConfig.maximumLayerCount else {
      throw ToolInputError("--layers \(layers) is above the limit of \(MiniGPTConfig.maximumLayerCount)")
    }
    guard heads <= embeddingSize, embeddingSize % heads == 0 else {
      throw ToolInputError("--d \(embeddingSize) is not divisible by --heads \(heads): each head takes d/h columns "
        + "of the residual stream (try --heads \(Self.divisor(of: embeddingSize, near: heads)))")
    }
  }

  /// The largest divisor of `value` not above `target` (a head count that works).
  static func divisor(of value: Int, near target: Int) -> Int {
    stride(from: min(target, value), through: 1, by: -1).first { value % $0 == 0 } ?? 1
  }

  static func dataset(from text: String, name: String) throws -> CharDataset {
    guard !text.isEmpty else { throw ToolInputError("\(name) is empty: training needs text") }
    let distinct = Set(text.unicodeScalars)
    guard distinct.count >= 2 else {
      let only = distinct.first.map { "'" + CharTokenizer.visible($0) + "'" } ?? ""
      throw ToolInputError("\(name) uses a single distinct character (\(only)): a model needs at least two "
        + "characters to choose between")
    }
    do {
      return try CharDataset(text: text)
    } catch {
      throw ToolInputError(String(describing: error))
    }
  }

  /// Bytes the run will hold: parameters, gradients and AdamW moments, each worker's gradient slab,
  /// activations and backward scratch (the sizes `GPTNetwork` allocates).
  public func estimatedBytes(_ config: MiniGPTConfig) -> Double {
    let workers = Double(min(threads, batchSize))
    let rowsPerWorker = Double((batchSize + Int(workers) - 1) / Int(workers))
    let t = Double(context), d = Double(config.embeddingSize), v = Double(config.vocabSize)
    let l = Double(config.layerCount), h = Double(config.headCount)
    let n = rowsPerWorker * t
    let attention = rowsPerWorker * h * t * t
    let activations = n * d + l * (n * (16 * d + 4) + attention) + n * (d + 2) + n * (2 * v + 1)
    let scratch = 10 * n * d + n * v + t * t
    let parameters = Double(config.parameterCount)
    return 4 * (parameters * (3 + workers) + workers * (activations + scratch))
  }

  /// Refuses shapes whose buffers would not fit in this machine's memory.
  func checkMemory(_ config: MiniGPTConfig) throws {
    let needed = estimatedBytes(config)
    let available = Double(ProcessInfo.processInfo.physicalMemory)
    guard needed <= 0.8 * available else {
      throw ToolInputError("this shape needs about \(NumberFormat.fixed(needed / 1e9, 1)) GB for weights, optimizer state and "
        + "activations (--batch \(batchSize), --context \(context), --d \(embeddingSize), --layers \(layers)), "
        + "more than this machine's \(NumberFormat.fixed(available / 1e9, 1)) GB allow; use a smaller --batch or model")
    }
  }

  /// "V=65 d=128 L=4 h=4 T=64 B=32".
  func shapeLabel(_ config: MiniGPTConfig) -> String {
    "V=\(config.vocabSize) d=\(config.embeddingSize) L=\(config.layerCount) h=\(config.headCount) "
      + "T=\(config.contextLength) B=\(batchSize)"
  }
}
