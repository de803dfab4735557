import Foundation
import LessonKit
import Pretraining

// MARK: - Section 8: the training loop

extension PretrainLesson {
  @LessonBundleBuilder static var trainingLoop: [BundleEntry] {
    Step("training-loop", after: ["train-lesson-model"]) { context in
      let summary = try context.require(trainedKey).summary
      let trainSeries = ChartSeries("train (per step)", values: summary.losses.map(Double.init))
      let valSeries = ChartSeries(
        "val (estimate)", points: summary.evaluations.map { (x: Double($0.step), y: Double($0.val)) })
      context.chart(.lines([trainSeries, valSeries], xLabel: "step", yLabel: "loss (nats)", title: "training loss"))
      if let directory = context.plotDirectory {
        let path = URL(fileURLWithPath: directory).appendingPathComponent("pretrain-loss.svg").path
        try SVGChart.writeLineChart(
          [trainSeries, valSeries], to: path, title: "MiniGPT training loss", xLabel: "step", yLabel: "loss (nats)")
        context.text("Loss curve written to \(path).")
      }
      context.table(
        "loss estimates (\(try context.require(trainedKey).trainer.options.evalBatches) batches each)", headers: ["step", "train", "val"],
        rows: summary.evaluations.map { [grouped($0.step), fixed(Double($0.train), 3), fixed(Double($0.val), 3)] })
    }

    Step("training-report", after: ["train-lesson-model"]) { context in
      let data = try context.require(datasetKey)
      let trained = try context.require(trainedKey)
      // lesson:begin training-report
      let model = trained.model
      let sampleAfter = try continuation(of: samplePrompt, by: model, tokenizer: data.tokenizer)
      // lesson:end
      context.table(
        "parameters", headers: ["part", "count"],
        rows: [
          ["total", grouped(model.parameterCount)],
          ["non-embedding", grouped(model.nonEmbeddingParameterCount)],
          ["one block", grouped(blockParameterCount(model))],
        ])
      context.text("Before training, \"\(samplePrompt)\" continued as:\n\(trained.sampleBefore)")
      context.text("After training:\n\(sampleAfter)")
    }

    Check("total-parameters", after: ["train-lesson-model"]) { context in
      .number(Double(try context.require(trainedKey).model.parameterCount))
    }
    Check("non-embedding-parameters", after: ["train-lesson-model"]) { context in
      .number(Double(try context.require(trainedKey).model.nonEmbeddingParameterCount))
    }
    Check("block-parameters", after: ["train-lesson-model"]) { context in
      .number(Double(blockParameterCount(try context.require(trainedKey).model)))
    }
    Check("trained-val-loss", after: ["train-lesson-model"]) { context in
      .number(Double(try finalEvaluation(context).val))
    }
    Check("bigram-val-loss", after: ["load-corpus"]) { context in
      let data = try context.require(datasetKey)
      return .number(try NGramModel(order: 2, dataset: data).averageLoss(on: data.tokens(.val)))
    }
    Check("trained-beats-bigram", after: ["train-lesson-model"]) { context in
      let data = try context.require(datasetKey)
      let bigram = try NGramModel(order: 2, dataset: data).averageLoss(on: data.tokens(.val))
      let model = try context.require(trainedKey).model
      let transformer = try heldOutLoss(of: model, on: data.tokens(.val))
      return .boolean(transformer < bigram, detail: "MiniGPT \(fixed(transformer, 3)) vs bigram \(fixed(bigram, 3)) nats on val")
    }
    Check("no-divergence", after: ["train-lesson-model"]) { context in
      let losses = try context.require(trainedKey).summary.losses
      let finite = losses.allSatisfy(\.isFinite)
      return .boolean(
        finite && losses.count == trainingSteps,
        detail: "\(losses.count) steps, largest loss \(fixed(Double(losses.max() ?? .nan), 3))")
    }
  }

  /// Parameters in one transformer block, counted from the model's own parameter names.
  static func blockParameterCount(_ model: MiniGPT) -> Int {
    model.namedParameters.filter { $0.name.hasPrefix("blocks.0.") }.reduce(0) { $0 + $1.shape.reduce(1, *) }
  }

  static func finalEvaluation(_ context: StepContext) throws -> LossEstimate {
    guard let last = try context.require(trainedKey).summary.evaluations.last else {
      throw LessonBundleError.missing("the training run recorded no evaluation")
    }
    return last
  }
}
