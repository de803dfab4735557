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
      let pass = try model.forwardPass(batch)          // the pretraining loss (pass.loss), unchanged
      let nll = try pass.positionLosses()              // (B, T): 0 wherever the target is −100
      let graded = batch.targets.indices.filter { batch.targets[$0] != ignoreIndex }
      let responseMean = graded.reduce(0.0) { $0 + Double(nll.values[$1]) } / Double(graded.count)
      // lesson:end
      let mask = try MaskMeasurement(pass, inputs: batch.inputs, targets: batch.targets)
      let firstPair = data.pairs(.train).examples[0].inputs.count
      mask.report("the first pair of the batch", positions: firstPair, tokenizer: data.tokenizer, to: context)
      context.text("\(mask.maskedCount) of the \(batch.targets.count) positions are masked: the prompt and the padding after \"#\". "
        + "The mean loss over the other \(graded.count), \(fixed(responseMean, 4)), is the loss itself.")
      let targets = data.pairs(.train).examples.flatMap(\.targets)
      context.measure("sft-graded-positions", graded.count)
      mask.measure(maskedAreFree: "sft-masked-positions-are-free", lossIsResponseMean: "sft-loss-is-response-mean", in: context)
      context.measure("sft-response-positions-are-graded", mask.gradedGradientsAreNonZero,
        detail: "\(mask.gradedCount) response positions, each with a nonzero logit gradient")
      context.measure("sft-prompt-share", Double(targets.filter { $0 == ignoreIndex }.count) / Double(targets.count))
    }
  }
}
