import Foundation
import LessonKit
import Pretraining

// MARK: - Section 2: the base model

extension SFTLesson {
  @LessonBundleBuilder static var baseModel: [BundleEntry] {
    Step("sft-pretrain", after: ["sft-vocabulary"]) { context in
      let corpus = try context.require(corpusKey)
      let config = try baseConfig(vocabSize: corpus.tokenizer.vocabularySize)
      let model = try MiniGPT(config: config, seed: context.seed, threads: trainingThreads)
      let steps = pretrainingSteps
      let start = Date()
      // lesson:begin sft-pretrain
      let options = trainingOptions(steps: steps, seed: context.seed)
      let trainer = try Trainer(model: model, options: options)
      let summary = try trainer.run(nextBatch: { split, rng in
        try corpus.batch(split: split, size: 32, context: 32, using: &rng)   // random corpus windows
      }, progress: { p in showProgress("pretraining", p, of: steps, in: context) })
      // lesson:end
      let run = TrainedModel(
        model: model, options: options, summary: summary, batchSize: model.batchSize, seconds: seconds(since: start))
      context[baseKey] = run
      let last = summary.evaluations.last
      context.text(
        "Pretrained \(steps) steps in \(fixed(run.seconds, 1)) s; train loss \(fixed(Double(last?.train ?? .nan), 3)), "
          + "val loss \(fixed(Double(last?.val ?? .nan), 3)) nats per character.")
      context.text("A sample from \"To be\":\n" + (try sample(from: "To be", model: model, tokenizer: corpus.tokenizer, seed: context.seed)))
    }

    Check("sft-embedding-size", after: ["sft-vocabulary"]) { context in
      .number(Double(try plannedConfig(context).embeddingSize))
    }
    Check("sft-layer-count", after: ["sft-vocabulary"]) { context in
      .number(Double(try plannedConfig(context).layerCount))
    }
    Check("sft-head-count", after: ["sft-vocabulary"]) { context in
      .number(Double(try plannedConfig(context).headCount))
    }
    Check("sft-context-length", after: ["sft-vocabulary"]) { context in
      .number(Double(try plannedConfig(context).contextLength))
    }
    Check("sft-parameters", after: ["sft-vocabulary"]) { context in
      .number(Double(try plannedConfig(context).parameterCount))
    }
    Check("sft-pretraining-steps", after: ["sft-pretrain"]) { context in
      .number(Double(try context.require(baseKey).summary.losses.count))
    }
    Check("sft-batch-size", after: ["sft-pretrain"]) { context in
      .number(Double(try context.require(baseKey).batchSize))
    }
    Check("sft-learning-rate") { context in
      .number(Double(trainingOptions(steps: fineTuningSteps, seed: context.seed).schedule.peak(over: fineTuningSteps).rate))
    }
    Check("sft-final-learning-rate") { context in
      .number(Double(trainingOptions(steps: fineTuningSteps, seed: context.seed).schedule.rate(atStep: fineTuningSteps - 1)))
    }
    Check("sft-warmup-fraction") { context in
      let peak = trainingOptions(steps: fineTuningSteps, seed: context.seed).schedule.peak(over: fineTuningSteps)
      return .number(Double(peak.step) / Double(fineTuningSteps))
    }
    Check("sft-base-val-loss", after: ["sft-pretrain"]) { context in
      guard let last = try context.require(baseKey).summary.evaluations.last else {
        throw LessonBundleError.missing("pretraining recorded no evaluation")
      }
      return .number(Double(last.val))
    }
    Check("sft-base-below-unigram", after: ["sft-pretrain"]) { context in
      let corpus = try context.require(corpusKey)
      guard let last = try context.require(baseKey).summary.evaluations.last else {
        throw LessonBundleError.missing("pretraining recorded no evaluation")
      }
      let unigram = try NGramModel(order: 1, dataset: corpus).averageLoss(on: corpus.tokens(.val))
      return .boolean(
        Double(last.val) < unigram, detail: "val \(fixed(Double(last.val), 3)) vs unigram \(fixed(unigram, 3)) nats")
    }
  }

  /// The base model's shape for the lesson's vocabulary, before anything is trained.
  static func plannedConfig(_ context: StepContext) throws -> MiniGPTConfig {
    try baseConfig(vocabSize: try context.require(corpusKey).tokenizer.vocabularySize)
  }

  /// A seeded sample continuing `prompt`, prompt included.
  static func sample(from prompt: String, model: MiniGPT, tokenizer: CharTokenizer, seed: UInt64, count: Int = 80) throws -> String {
    let ids = try tokenizer.encode(prompt)
    return prompt + tokenizer.decode(try model.generate(prompt: ids, count: count, temperature: 0.8, seed: seed))
  }
}
