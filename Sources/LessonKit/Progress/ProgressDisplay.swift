import Dispatch
import Foundation

// MARK: - The live progress line

/// The one progress display: a status line on stderr, redrawn in place on a terminal and
/// printed as plain lines when piped, so logs stay short and free of escape sequences.
///
/// Commands draw through it directly (`lesson check` names the running step); a lesson step
/// draws through its context (`ProgressDisplay(context:)`), which the run points at its own
/// display. Views that know what they show (the training line of `LessonWidgets`) format the
/// text and leave drawing, clearing, width and sanitizing to this one type.
///
/// ```swift
/// let display = ProgressDisplay(isTTY: Terminal.isTTY(2), width: Terminal.width(),
///                               write: StandardStreams.err)
/// for (index, file) in files.enumerated() {
///   display.show("reading \(index + 1)/\(files.count) " + ProgressDisplay.bar(fraction: Double(index) / Double(files.count), width: 20))
/// }
/// display.finish("read \(files.count) files")
/// ```
public final class ProgressDisplay {
  /// Where the display goes: a stream (with its TTY-ness), or a step context's progress line.
  private enum Sink {
    case stream(write: (String) -> Void, isTTY: Bool)
    case context(StepContext)
  }

  /// The columns a status may use.
  public let width: Int
  private let sink: Sink
  private var drawn = false

  /// A display writing to `write`; `isTTY` picks redrawing (terminal) or a line per status (piped).
  public init(isTTY: Bool, width: Int = 80, write: @escaping (String) -> Void) {
    self.sink = .stream(write: write, isTTY: isTTY)
    self.width = max(20, width)
  }

  /// A display on the process's stderr, redrawn when stderr is a terminal.
  public static func standardError() -> ProgressDisplay {
    ProgressDisplay(isTTY: Terminal.isTTY(2), width: Terminal.width(), write: StandardStreams.err)
  }

  /// A display shown through a lesson step's `context.progress`, so it appears under the step
  /// on a terminal (redrawn) and as plain lines when the run is piped.
  public init(context: StepContext) {
    self.sink = .context(context)
    self.width = Terminal.width()
  }

  /// Whether `show` redraws one line in place rather than printing a line per call; a view
  /// that updates often shows only its milestones when this is false.
  public var isLive: Bool {
    switch sink {
    case .stream(_, let isTTY): return isTTY
    case .context(let context): return context.progressIsLive
    }
  }

  /// Makes `text` the current status: redrawn in place on a terminal, a line of its own when piped.
  public func show(_ text: String) {
    let clean = Sanitizer.clean(text, singleLine: true)
    switch sink {
    case .stream(let write, true):
      write(TerminalControl.clearLine + String(clean.prefix(width - 1)))
      drawn = true
    case .stream(let write, false):
      write(clean + "\n")
    case .context(let context):
      context.progress(clean)
    }
  }

  /// Writes `text` on a line of its own that stays (an evaluation, a note), clearing a drawn status first.
  public func line(_ text: String) {
    let clean = Sanitizer.clean(text, singleLine: true)
    switch sink {
    case .stream(let write, let isTTY):
      // One write, so nothing can land between the clearing and the line.
      write((isTTY && drawn ? TerminalControl.clearLine : "") + clean + "\n")
      drawn = false
    case .context(let context):
      context.progress(clean)
    }
  }

  /// Removes a drawn status, so what follows starts on a clean line.
  public func clear() {
    if case .stream(let write, true) = sink, drawn { write(TerminalControl.clearLine) }
    drawn = false
  }

  /// Clears the status and, when given, leaves `summary` as the last line.
  public func finish(_ summary: String? = nil) {
    if let summary { line(summary) } else { clear() }
  }

  // MARK: - Parts of a status

  /// `▕█████▌    ▏`: `fraction` of `width` cells filled, to eighth-block precision.
  public static func bar(fraction: Double, width: Int) -> String {
    let width = max(1, width)
    let fraction = fraction.isFinite ? min(1, max(0, fraction)) : 0
    let units = Int((fraction * Double(width * 8)).rounded())
    let eighths = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
    let filled = String(repeating: "█", count: units / 8) + (units / 8 < width ? eighths[units % 8] : "")
    return "▕" + filled + String(repeating: " ", count: max(0, width - displayWidth(filled))) + "▏"
  }

  /// Seconds on the monotonic clock.
  public static func monotonicSeconds() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1e9
  }
}
