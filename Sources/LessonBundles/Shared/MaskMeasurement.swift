import LessonKit
import Pretraining

// MARK: - What the ignore-index mask does to one forward pass

/// The loss mask measured on one forward pass: its per-position losses and the loss
/// kernel's own gradient with respect to the logits. Both lessons check the same three facts.
struct MaskMeasurement {
  let inputs: [TokenID]
  let targets: [TokenID]
  /// Each position's loss: 0 where the target is ``ignoreIndex``.
  let nll: [Float]
  var loss: Double
  /// The mean of the per-position losses over the positions with a target.
  var responseMean: Double
  var maskedCount: Int { targets.count - gradedCount }
  var gradedCount: Int { targets.filter { $0 != ignoreIndex }.count }
  var maskedLossesAreZero: Bool
  var maskedGradientsAreZero: Bool
  var gradedGradientsAreNonZero: Bool

  /// Measures a forward pass that ran with `targets`.
  init(_ pass: ForwardPass, inputs: [TokenID], targets: [TokenID]) throws {
    let nll = try pass.positionLosses().values
    (self.inputs, self.targets, self.nll) = (inputs, targets, nll)
    let logits = try pass.logits()
    let v = logits.shape[2]
    let gradient = try CrossEntropy.lossesAndGradient(logits: logits.values, targets: targets, vocabulary: v).logitsGradient
    let masked = targets.indices.filter { targets[$0] == ignoreIndex }
    let graded = targets.indices.filter { targets[$0] != ignoreIndex }
    let rowIsZero = { (r: Int) in gradient[r * v ..< (r + 1) * v].allSatisfy { $0 == 0 } }
    loss = Double(try pass.loss)
    responseMean = graded.reduce(0.0) { $0 + Double(nll[$1]) } / Double(max(graded.count, 1))
    maskedLossesAreZero = masked.allSatisfy { nll[$0] == 0 }
    maskedGradientsAreZero = masked.allSatisfy(rowIsZero)
    gradedGradientsAreNonZero = !graded.contains(where: rowIsZero)
  }

  /// Whether the loss is the mean over graded positions alone, to float rounding.
  var lossIsResponseMean: Bool { abs(loss - responseMean) <= 1e-6 * max(loss, 1) }

  /// Shows the first `positions` of the pass (t, input, target and loss; −100 and — where masked),
  /// then the loss and the mean over the graded positions, which the mask makes equal.
  func report(_ title: String, positions: Int, tokenizer: CharTokenizer, to context: StepContext) {
    context.table(title, headers: ["t", "input", "target", "loss"], rows: (0..<positions).map { t in
      let masked = targets[t] == ignoreIndex
      return ["\(t)", tokenizer.visible(inputs[t]), masked ? "−100" : tokenizer.visible(targets[t]), masked ? "—" : fixed(Double(nll[t]), 3)]
    })
    context.scalar("loss", loss)
    context.scalar("mean over the \(gradedCount) graded positions", responseMean)
  }

  /// Records the two facts both lessons claim, under each lesson's names: masked positions cost
  /// nothing (loss 0 and logit gradient 0), and the loss is the mean over the graded positions alone.
  func measure(maskedAreFree: String, lossIsResponseMean: String, in context: StepContext) {
    context.measure(
      maskedAreFree, maskedLossesAreZero && maskedGradientsAreZero,
      detail: "\(maskedCount) masked positions: loss 0 and every logit gradient 0")
    context.measure(
      lossIsResponseMean, self.lossIsResponseMean,
      detail: "loss \(fixed(loss, 6)), mean over the graded positions \(fixed(responseMean, 6))")
  }
}
