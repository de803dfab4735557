import Pretraining

// MARK: - What the ignore-index mask does to one forward pass

/// The loss mask measured on a model's last forward pass: its per-position losses and the loss
/// kernel's own gradient with respect to the logits. Both lessons check the same three facts.
struct MaskMeasurement {
  var loss: Double
  /// The mean of the per-position losses over the positions with a target.
  var responseMean: Double
  var maskedCount: Int
  var gradedCount: Int
  var maskedLossesAreZero: Bool
  var maskedGradientsAreZero: Bool
  var gradedGradientsAreNonZero: Bool

  /// Measures `model`'s last forward pass, which must have run with `targets`.
  init(model: MiniGPT, targets: [TokenID]) throws {
    let nll = try model.positionLosses().values
    let v = model.config.vocabSize
    let gradient = try CrossEntropy.lossesAndGradient(
      logits: try model.logits().values, targets: targets, vocabulary: v
    ).logitsGradient
    let masked = targets.indices.filter { targets[$0] == ignoreIndex }
    let graded = targets.indices.filter { targets[$0] != ignoreIndex }
    let rowIsZero = { (r: Int) in gradient[r * v ..< (r + 1) * v].allSatisfy { $0 == 0 } }
    loss = Double(model.loss ?? .nan)
    responseMean = graded.reduce(0.0) { $0 + Double(nll[$1]) } / Double(max(graded.count, 1))
    maskedCount = masked.count
    gradedCount = graded.count
    maskedLossesAreZero = masked.allSatisfy { nll[$0] == 0 }
    maskedGradientsAreZero = masked.allSatisfy(rowIsZero)
    gradedGradientsAreNonZero = !graded.contains(where: rowIsZero)
  }

  /// Whether the loss is the mean over graded positions alone, to float rounding.
  var lossIsResponseMean: Bool { abs(loss - responseMean) <= 1e-6 * max(loss, 1) }
}
