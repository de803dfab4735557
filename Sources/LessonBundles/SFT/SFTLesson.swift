import Foundation
import LessonKit
import Pretraining

// MARK: - The fine-tuning lesson's bundle

/// Steps and checks of `Lessons/01_sft.md`, one file per section of the lesson.
///
/// The lesson pretrains a small MiniGPT on the corpus, shows that it continues questions, then
/// fine-tunes copies of it on templated addition questions, with and without the prompt mask.
/// Every figure it claims is measured here on the real `Pretraining` code.
enum SFTLesson {
  static let bundle = LessonBundle(name: "sft") {
    vocabulary
    baseModel
    additionData
    beforeFineTuning
    lossMask
    fineTuning
    withoutMask
  }

  // MARK: - Settings the lesson states

  /// The base model: small enough to pretrain and fine-tune inside the lesson.
  static func baseConfig(vocabSize: Int) throws -> MiniGPTConfig {
    try MiniGPTConfig(vocabSize: vocabSize, contextLength: 32, embeddingSize: 64, layerCount: 2, headCount: 4)
  }

  /// Windows (pretraining) or pairs (fine-tuning) per batch.
  static let batchSize = 32
  /// Optimizer steps of pretraining on the corpus.
  static let pretrainingSteps = 400
  /// Optimizer steps of each fine-tuning run.
  static let fineTuningSteps = 1200
  /// Questions kept out of fine-tuning, to measure answers the model was never shown.
  static let heldOutCount = 20
  /// Worker threads for training; results are bitwise reproducible for a fixed count.
  static let trainingThreads = 2

  /// The one set of training options both phases use: only the data and the mask differ.
  // lesson:begin sft-options
  static func trainingOptions(steps: Int, seed: UInt64) -> TrainingOptions {
    let schedule = LearningRateSchedule.warmupCosine(peak: 2e-3, minimum: 1e-4, warmupSteps: steps / 20, decaySteps: steps)
    return TrainingOptions(steps: steps, schedule: schedule, seed: seed)   // AdamW (0.9, 0.95), wd 0.1, clip 1.0
  }
  // lesson:end

  // MARK: - Shared state

  static let corpusKey = StateKey<CharDataset>("sft.corpus")
  static let baseKey = StateKey<TrainedModel>("sft.base")
  static let dataKey = StateKey<AdditionData>("sft.data")
  static let beforeKey = StateKey<AnswerReport>("sft.before")
  static let maskKey = StateKey<MaskProbe>("sft.mask")
  static let fineTunedKey = StateKey<TrainedModel>("sft.fine-tuned")
  static let afterKey = StateKey<AnswerReport>("sft.after")
  static let comparisonKey = StateKey<MaskComparison>("sft.comparison")
}

/// A model with the run that produced it.
struct TrainedModel {
  var model: MiniGPT
  var options: TrainingOptions
  var summary: TrainingSummary
  /// Rows per batch of the run's last forward pass.
  var batchSize: Int
  var seconds: Double
}

// MARK: - Helpers

extension SFTLesson {
  /// A fresh model holding the same weights as `model`, so each fine-tuning run starts from the same base.
  static func copy(of model: MiniGPT) throws -> MiniGPT {
    let twin = try MiniGPT(config: model.config, seed: 0, threads: trainingThreads)
    try twin.loadParameters(model.parameters.toArray())
    return twin
  }

  /// Reports training progress every 50 steps and at the end (a live line on a terminal, a
  /// line each when piped, so a log stays short).
  static func showProgress(_ phase: String, _ p: TrainingProgress, of total: Int, in context: StepContext) {
    guard p.step % 50 == 0 || p.step == total else { return }
    var line = "\(phase): step \(p.step)/\(total)  loss \(fixed(Double(p.loss), 3))"
    if let e = p.evaluation { line += "  val \(fixed(Double(e.val), 3))" }
    context.progress(line)
  }

  /// Wall-clock seconds since `start`.
  static func seconds(since start: Date) -> Double { Date().timeIntervalSince(start) }

  /// Index of the largest logit.
  static func argmax(_ logits: [Float]) -> TokenID {
    var best = 0
    for i in logits.indices where logits[i] > logits[best] { best = i }
    return TokenID(best)
  }
}
