/// One matrix product of a training step: C (m×n) = op(A) (m×k) · op(B) (k×n), `repeats` times per step.
public struct GEMMShape: Sendable, Equatable, CustomStringConvertible {
  public var m: Int
  public var n: Int
  public var k: Int
  /// A is stored k×m (a weight gradient reads the activations transposed).
  public var transposeA: Bool
  /// B is stored n×k (a forward product reads the (out, in) weight transposed).
  public var transposeB: Bool
  /// How many times the step runs this product (once per block for block layers).
  public var repeats: Int

  public init(m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false, repeats: Int = 1) {
    self.m = m
    self.n = n
    self.k = k
    self.transposeA = transposeA
    self.transposeB = transposeB
    self.repeats = repeats
  }

  /// Floating-point operations of all repeats: 2·m·n·k each (one multiply, one add).
  public var flops: Double { 2 * Double(m) * Double(n) * Double(k) * Double(repeats) }

  public var description: String { "\(m)×\(k)·\(k)×\(n)" }

  /// One of `parts` data-parallel workers' share of the product: the rows of the batch (m for
  /// forward and dX, k for dW).
  public func share(of parts: Int) -> GEMMShape {
    let parts = max(parts, 1)
    var share = self
    if transposeA {
      share.k = (k + parts - 1) / parts
    } else {
      share.m = (m + parts - 1) / parts
    }
    return share
  }
}

/// The exact arithmetic of one training step (forward + backward) of a MiniGPT on B windows of T tokens.
///
/// Linear layers: each y = x·Wᵀ over N = B·T rows costs 2·N·in·out forward and twice that
/// backward (dX and dW), so 6·N·(weights) in all: the four block projections (12d² weights per
/// block) and the tied head (Vd). Attention: q·kᵀ and att·v cost 2·B·T²·d each per block forward,
/// twice that backward, so 12·B·T²·d per block, counted over the full T×T square as nanoGPT's
/// `estimate_mfu` does (the causal kernel skips most of the masked half, so this is the work the
/// model is credited with, not the work it does). Embeddings, LayerNorm, GELU, softmax and the
/// optimizer are O(N·d) or O(params) and left out. For the lesson (V=65, d=128, L=4, T=64, B=32):
/// 9.77 GFLOP linear + 0.81 GFLOP attention = 10.57 GFLOP.
public struct TrainingStepCost: Sendable, Equatable {
  /// Linear-layer FLOPs per step (forward + backward).
  public let linearFLOPs: Double
  /// Attention score and mixing FLOPs per step (forward + backward, full T×T).
  public let attentionFLOPs: Double
  /// Every matrix product the linear layers do in one step.
  public let gemmShapes: [GEMMShape]

  /// The cost of one step of `config` on `batchSize` windows of `context` tokens.
  public init(config: MiniGPTConfig, batchSize: Int, context: Int) {
    let rows = batchSize * context
    let d = config.embeddingSize
    let layers = config.layerCount
    var shapes: [GEMMShape] = []
    // (in, out, repeats) of every linear layer: qkv, proj, fc, out per block, then the tied head.
    let linears = [(d, 3 * d, layers), (d, d, layers), (d, 4 * d, layers), (4 * d, d, layers), (d, config.vocabSize, 1)]
    for (input, output, repeats) in linears {
      shapes.append(GEMMShape(m: rows, n: output, k: input, transposeB: true, repeats: repeats))   // y = x·Wᵀ
      shapes.append(GEMMShape(m: rows, n: input, k: output, repeats: repeats))                     // dx = dy·W
      shapes.append(GEMMShape(m: output, n: input, k: rows, transposeA: true, repeats: repeats))   // dW = dyᵀ·x
    }
    gemmShapes = shapes
    linearFLOPs = shapes.reduce(0) { $0 + $1.flops }
    attentionFLOPs = 12 * Double(batchSize) * Double(context) * Double(context) * Double(d) * Double(layers)
  }

  /// The products one of `workers` data-parallel workers runs: ``gemmShapes`` on its share of the
  /// rows, then the attention kernel's per-head products.
  public func workerShapes(workers: Int, config: MiniGPTConfig, context: Int) -> [GEMMShape] {
    gemmShapes.map { $0.share(of: workers) }
      + CausalSelfAttention.gemmShapes(
        time: context, headSize: config.embeddingSize / max(config.headCount, 1),
        rowBlock: CausalSelfAttention.defaultRowBlock)
  }

  /// All counted FLOPs per step.
  public var totalFLOPs: Double { linearFLOPs + attentionFLOPs }
}
