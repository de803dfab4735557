import Foundation
import LessonKit
import Pretraining

// MARK: - Section 7: why the prompt must be masked

/// The masked and the unmasked fine-tuning runs, measured on held-out pairs.
struct MaskComparison {
  /// The base model's loss on the same prompt targets, before any fine-tuning.
  var basePromptLoss: Double
  /// Mean loss on the prompt's next-token targets (what writing the question costs).
  var maskedPromptLoss: Double
  var unmaskedPromptLoss: Double
  /// Mean loss on the response targets.
  var maskedResponseLoss: Double
  var unmaskedResponseLoss: Double
  var unmaskedAccuracy: Double
  /// Greedy text after the bare prompt marker "<".
  var maskedFromMarker: String
  var unmaskedFromMarker: String
}

extension SFTLesson {
  @LessonBundleBuilder static var withoutMask: [BundleEntry] {
    Step("sft-without-mask", after: ["sft-fine-tune", "sft-before", "sft-after"]) { context in
      let base = try context.require(baseKey)
      let data = try context.require(dataKey)
      let masked = try context.require(fineTunedKey).model
      let steps = fineTuningSteps
      // lesson:begin sft-without-mask
      let model = try copy(of: base.model)
      let trainer = try Trainer(model: model, options: trainingOptions(steps: steps, seed: context.seed))
      _ = try trainer.run(nextBatch: { split, rng in
        let pairs = split == .train ? data.unmaskedChat : data.heldOutUnmaskedChat   // every target kept
        return try pairs.batch(size: 32, context: pairs.longestExample, using: &rng)
      }, progress: { p in showProgress("fine-tuning without the mask", p, of: steps, in: context) })
      // lesson:end
      let tokenizer = data.chat.tokenizer
      let marker = try tokenizer.encode(String(ChatTemplate.promptStart))
      let comparison = MaskComparison(
        basePromptLoss: try promptLoss(of: base.model, data: data),
        maskedPromptLoss: try promptLoss(of: masked, data: data),
        unmaskedPromptLoss: try promptLoss(of: model, data: data),
        maskedResponseLoss: try responseLoss(of: masked, data: data),
        unmaskedResponseLoss: try responseLoss(of: model, data: data),
        unmaskedAccuracy: try answers(of: model, to: data.heldOut, tokenizer: tokenizer).accuracy,
        maskedFromMarker: "<" + tokenizer.decode(try masked.generate(prompt: marker, count: 40, greedy: true)),
        unmaskedFromMarker: "<" + tokenizer.decode(try model.generate(prompt: marker, count: 40, greedy: true)))
      context[comparisonKey] = comparison
      context.table(
        "held-out pairs after \(steps) steps", headers: ["", "base", "masked", "unmasked"],
        rows: [
          ["loss on prompt tokens", fixed(comparison.basePromptLoss, 3), fixed(comparison.maskedPromptLoss, 3), fixed(comparison.unmaskedPromptLoss, 3)],
          ["loss on response tokens", fixed(try responseLoss(of: base.model, data: data), 3), fixed(comparison.maskedResponseLoss, 3), fixed(comparison.unmaskedResponseLoss, 3)],
          ["held-out accuracy", fixed(try context.require(beforeKey).accuracy, 2), fixed(try context.require(afterKey).accuracy, 2), fixed(comparison.unmaskedAccuracy, 2)],
        ])
      context.text("Greedy text after \"<\", trained with the mask:\n\(comparison.maskedFromMarker)")
      context.text("Greedy text after \"<\", trained without it:\n\(comparison.unmaskedFromMarker)")
    }

    Check("sft-unmasked-prompt-loss", after: ["sft-without-mask"]) { context in
      .number(try context.require(comparisonKey).unmaskedPromptLoss)
    }
    Check("sft-base-prompt-loss", after: ["sft-without-mask"]) { context in
      .number(try context.require(comparisonKey).basePromptLoss)
    }
    Check("sft-masked-prompt-loss", after: ["sft-without-mask"]) { context in
      .number(try context.require(comparisonKey).maskedPromptLoss)
    }
    Check("sft-masked-response-loss", after: ["sft-without-mask"]) { context in
      .number(try context.require(comparisonKey).maskedResponseLoss)
    }
    Check("sft-unmasked-answers-fewer", after: ["sft-without-mask"]) { context in
      let unmasked = try context.require(comparisonKey).unmaskedAccuracy
      let masked = try context.require(afterKey).accuracy
      return .boolean(unmasked < masked, detail: "held-out accuracy \(fixed(unmasked, 2)) without the mask, \(fixed(masked, 2)) with it")
    }
    Check("sft-unmasked-response-loss-ratio", after: ["sft-without-mask"]) { context in
      let comparison = try context.require(comparisonKey)
      let ratio = comparison.unmaskedResponseLoss / comparison.maskedResponseLoss
      return .boolean(
        ratio > 100,
        detail: "response loss \(fixed(comparison.unmaskedResponseLoss, 4)) without the mask, "
          + "\(fixed(comparison.maskedResponseLoss, 5)) with it: \(Int(ratio.rounded()))×")
    }
    Check("sft-unmasked-writes-questions", after: ["sft-without-mask"]) { context in
      let comparison = try context.require(comparisonKey)
      let writes = comparison.unmaskedFromMarker.hasPrefix("<What is ")
      return .boolean(writes, detail: comparison.unmaskedFromMarker.replacingOccurrences(of: "\n", with: "⏎"))
    }
    Check("sft-masked-does-not-write-questions", after: ["sft-without-mask"]) { context in
      let comparison = try context.require(comparisonKey)
      let writes = comparison.maskedFromMarker.hasPrefix("<What is ")
      return .boolean(!writes, detail: comparison.maskedFromMarker.replacingOccurrences(of: "\n", with: "⏎"))
    }
  }

  /// Mean loss on the prompt targets of the held-out pairs (padding excluded).
  static func promptLoss(of model: MiniGPT, data: AdditionData) throws -> Double {
    let rows = Array(0..<data.heldOutUnmaskedChat.count)
    let full = try data.heldOutUnmaskedChat.batch(rows: rows, context: 32)
    let maskedTargets = try data.heldOutChat.batch(rows: rows, context: 32).targets
    _ = try model.forward(full)
    let nll = try model.positionLosses().values
    let prompt = full.targets.indices.filter { full.targets[$0] != ignoreIndex && maskedTargets[$0] == ignoreIndex }
    return prompt.reduce(0.0) { $0 + Double(nll[$1]) } / Double(max(prompt.count, 1))
  }

  /// Mean loss on the response targets of the held-out pairs.
  static func responseLoss(of model: MiniGPT, data: AdditionData) throws -> Double {
    Double(try model.forward(try data.heldOutChat.batch(rows: Array(0..<data.heldOutChat.count), context: 32)))
  }
}
