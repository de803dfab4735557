import Foundation
import LessonKit
import Pretraining

// MARK: - Section 5: random windows, not a pass over the text

extension PretrainLesson {
  @LessonBundleBuilder static var randomWindows: [BundleEntry] {
    Step(
      "get-batch", reads: [datasetKey], parameters: [batchSize, contextLength],
      measures: ["sequential-overlap", "random-overlap", "window-starts-uniform", "offsets-covered", "sequential-offsets"]
    ) { context in
      let data = try context.require(datasetKey)
      let (B, T) = (context[batchSize], context[contextLength])
      var rng = SeededGenerator(seed: context.seed)
      let batch = try data.batch(split: .train, size: B, context: T, using: &rng)
      context.text("batch(split: .train, size: \(batch.size), context: \(batch.context)) drew windows starting at:")
      context.tensor("starts", ReportTensor(shape: [batch.size], values: batch.starts.map(Double.init), isInteger: true))
      // Two consecutive windows of a pass that slides one token at a time: the share of positions they have in common.
      let sliding = try data.sequentialBatch(split: .train, size: 2, context: T, startingAt: 1000, stride: 1)
      context.measure("sequential-overlap", overlap(sliding.starts[0], sliding.starts[1], length: T))
      var total = 0.0, pairRNG = SeededGenerator(seed: context.seed &+ 5)
      let pairs = 200_000
      for _ in 0..<pairs {
        let two = try data.batch(split: .train, size: 2, context: T, using: &pairRNG)
        total += overlap(two.starts[0], two.starts[1], length: T)
      }
      context.measure("random-overlap", total / Double(pairs))
      // Where random batches start (χ² over 50 bins), and at how many offsets one fixed position shows up.
      let range = data.train.count - T - 1, position = 12_345 % range, bins = 50, draws = 20_000
      var counts = [Int](repeating: 0, count: bins), offsets = Set<Int>()
      for _ in 0..<draws {
        for s in try data.batch(split: .train, size: B, context: T, using: &rng).starts {
          counts[s * bins / range] += 1
          if s <= position && position < s + T { offsets.insert(position - s) }
        }
      }
      let expected = Double(draws * B) / Double(bins)
      let chiSquare = counts.reduce(0.0) { $0 + pow(Double($1) - expected, 2) / expected }
      let critical = 85.35  // 99.9th percentile of χ² with 49 degrees of freedom
      context.measure("window-starts-uniform", chiSquare < critical, detail: "χ² = \(fixed(chiSquare, 1)) over \(bins) bins (critical value \(critical) at p = 0.001)")
      context.measure("offsets-covered", offsets.count)
      // A pass that tiles the text window after window shows that position at these offsets.
      let pass = try data.sequentialBatch(split: .train, size: (data.train.count - 1) / T, context: T)
      context.measure("sequential-offsets", Set(pass.starts.filter { $0 <= position && position < $0 + T }.map { position - $0 }).count)
    }

    Step("show-small-batch", reads: [datasetKey]) { context in
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
          return [grouped(small.starts[b]), tokenizer.visibleText(small.inputs[row]), tokenizer.visibleText(small.targets[row])]
        })
    }
  }

  /// The share of tokens two windows of `length` starting at `a` and `b` have in common.
  static func overlap(_ a: Int, _ b: Int, length: Int) -> Double {
    Double(max(0, length - abs(a - b))) / Double(length)
  }
}
