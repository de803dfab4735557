import LessonKit

/// Thrown by the batch source to stop a training run between steps.
struct TrainingInterrupted: Error {
  let signal: InterruptSignal
}
