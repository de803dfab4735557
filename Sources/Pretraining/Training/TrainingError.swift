/// Why training stopped early.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
  /// The loss or the gradient norm stopped being a finite number at `step`.
  case nonFinite(step: Int, loss: Float, gradientNorm: Float)
  /// The options cannot describe a run.
  case invalidOptions(String)

  public var description: String {
    switch self {
    case .nonFinite(let step, let loss, let norm):
      let what = loss.isFinite ? "gradient norm became \(norm)" : "loss became \(loss)"
      return "training diverged at step \(step): \(what). Likely causes: a learning rate too high "
        + "for this model (try 3e-4 or lower, or add warmup), or bad data (empty windows, tokens the "
        + "vocabulary does not cover)."
    case .invalidOptions(let detail):
      return "invalid training options: \(detail)"
    }
  }
}
