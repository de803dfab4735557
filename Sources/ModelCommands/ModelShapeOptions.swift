import ArgumentParser
import Foundation
import LessonKit
import Pretraining

/// The corpus, model shape, batch and threads shared by `lesson train` and `lesson bench`.
///
/// Declared once, here: the command line includes it with `@OptionGroup`, and the defaults are
/// the lesson's model (d=128, L=4, h=4, T=64, B=32) on two threads.
public struct ModelShapeOptions: ParsableArguments, Sendable {
  @Option(help: "A UTF-8 text file to train on (default: the embedded Shakespeare).", completion: .file())
  public var corpus: String?

  @Option(name: .customLong("batch"), help: "Windows per batch (B).")
  public var batchSize = 32

  @Option(help: "Tokens per window, the model's context length (T).")
  public var context = 64

  @Option(name: .customLong("d"), help: "Width of the residual stream (d).")
  public var embeddingSize = 128

  @Option(help: "Transformer blocks (L).")
  public var layers = 4

  @Option(help: "Attention heads (h); must divide d.")
  public var heads = 4

  @Option(help: "Data-parallel worker threads.")
  public var threads = 2

  public init() {}

  /// Most worker threads accepted; more only adds gradient slabs to sum.
  public static let maximumThreads = 256

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
    let text: String
    let corpusName: String
    if let corpus {
      do {
        text = try CharDataset.readCorpus(at: URL(fileURLWithPath: corpus))
      } catch {
        throw ToolInputError(String(describing: error))
      }
      corpusName = corpus
    } else {
      text = Corpus.shakespeare
      corpusName = "the embedded Shakespeare"
    }
    let dataset = try Self.dataset(from: text, name: corpusName)
    let vocabulary = dataset.tokenizer.vocabularySize
    guard vocabulary <= MiniGPTConfig.maximumVocabSize else {
      throw ToolInputError("\(corpusName) has \(NumberFormat.grouped(vocabulary)) distinct characters, above the vocabulary "
        + "limit of \(NumberFormat.grouped(MiniGPTConfig.maximumVocabSize)); use a corpus with fewer distinct characters")
    }
    for split in Split.allCases {
      let tokens = dataset.tokens(split).count
      guard tokens - context - 1 >= 1 else {
        throw ToolInputError("the \(split.rawValue) split of \(corpusName) has \(tokens) characters, too few for "
          + "--context \(context): a random window and its shifted target need at least \(context + 2); "
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
