import Foundation

/// Softmax cross-entropy over the vocabulary, skipping positions whose target is ``ignoreIndex``.
public enum CrossEntropy {
  // lesson:begin cross-entropy
  /// Fills `probabilities` with softmax(logits) per row and `losses` with each row's NLL.
  ///
  /// Rows whose target is ``ignoreIndex`` get loss 0. Returns the NLL summed over scored rows
  /// (in Double) and how many rows were scored; the mean loss is `sum / count`.
  @discardableResult
  public static func forward(
    losses: UnsafeMutablePointer<Float>, probabilities: UnsafeMutablePointer<Float>,
    logits: UnsafePointer<Float>, targets: UnsafePointer<TokenID>, rows: Int, vocabulary: Int
  ) -> (sum: Double, count: Int) {
    var total: Double = 0
    var scored = 0
    for r in 0..<rows {  // one row per (b, t) position: its V scores and its target class
      let z = logits + r &* vocabulary
      let p = probabilities + r &* vocabulary
      let maximum = VectorMath.maximum(z, count: vocabulary)
      let sum = FastMath.expAndSum(p, z, shift: maximum, count: vocabulary)  // p = e^(z − max), sum = Σ p
      for v in 0..<vocabulary { p[v] /= sum }                                  // p = softmax(z)
      let target = targets[r]
      if target == ignoreIndex {
        losses[r] = 0  // no loss (and, in backward, no gradient) here
        continue
      }
      // −log softmax(z)[target] = log Σ e^(z − max) − (z[target] − max)
      losses[r] = Float(log(Double(sum))) - (z[Int(target)] - maximum)
      total += Double(losses[r])
      scored += 1
    }
    return (total, scored)  // the mean loss is total / scored
  }
  // lesson:end

  /// Writes dlogits = (softmax − onehot(target)) · lossScale per row, and zero at ignored rows.
  ///
  /// `lossScale` is 1 / (number of scored positions in the whole batch), the mean's derivative.
  /// With `windowScales`, row r's scale is `lossScale · windowScales[r / time]`: each window of
  /// `time` rows gets its own weight, as a loss over whole sequences (``PreferenceLoss``) needs.
  public static func backward(
    logitsGradient: UnsafeMutablePointer<Float>, probabilities: UnsafePointer<Float>,
    targets: UnsafePointer<TokenID>, lossScale: Float, rows: Int, vocabulary: Int,
    windowScales: UnsafePointer<Float>? = nil, time: Int = 1
  ) {
    for r in 0..<rows {
      let p = probabilities + r &* vocabulary
      let d = logitsGradient + r &* vocabulary
      let target = targets[r]
      if target == ignoreIndex {
        d.update(repeating: 0, count: vocabulary)
        continue
      }
      let scale = windowScales.map { lossScale * $0[r / time] } ?? lossScale
      for v in 0..<vocabulary { d[v] = p[v] * scale }
      d[Int(target)] -= scale
    }
  }
}
