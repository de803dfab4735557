import Foundation
import Pretraining
import Testing

// MARK: - Random data

/// A slab of `count` values drawn N(0, scale²) from `generator`.
func randomSlab(_ count: Int, _ generator: inout SeededGenerator, scale: Float = 1) -> FloatSlab {
  let slab = FloatSlab(count: count)
  for i in 0..<count { slab.base[i] = generator.normal() * scale }
  return slab
}

/// Random tokens in 0..<vocab.
func randomModelTokens(_ count: Int, vocab: Int, _ generator: inout SeededGenerator) -> [TokenID] {
  (0..<count).map { _ in TokenID(generator.uniformInt(below: vocab)) }
}

/// Σ output[i]·weights[i] in Double: a scalar objective whose gradient w.r.t. output is `weights`.
func weightedSum(_ output: FloatSlab, _ weights: FloatSlab) -> Double {
  var total: Double = 0
  for i in 0..<output.count { total += Double(output.base[i]) * Double(weights.base[i]) }
  return total
}

// MARK: - Finite differences

/// Compares analytic gradients with central differences of `objective` for each value of `slab`.
///
/// Float32 kernels with a Double objective: rounding contributes about 1e-6·|f|/h to each
/// difference quotient and truncation about h²·f'''/6, so with h = 1e-2 and O(1) values the
/// quotient is good to a few 1e-4; a wrong backward is off by O(|gradient|).
func expectGradientsMatchFiniteDifferences(
  _ label: String, slab: FloatSlab, analytic: [Float], indices: [Int]? = nil,
  step: Float = 1e-2, absoluteTolerance: Double = 1e-3, relativeTolerance: Double = 1e-2,
  sourceLocation: SourceLocation = #_sourceLocation, objective: () -> Double
) {
  var worst: (index: Int, analytic: Double, numeric: Double, excess: Double)?
  for i in indices ?? Array(0..<slab.count) {
    let original = slab.base[i]
    slab.base[i] = original + step
    let up = objective()
    let upValue = slab.base[i]
    slab.base[i] = original - step
    let down = objective()
    let downValue = slab.base[i]
    slab.base[i] = original
    let numeric = (up - down) / (Double(upValue) - Double(downValue))
    let exact = Double(analytic[i])
    let excess = abs(exact - numeric) - (absoluteTolerance + relativeTolerance * abs(numeric))
    if excess > 0, excess > (worst?.excess ?? 0) { worst = (i, exact, numeric, excess) }
  }
  #expect(worst == nil, "\(label): gradient at \(worst?.index ?? -1) is \(worst?.analytic ?? 0), finite differences give \(worst?.numeric ?? 0)", sourceLocation: sourceLocation)
}

// MARK: - Tiny models

/// V=11, d=16, L=2, h=2, T=8: the fixture's shape.
func tinyModelConfig() throws -> MiniGPTConfig {
  try MiniGPTConfig(vocabSize: 11, contextLength: 8, embeddingSize: 16, layerCount: 2, headCount: 2)
}

/// A batch of random windows for `config`.
func randomModelBatch(_ config: MiniGPTConfig, size: Int, seed: UInt64, time: Int? = nil) -> TokenBatch {
  var generator = SeededGenerator(seed: seed)
  let t = time ?? config.contextLength
  let inputs = randomModelTokens(size * t, vocab: config.vocabSize, &generator)
  let targets = randomModelTokens(size * t, vocab: config.vocabSize, &generator)
  return TokenBatch(size: size, context: t, inputs: inputs, targets: targets)
}

/// Largest |a − b| over two equal-length arrays.
func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
  precondition(a.count == b.count)
  var worst: Float = 0
  for i in a.indices { worst = max(worst, abs(a[i] - b[i])) }
  return worst
}

// MARK: - PyTorch fixtures

/// The manifest written by Tools/fixtures/make_torch_fixtures.py.
struct TorchManifest: Decodable {
  struct Config: Decodable {
    var vocabSize, embeddingSize, layerCount, headCount, contextLength, batchSize: Int
  }
  struct Parameter: Decodable {
    var name: String
    var shape: [Int]
    var offset: Int
  }
  struct Case: Decodable {
    var inputs: [Int32]
    var targets: [Int32]
    var loss: Double
    var nll: [Float]
    var grad_norm: Double
  }
  struct StepRecord: Decodable {
    var loss: Double
    var grad_norm: Double
  }
  struct Optimizer: Decodable {
    var lr: Float
    var beta1: Float
    var beta2: Float
    var eps: Float
    var weight_decay: Float
    var max_norm: Float
    var `case`: String
    var steps: [StepRecord]
  }
  var config: Config
  var parameters: [Parameter]
  var parameterCount: Int
  var cases: [String: Case]
  var optimizer: Optimizer
}

enum TorchFixtureError: Error { case missing(String) }

/// Loads fixture files from the test bundle's Fixtures/torch folder.
enum TorchFixtures {
  static func directory() throws -> URL {
    guard let root = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
      throw TorchFixtureError.missing("Fixtures folder in the test bundle")
    }
    return root.appendingPathComponent("torch")
  }

  static func manifest() throws -> TorchManifest {
    let data = try Data(contentsOf: directory().appendingPathComponent("manifest.json"))
    return try JSONDecoder().decode(TorchManifest.self, from: data)
  }

  /// Little-endian float32 values of one fixture file.
  static func floats(_ name: String) throws -> [Float] {
    let data = try Data(contentsOf: directory().appendingPathComponent(name))
    var values = [Float](repeating: 0, count: data.count / 4)
    data.withUnsafeBytes { raw in
      for i in values.indices {
        values[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
      }
    }
    return values
  }

  /// Expects every parameter's gradient in `model` to match the fixture file `name` to 1e-5 absolute + 1e-3 relative.
  static func expectGradients(
    of model: MiniGPT, match name: String, manifest: TorchManifest, label: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let expected = try floats(name)
    for p in manifest.parameters {
      let ours = try model.gradient(named: p.name).values
      let theirs = Array(expected[p.offset..<(p.offset + ours.count)])
      let worst = zip(ours, theirs).map { abs($0 - $1) - 1e-3 * abs($1) }.max() ?? 0
      #expect(worst < 1e-5, "\(label): gradient of \(p.name) differs by \(worst)", sourceLocation: sourceLocation)
    }
  }

  /// A model with the fixture's config and initial parameters.
  static func model(threads: Int = 1) throws -> (MiniGPT, TorchManifest) {
    let manifest = try manifest()
    let c = manifest.config
    let config = try MiniGPTConfig(
      vocabSize: c.vocabSize, contextLength: c.contextLength, embeddingSize: c.embeddingSize,
      layerCount: c.layerCount, headCount: c.headCount)
    let model = try MiniGPT(config: config, seed: 0, threads: threads)
    let params = try floats("params.f32")
    #expect(params.count == model.parameterCount)
    model.parameters.copy(from: params)
    return (model, manifest)
  }
}
