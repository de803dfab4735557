// MARK: - Cross-entropy on arrays

extension CrossEntropy {
  /// Per-row losses and dLoss/dlogits for `rows × vocabulary` logits, through the same kernels training uses.
  ///
  /// For inspecting the loss outside a training step (the lessons show that masked rows get no
  /// loss and no gradient); the loss is the mean over rows whose target is not ``ignoreIndex``.
  /// - Throws: ``ModelError/shapeMismatch(_:)`` when `logits` is not `targets.count × vocabulary`.
  public static func lossesAndGradient(
    logits: [Float], targets: [TokenID], vocabulary: Int
  ) throws -> (losses: [Float], logitsGradient: [Float]) {
    let rows = targets.count
    guard vocabulary > 0, logits.count == rows * vocabulary else {
      throw ModelError.shapeMismatch("\(logits.count) logits are not \(rows) rows of \(vocabulary)")
    }
    if let bad = targets.first(where: { $0 != ignoreIndex && ($0 < 0 || Int($0) >= vocabulary) }) {
      throw ModelError.shapeMismatch("target \(bad) is outside a vocabulary of \(vocabulary)")
    }
    var probabilities = [Float](repeating: 0, count: rows * vocabulary)
    var losses = [Float](repeating: 0, count: rows)
    var gradient = [Float](repeating: 0, count: rows * vocabulary)
    logits.withUnsafeBufferPointer { z in
      targets.withUnsafeBufferPointer { y in
        probabilities.withUnsafeMutableBufferPointer { p in
          losses.withUnsafeMutableBufferPointer { l in
            gradient.withUnsafeMutableBufferPointer { d in
              guard let z = z.baseAddress, let y = y.baseAddress, let p = p.baseAddress,
                let l = l.baseAddress, let d = d.baseAddress
              else { return }
              let scored = forward(losses: l, probabilities: p, logits: z, targets: y, rows: rows, vocabulary: vocabulary)
              backward(
                logitsGradient: d, probabilities: p, targets: y, lossScale: 1 / Float(max(scored.count, 1)),
                rows: rows, vocabulary: vocabulary)
            }
          }
        }
      }
    }
    return (losses, gradient)
  }
}
