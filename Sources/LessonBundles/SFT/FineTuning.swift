import Foundation
import LessonKit
import Pretraining

// MARK: - Sections 6 and 7: fine-tuning, the same loop; why the prompt must be masked

extension SFTLesson {
  // lesson:begin sft-fine-tune
  static func fineTune(_ base: TrainedRun, on data: AdditionData, masksPrompt: Bool, in context: StepContext) throws -> TrainedRun {
    let model = try base.makeModel()                                   // start from the pretrained weights
    let phase = masksPrompt ? "fine-tuning" : "fine-tuning without the mask"
    return try train(model, data.tokenizer, steps: context[fineTuningSteps], phase: phase, in: context) { split, rng in
      let pairs = data.pairs(split, masksPrompt: masksPrompt)          // templated pairs; .val: the held-out ones
      return try pairs.batch(size: batchSize, context: pairs.longestExample, using: &rng)
    }
  }
  // lesson:end

  @LessonBundleBuilder static var fineTuning: [BundleEntry] {
    Step(
      "sft-fine-tune", reads: [baseKey, dataKey], writes: [fineTunedKey],
      parameters: [fineTuningSteps, promptMask, learningRate],
      measures: ["sft-same-options", "sft-first-response-loss", "sft-fine-tuning-batch", "sft-final-held-out-loss"]
    ) { context in
      let base = try context.require(baseKey)
      let tuned = try fineTune(base, on: try context.require(dataKey), masksPrompt: context[promptMask], in: context)
      context[fineTunedKey] = tuned
      context.chart(.lines(
        [ChartSeries("response loss per step", values: tuned.record.losses.map(Double.init))],
        xLabel: "step", yLabel: "loss (nats)", title: "fine-tuning loss"))
      context.measure("sft-same-options", base.record.recipe == tuned.record.recipe,
        detail: "pretraining: \(base.record.recipe); fine-tuning: \(tuned.record.recipe)")
      context.measure("sft-first-response-loss", Double(tuned.record.losses.first ?? .nan))
      context.measure("sft-fine-tuning-batch", tuned.record.windowsPerStep)
      context.measure("sft-final-held-out-loss", Double(tuned.finalLoss.val))
    }

    Step(
      "sft-after", reads: [fineTunedKey, dataKey], measures: ["sft-accuracy-after", "sft-training-accuracy-after"]
    ) { context in
      let model = try context.require(fineTunedKey).makeModel()
      let data = try context.require(dataKey)
      let heldOut = try answers(of: model, to: data.heldOut, tokenizer: data.tokenizer)
      context.table("held-out questions, fine-tuned model", headers: answerHeaders, rows: heldOut.rows(data.heldOut.count))
      context.measure("sft-accuracy-after", heldOut.accuracy)
      context.measure("sft-training-accuracy-after", try answers(of: model, to: data.train, tokenizer: data.tokenizer).accuracy)
    }

    Step("sft-without-mask", reads: [baseKey, dataKey], writes: [unmaskedKey], parameters: [fineTuningSteps, learningRate]) { context in
      // lesson:begin sft-without-mask
      let base = try context.require(baseKey)                          // the same base model and pairs
      let data = try context.require(dataKey)
      let unmasked = try fineTune(base, on: data, masksPrompt: false, in: context)   // the same run, every target graded
      // lesson:end
      context[unmaskedKey] = unmasked
    }

    Step(
      "sft-mask-comparison", reads: [baseKey, fineTunedKey, unmaskedKey, dataKey],
      measures: ["sft-base-prompt-loss", "sft-masked-prompt-loss", "sft-unmasked-prompt-loss", "sft-masked-response-loss",
                 "sft-unmasked-response-loss-ratio", "sft-unmasked-answers-fewer", "sft-unmasked-writes-questions",
                 "sft-masked-does-not-write-questions"]
    ) { context in
      let data = try context.require(dataKey)
      let models = try [baseKey, fineTunedKey, unmaskedKey].map { try context.require($0).makeModel() }
      let losses = try models.map { try heldOutLosses(of: $0, data: data) }
      let promptLosses = losses.map(\.prompt), responseLosses = losses.map(\.response)
      let accuracies = try models.map { try answers(of: $0, to: data.heldOut, tokenizer: data.tokenizer).accuracy }
      let marker = try data.tokenizer.encode(String(ChatTemplate.promptStart))
      let fromMarker = try models.map { "<" + data.tokenizer.decode(try $0.generate(prompt: marker, count: 40, greedy: true)) }
      context.table("held-out pairs", headers: ["", "base", "fine-tuned", "unmasked"], rows: [
        ["loss on prompt tokens"] + promptLosses.map { fixed($0, 3) },
        ["loss on response tokens"] + responseLosses.map { fixed($0, 4) },
        ["held-out accuracy"] + accuracies.map { fixed($0, 2) },
      ])
      context.text("Greedy text after \"<\", fine-tuned with the mask:\n\(fromMarker[1])")
      context.text("Greedy text after \"<\", fine-tuned without it:\n\(fromMarker[2])")
      let writesQuestion = fromMarker.map { $0.hasPrefix("<What is ") }
      context.measure("sft-base-prompt-loss", promptLosses[0])
      context.measure("sft-masked-prompt-loss", promptLosses[1])
      context.measure("sft-unmasked-prompt-loss", promptLosses[2])
      context.measure("sft-masked-response-loss", responseLosses[1])
      context.measure("sft-unmasked-response-loss-ratio", responseLosses[2] > 100 * responseLosses[1],
        detail: "response loss \(fixed(responseLosses[2], 4)) without the mask, \(fixed(responseLosses[1], 5)) with it")
      context.measure("sft-unmasked-answers-fewer", accuracies[2] < accuracies[1],
        detail: "held-out accuracy \(fixed(accuracies[2], 2)) without the mask, \(fixed(accuracies[1], 2)) with it")
      context.measure("sft-unmasked-writes-questions", writesQuestion[2], detail: fromMarker[2].replacingOccurrences(of: "\n", with: "⏎"))
      context.measure("sft-masked-does-not-write-questions", !writesQuestion[1], detail: fromMarker[1].replacingOccurrences(of: "\n", with: "⏎"))
    }
  }

  /// Mean loss of `model` on the held-out pairs' prompt targets and on their response targets (padding excluded).
  static func heldOutLosses(of model: MiniGPT, data: AdditionData) throws -> (prompt: Double, response: Double) {
    let rows = Array(data.heldOut.indices), context = model.config.contextLength
    let full = try data.pairs(.val, masksPrompt: false).batch(rows: rows, context: context)
    let graded = try data.pairs(.val).batch(rows: rows, context: context).targets
    let nll = try model.forwardPass(full).positionLosses().values
    func mean(_ positions: [Int]) -> Double { positions.reduce(0.0) { $0 + Double(nll[$1]) } / Double(max(positions.count, 1)) }
    return (mean(full.targets.indices.filter { full.targets[$0] != ignoreIndex && graded[$0] == ignoreIndex }),
            mean(graded.indices.filter { graded[$0] != ignoreIndex }))
  }
}
