import Foundation
import LessonKit
import LessonWidgets
import Pretraining

// MARK: - The fine-tuning lesson's bundle

/// Steps of `Lessons/01_sft.md`.
///
/// The lesson pretrains a small MiniGPT on the corpus, shows that it continues questions, then
/// fine-tunes copies of it on templated addition questions, with and without the prompt mask.
/// Every figure it claims is measured here on the real `Pretraining` code or restates a setting.
/// Both trained models are cacheable state, so changing a fine-tuning setting never retrains
/// the base model, and a warm check retrains nothing.
enum SFTLesson {
  static let bundle = LessonBundle(name: "sft") {
    baseModel
    additionData
    answering
    lossMask
    fineTuning
  }

  // MARK: - Settings

  static let pretrainingSteps = Parameter.integer(
    "pretraining-steps", default: 400, in: 1...5_000, "optimizer steps of pretraining the base model on the corpus")
  static let fineTuningSteps = Parameter.integer(
    "fine-tuning-steps", default: 1_200, in: 1...10_000, "optimizer steps of each fine-tuning run (with and without the mask)")
  static let promptMask = Parameter.flag(
    "prompt-mask", default: true, "whether fine-tuning ignores the prompt's targets (−100); off grades every next token")
  static let learningRate = Parameter.real("lr", default: 2e-3, in: 1e-4...5e-2, "peak learning rate of every training run")
  static let heldOutCount = Parameter.integer("held-out", default: 20, in: 1...50, "addition questions kept out of fine-tuning")
  static let probePairs = Parameter.integer("probe-pairs", default: 8, in: 1...50, "training pairs in the batch the mask is shown on")

  /// Windows (pretraining) or pairs (fine-tuning) per batch.
  static let batchSize = 32
  /// Worker threads for training; results are bitwise reproducible for a fixed count.
  static let trainingThreads = 2

  /// The base model: small enough to pretrain and fine-tune inside the lesson.
  static func baseConfig(vocabSize: Int) throws -> MiniGPTConfig {
    try MiniGPTConfig(vocabSize: vocabSize, contextLength: 32, embeddingSize: 64, layerCount: 2, headCount: 4)
  }

  /// The one set of training options and the one loop both phases use: only the data differs.
  // lesson:begin sft-options
  static func trainingOptions(steps: Int, peak: Double, seed: UInt64) -> TrainingOptions {
    let schedule = LearningRateSchedule.warmupCosine(peak: Float(peak), minimum: 1e-4, warmupSteps: steps / 20, decaySteps: steps)
    return TrainingOptions(steps: steps, schedule: schedule, seed: seed)   // AdamW (0.9, 0.95), wd 0.1, clip 1.0
  }

  static func train(
    _ model: MiniGPT, _ tokenizer: CharTokenizer, steps: Int, phase: String, in context: StepContext,
    batches: @escaping BatchSource
  ) throws -> TrainedRun {
    let options = trainingOptions(steps: steps, peak: context[learningRate], seed: context.seed)
    let bar = TrainingProgressView(total: steps, label: phase, context: context)
    let summary = try Trainer(model: model, options: options).run(nextBatch: batches, progress: bar.report)
    bar.finish()
    return try TrainedRun(model, tokenizer: tokenizer, options: options, summary: summary)
  }
  // lesson:end

  // MARK: - Shared state

  static let corpusKey = StateKey<CharDataset>("sft.corpus")
  static let dataKey = StateKey<AdditionData>("sft.data")
  static let baseKey = StateKey<TrainedRun>("sft.base")
  static let fineTunedKey = StateKey<TrainedRun>("sft.fine-tuned")
  static let unmaskedKey = StateKey<TrainedRun>("sft.unmasked")
}
