/// DPO as a training objective: the ``Trainer``'s loop, with ``PreferenceLoss`` in place of the
/// next-token loss.
///
/// A batch holds 2N windows: the N chosen responses in rows 0..<N, then the N rejected ones in
/// the same order, each with its prompt masked, so a window's ``ForwardPass/sequenceLogProbabilities(into:)``
/// is log π(response | prompt). Each forward pass scores the batch under the frozen reference and
/// under the policy; backward sends dLoss/d(log π) into the policy alone. Every buffer is sized for
/// the largest batch seen and reused, so a training step allocates nothing.
/// A preference batch's DPO loss with what it is made of (``PreferenceObjective/scores(_:)``).
public struct PreferenceScores: Sendable, Equatable {
  /// The mean DPO loss over the pairs.
  public var loss: Float
  /// β·[(log π − log π_ref)(chosen) − (log π − log π_ref)(rejected)], per pair.
  public var margins: [Float]
  /// log π(response | prompt) of every window under the policy: the chosen responses, then the rejected ones.
  public var policy: [Float]
  /// The same under the reference.
  public var reference: [Float]
}

public final class PreferenceObjective: TrainingObjective {
  /// The model being trained.
  public let policy: MiniGPT
  /// The frozen model the policy's rewards are measured against; never given a gradient.
  public let reference: MiniGPT
  /// How strongly the loss holds the policy to the reference: the rewards are β·log(π/π_ref).
  public let beta: Float

  private var policyLogProbabilities = FloatSlab(count: 0)
  private var referenceLogProbabilities = FloatSlab(count: 0)
  private var gradients = FloatSlab(count: 0)
  private var margins = FloatSlab(count: 0)
  /// Pairs in the latest forward pass (N), which backward differentiates.
  private var pairs = 0

  /// - Throws: ``TrainingError/invalidOptions(_:)`` when the two models differ in shape or are
  ///   the same object, or β is not a positive finite number.
  public init(policy: MiniGPT, reference: MiniGPT, beta: Float) throws {
    guard policy !== reference, policy.config == reference.config else {
      throw TrainingError.invalidOptions("DPO needs a policy and a separate reference model of the same shape")
    }
    guard beta > 0, beta.isFinite else { throw TrainingError.invalidOptions("β must be a positive number, not \(beta)") }
    (self.policy, self.reference, self.beta) = (policy, reference, beta)
  }

  public var trainedModel: MiniGPT { policy }

  /// Scores the batch's 2N responses under both models and returns the mean DPO loss.
  ///
  /// - Throws: ``ModelError/shapeMismatch(_:)`` for a batch with an odd number of windows; the models' errors.
  public func forward(_ batch: TokenBatch) throws -> Float {
    guard batch.size >= 2, batch.size % 2 == 0 else {
      throw ModelError.shapeMismatch("a preference batch holds chosen and rejected windows in equal numbers, not \(batch.size)")
    }
    reserve(windows: batch.size)
    pairs = batch.size / 2
    // Each model's log-probabilities are read right after its own pass (the allocation-free reading).
    _ = try reference.forward(batch)
    reference.writeSequenceLogProbabilities(into: referenceLogProbabilities.base)
    _ = try policy.forward(batch)
    policy.writeSequenceLogProbabilities(into: policyLogProbabilities.base)
    return Float(PreferenceLoss.forward(
      margins: margins.base, policy: policyLogProbabilities.base, reference: referenceLogProbabilities.base,
      beta: beta, pairs: pairs))
  }

  public func backward() throws {
    PreferenceLoss.backward(policyGradient: gradients.base, margins: margins.base, beta: beta, pairs: pairs)
    try policy.backward(logProbabilityGradients: gradients.base)
  }

  /// The DPO loss of `batch` and what it is made of, for inspection (not hot paths).
  public func scores(_ batch: TokenBatch) throws -> PreferenceScores {
    let loss = try forward(batch)
    let windows = batch.size
    return PreferenceScores(
      loss: loss, margins: Array(margins.toArray().prefix(pairs)),
      policy: Array(policyLogProbabilities.toArray().prefix(windows)),
      reference: Array(referenceLogProbabilities.toArray().prefix(windows)))
  }

  /// Grows the buffers when a batch has more windows than any before it.
  private func reserve(windows: Int) {
    guard windows > gradients.count else { return }
    policyLogProbabilities = FloatSlab(count: windows)
    referenceLogProbabilities = FloatSlab(count: windows)
    gradients = FloatSlab(count: windows)
    margins = FloatSlab(count: windows / 2)
  }
}
