import Foundation

/// The learning rate as a function of the step: constant, or nanoGPT's linear warmup then cosine decay.
public enum LearningRateSchedule: Sendable, Equatable {
  case constant(Float)
  /// Warmup lr·(step+1)/(warmup+1) for `warmupSteps`, cosine from `peak` to `minimum` by
  /// `decaySteps`, then `minimum`.
  case warmupCosine(peak: Float, minimum: Float, warmupSteps: Int, decaySteps: Int)

  /// The highest rate over a run of `steps` steps, and the first step that uses it.
  public func peak(over steps: Int) -> (rate: Float, step: Int) {
    var best: (rate: Float, step: Int) = (rate(atStep: 0), 0)
    for step in 1..<max(steps, 1) where rate(atStep: step) > best.rate { best = (rate(atStep: step), step) }
    return best
  }

  /// The learning rate to use at `step` (0-based).
  public func rate(atStep step: Int) -> Float {
    switch self {
    case .constant(let lr):
      return lr
    case .warmupCosine(let peak, let minimum, let warmup, let decay):
      if step < warmup { return peak * Float(step + 1) / Float(warmup + 1) }
      if step > decay || decay <= warmup { return minimum }
      let progress = Double(step - warmup) / Double(decay - warmup)
      let coefficient = Float(0.5 * (1 + cos(Double.pi * progress)))
      return minimum + coefficient * (peak - minimum)
    }
  }
}
