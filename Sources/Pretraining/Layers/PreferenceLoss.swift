import Foundation

/// Direct Preference Optimization's loss (Rafailov et al., 2023) over N preference pairs.
///
/// Its inputs are sequence log-probabilities: for each pair, log π(y_w|x) of the chosen response
/// and log π(y_l|x) of the rejected one, under the policy being trained and under a frozen
/// reference. Both arrays hold 2N values, the chosen responses in 0..<N and the rejected ones in
/// N..<2N, the order ``PreferenceObjective`` lays a batch out in. Like the other layers it is a
/// forward/backward pair on caller-owned buffers.
public enum PreferenceLoss {
  // lesson:begin dpo-loss
  /// Writes each pair's reward margin and returns the mean loss, −log σ(margin), over the pairs.
  ///
  /// A response's implicit reward is β·(log π(y|x) − log π_ref(y|x)); the margin is the chosen
  /// response's reward minus the rejected one's.
  public static func forward(
    margins: UnsafeMutablePointer<Float>, policy: UnsafePointer<Float>, reference: UnsafePointer<Float>,
    beta: Float, pairs: Int
  ) -> Double {
    var total: Double = 0
    for i in 0..<pairs {                                   // chosen at i, rejected at pairs + i
      let chosenReward = Double(beta) * Double(policy[i] - reference[i])
      let rejectedReward = Double(beta) * Double(policy[pairs &+ i] - reference[pairs &+ i])
      let margin = chosenReward - rejectedReward
      margins[i] = Float(margin)
      total += max(-margin, 0) + log1p(exp(-abs(margin)))  // −log σ(m) = log(1 + e^(−m)), computed stably
    }
    return total / Double(max(pairs, 1))
  }
  // lesson:end

  /// Writes dLoss/d(log π) for the 2N policy log-probabilities of the last ``forward``.
  ///
  /// d(−log σ(m))/dm = −σ(−m), and m moves with β·log π(y_w) and against β·log π(y_l), so the
  /// chosen response gets −β·σ(−m)/N and the rejected one +β·σ(−m)/N: a pair the policy already
  /// ranks by a wide margin pushes on neither. The reference gets no gradient (it is frozen).
  public static func backward(
    policyGradient: UnsafeMutablePointer<Float>, margins: UnsafePointer<Float>, beta: Float, pairs: Int
  ) {
    let scale = Double(beta) / Double(max(pairs, 1))
    for i in 0..<pairs {
      let weight = Float(scale / (1 + exp(Double(margins[i]))))  // β·σ(−m)/N
      policyGradient[i] = -weight
      policyGradient[pairs &+ i] = weight
    }
  }
}
