import Foundation
import LessonKit
import Pretraining

// MARK: - Section 5: the loss mask

extension SFTLesson {
  @LessonBundleBuilder static var lossMask: [BundleEntry] {
    Step(
      "sft-mask-probe", reads: [baseKey, dataKey], parameters: [probePairs],
      measures: ["sft-graded-positions", "sft-masked-positions-are-free", "sft-response-positions-are-graded",
                 "sft-loss-is-response-mean", "sft-prompt-share"]
    ) { context in
      // lesson:begin sft-mask-probe
      let data = try context.require(dataKey)
      let model = try context.require(baseKey).makeModel()
      let batch = try data.pairs(.train).batch(rows: Array(0..<context[probePairs]), context: model.config.contextLength)
      let loss = try model.forward(batch)              // the pretraining loss, unchanged
      let nll = try model.positionLosses()             // (B, T): 0 wherever the target is −100
      let graded = batch.targets.indices.filter { batch.targets[$0] != ignoreIndex }
      let responseMean = graded.reduce(0.0) { $0 + Double(nll.values[$1]) } / Double(graded.count)
      // lesson:end
      let mask = try MaskMeasurement(model: model, targets: batch.targets)
      let tokenizer = data.tokenizer
      context.table(
        "the first pair of the batch", headers: ["t", "input", "target", "loss"],
        rows: data.pairs(.train).examples[0].inputs.indices.map { t in
          ["\(t)", tokenizer.visible(batch.inputs[t]),
           batch.targets[t] == ignoreIndex ? "−100" : tokenizer.visible(batch.targets[t]), fixed(Double(nll.values[t]), 3)]
        })
      context.scalar("loss", Double(loss))
      context.scalar("mean over the \(graded.count) response positions", responseMean)
      context.text("\(mask.maskedCount) of the \(batch.targets.count) positions are masked: the prompt and the padding after \"#\".")
      let targets = data.pairs(.train).examples.flatMap(\.targets)
      context.measure("sft-graded-positions", graded.count)
      context.measure("sft-masked-positions-are-free", mask.maskedLossesAreZero && mask.maskedGradientsAreZero,
        detail: "\(mask.maskedCount) masked positions: loss 0, every logit gradient 0")
      context.measure("sft-response-positions-are-graded", mask.gradedGradientsAreNonZero,
        detail: "\(mask.gradedCount) response positions, each with a nonzero logit gradient")
      context.measure("sft-loss-is-response-mean", mask.lossIsResponseMean,
        detail: "loss \(fixed(mask.loss, 6)), mean over response positions \(fixed(mask.responseMean, 6))")
      context.measure("sft-prompt-share", Double(targets.filter { $0 == ignoreIndex }.count) / Double(targets.count))
    }
  }
}
