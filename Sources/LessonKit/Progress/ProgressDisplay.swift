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
  /// When set, a status is drawn so that it ends on this row of the screen (1-based) rather than
  /// at the cursor: the interactive run's bottom row, so a status of several lines overlays the
  /// rows above it instead of scrolling the screen.
  public var bottomRow: Int?
  private let sink: Sink
  /// The rows the status drawn last occupies on a terminal; 0 when none is drawn.
  private var drawnRows = 0

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
  public func show(_ text: String) { show(lines: [text]) }

  /// Makes `lines` the current status (a chart above a progress line, say): redrawn in place on
  /// a terminal, each line clipped to the width; piped, only the last line is printed, so logs
  /// hold no drawings.
  public func show(lines: [String]) {
    let clean = lines.map { Sanitizer.clean($0, singleLine: true) }
    guard let last = clean.last else { return clear() }
    switch sink {
    case .stream(let write, true):
      let clipped = clean.map { String($0.prefix(width - 1)) }
      if let bottomRow {
        // Absolute rows: nothing scrolls, and rows no longer covered are blanked.
        let top = max(1, bottomRow - max(clipped.count, drawnRows) + 1)
        let blank = max(0, drawnRows - clipped.count)
        var text = ""
        for (offset, line) in (Array(repeating: "", count: blank) + clipped).enumerated() {
          text += TerminalControl.toRow(top + offset) + TerminalControl.clearLine + line
        }
        write(text)
      } else {
        write((drawnRows > 0 ? TerminalControl.clearLines(drawnRows) : TerminalControl.clearLine) + clipped.joined(separator: "\n"))
      }
      drawnRows = clipped.count
    case .stream(let write, false):
      write(last + "\n")
    case .context(let context):
      context.progress(lines: clean)
    }
  }

  /// Writes `text` on a line of its own that stays (an evaluation, a note), clearing a drawn status first.
  public func line(_ text: String) {
    let clean = Sanitizer.clean(text, singleLine: true)
    switch sink {
    case .stream(let write, let isTTY):
      // One write, so nothing can land between the clearing and the line.
      write((isTTY ? erasure() : "") + clean + "\n")
      drawnRows = 0
    case .context(let context):
      context.progress(clean)
    }
  }

  /// Removes a drawn status, so what follows starts on a clean line.
  public func clear() {
    if case .stream(let write, true) = sink, drawnRows > 0 { write(erasure()) }
    drawnRows = 0
  }

  /// The escapes that erase the drawn status and leave the cursor where its first line began.
  private func erasure() -> String {
    guard drawnRows > 0 else { return "" }
    guard let bottomRow else { return TerminalControl.clearLines(drawnRows) }
    let top = max(1, bottomRow - drawnRows + 1)
    return (top...max(top, bottomRow)).map { TerminalControl.toRow($0) + TerminalControl.clearLine }.joined()
      + TerminalControl.toRow(top)
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
