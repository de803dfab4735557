import Foundation
import LessonKit
import Pretraining

// MARK: - Section 7: the causal mask makes it parallel

extension PretrainLesson {
  /// The opening of the soliloquy, used to look at attention.
  static let attentionText = "To be, or not to be, that is the question:"

  @LessonBundleBuilder static var causalMask: [BundleEntry] {
    Step("show-mask", reads: [datasetKey], parameters: [contextLength]) { context in
      let data = try context.require(datasetKey)
      let model = try MiniGPT(config: try modelConfig(data, context: context[contextLength]), seed: context.seed)
      let tokens = try data.tokenizer.encode(attentionText)
      // lesson:begin show-mask
      let pass = try model.forwardPass(inputs: Array(tokens.prefix(8)), targets: nil, batchSize: 1)
      let weights = try pass.attentionWeights(layer: 0, batch: 0, head: 0)   // (8, 8)
      let visible = (0..<8).map { t in weights.row(t).map { $0 > 0 ? 1.0 : 0.0 } }   // 1 where attention may look
      // lesson:end
      let labels = (0..<8).map { "\($0)" }
      context.chart(.heatmap(visible, rowLabels: labels, columnLabels: labels, title: "1 = may attend, 0 = masked (T = 8)"))
    }

    Step(
      "attention-heatmap", reads: [datasetKey, trainedKey],
      measures: ["attention-rows-sum-to-one", "attention-upper-zero", "future-leak", "scores-per-head", "masked-scores"]
    ) { context in
      let data = try context.require(datasetKey)
      let model = try context.require(trainedKey).makeModel()
      let tokens = try data.tokenizer.encode(attentionText)
      let n = min(24, tokens.count)
      // lesson:begin attention-heatmap
      let pass = try model.forwardPass(inputs: Array(tokens.prefix(n)), targets: nil, batchSize: 1)
      let (layer, head) = try sharpestHead(of: pass)                           // the most selective head
      let weights = try pass.attentionWeights(layer: layer, batch: 0, head: head)   // (n, n), rows sum to 1
      // lesson:end
      let labels = tokens.prefix(n).map { data.tokenizer.visible($0) }
      context.chart(.heatmap((0..<n).map { weights.row($0).map(Double.init) }, rowLabels: labels, columnLabels: labels, title: "layer \(layer), head \(head): row = query, column = key"))
      try measureAttention(model: model, data: data, context: context)
    }
  }

  /// The (layer, head) whose later rows put the most weight on a single key, in this forward pass.
  ///
  /// Early rows are always sharp (row 0 can only look at itself), so only the second half counts.
  static func sharpestHead(of pass: ForwardPass) throws -> (layer: Int, head: Int) {
    var best = (layer: 0, head: 0), bestFocus = -1.0
    let t = pass.time, rows = (t / 2)..<t
    for layer in 0..<pass.config.layerCount {
      for head in 0..<pass.config.headCount {
        let w = try pass.attentionWeights(layer: layer, batch: 0, head: head)
        let focus = rows.reduce(0.0) { $0 + Double(w.row($1).max() ?? 0) } / Double(max(rows.count, 1))
        if focus > bestFocus { (best, bestFocus) = ((layer, head), focus) }
      }
    }
    return best
  }

  /// Row sums and the upper triangle over every layer and head on a full window, then a future-perturbation test.
  static func measureAttention(model: MiniGPT, data: CharDataset, context: StepContext) throws {
    var rng = SeededGenerator(seed: context.seed &+ 11)
    let (t, v) = (model.config.contextLength, model.config.vocabSize)
    let window = try data.batch(split: .val, size: 1, context: t, using: &rng)
    let pass = try model.forwardPass(inputs: window.inputs, targets: nil, batchSize: 1)
    let before = try pass.logits().values
    let heads = try (0..<model.config.layerCount).flatMap { layer in
      try (0..<model.config.headCount).map { try pass.attentionWeights(layer: layer, batch: 0, head: $0) }
    }
    let rowSumError = heads.flatMap { w in (0..<t).map { abs(w.row($0).reduce(0.0) { $0 + Double($1) } - 1) } }.max() ?? .nan
    let aboveDiagonal: [Int] = (0..<t).flatMap { (row: Int) -> [Int] in (row + 1 ..< max(row + 1, t)).map { row * t + $0 } }
    let largestAbove: Double = heads.flatMap { (w: Tensor) -> [Double] in aboveDiagonal.map { Double(w.values[$0]) } }.max() ?? 0
    context.measure("attention-rows-sum-to-one", rowSumError < 1e-5, detail: "largest |row sum − 1| \(rowSumError)")
    context.measure("attention-upper-zero", largestAbove == 0, detail: "largest weight above the diagonal \(largestAbove)")
    context.measure("scores-per-head", heads[0].values.count)
    context.measure("masked-scores", aboveDiagonal.filter { heads[0].values[$0] == 0 }.count)
    // Change every token after position `cut`; the logits up to `cut` must not notice.
    let cut = t / 2
    var perturbed = window.inputs
    for i in (cut + 1)..<t { perturbed[i] = (perturbed[i] + 7) % TokenID(v) }
    let after = try model.forwardPass(inputs: perturbed, targets: nil, batchSize: 1).logits().values
    context.measure("future-leak", (0..<((cut + 1) * v)).reduce(0.0) { max($0, Double(abs(after[$1] - before[$1]))) })
  }
}
