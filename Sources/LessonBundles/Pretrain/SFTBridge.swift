import Foundation
import LessonKit
import Pretraining

// MARK: - Section 13: bridge to supervised fine-tuning

/// The loss mask measured on a toy pair.
struct SFTProbe {
  var maskedLossesAreZero: Bool
  var maskedGradientsAreZero: Bool
  var maskedCount: Int
  var loss: Double
  var responseMean: Double
}

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
      let loss = Double(try model.forward(inputs: pair.inputs, targets: pair.targets, batchSize: 1) ?? .nan)
      let losses = try model.positionLosses().values
      let masked = pair.targets.indices.filter { pair.targets[$0] == ignoreIndex }
      let graded = pair.targets.indices.filter { pair.targets[$0] != ignoreIndex }
      let responseMean = graded.reduce(0.0) { $0 + Double(losses[$1]) } / Double(graded.count)

      // The loss kernel's own gradient with respect to the logits, row by row.
      let v = tokenizer.vocabularySize
      let logitsGradient = try CrossEntropy.lossesAndGradient(
        logits: try model.logits().values, targets: pair.targets, vocabulary: v
      ).logitsGradient
      let gradientsZero = masked.allSatisfy { r in logitsGradient[r * v ..< (r + 1) * v].allSatisfy { $0 == 0 } }
      context[sftKey] = SFTProbe(
        maskedLossesAreZero: masked.allSatisfy { losses[$0] == 0 }, maskedGradientsAreZero: gradientsZero,
        maskedCount: masked.count, loss: loss, responseMean: responseMean)

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
      context.scalar("loss", loss)
      context.scalar("mean over response positions", responseMean)
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
      let equal = abs(probe.loss - probe.responseMean) <= 1e-6 * probe.loss
      return .boolean(equal, detail: "loss \(fixed(probe.loss, 6)), response mean \(fixed(probe.responseMean, 6))")
    }
  }
}
