import Foundation
import LessonKit
import Pretraining

// MARK: - Section 8: the training loop

extension PretrainLesson {
  /// The prompt whose continuation the lesson shows before and after training.
  static let samplePrompt = "To be"

  @LessonBundleBuilder static var trainingLoop: [BundleEntry] {
    Step(
      "training-report", reads: [datasetKey, trainedKey], parameters: [temperature, trainingSteps],
      measures: ["total-parameters", "non-embedding-parameters", "block-parameters", "trained-val-loss", "no-divergence"]
    ) { context in
      let data = try context.require(datasetKey)
      let trained = try context.require(trainedKey)
      let (losses, evaluations) = (trained.record.losses, trained.record.evaluations)
      let trainSeries = ChartSeries("train (per step)", values: losses.map(Double.init))
      let valSeries = ChartSeries("val (estimate)", points: evaluations.map { (x: Double($0[0]), y: Double($0[2])) })
      let curves = Chart.lines([trainSeries, valSeries], xLabel: "step", yLabel: "loss (nats)", title: "MiniGPT training loss")
      try context.chart(curves, plotFile: "pretrain-loss.svg")
      context.table(
        "loss estimates", headers: ["step", "train", "val"],
        rows: evaluations.map { [grouped(Int($0[0])), fixed(Double($0[1]), 3), fixed(Double($0[2]), 3)] })
      // lesson:begin training-report
      let model = try trained.makeModel()
      let untrained = try MiniGPT(config: model.config, seed: context.seed)   // the weights training started from
      let (tau, tokenizer) = (Float(context[temperature]), data.tokenizer)
      let before = try continuation(of: samplePrompt, by: untrained, tokenizer: tokenizer, temperature: tau, seed: context.seed)
      let after = try continuation(of: samplePrompt, by: model, tokenizer: tokenizer, temperature: tau, seed: context.seed)
      // lesson:end
      let block = model.namedParameters.filter { $0.name.hasPrefix("blocks.0.") }.reduce(0) { $0 + $1.shape.reduce(1, *) }
      context.table(
        "parameters", headers: ["part", "count"],
        rows: [
          ["total", grouped(model.parameterCount)], ["non-embedding", grouped(model.nonEmbeddingParameterCount)],
          ["one block", grouped(block)],
        ])
      context.text("Before training, \"\(samplePrompt)\" continued as:\n\(before)")
      context.text("After training (temperature \(context[temperature])):\n\(after)")
      context.measure("total-parameters", model.parameterCount)
      context.measure("non-embedding-parameters", model.nonEmbeddingParameterCount)
      context.measure("block-parameters", block)
      context.measure("trained-val-loss", Double(evaluations.last?[2] ?? .nan))
      context.measure(
        "no-divergence", losses.allSatisfy(\.isFinite) && losses.count == context[trainingSteps],
        detail: "\(losses.count) steps, largest loss \(fixed(Double(losses.max() ?? .nan), 3))")
    }
  }

  /// A seeded sample continuing a prompt, as text.
  static func continuation(
    of prompt: String, by model: MiniGPT, tokenizer: CharTokenizer, temperature: Float, seed: UInt64, count: Int = 120
  ) throws -> String {
    prompt + tokenizer.decode(try model.generate(prompt: try tokenizer.encode(prompt), count: count, temperature: temperature, seed: seed))
  }
}
