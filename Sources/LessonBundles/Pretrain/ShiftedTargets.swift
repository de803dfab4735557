import Foundation
import LessonKit
import Pretraining

// MARK: - Section 6: shifted targets

extension PretrainLesson {
  @LessonBundleBuilder static var shiftedTargets: [BundleEntry] {
    Step(
      "shifted-targets", reads: [datasetKey], parameters: [batchSize, contextLength],
      measures: ["targets-are-shifted", "flattened-rows"]
    ) { context in
      let data = try context.require(datasetKey)
      var rng = SeededGenerator(seed: context.seed &+ 3)
      let batch = try data.batch(split: .train, size: context[batchSize], context: context[contextLength], using: &rng)
      let train = data.tokens(.train)
      // lesson:begin shifted-targets
      var shifted = true
      for b in 0..<batch.size {
        let start = batch.starts[b]
        for t in 0..<batch.context {
          let x = batch.inputs[b * batch.context + t], y = batch.targets[b * batch.context + t]
          shifted = shifted && x == train[start + t] && y == train[start + t + 1]   // y[t] = x[t + 1]
        }
      }
      // lesson:end
      let first = 0..<16
      context.table(
        "window 0, first 16 positions", headers: ["t"] + first.map { "\($0)" },
        rows: [
          ["x[t]"] + first.map { data.tokenizer.visible(batch.inputs[$0]) },
          ["y[t]"] + first.map { data.tokenizer.visible(batch.targets[$0]) },
        ])
      context.measure("targets-are-shifted", shifted, detail: "checked \(grouped(batch.size * batch.context)) positions")
      let model = try MiniGPT(config: try modelConfig(data, context: batch.context), seed: context.seed)
      let shape = try model.forwardPass(batch).logits().shape
      context.text(
        "logits \(shape) are read as \(grouped(shape[0] * shape[1])) rows of \(shape[2]) scores; "
          + "the targets as \(grouped(shape[0] * shape[1])) class ids; the loss is the mean of the rows' −log softmax.")
      context.measure("flattened-rows", shape.dropLast().reduce(1, *))
    }
  }
}
