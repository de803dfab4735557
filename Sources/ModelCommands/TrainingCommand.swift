import AtomicFiles
import Foundation
import LessonKit
import LessonWidgets
import Pretraining

// MARK: - lesson train

/// What `lesson train` trains and where it writes.
///
/// Only what the command line gave: every nil setting comes from `resume`'s checkpoint, else from
/// the named `recipe`, else from ``TrainingRecipe/lesson`` and ``ModelShapeOptions``'s defaults.
/// The flags themselves are declared once, in the `lesson train` command.
public struct TrainingCommandOptions: Sendable, Equatable {
  public var shape: ModelShapeSettings
  public var settings: TrainingSettings
  /// A name in ``TrainingRecipe/named`` (`nanogpt-baby`), or nil.
  public var recipe: String?
  /// A checkpoint from `lesson train --out` to continue, or nil.
  public var resume: String?
  /// Checkpoint path, or nil.
  public var out: String?
  /// Print one JSON object on stdout instead of the text report.
  public var json: Bool
  /// Also write the loss curve (train per step, val at each evaluation) to this SVG file, or nil.
  public var plot: String?

  public init(shape: ModelShapeSettings = ModelShapeSettings(), settings: TrainingSettings = TrainingSettings(),
              recipe: String? = nil, resume: String? = nil, out: String? = nil, json: Bool = false, plot: String? = nil) {
    self.shape = shape
    self.settings = settings
    self.recipe = recipe
    self.resume = resume
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
    /// Every setting of the run, as the checkpoint records it.
    var recipe: TrainingRecipe
    /// The step a `--resume` run started from, or nil.
    var resumed_from: Int?
    var evaluations: [EvaluationReport]
    /// Training loss of every step this invocation took.
    var losses: [Float]
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

  /// Everything a run needs, read and checked before any work starts.
  struct Plan {
    var resolved: ModelShapeOptions.Resolved
    var shape: ModelShapeOptions
    var recipe: TrainingRecipe
    var checkpoint: ModelCheckpoint?
    var outURL: URL?
  }

  /// Trains and reports; returns 0, 1 (diverged or could not write), 2 (bad input) or 128 + signal.
  public static func run(_ env: CommandEnvironment, options: TrainingCommandOptions) -> Int32 {
    let plan: Plan
    do {
      plan = try self.plan(options)
    } catch {
      env.error(String(describing: error))
      return ToolExit.badInput
    }
    do {
      // A signal during training is only recorded: the loop stops after its step, the checkpoint
      // and report are written, and then the process exits with 130 (SIGINT) or 143 (SIGTERM).
      return try Interrupts.deferringExit { try train(env, options: options, plan: plan) }
    } catch {
      env.error(String(describing: error))
      return ToolExit.failure
    }
  }

  /// Resolves the recipe and shape (checkpoint, then named recipe, then defaults, each under the flags)
  /// and checks every input.
  static func plan(_ options: TrainingCommandOptions) throws -> Plan {
    var base = TrainingRecipe.lesson
    var shapeBase = ModelShapeOptions()
    var checkpoint: ModelCheckpoint?
    if let name = options.recipe {
      guard options.resume == nil else {
        throw ToolInputError("--recipe and --resume together: a resumed run keeps the recipe its checkpoint recorded")
      }
      guard let named = TrainingRecipe.named[name] else {
        throw ToolInputError("--recipe '\(name)' is unknown; known: \(TrainingRecipe.named.keys.sorted().joined(separator: ", "))")
      }
      base = named
      let baby = TrainingRecipe.nanoGPTBabyShape
      shapeBase = ModelShapeOptions(batchSize: named.batchSize, context: baby.contextLength,
                                    embeddingSize: baby.embeddingSize, layers: baby.layerCount, heads: baby.headCount)
    }
    if let path = options.resume {
      let read = try readResumable(path)
      checkpoint = read
      let recorded = read.recipe!
      let contradictions = options.settings.contradictions(of: recorded)
      guard contradictions.isEmpty else {
        throw ToolInputError("--resume \(path) keeps the recipe it recorded; these flags would change it: "
          + contradictions.joined(separator: ", ") + ". Leave them out, or start a new run without --resume")
      }
      base = recorded
      let c = read.config
      shapeBase = ModelShapeOptions(batchSize: recorded.batchSize, context: c.contextLength,
                                    embeddingSize: c.embeddingSize, layers: c.layerCount, heads: c.headCount)
      for (flag, given, keyPath) in options.shape.shapeFlags {
        if let given, given != shapeBase[keyPath: keyPath] {
          throw ToolInputError("\(flag) \(given) differs from the checkpoint's \(shapeBase[keyPath: keyPath]): "
            + "a resumed run keeps its shape; leave \(flag) out")
        }
      }
    }
    var recipe = try options.settings.applied(to: base, decayFollowsSteps: options.recipe == nil && checkpoint == nil)
    let shape = options.shape.applied(to: shapeBase)
    recipe.batchSize = shape.batchSize
    if let checkpoint, recipe.steps < checkpoint.step {
      throw ToolInputError("--steps \(recipe.steps) is below the checkpoint's step \(checkpoint.step); "
        + "a resumed run continues to --steps (at least \(checkpoint.step))")
    }
    let resolved = try shape.resolve()
    if let checkpoint {
      do {
        try checkpoint.checkVocabulary(matches: resolved.dataset.tokenizer)
      } catch {
        throw ToolInputError("--resume with \(resolved.corpusName): \(error)")
      }
    }
    let outURL = try options.out.map { try checkOutputPath($0, flag: "--out", example: "model.safetensors") }
    _ = try options.plot.map { try checkOutputPath($0, flag: "--plot", example: "loss.svg") }
    return Plan(resolved: resolved, shape: shape, recipe: recipe, checkpoint: checkpoint, outURL: outURL)
  }

  /// A checkpoint `lesson train --out` wrote with its recipe and training state.
  static func readResumable(_ path: String) throws -> ModelCheckpoint {
    let checkpoint: ModelCheckpoint
    do {
      checkpoint = try ModelCheckpoint.read(from: URL(fileURLWithPath: path))
    } catch {
      throw ToolInputError("--resume \(path): \(error)")
    }
    guard checkpoint.recipe != nil, checkpoint.training != nil else {
      throw ToolInputError("--resume \(path) holds weights only (no recipe or optimizer state); "
        + "only checkpoints that `lesson train --out` writes can be resumed")
    }
    return checkpoint
  }

  /// An output file's URL, after checking its directory exists and is writable (before training, not after).
  static func checkOutputPath(_ path: String, flag: String, example: String) throws -> URL {
    let url = URL(fileURLWithPath: path)
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
      throw ToolInputError("\(flag) \(path) is a directory; give a file name such as \(path)/\(example)")
    }
    // The atomic writer's own refusals (a device, FIFO, hard-linked or read-only target), before training.
    do {
      try AtomicFile.checkWritable(path)
    } catch {
      throw ToolInputError("\(flag): \(error)")
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

  private static func train(_ env: CommandEnvironment, options: TrainingCommandOptions, plan: Plan) throws -> Int32 {
    let resolved = plan.resolved, recipe = plan.recipe, shape = plan.shape, outURL = plan.outURL
    let dataset = resolved.dataset
    let config = resolved.config
    let model = try plan.checkpoint?.makeModel(threads: shape.threads)
      ?? MiniGPT(config: config, seed: recipe.seed, threads: shape.threads)
    let trainer = try Trainer(model: model, options: recipe.trainingOptions)
    if let checkpoint = plan.checkpoint { try trainer.resume(from: checkpoint) }
    let resumedFrom = plan.checkpoint?.step
    env.note("training MiniGPT \(shape.shapeLabel(config)) · \(NumberFormat.grouped(model.parameterCount)) parameters · "
      + "\(resolved.corpusName) (\(NumberFormat.grouped(dataset.count)) characters) · \(shape.threads) thread\(shape.threads == 1 ? "" : "s")")
    env.note(recipeLine(recipe) + (resumedFrom.map { " · resuming at step \($0)" } ?? ""))

    let bigram = try NGramModel(order: 2, dataset: dataset).averageLoss(on: dataset.val)
    let uniform = NGramModel.uniformLoss(vocabularySize: config.vocabSize)
    let batches = BatchBuffers(dataset: dataset, size: shape.batchSize, context: shape.context)
    // The model's losses before this run's steps. Nothing is trained yet, so a signal here stops
    // at once: nothing to save, nothing to report.
    let initial: LossEstimate
    do {
      initial = try trainer.evaluate(nextBatch: { split, generator in
        if let signal = Interrupts.pending { throw TrainingInterrupted(signal: signal) }
        return try batches.next(split, &generator)
      })
    } catch let stop as TrainingInterrupted {
      env.note("interrupted by \(stop.signal) during the initial loss estimate; nothing was trained or saved")
      return stop.signal.exitStatus
    }
    let display = TrainingProgressView(
      total: recipe.steps, tokensPerStep: shape.batchSize * shape.context, display: env.progressDisplay())
    var noticed = false
    let started = MonotonicClock.now()
    var summary: TrainingSummary?
    var evaluations: [EvaluationReport] = []
    var stepSeconds: [Double] = []
    var stepLosses: [Float] = []
    var interruption: InterruptSignal?

    do {
      summary = try trainer.run(steps: recipe.steps - trainer.completedSteps, nextBatch: { split, generator in
        // Only before a training batch: an estimate, once begun, finishes, so the evaluation stream
        // a checkpoint saves stands between estimates.
        if split == .train, let signal = Interrupts.pending {
          if !noticed {
            noticed = true
            display.note("\(signal): stopping after step \(trainer.completedSteps) (again to quit at once)")
          }
          throw TrainingInterrupted(signal: signal)
        }
        return try batches.next(split, &generator)
      }, progress: { progress in
        if let e = progress.evaluation { evaluations.append(EvaluationReport(step: e.step, train_loss: e.train, val_loss: e.val)) }
        stepSeconds.append(progress.stepSeconds)
        stepLosses.append(progress.loss)
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
      evaluations.append(EvaluationReport(step: initial.step, train_loss: initial.train, val_loss: initial.val))
    }
    if let outURL {
      try trainer.saveCheckpoint(to: outURL, tokenizer: dataset.tokenizer, recipe: recipe)
    }
    if let plot = options.plot {
      try SVGChart.writeLineChart(
        [
          ChartSeries("train", points: stepLosses.enumerated().map {
            (x: Double((resumedFrom ?? 0) + $0.offset + 1), y: Double($0.element))
          }),
          ChartSeries("val", points: evaluations.map { (x: Double($0.step), y: Double($0.val_loss)) }),
        ],
        to: plot, title: "MiniGPT training loss", xLabel: "step", yLabel: "loss (nats)")
      env.note("loss curve written to \(plot)")
    }
    let sorted = stepSeconds.sorted()
    let median = summary?.millisecondsPerStep ?? (sorted.isEmpty ? 0 : sorted[sorted.count / 2] * 1e3)
    let last = evaluations.last
    let report = Report(
      steps: recipe.steps, completed_steps: completed, interrupted: interruption != nil,
      train_loss: last?.train_loss, val_loss: last?.val_loss, initial_loss: initial.val, uniform_loss: uniform,
      bigram_val_loss: bigram, ms_per_step: median,
      tokens_per_second: median > 0 ? Double(shape.batchSize * shape.context) / (median / 1e3) : 0,
      seconds: MonotonicClock.seconds(since: started), parameters: model.parameterCount,
      non_embedding_parameters: model.nonEmbeddingParameterCount, vocab: config.vocabSize,
      config: ConfigReport(vocab_size: config.vocabSize, d: config.embeddingSize, layers: config.layerCount,
                           heads: config.headCount, context: config.contextLength, batch: shape.batchSize),
      learning_rate: recipe.learningRate, seed: recipe.seed, threads: shape.threads, recipe: recipe,
      resumed_from: resumedFrom, evaluations: evaluations, losses: stepLosses,
      checkpoint: outURL?.path)

    if options.json {
      try env.printJSON(report)
    } else {
      printText(env, report)
    }
    if let interruption {
      let saved = outURL.map { "; checkpoint at step \(completed) written to \($0.path)" } ?? "; no --out, so nothing was saved"
      env.note("interrupted by \(interruption) after \(completed) of \(recipe.steps) steps" + saved
        + (outURL != nil ? " (continue with --resume)" : ""))
      return interruption.exitStatus
    }
    if let outURL { env.note("checkpoint written to \(outURL.path) (step \(completed))") }
    return ToolExit.success
  }

  /// "lr 1e-3 · warmup 100 · cosine to 1e-4 by step 2000 · AdamW β (0.9, 0.99) · wd 0.1 · clip 1.0 · B 12".
  static func recipeLine(_ r: TrainingRecipe) -> String {
    func g(_ x: Float) -> String { String(format: "%g", Double(x)) }
    var parts = ["lr \(g(r.learningRate))"]
    if r.warmupSteps > 0 { parts.append("warmup \(r.warmupSteps)") }
    parts.append(r.schedule == .cosine ? "cosine to \(g(r.minimumLearningRate)) by step \(r.decaySteps)" : "constant")
    parts.append("AdamW β (\(g(r.beta1)), \(g(r.beta2))) · wd \(g(r.weightDecay))")
    parts.append(r.gradientClip > 0 ? "clip \(g(r.gradientClip))" : "no clipping")
    parts.append("\(r.steps) steps of B=\(r.batchSize) · seed \(r.seed)")
    return parts.joined(separator: " · ")
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
