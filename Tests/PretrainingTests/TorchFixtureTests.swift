import Foundation
import Pretraining
import Testing

/// The Swift model against PyTorch on the same weights (Tools/fixtures/make_torch_fixtures.py).
///
/// Tolerances: loss 1e-5 relative; logits and NLL 2e-5 absolute (values are O(1), Float32 has
/// ~1e-7 relative precision and the two implementations sum in different orders); gradients 1e-5
/// absolute + 1e-3 relative; parameters after AdamW 5e-5 absolute (lr is 1e-2, so an update that
/// went the wrong way or used the wrong moment would be off by ~1e-3).
@Suite struct TorchFixtureTests {
  @Test func parameterNamesShapesAndOffsetsMatchTheStateDict() throws {
    let (model, manifest) = try TorchFixtures.model()
    #expect(model.namedParameters.map(\.name) == manifest.parameters.map(\.name))
    #expect(model.namedParameters.map(\.shape) == manifest.parameters.map(\.shape))
    #expect(model.namedParameters.map(\.offset) == manifest.parameters.map(\.offset))
    #expect(model.parameterCount == manifest.parameterCount)
  }

  @Test(arguments: ["plain", "masked"])
  func forwardAndBackwardMatchPyTorch(caseName: String) throws {
    let (model, manifest) = try TorchFixtures.model()
    let fixture = try #require(manifest.cases[caseName])
    let pass = try model.forwardPass(inputs: fixture.inputs, targets: fixture.targets, batchSize: manifest.config.batchSize)
    let loss = try pass.loss
    #expect(abs(Double(loss) - fixture.loss) <= 1e-5 * fixture.loss, "loss \(loss) vs torch \(fixture.loss)")
    let logits = try pass.logits()
    let expectedLogits = try TorchFixtures.floats("\(caseName).logits.f32")
    #expect(maxAbsDifference(logits.values, expectedLogits) < 2e-5)
    #expect(maxAbsDifference(try pass.positionLosses().values, fixture.nll) < 2e-5)

    model.zeroGradients()
    try model.backward()
    try TorchFixtures.expectGradients(of: model, match: "\(caseName).grads.f32", manifest: manifest, label: caseName)
    #expect(abs(Double(model.gradientNorm) - fixture.grad_norm) < 1e-4 * fixture.grad_norm)
  }

  @Test(arguments: [1, 2])
  func clippedAdamWStepsMatchPyTorch(threads: Int) throws {
    let (model, manifest) = try TorchFixtures.model(threads: threads)
    let o = manifest.optimizer
    let fixture = try #require(manifest.cases[o.case])
    let optimizer = AdamW(model: model, configuration: .init(
      learningRate: o.lr, beta1: o.beta1, beta2: o.beta2, epsilon: o.eps, weightDecay: o.weight_decay))
    for (index, record) in o.steps.enumerated() {
      let loss = try model.forward(
        TokenBatch(size: manifest.config.batchSize, context: fixture.inputs.count / manifest.config.batchSize,
                   inputs: fixture.inputs, targets: fixture.targets))
      #expect(abs(Double(loss) - record.loss) < 1e-4 * record.loss, "step \(index + 1) loss")
      model.zeroGradients()
      try model.backward()
      let norm = model.clipGradientNorm(max: o.max_norm)
      #expect(abs(Double(norm) - record.grad_norm) < 1e-4 * record.grad_norm, "pre-clip norm")
      #expect(model.gradientNorm <= o.max_norm * 1.0001, "clipping must bring the norm to ≤ max")
      optimizer.step(model)
      // The key bias shifts every score in a softmax row equally, so its true gradient is 0 and both
      // implementations hold only rounding noise (~1e-9) there, which Adam's g/(|g|+eps) blows up to
      // ±lr. Check that it is noise, then compare everything else.
      let width = manifest.config.embeddingSize
      var keyBias = Set<Int>()
      for p in manifest.parameters where p.name.hasSuffix("qkv.bias") {
        keyBias.formUnion((p.offset + width)..<(p.offset + 2 * width))
      }
      #expect(keyBias.allSatisfy { abs(model.gradients.base[$0]) < 1e-6 })
      let ours = model.parameters.toArray()
      let expected = try TorchFixtures.floats("step\(index + 1).f32")
      var worst = (index: 0, difference: Float(0))
      for i in ours.indices where !keyBias.contains(i) && abs(ours[i] - expected[i]) > worst.difference {
        worst = (i, abs(ours[i] - expected[i]))
      }
      let name = manifest.parameters.last { $0.offset <= worst.index }?.name ?? "?"
      #expect(worst.difference < 5e-5, "parameters after step \(index + 1) differ by \(worst.difference) in \(name)")
    }
  }
}
