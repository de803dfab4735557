import Foundation
import LessonKit
import LessonWidgets
import Pretraining

// MARK: - Section 3: prediction is compression

extension PretrainLesson {
  static let beta1 = Parameter.real("beta1", default: 0.9, in: 0...0.999, "AdamW's decay of the running mean of gradients")
  static let beta2 = Parameter.real("beta2", default: 0.95, in: 0.5...0.9999, "AdamW's decay of the running mean of squared gradients")
  static let weightDecay = Parameter.real("weight-decay", default: 0.1, in: 0...1, "AdamW's decoupled weight decay λ")
  static let clipNorm = Parameter.real("clip", default: 1.0, in: 0.01...100, "largest gradient norm a training step may use")

  /// AdamW as the lesson's settings configure it.
  static func optimizerConfiguration(_ context: StepContext) -> AdamW.Configuration {
    AdamW.Configuration(
      learningRate: Float(context[learningRate]), beta1: Float(context[beta1]), beta2: Float(context[beta2]),
      weightDecay: Float(context[weightDecay]))
  }

  @LessonBundleBuilder static var compression: [BundleEntry] {
    Step(
      "train-lesson-model", reads: [datasetKey], writes: [trainedKey],
      parameters: [trainingSteps, learningRate, batchSize, contextLength, beta1, beta2, weightDecay, clipNorm],
      measures: ["training-tokens-per-parameter"]
    ) { context in
      let data = try context.require(datasetKey)
      let (steps, B, T) = (context[trainingSteps], context[batchSize], context[contextLength])
      let model = try MiniGPT(config: try modelConfig(data, context: T), seed: context.seed, threads: trainingThreads)
      let batches = BatchBuffers(dataset: data, size: B, context: T)   // refilled in place by CharDataset.fill
      let bar = TrainingProgressView(total: steps, tokensPerStep: B * T, context: context)
      // lesson:begin train-lesson-model
      let options = TrainingOptions(
        steps: steps, schedule: .constant(Float(context[learningRate])), optimizer: optimizerConfiguration(context),
        maxGradientNorm: Float(context[clipNorm]), evalInterval: evalInterval, seed: context.seed)
      let trainer = try Trainer(model: model, options: options)
      let summary = try trainer.run(nextBatch: batches.next, progress: { bar.report($0) })
      // lesson:end
      bar.finish()
      context[trainedKey] = try TrainedRun(model, tokenizer: data.tokenizer, options: options, summary: summary)
      let last = summary.evaluations.last
      context.text(
        "Trained \(steps) steps at \(fixed(summary.millisecondsPerStep, 1)) ms per step "
          + "(\(grouped(Int(summary.tokensPerSecond))) tokens/s); final train loss "
          + "\(fixed(Double(last?.train ?? .nan), 3)), val loss \(fixed(Double(last?.val ?? .nan), 3)).")
      context.measure("training-tokens-per-parameter", Double(summary.losses.count * B * T) / Double(model.parameterCount))
    }

    Step(
      "compression-table", reads: [datasetKey, trainedKey],
      measures: ["uniform-bits", "unigram-bits", "bigram-bits", "trigram-bits", "minigpt-bits", "compression-ordering",
                 "bigram-val-loss", "trained-beats-bigram"]
    ) { context in
      let data = try context.require(datasetKey)
      let trained = try context.require(trainedKey)
      let held = data.tokens(.val)
      // lesson:begin compression-table
      var nats = ["uniform": NGramModel.uniformLoss(vocabularySize: data.tokenizer.vocabularySize)]
      for (order, name) in [(1, "unigram"), (2, "bigram"), (3, "trigram")] {
        let counts = try NGramModel(order: order, dataset: data)   // counted on the training split
        nats[name] = try counts.averageLoss(on: held)
      }
      nats["MiniGPT"] = try trained.makeModel().averageLoss(on: held)
      // lesson:end
      let names = ["uniform", "unigram", "bigram", "trigram", "MiniGPT"]
      let bits = names.map { nats[$0]! / log(2) }
      context.table(
        "held-out loss per character", headers: ["model", "nats", "bits"],
        rows: names.indices.map { [names[$0], fixed(nats[names[$0]]!, 3), fixed(bits[$0], 3)] })
      context.chart(.bars(labels: names, values: bits, title: "bits per character (lower compresses better)"))
      for (name, value) in zip(names, bits) { context.measure("\(name.lowercased())-bits", value) }
      let decreasing = zip(bits, bits.dropFirst()).allSatisfy { $1 < $0 }
      context.measure("compression-ordering", decreasing, detail: bits.map { fixed($0, 3) }.joined(separator: " > "))
      // Section 8 compares the trained model with the bigram on the same held-out text.
      let (transformer, bigram) = (nats["MiniGPT"]!, nats["bigram"]!)
      context.measure("bigram-val-loss", bigram)
      context.measure("trained-beats-bigram", transformer < bigram, detail: "MiniGPT \(fixed(transformer, 3)) vs bigram \(fixed(bigram, 3)) nats on val")
    }
  }
}
