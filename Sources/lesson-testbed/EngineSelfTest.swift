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
  static let count = Parameter.integer("count", default: 100, in: 1...100_000, "how many numbers the range holds")
  static let wait = Parameter.real("wait", default: 1.5, in: 0...10, "seconds the waiting step takes")
  static let power = Parameter.integer("power", default: 2, in: 1...4, "the power the squares step raises each number to")

  /// Describes a range; the fixture's `display` step shows this code without running it.
  static func describe(_ numbers: [Int]) -> String {
    // lesson:begin selftest-shown-only
    let total = numbers.reduce(0, +)
    return "\(numbers.count) numbers adding up to \(total)"
    // lesson:end
  }

  /// Appends the step's id to `$LESSON_SELFTEST_RUN_LOG`, so end-to-end tests can count which
  /// steps really ran (rather than being replayed from the cache).
  static func logRun(_ id: String) {
    guard let path = ProcessInfo.processInfo.environment["LESSON_SELFTEST_RUN_LOG"],
      let handle = FileHandle(forWritingAtPath: path) ?? {
        FileManager.default.createFile(atPath: path, contents: nil)
        return FileHandle(forWritingAtPath: path)
      }()
    else { return }
    handle.seekToEndOfFile()
    handle.write(Data((id + "\n").utf8))
    try? handle.close()
  }

  static let bundle = LessonBundle(name: "engine-selftest") {
    Step(
      "selftest-make-range", writes: [rangeKey], parameters: [count],
      measures: ["selftest-sum-of-range", "selftest-mean", "selftest-all-positive"]
    ) { context in
      logRun("selftest-make-range")
      // lesson:begin selftest-make-range
      let numbers = Array(1...context[count])
      context[rangeKey] = numbers
      // lesson:end
      context.text("Built the numbers 1 through \(numbers.count).")
      context.tensor(
        "first ten", ReportTensor(shape: [2, 5], values: (1...10).map(Double.init), isInteger: true))
      context.expect(numbers.count == context[count], "the range holds \(context[count]) numbers", detail: "count \(numbers.count)")
      context.measure("selftest-sum-of-range", numbers.reduce(0, +))
      context.measure("selftest-mean", Double(numbers.reduce(0, +)) / Double(numbers.count))
      context.measure("selftest-all-positive", numbers.allSatisfy { $0 > 0 }, detail: "minimum \(numbers.min() ?? 0)")
    }
    Step(
      "selftest-squares", reads: [rangeKey], writes: [squaresKey], parameters: [power],
      measures: ["selftest-sum-of-squares"]
    ) { context in
      logRun("selftest-squares")
      let numbers = try context.require(rangeKey)
      let power = context[power]
      // lesson:begin selftest-squares
      let squares = numbers.map { n in (0..<power).reduce(1) { product, _ in product * n } }
      context[squaresKey] = squares
      // lesson:end
      context.scalar("largest square", Double(squares.last ?? 0))
      context.chart(.bars(labels: ["a b", "c\nd", "e"], values: [3, 1.5, 2], title: "letters"))
      let series = [ChartSeries("squares", values: squares.prefix(20).map(Double.init))]
      try context.chart(.lines(series, xLabel: "n", yLabel: "n²"), plotFile: "selftest-squares.svg")
      context.chart(.heatmap([[0, -.infinity], [0.5, 1]], rowLabels: ["a", "b"], columnLabels: ["x", "y"]))
      context.table("first squares", headers: ["n", "n²"], rows: (1...3).map { ["\($0)", "\($0 * $0)"] })
      context.expect(squares.allSatisfy { $0 >= 0 }, "squares are non-negative")
      context.measure("selftest-sum-of-squares", squares.reduce(0, +))
    }
    Step("selftest-after-squares", reads: [squaresKey], measures: ["selftest-largest-square"]) { context in
      logRun("selftest-after-squares")
      context.measure("selftest-largest-square", try context.require(squaresKey).max() ?? 0)
    }
    Step("selftest-constants", measures: ["selftest-seed", "selftest-third"]) { context in
      logRun("selftest-constants")
      context.measure("selftest-seed", Double(context.seed))
      context.measure("selftest-third", 1.0 / 3.0)
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
    Step("selftest-trap") { context in
      // For the trap tests: an arithmetic overflow, as an author's step might have one. The
      // seed (1337, odd) keeps the compiler from seeing it coming.
      context.progress("selftest-trap: overflowing")
      let nearlyLargest = Int.max - Int(context.seed & 1)
      context.text("\(nearlyLargest + 2)")
    }
    Step("selftest-thread-trap") { context in
      // For the trap tests: the step starts a thread of its own, which overflows, and waits for
      // it as an author's join would: forever, once that thread is parked.
      context.progress("selftest-thread-trap: starting a thread that overflows")
      let seed = context.seed
      let done = DispatchSemaphore(value: 0)
      let thread = Thread {
        let nearlyLargest = Int.max - Int(seed & 1)
        FileHandle.standardError.write(Data("\(nearlyLargest + 2)\n".utf8))
        done.signal()
      }
      thread.start()
      done.wait()
    }
    Step("selftest-queue-trap") { context in
      // For the trap tests: a dispatch queue's thread indexes past the end of an array while the
      // step's own thread goes on working (30 s in short sleeps) rather than waiting for it.
      context.progress("selftest-queue-trap: indexing out of range on a queue")
      let index = Int(context.seed & 1)
      DispatchQueue.global().async {
        let empty: [Int] = []
        FileHandle.standardError.write(Data("\(empty[index])\n".utf8))
      }
      for _ in 0..<600 { Thread.sleep(forTimeInterval: 0.05) }
    }
    Step("selftest-progress") { context in
      logRun("selftest-progress")
      for i in 1...3 { context.progress("counting \(i)/3") }
      context.text("counted to 3")
    }
    Step("selftest-sleep") { context in
      // For the timeout and interrupt tests: announces itself, then sleeps 30 s in short slices.
      context.progress("selftest-sleep: sleeping")
      for _ in 0..<600 { Thread.sleep(forTimeInterval: 0.05) }
    }
    Step("selftest-wait", parameters: [wait]) { context in
      // For the interactive tests: a step long enough to type during (keys typed meanwhile are discarded).
      logRun("selftest-wait")
      context.progress("selftest-wait: waiting")
      Thread.sleep(forTimeInterval: context[wait])
      context.text("waited \(NumberFormat.elapsed(context[wait]))")
    }
    Step("selftest-undeclared", measures: ["selftest-declared"]) { context in
      // Breaks its declarations on purpose: records a name it did not declare, not the one it did.
      context.measure("selftest-not-declared", 1)
    }
    Check("selftest-ratio", uses: ["selftest-sum-of-squares", "selftest-sum-of-range"]) { values in
      .number(try values.number("selftest-sum-of-squares") / values.number("selftest-sum-of-range"))
    }
  }
}

/// The error the deliberately failing self-test step throws.
enum SelfTestError: Error, CustomStringConvertible {
  case deliberate
  var description: String { "deliberate failure from selftest-fail" }
}
