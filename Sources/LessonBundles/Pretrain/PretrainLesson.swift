import Foundation
import LessonKit
import Pretraining

// MARK: - The pretraining lesson's bundle

/// Steps and checks of `Lessons/00_pretrain.md`, one file per section of the lesson.
///
/// Every figure the lesson claims is computed here from the real `Pretraining` code: the
/// dataset, the MiniGPT, the trainer, AdamW, clipping and the n-gram models.
enum PretrainLesson {
  static let bundle = LessonBundle(name: "pretrain") {
    setup
    objective
    whyThisLoss
    compression
    completer
    randomWindows
    shiftedTargets
    causalMask
    trainingLoop
    optimizerChoices
    ngramPredictor
    nextCharacterWidget
    scaling
    sftBridge
  }

  // MARK: - Settings the lesson states

  /// Windows per batch (B).
  static let batchSize = 32
  /// Tokens per window (T).
  static let contextLength = 64
  /// Optimizer steps of the lesson's training run: enough to pass the trigram on held-out text.
  static let trainingSteps = 800
  /// How often the training run estimates train and val loss.
  static let evalInterval = 100
  /// Worker threads for training; results are bitwise reproducible for a fixed count.
  static let trainingThreads = 2

  // MARK: - Shared state

  static let datasetKey = StateKey<CharDataset>("pretrain.dataset")
  static let untrainedKey = StateKey<UntrainedRun>("pretrain.untrained")
  static let trainedKey = StateKey<TrainedRun>("pretrain.trained")
  static let maskingKey = StateKey<MaskingCount>("pretrain.masking")
  static let compressionKey = StateKey<[CompressionRow]>("pretrain.compression")
  static let completerKey = StateKey<CompleterProbe>("pretrain.completer")
  static let attentionKey = StateKey<AttentionProbe>("pretrain.attention")
  static let shiftKey = StateKey<ShiftProbe>("pretrain.shift")
  static let optimizerKey = StateKey<OptimizerProbe>("pretrain.optimizer")
  static let ngramKey = StateKey<NGramProbe>("pretrain.ngram")
  static let sftKey = StateKey<MaskMeasurement>("pretrain.sft")

  /// The embedded corpus, split 90/10; every other step starts from it.
  @LessonBundleBuilder static var setup: [BundleEntry] {
    Step("load-corpus") { context in
      let data = try CharDataset(text: Corpus.shakespeare)
      context[datasetKey] = data
      context.text(
        "Corpus: \(data.count) characters of Shakespeare, vocabulary of \(data.tokenizer.vocabularySize) "
          + "characters; \(data.train.count) for training and \(data.val.count) held out.")
    }
  }
}

// MARK: - Reporting helpers

extension ReportTensor {
  /// A float tensor from the numeric library, for printing.
  init(_ tensor: Tensor) {
    self.init(shape: tensor.shape, values: tensor.values.map(Double.init))
  }

  /// Token ids shown with their characters.
  init(tokens: [TokenID], shape: [Int], tokenizer: CharTokenizer) {
    self.init(
      shape: shape, values: tokens.map(Double.init), isInteger: true,
      decode: { id in tokenizer.visible(TokenID(id)) })
  }
}

/// Formats a number with thousands separators, as the lesson writes them.
func grouped(_ value: Int) -> String { NumberFormat.grouped(value) }

/// Formats a value with a fixed number of decimals.
func fixed(_ value: Double, _ decimals: Int = 4) -> String { NumberFormat.fixed(value, decimals) }
