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
      let pass = try model.forwardPass(inputs: pair.inputs, targets: pair.targets, batchSize: 1)
      let measured = try MaskMeasurement(pass, inputs: pair.inputs, targets: pair.targets)
      measured.report(
        ChatTemplate.render(prompt: toyPrompt, response: toyResponse), positions: pair.inputs.count, tokenizer: tokenizer, to: context)
      context.measure("ignore-index", Int(pair.targets[0]), detail: "the target the template wrote at the prompt's first position")
      measured.measure(maskedAreFree: "masked-positions-are-free", lossIsResponseMean: "loss-is-response-mean", in: context)
    }
  }
}
