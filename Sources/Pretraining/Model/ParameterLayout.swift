/// Where each parameter tensor lives in the flat parameter slab, under its PyTorch `state_dict` name.
///
/// Order and names follow `minigpt_torch.py`: `tok.weight`, `pos.weight`, then per block
/// `blocks.N.{ln1,qkv,proj,ln2,fc,out}.{weight,bias}`, then `ln.weight`, `ln.bias`. The head is tied
/// to `tok.weight` and has no entry of its own. Linear weights are (out, in).
public struct ParameterLayout: Sendable, Equatable {
  /// One named tensor inside the slab.
  public struct Entry: Sendable, Equatable {
    /// The PyTorch `state_dict` key.
    public let name: String
    /// The tensor's shape, e.g. [3d, d] for `qkv.weight`.
    public let shape: [Int]
    /// Index of its first value in the slab.
    public let offset: Int
    /// Number of values, the product of `shape`.
    public var count: Int { shape.reduce(1, *) }
    /// Whether AdamW decays it: 2-D tensors (matrices and embeddings), not biases or LayerNorm.
    public var isDecayed: Bool { shape.count >= 2 }
    /// The slab range it occupies.
    public var range: Range<Int> { offset..<(offset + count) }
  }

  /// Offsets of one block's tensors.
  struct BlockOffsets: Sendable, Equatable {
    var ln1Weight = 0, ln1Bias = 0, qkvWeight = 0, qkvBias = 0, projWeight = 0, projBias = 0
    var ln2Weight = 0, ln2Bias = 0, fcWeight = 0, fcBias = 0, outWeight = 0, outBias = 0
  }

  /// Every tensor in `state_dict` order.
  public let entries: [Entry]
  /// Total number of values.
  public let count: Int

  let tokenEmbedding: Int
  let positionEmbedding: Int
  let blocks: [BlockOffsets]
  let finalNormWeight: Int
  let finalNormBias: Int

  init(config: MiniGPTConfig) {
    let d = config.embeddingSize
    var entries: [Entry] = []
    var cursor = 0
    func add(_ name: String, _ shape: [Int]) -> Int {
      let offset = cursor
      entries.append(Entry(name: name, shape: shape, offset: offset))
      cursor += shape.reduce(1, *)
      return offset
    }
    tokenEmbedding = add("tok.weight", [config.vocabSize, d])
    positionEmbedding = add("pos.weight", [config.contextLength, d])
    var blocks: [BlockOffsets] = []
    for layer in 0..<config.layerCount {
      let p = "blocks.\(layer)."
      var block = BlockOffsets()
      block.ln1Weight = add(p + "ln1.weight", [d])
      block.ln1Bias = add(p + "ln1.bias", [d])
      block.qkvWeight = add(p + "qkv.weight", [3 * d, d])
      block.qkvBias = add(p + "qkv.bias", [3 * d])
      block.projWeight = add(p + "proj.weight", [d, d])
      block.projBias = add(p + "proj.bias", [d])
      block.ln2Weight = add(p + "ln2.weight", [d])
      block.ln2Bias = add(p + "ln2.bias", [d])
      block.fcWeight = add(p + "fc.weight", [4 * d, d])
      block.fcBias = add(p + "fc.bias", [4 * d])
      block.outWeight = add(p + "out.weight", [d, 4 * d])
      block.outBias = add(p + "out.bias", [d])
      blocks.append(block)
    }
    self.blocks = blocks
    finalNormWeight = add("ln.weight", [d])
    finalNormBias = add("ln.bias", [d])
    self.entries = entries
    self.count = cursor
  }

  /// The entry with this `state_dict` name, if any.
  public func entry(named name: String) -> Entry? {
    entries.first { $0.name == name }
  }
}
