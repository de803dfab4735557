import Foundation
import LessonKit
import Pretraining

// MARK: - Section 5: the loss mask

/// The mask measured on a batch of training pairs.
struct MaskProbe {
  var measured: MaskMeasurement
  var rows: Int
  /// Fraction of all next-token targets of the training pairs that lie inside the prompt.
  var promptShare: Double
}

extension SFTLesson {
  /// Pairs in the batch the mask is measured on.
  static let probeRows = 8

  @LessonBundleBuilder static var lossMask: [BundleEntry] {
    Step("sft-mask-probe", after: ["sft-pretrain", "sft-addition-data"]) { context in
      let data = try context.require(dataKey)
      let model = try copy(of: try context.require(baseKey).model)
      // lesson:begin sft-mask-probe
      let batch = try data.chat.batch(rows: Array(0..<probeRows), context: 32)
      let loss = try model.forward(batch)              // the pretraining loss, unchanged
      let nll = try model.positionLosses()             // (B, T): 0 wherever the target is −100
      let graded = batch.targets.indices.filter { batch.targets[$0] != ignoreIndex }
      let responseMean = graded.reduce(0.0) { $0 + Double(nll.values[$1]) } / Double(graded.count)
      // lesson:end
      let measured = try MaskMeasurement(model: model, targets: batch.targets)
      let promptTargets = data.chat.examples.reduce(0) { $0 + $1.targets.filter { $0 == ignoreIndex }.count }
      let allTargets = data.chat.examples.reduce(0) { $0 + $1.targets.count }
      context[maskKey] = MaskProbe(
        measured: measured, rows: batch.size, promptShare: Double(promptTargets) / Double(allTargets))
      let tokenizer = data.chat.tokenizer
      let firstLength = data.chat.examples[0].inputs.count
      context.table(
        "the first pair of the batch", headers: ["t", "input", "target", "loss"],
        rows: (0..<firstLength).map { t in
          [
            "\(t)", tokenizer.visible(batch.inputs[t]),
            batch.targets[t] == ignoreIndex ? "−100" : tokenizer.visible(batch.targets[t]),
            fixed(Double(nll.values[t]), 3),
          ]
        })
      context.scalar("loss", Double(loss))
      context.scalar("mean over the \(graded.count) response positions", responseMean)
      context.text(
        "\(measured.maskedCount) of the \(batch.targets.count) positions are masked: the prompt and the padding after \"#\".")
    }

    Check("sft-masked-positions-are-free", after: ["sft-mask-probe"]) { context in
      let probe = try context.require(maskKey).measured
      return .boolean(
        probe.maskedLossesAreZero && probe.maskedGradientsAreZero,
        detail: "\(probe.maskedCount) masked positions: loss 0, every logit gradient 0")
    }
    Check("sft-response-positions-are-graded", after: ["sft-mask-probe"]) { context in
      let probe = try context.require(maskKey).measured
      return .boolean(probe.gradedGradientsAreNonZero, detail: "\(probe.gradedCount) response positions, each with a nonzero logit gradient")
    }
    Check("sft-loss-is-response-mean", after: ["sft-mask-probe"]) { context in
      let probe = try context.require(maskKey).measured
      return .boolean(probe.lossIsResponseMean, detail: "loss \(fixed(probe.loss, 6)), mean over response positions \(fixed(probe.responseMean, 6))")
    }
    Check("sft-probe-rows", after: ["sft-mask-probe"]) { context in
      .number(Double(try context.require(maskKey).rows))
    }
    Check("sft-graded-positions", after: ["sft-mask-probe"]) { context in
      .number(Double(try context.require(maskKey).measured.gradedCount))
    }
    Check("sft-prompt-share", after: ["sft-mask-probe"]) { context in
      .number(try context.require(maskKey).promptShare)
    }
  }
}
