import LessonKit
import Pretraining

// MARK: - Training progress on LessonKit's bar

extension ProgressBar {
  /// Shows one training step, and the loss estimates when the trainer made them.
  func report(_ progress: TrainingProgress) {
    step(progress.step, loss: Double(progress.loss))
    if let e = progress.evaluation {
      evaluated(step: e.step, trainLoss: Double(e.train), valLoss: Double(e.val))
    }
  }
}
