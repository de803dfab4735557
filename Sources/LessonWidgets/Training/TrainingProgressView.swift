import LessonKit
import Pretraining

// MARK: - Live training progress

/// The live training status: a braille chart of the loss so far above one line with step/total,
/// loss, val loss at eval points, tokens/s and ETA.
///
/// It formats; `ProgressDisplay` draws. On a terminal it is redrawn in place at most every
/// `redrawInterval` seconds (and always at eval points and the last step); the chart appears once
/// there are two losses to join, and `chartRows` 0 leaves only the line. Piped, it prints one plain
/// line per eval point and a summary at `finish()`, and never the chart.
///
/// ```swift
/// let view = TrainingProgressView(total: steps, tokensPerStep: batch * context, display: .standardError())
/// let summary = try trainer.run(nextBatch: nextBatch, progress: { view.report($0) })  // `lesson train`
/// view.finish()
///
/// let view = TrainingProgressView(total: steps, tokensPerStep: batch * context, context: context)  // a lesson step
/// ```
public final class TrainingProgressView {
  public let total: Int
  public let label: String
  public let tokensPerStep: Int
  /// Minimum seconds between two redraws on a terminal.
  public var redrawInterval = 0.1
  /// Rows of the live loss chart (4 braille dots each); 0 hides it.
  public var chartRows = 4

  private let display: ProgressDisplay
  private let clock: () -> Double
  /// When the view was created: training is timed from there.
  private let start: Double
  private var lastDraw = -Double.infinity
  private var currentStep = 0
  private var loss: Double?
  private var valLoss: Double?
  /// Every step's training loss, for the chart, kept only where the chart can be drawn (a live
  /// display with `chartRows` > 0): its capacity is reserved for `total` steps then, so recording
  /// one never allocates inside the training loop.
  private var history: [Double] = []

  /// A view drawing through `display`.
  ///
  /// - Parameters:
  ///   - total: the number of steps.
  ///   - tokensPerStep: tokens consumed per step (batch × context), for tokens/s; 0 hides it.
  ///   - clock: seconds from a monotonic clock (injectable for tests).
  public init(
    total: Int, label: String = "training", tokensPerStep: Int = 0, display: ProgressDisplay,
    clock: @escaping () -> Double = ProgressDisplay.monotonicSeconds
  ) {
    self.total = max(1, total)
    self.label = label
    self.tokensPerStep = max(0, tokensPerStep)
    self.display = display
    self.clock = clock
    self.start = clock()
    if display.isLive { history.reserveCapacity(self.total) }
  }

  /// A view shown through a lesson step's `context.progress`, under the step on a terminal and
  /// as one line per eval point when the run is piped.
  public convenience init(
    total: Int, label: String = "training", tokensPerStep: Int = 0, context: StepContext,
    clock: @escaping () -> Double = ProgressDisplay.monotonicSeconds
  ) {
    self.init(total: total, label: label, tokensPerStep: tokensPerStep, display: ProgressDisplay(context: context), clock: clock)
  }

  // MARK: - Updates

  /// Shows one training step, and the loss estimates when the trainer made them.
  public func report(_ progress: TrainingProgress) {
    step(progress.step, loss: Double(progress.loss))
    if let e = progress.evaluation {
      evaluated(step: e.step, trainLoss: Double(e.train), valLoss: Double(e.val))
    }
  }

  /// Reports that `step` steps (1-based count) are done, with the latest training loss.
  public func step(_ step: Int, loss: Double) {
    let now = clock()
    currentStep = step
    self.loss = loss
    guard display.isLive else { return }
    if chartRows > 0, history.count < total { history.append(loss) }
    if now - lastDraw >= redrawInterval || step >= total {
      draw(now: now)
    }
  }

  /// Reports an evaluation at `step`: the validation loss (and optionally a fresh train loss).
  public func evaluated(step: Int, trainLoss: Double? = nil, valLoss: Double) {
    currentStep = max(currentStep, step)
    if let trainLoss { loss = trainLoss }
    self.valLoss = valLoss
    let now = clock()
    if display.isLive {
      draw(now: now)
    } else {
      display.line(statusText(now: now, bar: false))
    }
  }

  /// Clears the bar and writes a one-line summary (`message`, or what was reached).
  public func finish(_ message: String? = nil) {
    display.finish(message ?? summaryText(now: clock()))
  }

  /// Writes `text` on a line of its own (e.g. "stopping after this step"), clearing a drawn bar first.
  public func note(_ text: String) { display.line(text) }

  /// Removes a drawn bar, so what follows starts on a clean line.
  public func clear() { display.clear() }

  // MARK: - Text

  /// The status after `bar`: `step 120/2000  loss 2.3450  val 2.4010  18.2k tok/s  ETA 1m42s`.
  func statusText(now: Double, bar: Bool) -> String {
    var parts: [String] = []
    let stepWidth = String(total).count
    let stepText = String(repeating: " ", count: max(0, stepWidth - String(currentStep).count)) + String(currentStep)
    parts.append("step \(stepText)/\(total)")
    if let loss { parts.append("loss " + NumberFormat.fixed(loss, 4)) }
    if let valLoss { parts.append("val " + NumberFormat.fixed(valLoss, 4)) }
    let elapsed = now - start
    if elapsed > 0, currentStep > 0 {
      if tokensPerStep > 0 { parts.append(NumberFormat.compact(Double(currentStep * tokensPerStep) / elapsed) + " tok/s") }
      let remaining = Double(total - currentStep) * elapsed / Double(currentStep)
      parts.append("ETA " + NumberFormat.duration(remaining))
    }
    let text = parts.joined(separator: "  ")
    guard bar else { return text }
    let barWidth = max(10, min(30, display.width - displayWidth(text) - displayWidth(label) - 6))
    return label + " " + ProgressDisplay.bar(fraction: Double(currentStep) / Double(total), width: barWidth) + " " + text
  }

  private func summaryText(now: Double) -> String {
    var text = "\(label): \(currentStep)/\(total) steps in " + NumberFormat.duration(now - start)
    if let loss { text += ", loss " + NumberFormat.fixed(loss, 4) }
    if let valLoss { text += ", val " + NumberFormat.fixed(valLoss, 4) }
    return text
  }

  /// The chart of `history` over steps 1…n: a few rows of braille, the loss's range on the left.
  func chartLines() -> [String] {
    guard chartRows > 0, history.count >= 2 else { return [] }
    let points = history.enumerated().map { (x: Double($0.offset + 1), y: $0.element) }
    let chart = Chart.lines([ChartSeries("", points: points)], xLabel: "", yLabel: "", title: nil)
    return ChartRenderer.render(chart, width: display.width, height: chartRows, style: .plain)
  }

  private func draw(now: Double) {
    lastDraw = now
    display.show(lines: chartLines() + [statusText(now: now, bar: true)])
  }
}
