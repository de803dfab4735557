import Foundation
import Pretraining
import Testing

/// Properties the model must have whatever its weights: counts, causality, ignored targets, normalization.
@Suite struct ModelPropertyTests {
  @Test func lessonConfigParameterCountsMatchTheNotes() throws {
    let config = try MiniGPTConfig.lesson(vocabSize: 65)
    let model = try MiniGPT(config: config, seed: 1)
    #expect(model.parameterCount == 809_856)
    #expect(model.nonEmbeddingParameterCount == 793_344)
    // Decay groups by nanoGPT's rule: 2-D tensors decay, the rest do not.
    let decayed = model.layout.entries.filter(\.isDecayed)
    let kept = model.layout.entries.filter { !$0.isDecayed }
    #expect(decayed.count == 18 && decayed.map(\.count).reduce(0, +) == 128 * 65 + 794_624)
    #expect(kept.count == 34 && kept.map(\.count).reduce(0, +) == 6_912)
  }

  @Test func namesFollowThePyTorchStateDict() throws {
    let model = try MiniGPT(config: try tinyModelConfig(), seed: 1)
    let names = model.namedParameters.map(\.name)
    #expect(names.prefix(4) == ["tok.weight", "pos.weight", "blocks.0.ln1.weight", "blocks.0.ln1.bias"])
    #expect(names.suffix(2) == ["ln.weight", "ln.bias"])
    #expect(!names.contains("head.weight"))
    #expect(try model.parameter(named: "blocks.1.qkv.weight").shape == [48, 16])
    #expect(try model.parameter(named: "blocks.1.out.weight").shape == [16, 64])
  }

  @Test func initializationFollowsNanoGPT() throws {
    let config = try MiniGPTConfig.lesson(vocabSize: 65)
    let model = try MiniGPT(config: config, seed: 3)
    func std(_ name: String) throws -> Double {
      let v = try model.parameter(named: name).values.map(Double.init)
      let mean = v.reduce(0, +) / Double(v.count)
      return (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(v.count)).squareRoot()
    }
    #expect(abs(try std("blocks.0.fc.weight") - 0.02) < 0.001)
    #expect(abs(try std("blocks.2.out.weight") - 0.02 / 8.0.squareRoot()) < 0.0005)
    #expect(abs(try std("blocks.3.proj.weight") - 0.02 / 8.0.squareRoot()) < 0.0005)
    #expect(try model.parameter(named: "blocks.0.qkv.bias").values.allSatisfy { $0 == 0 })
    #expect(try model.parameter(named: "ln.weight").values.allSatisfy { $0 == 1 })
  }

  @Test func sameSeedSameWeightsDifferentSeedDifferentWeights() throws {
    let config = try tinyModelConfig()
    let a = try MiniGPT(config: config, seed: 5).parameters.toArray()
    let b = try MiniGPT(config: config, seed: 5).parameters.toArray()
    let c = try MiniGPT(config: config, seed: 6).parameters.toArray()
    #expect(a == b)
    #expect(a != c)
  }

  @Test func invalidConfigurationsThrowClearErrors() {
    #expect(throws: MiniGPTConfigError.headsDoNotDivideWidth(embeddingSize: 10, headCount: 4)) {
      try MiniGPTConfig(vocabSize: 5, contextLength: 4, embeddingSize: 10, layerCount: 1, headCount: 4)
    }
    #expect(throws: MiniGPTConfigError.self) {
      try MiniGPTConfig(vocabSize: 5, contextLength: 0, embeddingSize: 8, layerCount: 1, headCount: 2)
    }
    #expect(throws: MiniGPTConfigError.vocabularyTooSmall(1)) {
      try MiniGPTConfig(vocabSize: 1, contextLength: 4, embeddingSize: 8, layerCount: 1, headCount: 2)
    }
    #expect(throws: MiniGPTConfigError.self) {
      try MiniGPTConfig(vocabSize: MiniGPTConfig.maximumVocabSize + 1, contextLength: 4, embeddingSize: 8, layerCount: 1, headCount: 2)
    }
    #expect(throws: MiniGPTConfigError.self) {
      try MiniGPTConfig(vocabSize: 5, contextLength: 4, embeddingSize: 8, layerCount: 0, headCount: 2)
    }
    let message = MiniGPTConfigError.headsDoNotDivideWidth(embeddingSize: 10, headCount: 4).description
    #expect(message.contains("10") && message.contains("4"))
  }

  @Test func badInputsThrowInsteadOfTrapping() throws {
    let config = try tinyModelConfig()
    let model = try MiniGPT(config: config, seed: 1)
    #expect(throws: ModelError.tokenOutOfRange(token: 11, index: 1, vocabSize: 11)) {
      try model.forwardPass(inputs: [0, 11], targets: nil, batchSize: 1)
    }
    #expect(throws: ModelError.contextTooLong(time: 9, contextLength: 8)) {
      try model.forwardPass(inputs: Array(repeating: 0, count: 9), targets: nil, batchSize: 1)
    }
    #expect(throws: ModelError.self) { try model.forwardPass(inputs: [0, 1, 2], targets: nil, batchSize: 2) }
    #expect(throws: ModelError.self) { try model.forwardPass(inputs: [0, 1], targets: [1, -5], batchSize: 1) }
    #expect(throws: ModelError.noForwardPass) { try model.backward() }
    #expect(throws: ModelError.unknownParameter("head.bias")) { try model.parameter(named: "head.bias") }
  }

  @Test func initialLossIsNearLogVocabulary() throws {
    let config = try MiniGPTConfig.lesson(vocabSize: 65)
    let model = try MiniGPT(config: config, seed: 1337)
    let loss = try model.forward(randomModelBatch(config, size: 4, seed: 2))
    #expect(abs(Double(loss) - log(65.0)) < 0.1, "initial loss \(loss) vs ln 65 = \(log(65.0))")
  }

  @Test func logitsAtOrBeforeAPositionIgnoreLaterTokens() throws {
    let config = try tinyModelConfig()
    let model = try MiniGPT(config: config, seed: 11)
    let batch = randomModelBatch(config, size: 1, seed: 12)
    let t = 4
    let before = try model.forwardPass(inputs: batch.inputs, targets: nil, batchSize: 1).logits()
    var changed = batch.inputs
    for i in (t + 1)..<changed.count { changed[i] = (changed[i] + 1) % TokenID(config.vocabSize) }
    let after = try model.forwardPass(inputs: changed, targets: nil, batchSize: 1).logits()
    let v = config.vocabSize
    let prefix = 0..<((t + 1) * v)
    #expect(maxAbsDifference(Array(before.values[prefix]), Array(after.values[prefix])) <= 1e-6)
    // The later positions did see the change, so the test can tell a leaking mask from a dead one.
    let suffix = ((t + 1) * v)..<before.values.count
    #expect(maxAbsDifference(Array(before.values[suffix]), Array(after.values[suffix])) > 1e-3)
  }

  @Test func ignoredPositionsContributeNoLossAndNoGradient() throws {
    let config = try tinyModelConfig()
    let model = try MiniGPT(config: config, seed: 13)
    var batch = randomModelBatch(config, size: 2, seed: 14)
    // Window 1 is fully ignored: the model must behave as if only window 0 existed.
    for i in config.contextLength..<(2 * config.contextLength) { batch.targets[i] = ignoreIndex }
    let pass = try model.forwardPass(batch)
    let loss = try pass.loss
    model.zeroGradients()
    try model.backward()
    let both = model.gradients.toArray()
    let losses = try pass.positionLosses()
    #expect((0..<config.contextLength).allSatisfy { losses[1, $0] == 0 })
    let scoredMean = (0..<config.contextLength).map { Double(losses[0, $0]) }.reduce(0, +) / Double(config.contextLength)
    #expect(abs(Double(loss) - scoredMean) < 1e-5)

    let single = TokenBatch(size: 1, context: config.contextLength,
                            inputs: Array(batch.inputs.prefix(config.contextLength)),
                            targets: Array(batch.targets.prefix(config.contextLength)))
    let singleLoss = try model.forward(single)
    model.zeroGradients()
    try model.backward()
    #expect(abs(singleLoss - loss) < 1e-6)
    #expect(maxAbsDifference(both, model.gradients.toArray()) < 1e-6)
    #expect(model.gradientNorm > 1e-3)
  }

  @Test func attentionRowsAreCausalDistributions() throws {
    let config = try tinyModelConfig()
    let model = try MiniGPT(config: config, seed: 15, threads: 2)
    let pass = try model.forwardPass(randomModelBatch(config, size: 3, seed: 16))
    let weights = try pass.attentionWeights(layer: 1, batch: 2, head: 1)
    #expect(weights.shape == [8, 8])
    for t in 0..<8 {
      let row = (0..<8).map { weights[t, $0] }
      #expect(abs(row.reduce(0, +) - 1) < 1e-5)
      #expect(row[(t + 1)...].allSatisfy { $0 == 0 })
      #expect(row[...t].allSatisfy { $0 > 0 })
    }
    #expect(throws: ModelError.self) { try pass.attentionWeights(layer: 2, batch: 0, head: 0) }
  }

  @Test func layerNormRowsHaveZeroMeanAndUnitVariance() {
    var g = SeededGenerator(seed: 17)
    let (rows, width) = (5, 32)
    let input = randomSlab(rows * width, &g, scale: 3)
    let ones = FloatSlab(count: width)
    ones.copy(from: Array(repeating: 1, count: width))
    let zeros = FloatSlab(count: width)
    let output = FloatSlab(count: rows * width)
    let mean = FloatSlab(count: rows), rstd = FloatSlab(count: rows)
    LayerNorm.forward(output: output.base, mean: mean.base, rstd: rstd.base, input: input.base,
                      weight: ones.base, bias: zeros.base, rows: rows, width: width)
    for r in 0..<rows {
      let row = (0..<width).map { Double(output.base[r * width + $0]) }
      let m = row.reduce(0, +) / Double(width)
      let variance = row.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(width)
      #expect(abs(m) < 1e-5 && abs(variance - 1) < 1e-3)
    }
  }

  @Test func shorterContextsAndBatchesReuseTheModel() throws {
    let config = try tinyModelConfig()
    let model = try MiniGPT(config: config, seed: 18)
    let full = randomModelBatch(config, size: 4, seed: 19)
    let loss = try model.forward(full)
    let short = try model.forwardPass(randomModelBatch(config, size: 1, seed: 20, time: 3))
    #expect(try short.logits().shape == [1, 3, 11])
    #expect(try short.attentionWeights(layer: 0, batch: 0, head: 0).shape == [3, 3])
    #expect(try model.forward(full) == loss)
  }

  @Test func aPassReadAfterTheModelRanAgainThrowsInsteadOfShowingAnotherBatch() throws {
    let config = try tinyModelConfig()
    let model = try MiniGPT(config: config, seed: 21, threads: 2)
    let first = try model.forwardPass(randomModelBatch(config, size: 2, seed: 22))
    let logits = try first.logits()
    let loss = try first.loss
    #expect(try first.positionLosses().shape == [2, config.contextLength])
    _ = try model.forward(randomModelBatch(config, size: 2, seed: 23))
    // The buffers now hold the second batch: every view of the first pass refuses to read them.
    #expect(throws: ModelError.staleForwardPass) { try first.logits() }
    #expect(throws: ModelError.staleForwardPass) { try first.logits(batch: 0, position: 0) }
    #expect(throws: ModelError.staleForwardPass) { try first.positionLosses() }
    #expect(throws: ModelError.staleForwardPass) { try first.sequenceLogProbabilities() }
    #expect(throws: ModelError.staleForwardPass) { try first.attentionWeights(layer: 0, batch: 0, head: 0) }
    #expect(try first.loss == loss, "the loss is a value of the pass, not a view")
    // A rejected batch runs nothing, so a current pass stays readable.
    let again = try model.forwardPass(randomModelBatch(config, size: 2, seed: 22))
    #expect(throws: ModelError.self) { try model.forwardPass(inputs: [0, 99], targets: nil, batchSize: 1) }
    #expect(try again.logits().values.map(\.bitPattern) == logits.values.map(\.bitPattern))
    let unscored = try model.forwardPass(inputs: [0, 1, 2], targets: nil, batchSize: 1)
    #expect(throws: ModelError.noTargets) { try unscored.loss }
    #expect(throws: ModelError.noTargets) { try unscored.positionLosses() }
  }

  @Test func averageLossScoresEveryTokenAfterTheFirstOnce() throws {
    let config = try tinyModelConfig()
    let model = try MiniGPT(config: config, seed: 24, threads: 2)
    let t = config.contextLength
    var g = SeededGenerator(seed: 25)
    let ids = (0..<(70 * t + 4)).map { _ in TokenID(g.next() % UInt64(config.vocabSize)) }
    // One window of T + 1 tokens: exactly the loss of the model's forward pass on it.
    let one = TokenBatch(size: 1, context: t, inputs: Array(ids[0..<t]), targets: Array(ids[1...t]))
    #expect(try model.averageLoss(on: TokenStore(Array(ids[0...t]))) == Double(try model.forward(one)))
    // Three passes of 32 windows and a short tail: the mean of every position's loss, weighted once each.
    var total = 0.0
    for start in stride(from: 0, to: ids.count - 1, by: t) {
      let length = min(t, ids.count - 1 - start)
      let window = TokenBatch(size: 1, context: length, inputs: Array(ids[start..<(start + length)]),
                              targets: Array(ids[(start + 1)...(start + length)]))
      total += try model.forwardPass(window).positionLosses().values.reduce(0.0) { $0 + Double($1) }
    }
    let expected = total / Double(ids.count - 1)
    #expect(abs(try model.averageLoss(on: TokenStore(ids)) - expected) < 1e-6 * expected)
    #expect(throws: ModelError.emptyBatch) { try model.averageLoss(on: TokenStore([3])) }
  }
}
