import Foundation
import LessonKit
import Pretraining

// MARK: - Sections 1 and 2: a vocabulary for questions, the base model

extension SFTLesson {
  /// Characters the questions need that the corpus lacks.
  static let digitsAndPlus = "0123456789+"

  @LessonBundleBuilder static var baseModel: [BundleEntry] {
    Step(
      "sft-vocabulary", writes: [corpusKey],
      measures: ["sft-corpus-vocabulary", "sft-new-characters", "sft-vocabulary-size", "sft-new-characters-absent-from-corpus"]
    ) { context in
      // lesson:begin sft-vocabulary
      let tokenizer = try ChatTemplate.extendedTokenizer(Corpus.shakespeare + digitsAndPlus)
      let corpus = try CharDataset(text: Corpus.shakespeare, tokenizer: tokenizer)   // the same text as lesson 00
      // lesson:end
      context[corpusKey] = corpus
      let corpusOnly = try CharTokenizer(text: Corpus.shakespeare)
      let added = tokenizer.scalars.filter { corpusOnly.id(of: $0) == nil }
      let inCorpus = Set(corpus.tokens(.train)).union(corpus.tokens(.val)).intersection(added.compactMap(tokenizer.id(of:)))
      context.text("Vocabulary: \(corpusOnly.vocabularySize) corpus characters + \(added.count) new ones "
        + "(\(added.map { String($0) }.joined(separator: " "))) = \(tokenizer.vocabularySize) tokens.")
      context.measure("sft-corpus-vocabulary", corpusOnly.vocabularySize)
      context.measure("sft-new-characters", added.count)
      context.measure("sft-vocabulary-size", tokenizer.vocabularySize)
      context.measure("sft-new-characters-absent-from-corpus", inCorpus.isEmpty,
        detail: "\(added.count) added characters, \(inCorpus.count) of them in the corpus")
    }

    // Cheap: the shape and the schedule, known before anything trains.
    Step(
      "sft-base-model", reads: [corpusKey], parameters: [fineTuningSteps, learningRate],
      measures: ["sft-embedding-size", "sft-layer-count", "sft-head-count", "sft-context-length", "sft-parameters",
                 "sft-warmup-fraction", "sft-final-learning-rate"]
    ) { context in
      let config = try baseConfig(vocabSize: try context.require(corpusKey).tokenizer.vocabularySize)
      let steps = context[fineTuningSteps]
      let schedule = trainingOptions(steps: steps, peak: context[learningRate], seed: context.seed).schedule
      let peak = schedule.peak(over: steps), last = schedule.rate(atStep: steps - 1)
      context.text("d, L, h, T, V = \(config.embeddingSize), \(config.layerCount), \(config.headCount), \(config.contextLength), "
        + "\(config.vocabSize): \(config.parameterCount) parameters. Fine-tuning learning rate: \(schedule.rate(atStep: 0)) at step 0, "
        + "\(peak.rate) from step \(peak.step), \(last) at step \(steps - 1).")
      context.measure("sft-embedding-size", config.embeddingSize)
      context.measure("sft-layer-count", config.layerCount)
      context.measure("sft-head-count", config.headCount)
      context.measure("sft-context-length", config.contextLength)
      context.measure("sft-parameters", config.parameterCount)
      context.measure("sft-warmup-fraction", Double(peak.step) / Double(steps))
      context.measure("sft-final-learning-rate", Double(last))
    }

    Step(
      "sft-pretrain", reads: [corpusKey], writes: [baseKey], parameters: [pretrainingSteps, learningRate],
      measures: ["sft-batch-size", "sft-base-val-loss", "sft-base-below-unigram"]
    ) { context in
      // lesson:begin sft-pretrain
      let corpus = try context.require(corpusKey)                      // section 1's text and vocabulary
      let model = try MiniGPT(config: baseConfig(vocabSize: corpus.tokenizer.vocabularySize), seed: context.seed, threads: trainingThreads)
      let base = try train(model, corpus.tokenizer, steps: context[pretrainingSteps], phase: "pretraining", in: context) { split, rng in
        try corpus.batch(split: split, size: batchSize, context: model.config.contextLength, using: &rng)   // random corpus windows
      }
      // lesson:end
      context[baseKey] = base
      let unigram = try NGramModel(order: 1, dataset: corpus).averageLoss(on: corpus.tokens(.val))
      let prompt = try corpus.tokenizer.encode("To be")
      let sample = try model.generate(prompt: prompt, count: 80, temperature: 0.8, seed: context.seed)
      let (trainLoss, valLoss) = base.finalLoss
      context.text("Pretrained \(base.record.losses.count) steps: train loss \(fixed(Double(trainLoss), 3)), "
        + "val loss \(fixed(Double(valLoss), 3)) nats per character (unigram: \(fixed(unigram, 3))).")
      context.text("A sample from \"To be\":\nTo be" + corpus.tokenizer.decode(sample))
      context.measure("sft-batch-size", base.record.windowsPerStep)
      context.measure("sft-base-val-loss", Double(valLoss))
      context.measure("sft-base-below-unigram", Double(valLoss) < unigram,
        detail: "val \(fixed(Double(valLoss), 3)) vs unigram \(fixed(unigram, 3)) nats")
    }
  }
}
