import Foundation
import LessonKit
import Pretraining

// MARK: - Section 13: bridge to supervised fine-tuning

extension PretrainLesson {
  static let toyPrompt = "Who is there?"
  static let toyResponse = "Nay, answer me."

  @LessonBundleBuilder static var sftBridge: [BundleEntry] {
    Step("sft-loss-mask", measures: ["ignore-index", "masked-positions-are-free", "loss-is-response-mean"]) { context in
      let tokenizer = try ChatTemplate.extendedTokenizer(Corpus.shakespeare)
      let pair = try ChatTemplate.example(prompt: toyPrompt, response: toyResponse, tokenizer: tokenizer)
      let config = try MiniGPTConfig(
        vocabSize: tokenizer.vocabularySize, contextLength: 32, embeddingSize: 16, layerCount: 1, headCount: 2)
      let model = try MiniGPT(config: config, seed: context.seed)
      _ = try model.forward(inputs: pair.inputs, targets: pair.targets, batchSize: 1)
      let measured = try MaskMeasurement(model: model, targets: pair.targets)
      let losses = try model.positionLosses().values
      context.table(
        ChatTemplate.render(prompt: toyPrompt, response: toyResponse), headers: ["t", "input", "target", "loss"],
        rows: pair.inputs.indices.map { t in
          let masked = pair.targets[t] == ignoreIndex
          return ["\(t)", tokenizer.visible(pair.inputs[t]), masked ? "−100" : tokenizer.visible(pair.targets[t]), masked ? "—" : fixed(Double(losses[t]), 3)]
        })
      context.scalar("loss", measured.loss)
      context.scalar("mean over response positions", measured.responseMean)
      context.measure("ignore-index", Int(pair.targets[0]), detail: "the target the template wrote at the prompt's first position")
      context.measure(
        "masked-positions-are-free", measured.maskedLossesAreZero && measured.maskedGradientsAreZero,
        detail: "\(measured.maskedCount) prompt positions: loss 0 and every logit gradient 0")
      context.measure(
        "loss-is-response-mean", measured.lossIsResponseMean,
        detail: "loss \(fixed(measured.loss, 6)), response mean \(fixed(measured.responseMean, 6))")
    }
  }
}
