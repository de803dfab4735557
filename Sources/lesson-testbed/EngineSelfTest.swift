import Foundation
import LessonKit

// MARK: - Engine self-test bundle

/// Trivial but real steps and checks used by the engine's end-to-end fixture lessons.
///
/// They compute sums of ranges and similar facts, so the fixtures can state true claims and
/// one deliberately false one.
enum EngineSelfTest {
  static let rangeKey = StateKey<[Int]>("selftest.range")
  static let squaresKey = StateKey<[Int]>("selftest.squares")

  /// Describes a range; the fixture's `display` step shows this code without running it.
  static func describe(_ numbers: [Int]) -> String {
    // lesson:begin selftest-shown-only
    let total = numbers.reduce(0, +)
    return "\(numbers.count) numbers adding up to \(total)"
    // lesson:end
  }

  static let bundle = LessonBundle(name: "engine-selftest") {
    Step("selftest-make-range") { context in
      // lesson:begin selftest-make-range
      let numbers = Array(1...100)
      context[rangeKey] = numbers
      // lesson:end
      context.text("Built the numbers 1 through 100.")
      context.tensor(
        "first ten", ReportTensor(shape: [2, 5], values: numbers.prefix(10).map(Double.init), isInteger: true))
      context.expect(numbers.count == 100, "the range holds 100 numbers", detail: "count \(numbers.count)")
    }
    Step("selftest-squares", after: ["selftest-make-range"]) { context in
      let numbers = try context.require(rangeKey)
      // lesson:begin selftest-squares
      let squares = numbers.map { $0 * $0 }
      context[squaresKey] = squares
      // lesson:end
      context.scalar("largest square", Double(squares.last ?? 0))
      context.chart(.bars(labels: ["a b", "c\nd", "e"], values: [3, 1.5, 2], title: "letters"))
      let series = [ChartSeries("squares", values: squares.prefix(20).map(Double.init))]
      context.chart(.lines(series, xLabel: "n", yLabel: "n²"))
      if let directory = context.plotDirectory {
        try SVGChart.writeLineChart(series, to: directory + "/selftest-squares.svg", xLabel: "n", yLabel: "n²")
      }
      context.chart(.heatmap([[0, -.infinity], [0.5, 1]], rowLabels: ["a", "b"], columnLabels: ["x", "y"]))
      context.table("first squares", headers: ["n", "n²"], rows: (1...3).map { ["\($0)", "\($0 * $0)"] })
      context.expect(squares.allSatisfy { $0 >= 0 }, "squares are non-negative")
    }
    Step("selftest-hostile-output") { context in
      // For the page tests: markup in every kind of step output must reach the page as text.
      let markup = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\">"
      context.text("text " + markup)
      context.scalar("scalar " + markup, 1, unit: markup)
      context.tensor("tensor " + markup, ReportTensor(shape: [1, 2], values: [0, 1], isInteger: true, decode: { _ in markup }))
      context.table(markup, headers: [markup], rows: [[markup]])
      context.chart(.bars(labels: [markup], values: [1], title: markup))
      context.expect(true, "expectation " + markup, detail: markup)
    }
    Step("selftest-fail") { _ in
      throw SelfTestError.deliberate
    }
    Step("selftest-progress") { context in
      for i in 1...3 { context.progress("counting \(i)/3") }
      context.text("counted to 3")
    }
    Step("selftest-sleep") { context in
      // For the timeout and interrupt tests: announces itself, then sleeps 30 s in short slices.
      context.progress("selftest-sleep: sleeping")
      for _ in 0..<600 { Thread.sleep(forTimeInterval: 0.05) }
    }
    Check("selftest-sum-of-range", after: ["selftest-make-range"]) { context in
      .number(Double(try context.require(rangeKey).reduce(0, +)))
    }
    Check("selftest-sum-of-squares", after: ["selftest-squares"]) { context in
      .number(Double(try context.require(squaresKey).reduce(0, +)))
    }
    Check("selftest-mean", after: ["selftest-make-range"]) { context in
      let numbers = try context.require(rangeKey)
      return .number(Double(numbers.reduce(0, +)) / Double(numbers.count))
    }
    Check("selftest-all-positive", after: ["selftest-make-range"]) { context in
      let numbers = try context.require(rangeKey)
      return .boolean(numbers.allSatisfy { $0 > 0 }, detail: "minimum \(numbers.min() ?? 0)")
    }
    Check("selftest-seed") { context in
      .number(Double(context.seed))
    }
    Check("selftest-third") { _ in
      .number(1.0 / 3.0)
    }
  }
}

/// The error the deliberately failing self-test step throws.
enum SelfTestError: Error, CustomStringConvertible {
  case deliberate
  var description: String { "deliberate failure from selftest-fail" }
}
