import Dispatch
import Foundation

// MARK: - Live training progress

/// A live training display: step/total, loss, val loss at eval points, tokens/s and ETA.
///
/// On a terminal it is one bar on stderr, redrawn in place (at most every `redrawInterval`
/// seconds, and always at eval points and the last step). Piped, it prints one plain line per
/// eval point and a summary at `finish()`, so logs stay short and free of escape sequences.
///
/// ```swift
/// let bar = ProgressBar.standardError(total: steps, tokensPerStep: batch * context)  // `lesson train`
/// let bar = ProgressBar(total: steps, tokensPerStep: batch * context, context: context)  // a lesson step
/// for step in 1...steps {
///   let loss = try trainer.step()
///   bar.step(step, loss: loss)
///   if step % evalEvery == 0 { bar.evaluated(step: step, valLoss: try trainer.valLoss()) }
/// }
/// bar.finish()
/// ```
public final class ProgressBar {
  /// Where the display goes: a stream (with its TTY-ness), or a step context's progress line.
  private enum Sink {
    case stream(write: (String) -> Void, isTTY: Bool)
    case context(StepContext)
  }

  public let total: Int
  public let label: String
  public let tokensPerStep: Int
  /// Minimum seconds between two redraws on a terminal.
  public var redrawInterval = 0.1

  private let sink: Sink
  private let width: Int
  private let clock: () -> Double
  /// When the bar was created: training is timed from there.
  private let start: Double
  private var lastDraw = -Double.infinity
  private var drawn = false
  private var currentStep = 0
  private var loss: Double?
  private var valLoss: Double?

  /// A bar writing to `write`; `isTTY` picks redrawing (terminal) or one line per eval (piped).
  ///
  /// - Parameters:
  ///   - total: the number of steps.
  ///   - tokensPerStep: tokens consumed per step (batch × context), for tokens/s; 0 hides it.
  ///   - clock: seconds from a monotonic clock (injectable for tests).
  public init(
    total: Int, label: String = "training", tokensPerStep: Int = 0, isTTY: Bool, width: Int = 80,
    write: @escaping (String) -> Void, clock: @escaping () -> Double = ProgressBar.monotonicSeconds
  ) {
    self.total = max(1, total)
    self.label = label
    self.tokensPerStep = max(0, tokensPerStep)
    self.sink = .stream(write: write, isTTY: isTTY)
    self.width = max(40, width)
    self.clock = clock
    self.start = clock()
  }

  /// A bar on the process's stderr, redrawn when stderr is a terminal.
  public static func standardError(total: Int, label: String = "training", tokensPerStep: Int = 0) -> ProgressBar {
    ProgressBar(
      total: total, label: label, tokensPerStep: tokensPerStep, isTTY: Terminal.isTTY(2), width: Terminal.width(),
      write: { FileHandle.standardError.write(Data($0.utf8)) })
  }

  /// A bar shown through a lesson step's `context.progress`, so it appears under the step on a
  /// terminal (redrawn) and as one line per eval point when the run is piped.
  public init(
    total: Int, label: String = "training", tokensPerStep: Int = 0, context: StepContext,
    clock: @escaping () -> Double = ProgressBar.monotonicSeconds
  ) {
    self.total = max(1, total)
    self.label = label
    self.tokensPerStep = max(0, tokensPerStep)
    self.sink = .context(context)
    self.width = Terminal.width()
    self.clock = clock
    self.start = clock()
  }

  private var isLive: Bool {
    switch sink {
    case .stream(_, let isTTY): return isTTY
    case .context(let context): return context.progressIsLive
    }
  }

  // MARK: - Updates

  /// Reports that `step` steps (1-based count) are done, with the latest training loss.
  public func step(_ step: Int, loss: Double) {
    let now = clock()
    currentStep = step
    self.loss = loss
    guard isLive else { return }
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
    if isLive {
      draw(now: now)
    } else {
      emitLine(statusText(now: now, bar: false))
    }
  }

  /// Clears the bar and writes a one-line summary (`message`, or what was reached).
  public func finish(_ message: String? = nil) {
    let now = clock()
    let summary = message ?? summaryText(now: now)
    switch sink {
    case .stream(let write, let isTTY):
      write((isTTY && drawn ? "\r\u{1B}[2K" : "") + Sanitizer.clean(summary, singleLine: true) + "\n")
    case .context(let context):
      context.progress(summary)
    }
    drawn = false
  }

  /// Writes `text` on a line of its own (e.g. "stopping after this step"), clearing a drawn bar first.
  public func note(_ text: String) {
    clear()
    emitLine(Sanitizer.clean(text, singleLine: true))
  }

  /// Removes a drawn bar, so what follows starts on a clean line.
  public func clear() {
    if case .stream(let write, let isTTY) = sink, isTTY, drawn { write("\r\u{1B}[2K") }
    drawn = false
  }

  // MARK: - Text

  /// The status after `bar`: `step 120/2000  loss 2.3450  val 2.4010  18.2k tok/s  ETA 1m42s`.
  func statusText(now: Double, bar: Bool) -> String {
    var parts: [String] = []
    let stepWidth = String(total).count
    let stepText = String(repeating: " ", count: max(0, stepWidth - String(currentStep).count)) + String(currentStep)
    parts.append("step \(stepText)/\(total)")
    if let loss { parts.append(String(format: "loss %.4f", loss)) }
    if let valLoss { parts.append(String(format: "val %.4f", valLoss)) }
    let elapsed = now - start
    if elapsed > 0, currentStep > 0 {
      if tokensPerStep > 0 { parts.append(Self.rate(Double(currentStep * tokensPerStep) / elapsed) + " tok/s") }
      let remaining = Double(total - currentStep) * elapsed / Double(currentStep)
      parts.append("ETA " + Self.duration(remaining))
    }
    let text = parts.joined(separator: "  ")
    return bar ? label + " " + barText(width: max(10, min(30, width - displayWidth(text) - displayWidth(label) - 6))) + " " + text : text
  }

  private func summaryText(now: Double) -> String {
    var text = "\(label): \(currentStep)/\(total) steps in " + Self.duration(now - start)
    if let loss { text += String(format: ", loss %.4f", loss) }
    if let valLoss { text += String(format: ", val %.4f", valLoss) }
    return text
  }

  /// `▕█████▌    ▏` with eighth-block precision.
  private func barText(width: Int) -> String {
    let fraction = min(1, max(0, Double(currentStep) / Double(total)))
    let units = Int((fraction * Double(width * 8)).rounded())
    let eighths = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
    let filled = String(repeating: "█", count: units / 8) + (units / 8 < width ? eighths[units % 8] : "")
    return "▕" + filled + String(repeating: " ", count: max(0, width - displayWidth(filled))) + "▏"
  }

  private func draw(now: Double) {
    lastDraw = now
    let text = statusText(now: now, bar: true)
    switch sink {
    case .stream(let write, _):
      write("\r\u{1B}[2K" + String(text.prefix(width - 1)))
      drawn = true
    case .context(let context):
      context.progress(text)
    }
  }

  private func emitLine(_ text: String) {
    switch sink {
    case .stream(let write, _): write(text + "\n")
    case .context(let context): context.progress(text)
    }
  }

  // MARK: - Formatting

  /// `950`, `18.2k`, `1.35M`.
  static func rate(_ value: Double) -> String {
    switch value {
    case ..<1_000: return String(format: "%.0f", value)
    case ..<1_000_000: return String(format: "%.1fk", value / 1_000)
    default: return String(format: "%.2fM", value / 1_000_000)
    }
  }

  /// `42s`, `3m07s`, `1h02m`.
  static func duration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    let total = Int(seconds.rounded())
    if total < 60 { return "\(total)s" }
    if total < 3600 { return String(format: "%dm%02ds", total / 60, total % 60) }
    return String(format: "%dh%02dm", total / 3600, (total % 3600) / 60)
  }

  /// Seconds on the monotonic clock.
  public static func monotonicSeconds() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1e9
  }
}
