/// One reusable batch per split, refilled in place, so training steps do not allocate.
///
/// Its ``next(_:_:)`` is the ``BatchSource`` that `lesson train` and `lesson bench` hand the ``Trainer``.
public final class BatchBuffers {
  private let dataset: CharDataset
  private var train: TokenBatch
  private var val: TokenBatch

  /// Buffers for B = `size` windows of T = `context` tokens (the caller has checked both against the corpus).
  public init(dataset: CharDataset, size: Int, context: Int) {
    self.dataset = dataset
    let empty = TokenBatch(size: size, context: context, inputs: [TokenID](repeating: 0, count: size * context),
                           targets: [TokenID](repeating: 0, count: size * context))
    train = empty
    val = empty
  }

  /// Fresh random windows of `split`, drawn with `generator` exactly as ``CharDataset/batch(split:size:context:using:)`` would.
  public func next(_ split: Split, _ generator: inout SeededGenerator) throws -> TokenBatch {
    switch split {
    case .train:
      try dataset.fill(&train, split: .train, using: &generator)
      return train
    case .val:
      try dataset.fill(&val, split: .val, using: &generator)
      return val
    }
  }
}
