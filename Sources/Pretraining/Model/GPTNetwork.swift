/// The GPT network itself: embeddings, blocks, final norm and tied head, run forward and backward
/// over some rows of a batch on its own preallocated activations. `MiniGPT` (the front door) owns
/// the parameters and runs one network per data-parallel worker, each on its slice of the batch.
///
/// Parameters are shared read-only; each replica accumulates into its own gradient slab (replica 0
/// into the model's), which the model then sums. All buffers are sized for a capacity (rows of the
/// batch × context) and reused until a larger batch or context arrives.
final class GPTNetwork: @unchecked Sendable {
  // @unchecked: a replica is used by exactly one worker thread at a time (the model hands replica
  // i to worker i and waits for all workers before touching any replica again).

  /// Pointers to one block's cached activations.
  struct BlockActivations {
    var ln1: UnsafeMutablePointer<Float>
    var ln1Mean: UnsafeMutablePointer<Float>
    var ln1Rstd: UnsafeMutablePointer<Float>
    var qkv: UnsafeMutablePointer<Float>
    var attention: UnsafeMutablePointer<Float>
    var attentionOutput: UnsafeMutablePointer<Float>
    var residualAfterAttention: UnsafeMutablePointer<Float>
    var ln2: UnsafeMutablePointer<Float>
    var ln2Mean: UnsafeMutablePointer<Float>
    var ln2Rstd: UnsafeMutablePointer<Float>
    /// fc's output x until GELU replaces it in place by GELU′(x), all the backward pass needs of it.
    var fc: UnsafeMutablePointer<Float>
    var fcActivated: UnsafeMutablePointer<Float>
    var residualAfterMLP: UnsafeMutablePointer<Float>
  }

  let config: MiniGPTConfig
  let layout: ParameterLayout
  let batchCapacity: Int
  let timeCapacity: Int

  /// Where this replica's parameter gradients accumulate.
  let gradients: UnsafeMutablePointer<Float>
  /// Present when the replica owns its gradient slab (every replica but the first).
  let ownGradients: FloatSlab?

  private let activationSlab: FloatSlab
  private let scratchSlab: FloatSlab
  let tokens: UnsafeMutablePointer<TokenID>
  let targets: UnsafeMutablePointer<TokenID>

  let encoded: UnsafeMutablePointer<Float>
  let blocks: [BlockActivations]
  let finalNorm: UnsafeMutablePointer<Float>
  let finalMean: UnsafeMutablePointer<Float>
  let finalRstd: UnsafeMutablePointer<Float>
  let logits: UnsafeMutablePointer<Float>
  let probabilities: UnsafeMutablePointer<Float>
  let losses: UnsafeMutablePointer<Float>

  private let residualGradient: UnsafeMutablePointer<Float>
  private let normGradient: UnsafeMutablePointer<Float>
  private let attentionOutputGradient: UnsafeMutablePointer<Float>
  private let qkvGradient: UnsafeMutablePointer<Float>
  private let fcGradient: UnsafeMutablePointer<Float>
  private let logitsGradient: UnsafeMutablePointer<Float>
  private let attentionScratch: UnsafeMutablePointer<Float>

  /// The slice of the batch last run: rows and positions.
  var batch = 0
  var time = 0
  /// Results of the last forward pass over this slice.
  var lossSum: Double = 0
  var scoredCount = 0

  var clock = LapClock()
  var profile = PhaseProfile()

  init(config: MiniGPTConfig, layout: ParameterLayout, batchCapacity: Int, timeCapacity: Int,
       sharedGradients: UnsafeMutablePointer<Float>?) {
    self.config = config
    self.layout = layout
    self.batchCapacity = batchCapacity
    self.timeCapacity = timeCapacity
    if let sharedGradients {
      gradients = sharedGradients
      ownGradients = nil
    } else {
      let slab = FloatSlab(count: layout.count)
      ownGradients = slab
      gradients = slab.base
    }
    let d = config.embeddingSize
    let v = config.vocabSize
    let n = batchCapacity * timeCapacity
    let attentionSize = batchCapacity * config.headCount * timeCapacity * timeCapacity
    let perBlock = n * (16 * d + 4) + attentionSize
    let activationCount = n * d + config.layerCount * perBlock + n * (d + 2) + n * (2 * v + 1)
    activationSlab = FloatSlab(count: activationCount)
    var cursor = activationSlab.base
    func take(_ count: Int) -> UnsafeMutablePointer<Float> {
      defer { cursor += count }
      return cursor
    }
    encoded = take(n * d)
    var blocks: [BlockActivations] = []
    for _ in 0..<config.layerCount {
      blocks.append(BlockActivations(
        ln1: take(n * d), ln1Mean: take(n), ln1Rstd: take(n), qkv: take(3 * n * d),
        attention: take(attentionSize), attentionOutput: take(n * d),
        residualAfterAttention: take(n * d), ln2: take(n * d), ln2Mean: take(n), ln2Rstd: take(n),
        fc: take(4 * n * d), fcActivated: take(4 * n * d), residualAfterMLP: take(n * d)))
    }
    self.blocks = blocks
    finalNorm = take(n * d)
    finalMean = take(n)
    finalRstd = take(n)
    logits = take(n * v)
    probabilities = take(n * v)
    losses = take(n)

    let scratchCount = n * d * 3 + 3 * n * d + 4 * n * d + n * v + timeCapacity * timeCapacity
    scratchSlab = FloatSlab(count: scratchCount)
    cursor = scratchSlab.base
    residualGradient = take(n * d)
    normGradient = take(n * d)
    attentionOutputGradient = take(n * d)
    qkvGradient = take(3 * n * d)
    fcGradient = take(4 * n * d)
    logitsGradient = take(n * v)
    attentionScratch = take(timeCapacity * timeCapacity)

    tokens = .allocate(capacity: max(n, 1))
    tokens.initialize(repeating: 0, count: max(n, 1))
    targets = .allocate(capacity: max(n, 1))
    targets.initialize(repeating: ignoreIndex, count: max(n, 1))
  }

  deinit {
    tokens.deallocate()
    targets.deallocate()
  }

  func fits(batch: Int, time: Int) -> Bool {
    batch <= batchCapacity && time <= timeCapacity
  }

  /// The residual stream after the last block.
  private var lastResidual: UnsafeMutablePointer<Float> {
    blocks.last.map { $0.residualAfterMLP } ?? encoded
  }

  // MARK: - Forward

  /// Runs the forward pass over `tokens` (batch × time); with `computeLoss`, also the loss over `targets`.
  func forward(parameters p: UnsafePointer<Float>, batch: Int, time: Int, computeLoss: Bool) {
    self.batch = batch
    self.time = time
    let d = config.embeddingSize
    let n = batch &* time
    let w = layout
    clock.start()
    Embedding.forward(
      output: encoded, tokens: tokens, tokenTable: p + w.tokenEmbedding,
      positionTable: p + w.positionEmbedding, batch: batch, time: time, width: d)
    clock.lap(.embedding, into: &profile.forward)
    var residual = encoded
    for layer in 0..<config.layerCount {
      let o = w.blocks[layer]
      let a = blocks[layer]
      LayerNorm.forward(
        output: a.ln1, mean: a.ln1Mean, rstd: a.ln1Rstd, input: residual,
        weight: p + o.ln1Weight, bias: p + o.ln1Bias, rows: n, width: d)
      clock.lap(.layerNorm, into: &profile.forward)
      Linear.forward(
        output: a.qkv, input: a.ln1, weight: p + o.qkvWeight, bias: p + o.qkvBias,
        rows: n, inputSize: d, outputSize: 3 &* d)
      clock.lap(.linear, into: &profile.forward)
      CausalSelfAttention.forward(
        output: a.attentionOutput, attention: a.attention, qkv: a.qkv,
        batch: batch, time: time, width: d, heads: config.headCount)
      clock.lap(.attention, into: &profile.forward)
      a.residualAfterAttention.update(from: residual, count: n &* d)
      clock.lap(.residual, into: &profile.forward)
      Linear.forward(
        output: a.residualAfterAttention, input: a.attentionOutput, weight: p + o.projWeight,
        bias: p + o.projBias, rows: n, inputSize: d, outputSize: d, accumulate: true)
      clock.lap(.linear, into: &profile.forward)
      LayerNorm.forward(
        output: a.ln2, mean: a.ln2Mean, rstd: a.ln2Rstd, input: a.residualAfterAttention,
        weight: p + o.ln2Weight, bias: p + o.ln2Bias, rows: n, width: d)
      clock.lap(.layerNorm, into: &profile.forward)
      Linear.forward(
        output: a.fc, input: a.ln2, weight: p + o.fcWeight, bias: p + o.fcBias,
        rows: n, inputSize: d, outputSize: 4 &* d)
      clock.lap(.linear, into: &profile.forward)
      GELU.forward(output: a.fcActivated, slope: a.fc, input: a.fc, count: 4 &* n &* d)
      clock.lap(.gelu, into: &profile.forward)
      a.residualAfterMLP.update(from: a.residualAfterAttention, count: n &* d)
      clock.lap(.residual, into: &profile.forward)
      Linear.forward(
        output: a.residualAfterMLP, input: a.fcActivated, weight: p + o.outWeight,
        bias: p + o.outBias, rows: n, inputSize: 4 &* d, outputSize: d, accumulate: true)
      clock.lap(.linear, into: &profile.forward)
      residual = a.residualAfterMLP
    }
    LayerNorm.forward(
      output: finalNorm, mean: finalMean, rstd: finalRstd, input: residual,
      weight: p + w.finalNormWeight, bias: p + w.finalNormBias, rows: n, width: d)
    clock.lap(.layerNorm, into: &profile.forward)
    // The head reuses the token embedding (weight tying): logits = x · tokᵀ, no bias.
    Linear.forward(
      output: logits, input: finalNorm, weight: p + w.tokenEmbedding, bias: nil,
      rows: n, inputSize: d, outputSize: config.vocabSize)
    clock.lap(.linear, into: &profile.forward)
    if computeLoss {
      let result = CrossEntropy.forward(
        losses: losses, probabilities: probabilities, logits: logits, targets: targets,
        rows: n, vocabulary: config.vocabSize)
      lossSum = result.sum
      scoredCount = result.count
    } else {
      lossSum = 0
      scoredCount = 0
    }
    clock.lap(.loss, into: &profile.forward)
    profile.steps += 1
  }

  // MARK: - Backward

  /// Accumulates this slice's parameter gradients, with the loss scaled by `lossScale` (1 / scored positions)
  /// and, with `windowScales`, each window's positions by that window's own weight.
  func backward(parameters p: UnsafePointer<Float>, lossScale: Float, windowScales: UnsafePointer<Float>? = nil) {
    let d = config.embeddingSize
    let v = config.vocabSize
    let n = batch &* time
    let w = layout
    let g = gradients
    clock.start()
    CrossEntropy.backward(
      logitsGradient: logitsGradient, probabilities: probabilities, targets: targets,
      lossScale: lossScale, rows: n, vocabulary: v, windowScales: windowScales, time: time)
    clock.lap(.loss, into: &profile.backward)
    // Tied head: its weight gradient lands in the token embedding's gradient.
    Linear.backward(
      inputGradient: normGradient, weightGradient: g + w.tokenEmbedding, biasGradient: nil,
      outputGradient: logitsGradient, input: finalNorm, weight: p + w.tokenEmbedding,
      rows: n, inputSize: d, outputSize: v)
    clock.lap(.linear, into: &profile.backward)
    residualGradient.update(repeating: 0, count: n &* d)
    LayerNorm.backward(
      inputGradient: residualGradient, weightGradient: g + w.finalNormWeight,
      biasGradient: g + w.finalNormBias, outputGradient: normGradient, input: lastResidual,
      weight: p + w.finalNormWeight, mean: finalMean, rstd: finalRstd, rows: n, width: d)
    clock.lap(.layerNorm, into: &profile.backward)
    // residualGradient holds dLoss/d(residual stream) and flows down through every block's skip path.
    for layer in stride(from: config.layerCount - 1, through: 0, by: -1) {
      let o = w.blocks[layer]
      let a = blocks[layer]
      let blockInput = layer == 0 ? encoded : blocks[layer - 1].residualAfterMLP
      Linear.backward(
        inputGradient: fcGradient, weightGradient: g + o.outWeight, biasGradient: g + o.outBias,
        outputGradient: residualGradient, input: a.fcActivated, weight: p + o.outWeight,
        rows: n, inputSize: 4 &* d, outputSize: d)
      clock.lap(.linear, into: &profile.backward)
      GELU.backward(inputGradient: fcGradient, outputGradient: fcGradient, slope: a.fc, count: 4 &* n &* d)
      clock.lap(.gelu, into: &profile.backward)
      Linear.backward(
        inputGradient: normGradient, weightGradient: g + o.fcWeight, biasGradient: g + o.fcBias,
        outputGradient: fcGradient, input: a.ln2, weight: p + o.fcWeight,
        rows: n, inputSize: d, outputSize: 4 &* d)
      clock.lap(.linear, into: &profile.backward)
      LayerNorm.backward(
        inputGradient: residualGradient, weightGradient: g + o.ln2Weight, biasGradient: g + o.ln2Bias,
        outputGradient: normGradient, input: a.residualAfterAttention, weight: p + o.ln2Weight,
        mean: a.ln2Mean, rstd: a.ln2Rstd, rows: n, width: d)
      clock.lap(.layerNorm, into: &profile.backward)
      Linear.backward(
        inputGradient: attentionOutputGradient, weightGradient: g + o.projWeight,
        biasGradient: g + o.projBias, outputGradient: residualGradient, input: a.attentionOutput,
        weight: p + o.projWeight, rows: n, inputSize: d, outputSize: d)
      clock.lap(.linear, into: &profile.backward)
      CausalSelfAttention.backward(
        qkvGradient: qkvGradient, outputGradient: attentionOutputGradient, qkv: a.qkv,
        attention: a.attention, scratch: attentionScratch,
        batch: batch, time: time, width: d, heads: config.headCount)
      clock.lap(.attention, into: &profile.backward)
      Linear.backward(
        inputGradient: normGradient, weightGradient: g + o.qkvWeight, biasGradient: g + o.qkvBias,
        outputGradient: qkvGradient, input: a.ln1, weight: p + o.qkvWeight,
        rows: n, inputSize: d, outputSize: 3 &* d)
      clock.lap(.linear, into: &profile.backward)
      LayerNorm.backward(
        inputGradient: residualGradient, weightGradient: g + o.ln1Weight, biasGradient: g + o.ln1Bias,
        outputGradient: normGradient, input: blockInput, weight: p + o.ln1Weight,
        mean: a.ln1Mean, rstd: a.ln1Rstd, rows: n, width: d)
      clock.lap(.layerNorm, into: &profile.backward)
    }
    Embedding.backward(
      tokenTableGradient: g + w.tokenEmbedding, positionTableGradient: g + w.positionEmbedding,
      outputGradient: residualGradient, tokens: tokens, batch: batch, time: time, width: d)
    clock.lap(.embedding, into: &profile.backward)
  }
}
