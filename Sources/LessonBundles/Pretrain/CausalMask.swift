import Foundation
import LessonKit
import Pretraining

// MARK: - Section 7: the causal mask makes it parallel

/// Attention measured on the trained model.
struct AttentionProbe {
  var worstRowSumError: Double
  var largestAboveDiagonal: Double
  var scoresPerHead: Int
  var zeroAboveDiagonal: Int
  var futureLeak: Double
  var window: Int
}

extension PretrainLesson {
  /// The opening of the soliloquy, used to look at attention.
  static let attentionText = "To be, or not to be, that is the question:"

  @LessonBundleBuilder static var causalMask: [BundleEntry] {
    Step("show-mask", after: ["load-corpus"]) { context in
      let data = try context.require(datasetKey)
      let model = try MiniGPT(config: try .lesson(vocabSize: data.tokenizer.vocabularySize), seed: context.seed)
      let tokens = try data.tokenizer.encode(attentionText)
      // lesson:begin show-mask
      _ = try model.forward(inputs: Array(tokens.prefix(8)), targets: nil, batchSize: 1)
      let weights = try model.attentionWeights(layer: 0, batch: 0, head: 0)   // (8, 8)
      let visible = weights.values.map { $0 > 0 ? 1.0 : 0.0 }                 // 1 where attention may look
      // lesson:end
      let rows = (0..<8).map { t in Array(visible[t * 8 ..< (t + 1) * 8]) }
      let labels = (0..<8).map { "\($0)" }
      context.chart(.heatmap(rows, rowLabels: labels, columnLabels: labels, title: "1 = may attend, 0 = masked (T = 8)"))
    }

    Step("attention-heatmap", after: ["train-lesson-model"]) { context in
      let data = try context.require(datasetKey)
      let model = try context.require(trainedKey).model
      let tokens = try data.tokenizer.encode(attentionText)
      let n = min(24, tokens.count)
      // lesson:begin attention-heatmap
      _ = try model.forward(inputs: Array(tokens.prefix(n)), targets: nil, batchSize: 1)
      let (layer, head) = try sharpestHead(of: model)                          // the most selective head
      let weights = try model.attentionWeights(layer: layer, batch: 0, head: head)   // (n, n), rows sum to 1
      // lesson:end
      let rows = (0..<n).map { t in weights.values[t * n ..< (t + 1) * n].map(Double.init) }
      let labels = tokens.prefix(n).map { data.tokenizer.visible($0) }
      context.chart(.heatmap(rows, rowLabels: labels, columnLabels: labels, title: "layer \(layer), head \(head): row = query, column = key"))
      context[attentionKey] = try measureAttention(model: model, data: data, seed: context.seed)
    }

    Check("attention-rows-sum-to-one", after: ["attention-heatmap"]) { context in
      let probe = try context.require(attentionKey)
      return .boolean(probe.worstRowSumError < 1e-5, detail: "largest |row sum − 1| \(probe.worstRowSumError)")
    }
    Check("attention-upper-zero", after: ["attention-heatmap"]) { context in
      let probe = try context.require(attentionKey)
      return .boolean(probe.largestAboveDiagonal == 0, detail: "largest weight above the diagonal \(probe.largestAboveDiagonal)")
    }
    Check("future-leak", after: ["attention-heatmap"]) { context in
      .number(try context.require(attentionKey).futureLeak)
    }
    Check("rnn-serial-steps", after: ["attention-heatmap"]) { context in
      .number(Double(try context.require(attentionKey).window))
    }
    Check("scores-per-head", after: ["attention-heatmap"]) { context in
      .number(Double(try context.require(attentionKey).scoresPerHead))
    }
    Check("masked-scores", after: ["attention-heatmap"]) { context in
      .number(Double(try context.require(attentionKey).zeroAboveDiagonal))
    }
  }

  /// The (layer, head) whose later rows put the most weight on a single key, for the last forward pass.
  ///
  /// Early rows are always sharp (row 0 can only look at itself), so only the second half counts.
  static func sharpestHead(of model: MiniGPT) throws -> (layer: Int, head: Int) {
    var best = (layer: 0, head: 0), bestFocus = -1.0
    let t = model.time
    for layer in 0..<model.config.layerCount {
      for head in 0..<model.config.headCount {
        let w = try model.attentionWeights(layer: layer, batch: 0, head: head).values
        let rows = (t / 2)..<t
        let focus = rows.reduce(0.0) { $0 + Double(w[$1 * t ..< ($1 + 1) * t].max() ?? 0) } / Double(max(rows.count, 1))
        if focus > bestFocus { (best, bestFocus) = ((layer, head), focus) }
      }
    }
    return best
  }

  /// Row sums, the upper triangle and a future-perturbation test over every layer and head on a full window.
  static func measureAttention(model: MiniGPT, data: CharDataset, seed: UInt64) throws -> AttentionProbe {
    var rng = SeededGenerator(seed: seed &+ 11)
    let t = model.config.contextLength
    let window = try data.batch(split: .val, size: 1, context: t, using: &rng)
    _ = try model.forward(inputs: window.inputs, targets: nil, batchSize: 1)
    var worst = 0.0, above = 0.0, zeros = 0, scores = 0
    for layer in 0..<model.config.layerCount {
      for head in 0..<model.config.headCount {
        let w = try model.attentionWeights(layer: layer, batch: 0, head: head)
        if layer == 0 && head == 0 { scores = w.values.count }
        for row in 0..<t {
          let sum = w.values[row * t ..< (row + 1) * t].reduce(0.0) { $0 + Double($1) }
          worst = max(worst, abs(sum - 1))
          for col in (row + 1)..<max(row + 1, t) {
            above = max(above, Double(w.values[row * t + col]))
            if layer == 0 && head == 0 && w.values[row * t + col] == 0 { zeros += 1 }
          }
        }
      }
    }
    // Change every token after position `cut`; positions up to `cut` must not notice.
    let cut = t / 2
    let before = try model.logits()
    var perturbed = window.inputs
    for i in (cut + 1)..<t { perturbed[i] = (perturbed[i] + 7) % TokenID(model.config.vocabSize) }
    _ = try model.forward(inputs: perturbed, targets: nil, batchSize: 1)
    let after = try model.logits()
    let v = model.config.vocabSize
    var leak = 0.0
    for i in 0..<((cut + 1) * v) { leak = max(leak, Double(abs(after.values[i] - before.values[i]))) }
    return AttentionProbe(
      worstRowSumError: worst, largestAboveDiagonal: above, scoresPerHead: scores, zeroAboveDiagonal: zeros,
      futureLeak: leak, window: t)
  }
}
