import Foundation
import LessonKit
import Pretraining

// MARK: - Section 6: shifted targets

/// What the shifted-targets section measured on one batch.
struct ShiftProbe {
  var shiftedEverywhere: Bool
  var checkedPositions: Int
  var logitsShape: [Int]
}

extension PretrainLesson {
  @LessonBundleBuilder static var shiftedTargets: [BundleEntry] {
    Step("shifted-targets", after: ["load-corpus"]) { context in
      let data = try context.require(datasetKey)
      var rng = SeededGenerator(seed: context.seed &+ 3)
      let batch = try data.batch(split: .train, size: batchSize, context: contextLength, using: &rng)
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
      let model = try MiniGPT(config: try .lesson(vocabSize: data.tokenizer.vocabularySize), seed: context.seed)
      _ = try model.forward(batch)
      let logits = try model.logits()
      context[shiftKey] = ShiftProbe(
        shiftedEverywhere: shifted, checkedPositions: batch.size * batch.context, logitsShape: logits.shape)
      let tokenizer = data.tokenizer
      let first = 0..<16
      context.table(
        "window 0, first 16 positions", headers: ["t"] + first.map { "\($0)" },
        rows: [
          ["x[t]"] + first.map { tokenizer.visible(batch.inputs[$0]) },
          ["y[t]"] + first.map { tokenizer.visible(batch.targets[$0]) },
        ])
      context.expect(shifted, "y[t] = x[t+1] at all \(grouped(batch.size * batch.context)) positions")
    }

    Step("cross-entropy", after: ["shifted-targets"]) { context in
      let probe = try context.require(shiftKey)
      let shape = probe.logitsShape
      context.text(
        "logits \(shape) are read as \(grouped(shape[0] * shape[1])) rows of \(shape[2]) scores; "
          + "the targets as \(grouped(shape[0] * shape[1])) class ids; the loss is the mean of the rows' −log softmax.")
    }

    Check("targets-are-shifted", after: ["shifted-targets"]) { context in
      let probe = try context.require(shiftKey)
      return .boolean(probe.shiftedEverywhere, detail: "checked \(grouped(probe.checkedPositions)) positions")
    }
    Check("flattened-rows", after: ["shifted-targets"]) { context in
      let shape = try context.require(shiftKey).logitsShape
      return .number(Double(shape.dropLast().reduce(1, *)))
    }
  }
}
