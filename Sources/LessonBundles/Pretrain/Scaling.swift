import LessonKit
import Pretraining

// MARK: - Section 11: scaling, in brief

extension PretrainLesson {
  @LessonBundleBuilder static var scaling: [BundleEntry] {
    Step("model-shape", reads: [datasetKey], parameters: [contextLength], measures: ["embedding-size", "layer-count", "head-count"]) { context in
      let model = try MiniGPT(config: try modelConfig(try context.require(datasetKey), context: context[contextLength]), seed: context.seed)
      let embedding = model.namedParameters.first { $0.name == "tok.weight" }?.shape ?? []
      let blocks = Set(model.namedParameters.compactMap { $0.name.split(separator: ".").dropFirst().first.flatMap { Int($0) } })
      context.table(
        "the lesson's MiniGPT", headers: ["token embedding", "blocks", "heads per block"],
        rows: [["\(embedding)", "\(blocks.count)", "\(model.config.headCount)"]])
      context.measure("embedding-size", embedding.last ?? 0, detail: "token embedding shape \(embedding)")
      context.measure("layer-count", blocks.count)
      context.measure("head-count", model.config.headCount)
    }
  }
}
