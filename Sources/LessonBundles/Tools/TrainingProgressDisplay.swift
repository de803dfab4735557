import Dispatch
import Pretraining

/// Live training progress on stderr, kept apart so LessonKit's ProgressBar can replace it.
///
/// On a terminal one line is redrawn in place (`\r`, at most ten times a second and at every
/// evaluation); when stderr is a file or pipe, one plain line is written per evaluation point.
final class TrainingProgressDisplay {
  private let write: (String) -> Void
  private let isTTY: Bool
  private let width: Int
  private let totalSteps: Int
  private var lastDraw: UInt64 = 0
  private var drawn = false
  private var lastEvaluation: LossEstimate?

  init(write: @escaping (String) -> Void, isTTY: Bool, width: Int, totalSteps: Int) {
    self.write = write
    self.isTTY = isTTY
    self.width = width
    self.totalSteps = totalSteps
  }

  /// Shows one finished step.
  func update(_ progress: TrainingProgress) {
    if let evaluation = progress.evaluation { lastEvaluation = evaluation }
    if isTTY {
      let now = DispatchTime.now().uptimeNanoseconds
      guard progress.evaluation != nil || progress.step == totalSteps || now - lastDraw >= 100_000_000 else { return }
      lastDraw = now
      write("\r\u{1B}[2K" + String(line(progress).prefix(max(10, width - 1))))
      drawn = true
    } else if progress.evaluation != nil {
      write(line(progress) + "\n")
    }
  }

  /// A note between updates (e.g. "stopping after this step"), on its own line.
  func note(_ text: String) {
    clear()
    write(text + "\n")
  }

  /// Removes the redrawn line before the final report.
  func clear() {
    if drawn { write("\r\u{1B}[2K") }
    drawn = false
  }

  private func line(_ progress: TrainingProgress) -> String {
    var parts = ["step \(progress.step)/\(totalSteps)", "loss \(Format.fixed(progress.loss, 4))"]
    if let evaluation = lastEvaluation {
      parts.append("val \(Format.fixed(evaluation.val, 4)) (train \(Format.fixed(evaluation.train, 4)) at step \(evaluation.step))")
    }
    parts.append("\(Format.grouped(Int(progress.tokensPerSecond.rounded()))) tok/s")
    return parts.joined(separator: "  ")
  }
}
