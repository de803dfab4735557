/// What one forward pass computed: its loss, and views of the logits, per-position losses and
/// attention it left in the model's buffers.
///
/// ``MiniGPT/forwardPass(inputs:targets:batchSize:)`` returns it. The model keeps one set of
/// preallocated activations (llm.c style, so a training step allocates nothing), and the next
/// forward pass overwrites them: reading a pass after its model has run again throws
/// ``ModelError/staleForwardPass`` instead of returning another batch's numbers.
public struct ForwardPass {
  private let model: MiniGPT
  /// The model's pass count at this pass: its buffers still hold this pass while the counts agree.
  private let number: UInt64
  /// The shape of the model that ran the pass.
  public var config: MiniGPTConfig { model.config }
  /// Windows (B) in the batch.
  public let batchSize: Int
  /// Positions per window (T).
  public let time: Int
  /// The mean loss, nil for a pass without targets.
  private let meanLoss: Float?
  /// Positions that were scored (target ≠ ``ignoreIndex``); 0 without targets.
  public let scoredPositions: Int

  init(model: MiniGPT, number: UInt64, batchSize: Int, time: Int, loss: Float?, scoredPositions: Int) {
    (self.model, self.number) = (model, number)
    (self.batchSize, self.time, meanLoss, self.scoredPositions) = (batchSize, time, loss, scoredPositions)
  }

  /// Mean cross-entropy over the scored positions (0 when none were); throws ``ModelError/noTargets``
  /// for a pass run without targets.
  public var loss: Float {
    get throws {
      guard let meanLoss else { throw ModelError.noTargets }
      return meanLoss
    }
  }

  /// Throws unless the model's buffers still hold this pass.
  private func current() throws -> MiniGPT {
    guard model.passes == number else { throw ModelError.staleForwardPass }
    return model
  }

  /// Throws unless this pass had targets (and so per-position losses) and is current.
  private func scored() throws -> MiniGPT {
    guard meanLoss != nil else { throw ModelError.noTargets }
    return try current()
  }

  /// The logits, shape (B, T, V).
  public func logits() throws -> Tensor {
    let model = try current()
    let v = model.config.vocabSize
    var values: [Float] = []
    values.reserveCapacity(batchSize * time * v)
    for b in 0..<batchSize {
      let (replica, row) = try model.locate(batch: b)
      values.append(contentsOf: UnsafeBufferPointer(start: replica.logits + row * time * v, count: time * v))
    }
    return Tensor(uncheckedShape: [batchSize, time, v], values: values)
  }

  /// The V logits at one (window, position).
  public func logits(batch b: Int, position t: Int) throws -> [Float] {
    let model = try current()
    let (replica, row) = try model.locate(batch: b)
    guard t >= 0 && t < time else { throw ModelError.indexOutOfRange("position \(t) of \(time)") }
    let v = model.config.vocabSize
    return Array(UnsafeBufferPointer(start: replica.logits + (row * time + t) * v, count: v))
  }

  /// Per-position negative log-likelihood, shape (B, T); positions whose target is ``ignoreIndex`` hold 0.
  public func positionLosses() throws -> Tensor {
    let model = try scored()
    var values: [Float] = []
    values.reserveCapacity(batchSize * time)
    for b in 0..<batchSize {
      let (replica, row) = try model.locate(batch: b)
      values.append(contentsOf: UnsafeBufferPointer(start: replica.losses + row * time, count: time))
    }
    return Tensor(uncheckedShape: [batchSize, time], values: values)
  }

  /// For each window b, log p(its scored targets): −Σ_t NLL over the positions whose target is
  /// not ``ignoreIndex``, written into `output` (``batchSize`` values).
  ///
  /// With the prompt masked (``ChatTemplate/example(prompt:response:tokenizer:)``) this is the
  /// log-probability of the whole response given the prompt, from the same next-token loss.
  public func sequenceLogProbabilities(into output: UnsafeMutablePointer<Float>) throws {
    try scored().writeSequenceLogProbabilities(into: output)
  }

  /// ``sequenceLogProbabilities(into:)`` as an array of ``batchSize`` values (for inspection, not hot paths).
  public func sequenceLogProbabilities() throws -> [Float] {
    let values = FloatSlab(count: batchSize)
    try sequenceLogProbabilities(into: values.base)
    return values.toArray()
  }

  /// One head's attention probabilities, shape (T, T): row t is how position t spreads its
  /// attention over positions 0...t (entries above the diagonal are 0).
  public func attentionWeights(layer: Int, batch b: Int, head: Int) throws -> Tensor {
    let model = try current()
    let config = model.config
    guard layer >= 0 && layer < config.layerCount else {
      throw ModelError.indexOutOfRange("layer \(layer) of \(config.layerCount)")
    }
    guard head >= 0 && head < config.headCount else {
      throw ModelError.indexOutOfRange("head \(head) of \(config.headCount)")
    }
    let (replica, row) = try model.locate(batch: b)
    let base = replica.blocks[layer].attention + (row * config.headCount + head) * time * time
    return Tensor(uncheckedShape: [time, time], values: Array(UnsafeBufferPointer(start: base, count: time * time)))
  }
}
