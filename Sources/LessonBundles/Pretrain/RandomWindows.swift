import Foundation
import LessonKit
import Pretraining

// MARK: - Section 5: random windows, not a pass over the text

extension PretrainLesson {
  @LessonBundleBuilder static var randomWindows: [BundleEntry] {
    Step("get-batch", after: ["load-corpus"]) { context in
      let data = try context.require(datasetKey)
      var rng = SeededGenerator(seed: context.seed)
      let batch = try data.batch(split: .train, size: batchSize, context: contextLength, using: &rng)
      context.text("batch(split: .train, size: \(batch.size), context: \(batch.context)) drew windows starting at:")
      context.tensor("starts", ReportTensor(shape: [batch.size], values: batch.starts.map(Double.init), isInteger: true))
    }

    Step("show-small-batch", after: ["load-corpus"]) { context in
      let data = try context.require(datasetKey)
      // lesson:begin show-small-batch
      var rng = SeededGenerator(seed: context.seed)
      let small = try data.batch(split: .train, size: 4, context: 8, using: &rng)
      // lesson:end
      let tokenizer = data.tokenizer
      context.tensor("x", ReportTensor(tokens: small.inputs, shape: [4, 8], tokenizer: tokenizer))
      context.tensor("y", ReportTensor(tokens: small.targets, shape: [4, 8], tokenizer: tokenizer))
      context.table(
        "the same windows as text", headers: ["start", "x", "y"],
        rows: (0..<small.size).map { b in
          let row = b * small.context ..< (b + 1) * small.context
          return [grouped(small.starts[b]), visibleText(small.inputs[row], tokenizer), visibleText(small.targets[row], tokenizer)]
        })
    }

    Check("sequential-overlap", after: ["load-corpus"]) { context in
      // Two consecutive windows of a pass that slides one token at a time: count shared corpus positions.
      let data = try context.require(datasetKey)
      let windows = try data.sequentialBatch(split: .train, size: 2, context: contextLength, startingAt: 1000, stride: 1)
      let first = Set(windows.starts[0] ..< windows.starts[0] + contextLength)
      let second = Set(windows.starts[1] ..< windows.starts[1] + contextLength)
      return .number(Double(first.intersection(second).count) / Double(contextLength))
    }
    Check("sequential-offsets", after: ["load-corpus"]) { context in
      // A pass that tiles the text window after window: at how many offsets does one position appear?
      let data = try context.require(datasetKey)
      let windows = (data.train.count - 1) / contextLength
      let pass = try data.sequentialBatch(split: .train, size: windows, context: contextLength)
      let position = 12_345 % (windows * contextLength)
      let offsets = Set(pass.starts.filter { $0 <= position && position < $0 + contextLength }.map { position - $0 })
      return .number(Double(offsets.count))
    }
    Check("random-overlap", after: ["load-corpus"]) { context in
      let data = try context.require(datasetKey)
      var rng = SeededGenerator(seed: context.seed &+ 5)
      var total = 0.0
      let pairs = 200_000
      for _ in 0..<pairs {
        let two = try data.batch(split: .train, size: 2, context: contextLength, using: &rng)
        total += overlap(two.starts[0], two.starts[1], length: contextLength)
      }
      return .number(total / Double(pairs))
    }
    Check("window-starts-uniform", after: ["load-corpus"]) { context in
      let data = try context.require(datasetKey)
      var rng = SeededGenerator(seed: context.seed &+ 6)
      let range = data.train.count - contextLength - 1
      let bins = 50
      var counts = [Int](repeating: 0, count: bins)
      let draws = 4_000
      for _ in 0..<draws {
        let batch = try data.batch(split: .train, size: batchSize, context: contextLength, using: &rng)
        for s in batch.starts { counts[s * bins / range] += 1 }
      }
      let expected = Double(draws * batchSize) / Double(bins)
      let chiSquare = counts.reduce(0.0) { $0 + pow(Double($1) - expected, 2) / expected }
      // 99.9th percentile of χ² with 49 degrees of freedom.
      let critical = 85.35
      return .boolean(
        chiSquare < critical,
        detail: "χ² = \(fixed(chiSquare, 1)) over \(bins) bins (critical value \(critical) at p = 0.001)")
    }
    Check("offsets-covered", after: ["load-corpus"]) { context in
      let data = try context.require(datasetKey)
      var rng = SeededGenerator(seed: context.seed &+ 7)
      let position = 12_345 % (data.train.count - contextLength - 1)
      var seen = Set<Int>()
      for _ in 0..<20_000 {
        let batch = try data.batch(split: .train, size: batchSize, context: contextLength, using: &rng)
        for s in batch.starts where s <= position && position < s + contextLength { seen.insert(position - s) }
      }
      return .number(Double(seen.count))
    }
  }

  /// The share of tokens two windows of `length` starting at `a` and `b` have in common.
  static func overlap(_ a: Int, _ b: Int, length: Int) -> Double {
    Double(max(0, length - abs(a - b))) / Double(length)
  }

  /// Tokens as text with whitespace made visible.
  static func visibleText(_ ids: ArraySlice<TokenID>, _ tokenizer: CharTokenizer) -> String {
    ids.map { tokenizer.visible($0) }.joined()
  }
}
