import Foundation
import LessonKit
import Pretraining

// MARK: - Section 13: bridge to supervised fine-tuning

extension PretrainLesson {
  static let toyPrompt = "Who is there?"
  static let toyResponse = "Nay, answer me."

  @LessonBundleBuilder static var sftBridge: [BundleEntry] {
    Step("sft-loss-mask") { context in
      let tokenizer = try ChatTemplate.extendedTokenizer(Corpus.shakespeare)
      let pair = try ChatTemplate.example(prompt: toyPrompt, response: toyResponse, tokenizer: tokenizer)
      let config = try MiniGPTConfig(
        vocabSize: tokenizer.vocabularySize, contextLength: 32, embeddingSize: 16, layerCount: 1, headCount: 2)
      let model = try MiniGPT(config: config, seed: context.seed)
      _ = try model.forward(inputs: pair.inputs, targets: pair.targets, batchSize: 1)
      let measured = try MaskMeasurement(model: model, targets: pair.targets)
      context[sftKey] = measured
      let losses = try model.positionLosses().values

      let text = ChatTemplate.render(prompt: toyPrompt, response: toyResponse)
      context.table(
        "\(text)", headers: ["t", "input", "target", "loss"],
        rows: pair.inputs.indices.map { t in
          [
            "\(t)", tokenizer.visible(pair.inputs[t]),
            pair.targets[t] == ignoreIndex ? "−100" : tokenizer.visible(pair.targets[t]),
            pair.targets[t] == ignoreIndex ? "—" : fixed(Double(losses[t]), 3),
          ]
        })
      context.scalar("loss", measured.loss)
      context.scalar("mean over response positions", measured.responseMean)
    }

    Check("ignore-index") { _ in .number(Double(ignoreIndex)) }
    Check("masked-positions-are-free", after: ["sft-loss-mask"]) { context in
      let probe = try context.require(sftKey)
      return .boolean(
        probe.maskedLossesAreZero && probe.maskedGradientsAreZero,
        detail: "\(probe.maskedCount) prompt positions: loss 0 and every logit gradient 0")
    }
    Check("loss-is-response-mean", after: ["sft-loss-mask"]) { context in
      let probe = try context.require(sftKey)
      return .boolean(probe.lossIsResponseMean, detail: "loss \(fixed(probe.loss, 6)), response mean \(fixed(probe.responseMean, 6))")
    }
  }
}
