import Foundation

/// A GPT with hand-written forward and backward passes, built the llm.c way.
///
/// Token + position embedding, `layerCount` pre-LN blocks (causal multi-head attention, GELU MLP),
/// a final LayerNorm and a head tied to the token embedding. Parameters and gradients are views
/// into two flat slabs named like the PyTorch reference's `state_dict`. With `threads > 1` the batch
/// is split across data-parallel workers, each with its own activations and gradient slab; the
/// gradients are summed after backward, so results match single-threaded runs to float rounding.
public final class MiniGPT {
  /// The model's shape.
  public let config: MiniGPTConfig
  /// Names, shapes and offsets of the parameter tensors in ``parameters``.
  public let layout: ParameterLayout
  /// Every parameter, in ``layout`` order. Read or write it directly (e.g. to load a checkpoint).
  public let parameters: FloatSlab
  /// Every parameter's gradient, same layout as ``parameters``.
  public let gradients: FloatSlab

  /// Number of data-parallel workers used for a batch (at most one per window).
  public private(set) var threads: Int
  var replicas: [GPTNetwork] = []
  private var workerCount = 1
  /// Whether per-phase timing is on (MiniGPT+Profiling in PhaseProfile.swift).
  var profiling = false

  // What the activation buffers hold now: the shape and scored positions of the latest forward
  // pass. backward() differentiates that pass; a ``ForwardPass`` reads it only while `passes`
  // still equals its own number.
  private(set) var batchSize = 0
  private(set) var time = 0
  private(set) var scoredPositions = 0
  private var hasTargets = false
  /// Forward passes run so far; a ``ForwardPass`` carries the count at its own run.
  private(set) var passes: UInt64 = 0

  /// Creates a model with nanoGPT's initialization drawn from `seed`.
  ///
  /// Weights N(0, 0.02); residual projections (`proj`, `out`) N(0, 0.02/√(2L)); biases 0;
  /// LayerNorm weights 1.
  public init(config: MiniGPTConfig, seed: UInt64, threads: Int = 1) throws {
    try config.validate()
    guard threads >= 1 else { throw ModelError.invalidThreadCount(threads) }
    self.config = config
    self.threads = threads
    layout = ParameterLayout(config: config)
    parameters = FloatSlab(count: layout.count)
    gradients = FloatSlab(count: layout.count)
    BLAS.useSingleThread()
    var generator = SeededGenerator(seed: seed)
    let residualStd = 0.02 / Float(2 * config.layerCount).squareRoot()
    for entry in layout.entries {
      let values = parameters.base + entry.offset
      if entry.name.hasSuffix("bias") {
        values.update(repeating: 0, count: entry.count)
      } else if entry.shape.count == 1 {
        values.update(repeating: 1, count: entry.count)
      } else {
        let isResidual = entry.name.hasSuffix("proj.weight") || entry.name.hasSuffix("out.weight")
        let std: Float = isResidual ? residualStd : 0.02
        for i in 0..<entry.count { values[i] = generator.normal() * std }
      }
    }
  }

  // MARK: - Sizes

  /// Every parameter, counting the tied embedding/head once.
  public var parameterCount: Int { layout.count }
  /// Parameters excluding the token and position embeddings.
  public var nonEmbeddingParameterCount: Int { config.nonEmbeddingParameterCount }
  /// `(name, shape, offset)` for every tensor, in PyTorch `state_dict` order (without the tied `head.weight`).
  public var namedParameters: [(name: String, shape: [Int], offset: Int)] {
    layout.entries.map { ($0.name, $0.shape, $0.offset) }
  }

  // MARK: - Forward

  /// Runs the model on a batch and returns the mean cross-entropy over its scored positions: the
  /// training objective. For the pass's logits, losses or attention, use ``forwardPass(_:)``.
  public func forward(_ batch: TokenBatch) throws -> Float {
    guard let loss = try run(inputs: batch.inputs, targets: batch.targets, batchSize: batch.size) else {
      throw ModelError.noTargets
    }
    return loss
  }

  /// Runs the model on a batch and returns what the pass computed (loss, logits, attention).
  public func forwardPass(_ batch: TokenBatch) throws -> ForwardPass {
    try forwardPass(inputs: batch.inputs, targets: batch.targets, batchSize: batch.size)
  }

  /// Runs the model on `batchSize` windows of `inputs.count / batchSize` tokens and returns what
  /// the pass computed; without targets it has logits and attention but no loss.
  ///
  /// - Throws: ``ModelError`` for empty or ragged batches, windows longer than the context, or
  ///   tokens outside the vocabulary.
  @discardableResult
  public func forwardPass(inputs: [TokenID], targets: [TokenID]?, batchSize: Int) throws -> ForwardPass {
    let loss = try run(inputs: inputs, targets: targets, batchSize: batchSize)
    return ForwardPass(
      model: self, number: passes, batchSize: batchSize, time: self.time, loss: loss, scoredPositions: scoredPositions)
  }

  /// The forward pass itself: validates, fills each worker's share and runs the workers.
  ///
  /// - Returns: the mean loss over positions whose target is not ``ignoreIndex`` (0 when none
  ///   are scored), or nil without targets.
  private func run(inputs: [TokenID], targets: [TokenID]?, batchSize: Int) throws -> Float? {
    guard batchSize >= 1, !inputs.isEmpty else { throw ModelError.emptyBatch }
    guard inputs.count % batchSize == 0 else {
      throw ModelError.shapeMismatch("\(inputs.count) input tokens do not split into \(batchSize) equal windows")
    }
    let time = inputs.count / batchSize
    guard time <= config.contextLength else {
      throw ModelError.contextTooLong(time: time, contextLength: config.contextLength)
    }
    let vocab = config.vocabSize
    for (index, token) in inputs.enumerated() where token < 0 || Int(token) >= vocab {
      throw ModelError.tokenOutOfRange(token: token, index: index, vocabSize: vocab)
    }
    if let targets {
      guard targets.count == inputs.count else {
        throw ModelError.shapeMismatch("\(targets.count) targets for \(inputs.count) inputs")
      }
      for (index, target) in targets.enumerated()
      where target != ignoreIndex && (target < 0 || Int(target) >= vocab) {
        throw ModelError.targetOutOfRange(target: target, index: index, vocabSize: vocab)
      }
    }
    prepareReplicas(batch: batchSize, time: time)
    var start = 0
    for worker in 0..<workerCount {
      let replica = replicas[worker]
      let rows = share(of: worker, batch: batchSize)
      let offset = start * time
      let count = rows * time
      inputs.withUnsafeBufferPointer { source in
        guard let base = source.baseAddress else { return }
        replica.tokens.update(from: base + offset, count: count)
      }
      if let targets {
        targets.withUnsafeBufferPointer { source in
          guard let base = source.baseAddress else { return }
          replica.targets.update(from: base + offset, count: count)
        }
      }
      replica.batch = rows
      start += rows
    }
    let replicas = self.replicas
    let parameters = SendablePointer(base: self.parameters.base)
    let computeLoss = targets != nil
    ParallelWorkers.run(workerCount) { worker in
      let replica = replicas[worker]
      replica.forward(parameters: parameters.base, batch: replica.batch, time: time, computeLoss: computeLoss)
    }
    passes &+= 1
    self.batchSize = batchSize
    self.time = time
    hasTargets = computeLoss
    guard computeLoss else {
      scoredPositions = 0
      return nil
    }
    var sum: Double = 0
    var scored = 0
    for worker in 0..<workerCount {
      sum += replicas[worker].lossSum
      scored += replicas[worker].scoredCount
    }
    scoredPositions = scored
    return scored > 0 ? Float(sum / Double(scored)) : 0
  }

  /// Rows of the batch that worker `worker` takes: as equal as possible, earlier workers first.
  private func share(of worker: Int, batch: Int) -> Int {
    batch / workerCount + (worker < batch % workerCount ? 1 : 0)
  }

  /// The batch row where worker `worker`'s share starts.
  private static func firstRow(of worker: Int, batch: Int, workers: Int) -> Int {
    worker &* (batch / workers) &+ min(worker, batch % workers)
  }

  /// Makes sure each worker has buffers for its share; reallocates only when a share outgrows them.
  private func prepareReplicas(batch: Int, time: Int) {
    workerCount = min(threads, batch)
    let largestShare = (batch + workerCount - 1) / workerCount
    let fits = replicas.count >= workerCount
      && replicas.prefix(workerCount).allSatisfy { $0.fits(batch: largestShare, time: time) }
    if fits { return }
    let batchCapacity = max(largestShare, replicas.first?.batchCapacity ?? 0)
    let timeCapacity = max(time, replicas.first?.timeCapacity ?? 0)
    replicas = (0..<max(threads, 1)).map { worker in
      GPTNetwork(
        config: config, layout: layout, batchCapacity: batchCapacity, timeCapacity: timeCapacity,
        sharedGradients: worker == 0 ? gradients.base : nil)
    }
    for replica in replicas { replica.clock.enabled = profiling }
  }

  // MARK: - Backward

  /// Accumulates dLoss/dθ of the last forward pass into ``gradients``.
  ///
  /// Gradients add up across calls, as in PyTorch; call ``zeroGradients()`` between steps.
  public func backward() throws {
    guard hasTargets else { throw ModelError.noForwardPass }
    backward(lossScale: scoredPositions > 0 ? 1 / Float(scoredPositions) : 0, windowScales: nil)
  }

  /// Accumulates dLoss/dθ into ``gradients`` for a loss over whole windows, given dLoss/d(log p)
  /// for each window's ``ForwardPass/sequenceLogProbabilities(into:)`` of the last forward pass.
  ///
  /// `logProbabilityGradients` holds one value per window (B). Since log p(window) = −Σ NLL over
  /// its scored positions, each position's loss gets the weight −gradient[b]: the same kernels as
  /// ``backward()``, with a weight per window instead of one mean over the batch.
  public func backward(logProbabilityGradients: UnsafePointer<Float>) throws {
    guard hasTargets else { throw ModelError.noForwardPass }
    backward(lossScale: -1, windowScales: logProbabilityGradients)
  }

  private func backward(lossScale scale: Float, windowScales: UnsafePointer<Float>?) {
    let replicas = self.replicas
    let parameters = SendablePointer(base: self.parameters.base)
    let scales = windowScales.map { SendablePointer(base: UnsafeMutablePointer(mutating: $0)) }
    let (workers, batch) = (workerCount, batchSize)
    ParallelWorkers.run(workers) { worker in
      let windows = scales.map { UnsafePointer($0.base) + Self.firstRow(of: worker, batch: batch, workers: workers) }
      replicas[worker].backward(parameters: parameters.base, lossScale: scale, windowScales: windows)
    }
    guard workers > 1 else { return }
    // Sum the other workers' gradients into the model's, clearing theirs for the next backward.
    let total = SendablePointer(base: gradients.base)
    let count = layout.count
    let chunk = (count + workers - 1) / workers
    timed(\.gradientReduction) { ParallelWorkers.run(workers) { worker in
      let lower = worker * chunk
      let upper = min(count, lower + chunk)
      guard lower < upper else { return }
      let sum = total.base
      for other in 1..<workers {
        guard let slab = replicas[other].ownGradients else { continue }
        let part = slab.base
        for i in lower..<upper {
          sum[i] += part[i]
          part[i] = 0
        }
      }
    } }
  }

  /// Sets every gradient to zero.
  public func zeroGradients() {
    gradients.zero()
  }

  // MARK: - Reading the buffers (through a ForwardPass)

  /// The worker holding batch row `b` of the latest pass, and the row within its share.
  func locate(batch b: Int) throws -> (replica: GPTNetwork, row: Int) {
    guard b >= 0 && b < batchSize else {
      throw ModelError.indexOutOfRange("batch row \(b) of \(batchSize)")
    }
    var first = 0
    for worker in 0..<workerCount {
      let rows = share(of: worker, batch: batchSize)
      if b < first + rows { return (replicas[worker], b - first) }
      first += rows
    }
    throw ModelError.indexOutOfRange("batch row \(b)")
  }

  /// Writes −Σ_t NLL over each window's scored positions of the latest pass: the allocation-free
  /// reading ``PreferenceObjective`` makes inside a training step, right after its own pass.
  func writeSequenceLogProbabilities(into output: UnsafeMutablePointer<Float>) {
    var b = 0
    for worker in 0..<workerCount {
      let replica = replicas[worker]
      for row in 0..<replica.batch {
        let losses = replica.losses + row &* time
        var sum: Double = 0
        for t in 0..<time { sum += Double(losses[t]) }
        output[b] = Float(-sum)
        b &+= 1
      }
    }
  }

  // MARK: - Named parameters

  private func entry(_ name: String) throws -> ParameterLayout.Entry {
    guard let entry = layout.entry(named: name) else { throw ModelError.unknownParameter(name) }
    return entry
  }

  /// A copy of the parameter tensor with this `state_dict` name.
  public func parameter(named name: String) throws -> Tensor {
    let e = try entry(name)
    return Tensor(uncheckedShape: e.shape, values: Array(UnsafeBufferPointer(start: parameters.base + e.offset, count: e.count)))
  }

  /// A copy of the gradient of the parameter with this `state_dict` name.
  public func gradient(named name: String) throws -> Tensor {
    let e = try entry(name)
    return Tensor(uncheckedShape: e.shape, values: Array(UnsafeBufferPointer(start: gradients.base + e.offset, count: e.count)))
  }

  /// Overwrites every parameter from a flat array in ``layout`` order (e.g. a checkpoint's values).
  public func loadParameters(_ values: [Float]) throws {
    guard values.count == parameterCount else {
      throw ModelError.shapeMismatch("the model has \(parameterCount) parameters, got \(values.count)")
    }
    parameters.copy(from: values)
  }
}
