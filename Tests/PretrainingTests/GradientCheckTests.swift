import Foundation
import Pretraining
import Testing

/// Every layer's backward against central finite differences, then the whole model's.
@Suite struct GradientCheckTests {
  @Test func embeddingBackwardMatchesFiniteDifferences() {
    var g = SeededGenerator(seed: 1)
    let (batch, time, width, vocab) = (2, 3, 4, 5)
    let tokens: [TokenID] = [0, 3, 3, 4, 1, 3]
    let tokenTable = randomSlab(vocab * width, &g)
    let positionTable = randomSlab(time * width, &g)
    let output = FloatSlab(count: batch * time * width)
    let weights = randomSlab(output.count, &g)
    func run() -> Double {
      tokens.withUnsafeBufferPointer { t in
        Embedding.forward(output: output.base, tokens: t.baseAddress!, tokenTable: tokenTable.base,
                          positionTable: positionTable.base, batch: batch, time: time, width: width)
      }
      return weightedSum(output, weights)
    }
    _ = run()
    let dTokens = FloatSlab(count: tokenTable.count)
    let dPositions = FloatSlab(count: positionTable.count)
    tokens.withUnsafeBufferPointer { t in
      Embedding.backward(tokenTableGradient: dTokens.base, positionTableGradient: dPositions.base,
                         outputGradient: weights.base, tokens: t.baseAddress!, batch: batch, time: time, width: width)
    }
    // Token 3 appears three times: its row must collect all three uses.
    expectGradientsMatchFiniteDifferences("token table", slab: tokenTable, analytic: dTokens.toArray(), objective: run)
    expectGradientsMatchFiniteDifferences("position table", slab: positionTable, analytic: dPositions.toArray(), objective: run)
  }

  @Test func layerNormBackwardMatchesFiniteDifferences() {
    var g = SeededGenerator(seed: 2)
    let (rows, width) = (3, 8)
    let input = randomSlab(rows * width, &g, scale: 2)
    let weight = randomSlab(width, &g)
    let bias = randomSlab(width, &g)
    let output = FloatSlab(count: rows * width)
    let mean = FloatSlab(count: rows)
    let rstd = FloatSlab(count: rows)
    let weights = randomSlab(output.count, &g)
    func run() -> Double {
      LayerNorm.forward(output: output.base, mean: mean.base, rstd: rstd.base, input: input.base,
                        weight: weight.base, bias: bias.base, rows: rows, width: width)
      return weightedSum(output, weights)
    }
    _ = run()
    let dInput = FloatSlab(count: input.count)
    let dWeight = FloatSlab(count: width)
    let dBias = FloatSlab(count: width)
    LayerNorm.backward(inputGradient: dInput.base, weightGradient: dWeight.base, biasGradient: dBias.base,
                       outputGradient: weights.base, input: input.base, weight: weight.base,
                       mean: mean.base, rstd: rstd.base, rows: rows, width: width)
    expectGradientsMatchFiniteDifferences("input", slab: input, analytic: dInput.toArray(), objective: run)
    expectGradientsMatchFiniteDifferences("weight", slab: weight, analytic: dWeight.toArray(), objective: run)
    expectGradientsMatchFiniteDifferences("bias", slab: bias, analytic: dBias.toArray(), objective: run)
  }

  @Test func linearBackwardMatchesFiniteDifferences() {
    var g = SeededGenerator(seed: 3)
    let (rows, inputSize, outputSize) = (4, 5, 3)
    let input = randomSlab(rows * inputSize, &g)
    let weight = randomSlab(outputSize * inputSize, &g)
    let bias = randomSlab(outputSize, &g)
    let output = FloatSlab(count: rows * outputSize)
    let weights = randomSlab(output.count, &g)
    func run() -> Double {
      Linear.forward(output: output.base, input: input.base, weight: weight.base, bias: bias.base,
                     rows: rows, inputSize: inputSize, outputSize: outputSize)
      return weightedSum(output, weights)
    }
    _ = run()
    let dInput = FloatSlab(count: input.count)
    let dWeight = FloatSlab(count: weight.count)
    let dBias = FloatSlab(count: outputSize)
    Linear.backward(inputGradient: dInput.base, weightGradient: dWeight.base, biasGradient: dBias.base,
                    outputGradient: weights.base, input: input.base, weight: weight.base,
                    rows: rows, inputSize: inputSize, outputSize: outputSize)
    expectGradientsMatchFiniteDifferences("input", slab: input, analytic: dInput.toArray(), objective: run)
    expectGradientsMatchFiniteDifferences("weight", slab: weight, analytic: dWeight.toArray(), objective: run)
    expectGradientsMatchFiniteDifferences("bias", slab: bias, analytic: dBias.toArray(), objective: run)
  }

  @Test func geluBackwardMatchesFiniteDifferences() {
    var g = SeededGenerator(seed: 4)
    let input = randomSlab(64, &g, scale: 2.5)
    let output = FloatSlab(count: 64)
    let weights = randomSlab(64, &g)
    func run() -> Double {
      GELU.forward(output: output.base, input: input.base, count: 64)
      return weightedSum(output, weights)
    }
    _ = run()
    let dInput = FloatSlab(count: 64)
    GELU.backward(inputGradient: dInput.base, outputGradient: weights.base, input: input.base, count: 64)
    expectGradientsMatchFiniteDifferences("input", slab: input, analytic: dInput.toArray(), objective: run)
  }

  @Test func geluCachedSlopeGivesTheSameGradient() {
    var g = SeededGenerator(seed: 5)
    let input = randomSlab(257, &g, scale: 4)
    let outputGradient = randomSlab(257, &g)
    let plainOutput = FloatSlab(count: 257)
    GELU.forward(output: plainOutput.base, input: input.base, count: 257)
    let recomputed = FloatSlab(count: 257)
    GELU.backward(inputGradient: recomputed.base, outputGradient: outputGradient.base, input: input.base, count: 257)

    // In place, as the model runs it: the slope overwrites the input.
    let slopeInPlace = FloatSlab(count: 257)
    slopeInPlace.copy(from: input.toArray())
    let output = FloatSlab(count: 257)
    GELU.forward(output: output.base, slope: slopeInPlace.base, input: slopeInPlace.base, count: 257)
    #expect(output.toArray() == plainOutput.toArray())
    let cached = FloatSlab(count: 257)
    cached.copy(from: outputGradient.toArray())
    GELU.backward(inputGradient: cached.base, outputGradient: cached.base, slope: slopeInPlace.base, count: 257)
    for (a, b) in zip(cached.toArray(), recomputed.toArray()) {
      #expect(abs(a - b) <= 1e-6 * max(1, abs(b)), "cached \(a) vs recomputed \(b)")
    }
    #expect(slopeInPlace.toArray() != input.toArray())
  }

  @Test func geluIsTheExactErfForm() {
    // x·Φ(x) with erf computed in Double: the fast erf must stay within ~2e-7 of it.
    var worst: Double = 0
    let xs = stride(from: -8.0, through: 8.0, by: 0.01).map { Float($0) }
    let input = FloatSlab(count: xs.count)
    input.copy(from: xs)
    let output = FloatSlab(count: xs.count)
    GELU.forward(output: output.base, input: input.base, count: xs.count)
    for (i, x) in xs.enumerated() {
      let exact = Double(x) * 0.5 * (1 + erf(Double(x) / 2.0.squareRoot()))
      worst = max(worst, abs(Double(output.base[i]) - exact))
    }
    #expect(worst < 1e-6, "fast GELU is off by \(worst)")
    // The tanh approximation is measurably different (~2e-4 at worst); the fixtures need erf.
    let tanhGap = xs.map { x -> Double in
      let v = Double(x)
      let tanhForm = 0.5 * v * (1 + tanh(0.7978845608 * (v + 0.044715 * v * v * v)))
      return abs(tanhForm - v * 0.5 * (1 + erf(v / 2.0.squareRoot())))
    }.max() ?? 0
    #expect(tanhGap > 1e-4 && worst < tanhGap / 100)
  }

  @Test func fastExpMatchesLibm() {
    var worst: Double = 0
    for x in stride(from: -80.0, through: 80.0, by: 0.0137) {
      let fast = Double(FastMath.exp(Float(x)))
      let exact = Foundation.exp(Double(Float(x)))
      worst = max(worst, abs(fast - exact) / exact)
    }
    #expect(worst < 5e-7, "relative error \(worst)")
  }

  /// Row blocks of 2 and 3 split T = 5 unevenly; 8 covers it in one block.
  @Test(arguments: [2, 3, 8])
  func attentionBackwardMatchesFiniteDifferences(rowBlock: Int) {
    var g = SeededGenerator(seed: 5)
    let (batch, time, width, heads) = (2, 5, 6, 2)
    let qkv = randomSlab(batch * time * 3 * width, &g)
    let output = FloatSlab(count: batch * time * width)
    let attention = FloatSlab(count: batch * heads * time * time)
    let weights = randomSlab(output.count, &g)
    func run() -> Double {
      CausalSelfAttention.forward(output: output.base, attention: attention.base, qkv: qkv.base,
                                  batch: batch, time: time, width: width, heads: heads, rowBlock: rowBlock)
      return weightedSum(output, weights)
    }
    _ = run()
    let dQKV = FloatSlab(count: qkv.count)
    dQKV.copy(from: Array(repeating: .nan, count: qkv.count))  // every value must be written
    let scratch = FloatSlab(count: time * time)
    CausalSelfAttention.backward(qkvGradient: dQKV.base, outputGradient: weights.base, qkv: qkv.base,
                                 attention: attention.base, scratch: scratch.base,
                                 batch: batch, time: time, width: width, heads: heads, rowBlock: rowBlock)
    expectGradientsMatchFiniteDifferences("qkv", slab: qkv, analytic: dQKV.toArray(), objective: run)
  }

  @Test func attentionRowBlocksDoNotChangeTheResult() {
    var g = SeededGenerator(seed: 50)
    let (batch, time, width, heads) = (2, 64, 16, 2)
    let qkv = randomSlab(batch * time * 3 * width, &g)
    func outputs(rowBlock: Int) -> ([Float], [Float]) {
      let output = FloatSlab(count: batch * time * width)
      let attention = FloatSlab(count: batch * heads * time * time)
      CausalSelfAttention.forward(output: output.base, attention: attention.base, qkv: qkv.base,
                                  batch: batch, time: time, width: width, heads: heads, rowBlock: rowBlock)
      return (output.toArray(), attention.toArray())
    }
    let (whole, wholeAttention) = outputs(rowBlock: 64)
    let (blocked, blockedAttention) = outputs(rowBlock: 32)
    #expect(maxAbsDifference(whole, blocked) < 1e-6)
    #expect(maxAbsDifference(wholeAttention, blockedAttention) < 1e-6)
  }

  @Test func crossEntropyBackwardMatchesFiniteDifferences() {
    var g = SeededGenerator(seed: 6)
    let (rows, vocab) = (4, 7)
    let logits = randomSlab(rows * vocab, &g, scale: 2)
    let targets: [TokenID] = [3, ignoreIndex, 0, 6]
    let probabilities = FloatSlab(count: logits.count)
    let losses = FloatSlab(count: rows)
    func run() -> Double {
      targets.withUnsafeBufferPointer { t in
        let (sum, count) = CrossEntropy.forward(losses: losses.base, probabilities: probabilities.base,
                                                logits: logits.base, targets: t.baseAddress!, rows: rows, vocabulary: vocab)
        return sum / Double(count)
      }
    }
    _ = run()
    let dLogits = FloatSlab(count: logits.count)
    targets.withUnsafeBufferPointer { t in
      CrossEntropy.backward(logitsGradient: dLogits.base, probabilities: probabilities.base, targets: t.baseAddress!,
                            lossScale: 1.0 / 3.0, rows: rows, vocabulary: vocab)
    }
    expectGradientsMatchFiniteDifferences("logits", slab: logits, analytic: dLogits.toArray(), objective: run)
    // The ignored row has exactly zero gradient.
    #expect((vocab..<(2 * vocab)).allSatisfy { dLogits.base[$0] == 0 })
  }

  @Test func wholeModelGradientMatchesFiniteDifferences() throws {
    let config = try tinyModelConfig()
    let model = try MiniGPT(config: config, seed: 7)
    // Larger weights than the init so every path carries signal.
    var g = SeededGenerator(seed: 8)
    for i in 0..<model.parameterCount { model.parameters.base[i] += g.normal() * 0.2 }
    var batch = randomModelBatch(config, size: 2, seed: 9)
    batch.targets[3] = ignoreIndex
    _ = try model.forward(batch)
    model.zeroGradients()
    try model.backward()
    let analytic = model.gradients.toArray()
    // Every 7th parameter covers every tensor (all are longer than 7 values or start on a multiple).
    let indices = Array(stride(from: 0, to: model.parameterCount, by: 7))
    expectGradientsMatchFiniteDifferences(
      "model", slab: model.parameters, analytic: analytic, indices: indices,
      absoluteTolerance: 5e-4, relativeTolerance: 2e-2
    ) {
      Double((try? model.forward(batch)) ?? .nan)
    }
  }
}
