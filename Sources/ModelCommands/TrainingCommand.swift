import Foundation
import LessonKit
import LessonWidgets
import Pretraining

// MARK: - lesson train

/// What `lesson train` trains and where it writes.
public struct TrainingCommandOptions: Sendable, Equatable {
  public var shape: ModelShapeOptions
  /// Optimizer steps.
  public var steps: Int
  /// Seeds the initialization and the batch sampling.
  public var seed: UInt64
  /// AdamW learning rate (constant).
  public var learningRate: Float
  /// Estimate train/val loss every this many steps (and after the last); 0 = only at the end.
  public var evalEvery: Int
  /// Batches per loss estimate (the reference averages 20).
  public var evalBatches: Int
  /// Checkpoint path, or nil.
  public var out: String?
  /// Print one JSON object on stdout instead of the text report.
  public var json: Bool
  /// Also write the loss curve (train per step, val at each evaluation) to this SVG file, or nil.
  public var plot: String?

  public init(shape: ModelShapeOptions = ModelShapeOptions(), steps: Int = 300, seed: UInt64 = 1337,
              learningRate: Float = 3e-4, evalEvery: Int = 100, evalBatches: Int = 20, out: String? = nil,
              json: Bool = false, plot: String? = nil) {
    self.shape = shape
    self.steps = steps
    self.seed = seed
    self.learningRate = learningRate
    self.evalEvery = evalEvery
    self.evalBatches = evalBatches
    self.out = out
    self.json = json
    self.plot = plot
  }
}

/// `lesson train`: trains a MiniGPT on a corpus, reports the losses and optionally saves a checkpoint.
public enum TrainingCommand {
  /// The `--json` report.
  struct Report: Encodable {
    var steps: Int
    var completed_steps: Int
    var interrupted: Bool
    var train_loss: Float?
    var val_loss: Float?
    var initial_loss: Float
    var uniform_loss: Double
    var bigram_val_loss: Double
    var ms_per_step: Double
    var tokens_per_second: Double
    var seconds: Double
    var parameters: Int
    var non_embedding_parameters: Int
    var vocab: Int
    var config: ConfigReport
    var learning_rate: Float
    var seed: UInt64
    var threads: Int
    var evaluations: [EvaluationReport]
    var checkpoint: String?
  }

  struct ConfigReport: Encodable {
    var vocab_size: Int
    var d: Int
    var layers: Int
    var heads: Int
    var context: Int
    var batch: Int
  }

  struct EvaluationReport: Encodable {
    var step: Int
    var train_loss: Float
    var val_loss: Float
  }

  /// Trains and reports; returns 0, 1 (diverged or could not write), 2 (bad input) or 128 + signal.
  public static func run(_ env: CommandEnvironment, options: TrainingCommandOptions) -> Int32 {
    let resolved: ModelShapeOptions.Resolved
    let outURL: URL?
    do {
      try validate(options)
      resolved = try options.shape.resolve()
      outURL = try options.out.map { try checkOutputPath($0, flag: "--out", example: "model.safetensors") }
      _ = try options.plot.map { try checkOutputPath($0, flag: "--plot", example: "loss.svg") }
    } catch {
      env.error(String(describing: error))
      return ToolExit.badInput
    }
    do {
      // A signal during training is only recorded: the loop stops after its step, the checkpoint
      // and report are written, and then the process exits with 130 (SIGINT) or 143 (SIGTERM).
      return try Interrupts.deferringExit { try train(env, options: options, resolved: resolved, outURL: outURL) }
    } catch {
      env.error(String(describing: error))
      return ToolExit.failure
    }
  }

  static func validate(_ options: TrainingCommandOptions) throws {
    guard options.steps >= 0 else { throw ToolInputError("--steps must be ≥ 0 (got \(options.steps))") }
    guard options.learningRate > 0, options.learningRate.isFinite else {
      throw ToolInputError("--lr must be a positive finite number (got \(options.learningRate)); the lesson uses 3e-4")
    }
    guard options.evalEvery >= 0 else {
      throw ToolInputError("--eval-every must be ≥ 0 (got \(options.evalEvery)); 0 evaluates only at the end")
    }
    guard options.evalBatches >= 1 else {
      throw ToolInputError("--eval-batches must be at least 1 (got \(options.evalBatches))")
    }
  }

  /// An output file's URL, after checking its directory exists and is writable (before training, not after).
  static func checkOutputPath(_ path: String, flag: String, example: String) throws -> URL {
    let url = URL(fileURLWithPath: path)
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
      throw ToolInputError("\(flag) \(path) is a directory; give a file name such as \(path)/\(example)")
    }
    let directory = url.deletingLastPathComponent()
    guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw ToolInputError("\(flag) \(path): the directory \(directory.path) does not exist")
    }
    guard FileManager.default.isWritableFile(atPath: directory.path) else {
      throw ToolInputError("\(flag) \(path): the directory \(directory.path) is not writable")
    }
    return url
  }

  // MARK: - Training

  private static func train(_ env: CommandEnvironment, options: TrainingCommandOptions,
                            resolved: ModelShapeOptions.Resolved, outURL: URL?) throws -> Int32 {
    let dataset = resolved.dataset
    let config = resolved.config
    let shape = options.shape
    let model = try MiniGPT(config: config, seed: options.seed, threads: shape.threads)
    env.note("training MiniGPT \(shape.shapeLabel(config)) · \(NumberFormat.grouped(model.parameterCount)) parameters · "
      + "\(resolved.corpusName) (\(NumberFormat.grouped(dataset.count)) characters) · \(shape.threads) thread\(shape.threads == 1 ? "" : "s")")

    let bigram = try NGramModel(order: 2, dataset: dataset).averageLoss(on: dataset.val)
    let uniform = NGramModel.uniformLoss(vocabularySize: config.vocabSize)
    let batches = BatchBuffers(dataset: dataset, size: shape.batchSize, context: shape.context)
    let initialLoss = try initialValidationLoss(model, batches: batches, count: options.evalBatches, seed: options.seed)

    let trainer = try Trainer(model: model, options: TrainingOptions(
      steps: options.steps, schedule: .constant(options.learningRate),
      optimizer: AdamW.Configuration(learningRate: options.learningRate),
      evalInterval: options.evalEvery, evalBatches: options.evalBatches, seed: options.seed))
    let display = TrainingProgressView(
      total: options.steps, tokensPerStep: shape.batchSize * shape.context, display: env.progressDisplay())
    var noticed = false
    let started = Date()
    var summary: TrainingSummary?
    var evaluations: [EvaluationReport] = []
    var stepSeconds: [Double] = []
    var stepLosses: [Double] = []
    var interruption: InterruptSignal?

    do {
      summary = try trainer.run(nextBatch: { split, generator in
        if let signal = Interrupts.pending {
          if !noticed {
            noticed = true
            display.note("\(signal): stopping after step \(trainer.completedSteps) (again to quit at once)")
          }
          throw TrainingInterrupted(signal: signal)
        }
        return try batches.next(split, &generator)
      }, progress: { progress in
        if let e = progress.evaluation { evaluations.append(EvaluationReport(step: e.step, train_loss: e.train, val_loss: e.val)) }
        stepSeconds.append(Double(shape.batchSize * shape.context) / max(progress.tokensPerSecond, 1e-9))
        stepLosses.append(Double(progress.loss))
        display.report(progress)
      })
    } catch let stop as TrainingInterrupted {
      interruption = stop.signal
    } catch let error as TrainingError {
      display.clear()
      if case .nonFinite = error {
        env.error(String(describing: error) + (outURL != nil ? " No checkpoint was written." : ""))
        return ToolExit.failure
      }
      throw error
    }
    display.clear()

    let completed = trainer.completedSteps
    if summary != nil, evaluations.isEmpty {
      // --steps 0: nothing trained, but the report still gives the model's losses.
      evaluations.append(EvaluationReport(
        step: 0,
        train_loss: try trainer.estimateLoss(.train, batches: options.evalBatches, nextBatch: batches.next),
        val_loss: try trainer.estimateLoss(.val, batches: options.evalBatches, nextBatch: batches.next)))
    }
    if let outURL {
      try model.saveCheckpoint(to: outURL, tokenizer: dataset.tokenizer, step: completed)
    }
    if let plot = options.plot {
      try SVGChart.writeLineChart(
        [
          ChartSeries("train", points: stepLosses.enumerated().map { (x: Double($0.offset + 1), y: $0.element) }),
          ChartSeries("val", points: evaluations.map { (x: Double($0.step), y: Double($0.val_loss)) }),
        ],
        to: plot, title: "MiniGPT training loss", xLabel: "step", yLabel: "loss (nats)")
      env.note("loss curve written to \(plot)")
    }
    let sorted = stepSeconds.sorted()
    let median = summary?.millisecondsPerStep ?? (sorted.isEmpty ? 0 : sorted[sorted.count / 2] * 1e3)
    let last = evaluations.last
    let report = Report(
      steps: options.steps, completed_steps: completed, interrupted: interruption != nil,
      train_loss: last?.train_loss, val_loss: last?.val_loss, initial_loss: initialLoss, uniform_loss: uniform,
      bigram_val_loss: bigram, ms_per_step: median,
      tokens_per_second: median > 0 ? Double(shape.batchSize * shape.context) / (median / 1e3) : 0,
      seconds: Date().timeIntervalSince(started), parameters: model.parameterCount,
      non_embedding_parameters: model.nonEmbeddingParameterCount, vocab: config.vocabSize,
      config: ConfigReport(vocab_size: config.vocabSize, d: config.embeddingSize, layers: config.layerCount,
                           heads: config.headCount, context: config.contextLength, batch: shape.batchSize),
      learning_rate: options.learningRate, seed: options.seed, threads: shape.threads,
      evaluations: evaluations,
      checkpoint: outURL?.path)

    if options.json {
      try env.printJSON(report)
    } else {
      printText(env, report)
    }
    if let interruption {
      let saved = outURL.map { "; checkpoint at step \(completed) written to \($0.path)" } ?? "; no --out, so nothing was saved"
      env.note("interrupted by \(interruption) after \(completed) of \(options.steps) steps" + saved)
      return ToolExit.interrupted(by: interruption.rawValue)
    }
    if let outURL { env.note("checkpoint written to \(outURL.path) (step \(completed))") }
    return ToolExit.success
  }

  /// Mean val loss of the untrained model, on batches from a stream of their own (training batches are unchanged).
  private static func initialValidationLoss(_ model: MiniGPT, batches: BatchBuffers, count: Int, seed: UInt64) throws -> Float {
    var generator = SeededGenerator(seed: seed ^ 0x1417_1A15_0000_0001)
    var total: Double = 0
    for _ in 0..<count {
      total += Double(try model.forward(try batches.next(.val, &generator)))
    }
    return Float(total / Double(count))
  }

  private static func printText(_ env: CommandEnvironment, _ report: Report) {
    if let val = report.val_loss, let train = report.train_loss {
      env.out("step \(report.completed_steps): train loss \(NumberFormat.fixed(train, 4)), val loss \(NumberFormat.fixed(val, 4))\n")
    } else {
      env.out("step \(report.completed_steps): stopped before the first evaluation\n")
    }
    env.out("  baselines: uniform guess ln V = \(NumberFormat.fixed(report.uniform_loss, 4)), bigram \(NumberFormat.fixed(report.bigram_val_loss, 4)), "
      + "untrained model \(NumberFormat.fixed(report.initial_loss, 4)) (val, nats per character)\n")
    env.out("  \(NumberFormat.fixed(report.ms_per_step, report.ms_per_step < 10 ? 3 : 1)) ms/step · \(NumberFormat.grouped(Int(report.tokens_per_second.rounded()))) tokens/s · "
      + "\(NumberFormat.grouped(report.parameters)) parameters (\(NumberFormat.grouped(report.non_embedding_parameters)) non-embedding) · "
      + "\(NumberFormat.fixed(report.seconds, 1)) s\n")
  }
}

// MARK: - Batches

/// One reusable batch per split, refilled in place so training steps do not allocate.
final class BatchBuffers {
  private let dataset: CharDataset
  private var train: TokenBatch
  private var val: TokenBatch

  init(dataset: CharDataset, size: Int, context: Int) {
    self.dataset = dataset
    let empty = TokenBatch(size: size, context: context, inputs: [TokenID](repeating: 0, count: size * context),
                           targets: [TokenID](repeating: 0, count: size * context))
    train = empty
    val = empty
  }

  /// Fresh random windows of `split`.
  func next(_ split: Split, _ generator: inout SeededGenerator) throws -> TokenBatch {
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
