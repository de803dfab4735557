import Foundation
import LessonKit
import Pretraining

// MARK: - The pretraining lesson's bundle

/// Steps of `Lessons/00_pretrain.md`, one file per section of the lesson.
///
/// Every figure the lesson claims is a measurement one of these steps records with
/// `context.measure`, or one of the settings below, which a learner can change with `--set`.
enum PretrainLesson {
  static let bundle = LessonBundle(name: "pretrain") {
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

  // MARK: - Settings a learner can change

  static let trainingSteps = Parameter.integer("steps", default: 800, in: 1...20_000, "optimizer steps of the training run")
  static let learningRate = Parameter.real("lr", default: 3e-4, in: 1e-6...0.1, "AdamW's learning rate, constant over the run")
  static let batchSize = Parameter.integer("batch", default: 32, in: 1...256, "windows per batch (B)")
  static let contextLength = Parameter.integer(
    "context", default: 64, in: 8...256, "tokens per window (T), which is also the model's context length")
  static let temperature = Parameter.real(
    "temperature", default: 0.8, in: 0.05...5, "sampling temperature of the text the trained MiniGPT writes")

  /// How often the training run estimates train and val loss.
  static let evalInterval = 100
  /// Worker threads for training; results are bitwise reproducible for a fixed count.
  static let trainingThreads = 2

  // MARK: - Shared state

  static let datasetKey = StateKey<CharDataset>("pretrain.dataset")
  static let trainedKey = StateKey<TrainedRun>("pretrain.trained")

  /// The lesson's model shape (`MiniGPTConfig.lesson`) for the corpus, with a context of `context` tokens.
  static func modelConfig(_ data: CharDataset, context: Int) throws -> MiniGPTConfig {
    try .lesson(vocabSize: data.tokenizer.vocabularySize, contextLength: context)
  }
}
