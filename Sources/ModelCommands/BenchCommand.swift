import Foundation
import LessonKit
import Pretraining

// MARK: - lesson bench

/// What `lesson bench` times.
public struct BenchCommandOptions: Sendable, Equatable {
  public var shape: ModelShapeOptions
  /// Timed steps.
  public var steps: Int
  /// Untimed steps first.
  public var warmupSteps: Int
  /// Seeds the initialization and the batches.
  public var seed: UInt64
  /// Print one JSON object on stdout instead of the text report.
  public var json: Bool

  /// Most timed (and most warm-up) steps one run takes.
  public static let maximumSteps = 1_000_000

  public init(shape: ModelShapeOptions = ModelShapeOptions(), steps: Int = 50, warmupSteps: Int = 5,
              seed: UInt64 = 1337, json: Bool = false) {
    self.shape = shape
    self.steps = steps
    self.warmupSteps = warmupSteps
    self.seed = seed
    self.json = json
  }
}

/// `lesson bench`: times training steps and sets them against the machine's own sgemm speed.
public enum BenchCommand {
  /// The `--json` report (Benchmarks/compare.sh reads `median_ms_per_step`).
  struct Report: Encodable {
    var median_ms_per_step: Double
    var p90_ms_per_step: Double
    var mean_ms_per_step: Double
    var tokens_per_second: Double
    var gflops: Double
    var gflop_per_step: Double
    var linear_gflop_per_step: Double
    var attention_gflop_per_step: Double
    var sgemm_gflops: Double
    var sgemm_data_parallel_gflops: Double
    var sgemm_threaded_gflops: Double
    var peak_fraction: Double
    var phases: [String: [String: Double]]
    var peak_rss_mb: Double
    var threads: Int
    var steps: Int
    var warmup_steps: Int
    var parameters: Int
    var vocab: Int
    var config: TrainingCommand.ConfigReport
    var first_loss: Float
    var last_loss: Float
    /// Mean loss over 20 fresh batches per split after the timed steps (the fields minigpt_torch.py reports).
    var train_loss: Float
    var val_loss: Float
    /// The 1-minute load average when the run ended: other processes share the cores and the figures.
    var load_average: Double?
    /// Cores the system reports as active.
    var cores: Int
    var blas: BLASReport
  }

  /// Which BLAS ran, and its check against a float64 reference.
  struct BLASReport: Encodable {
    /// One line for people: "OpenBLAS 0.3.21 (Haswell kernels, set by OPENBLAS_CORETYPE=Haswell)".
    var summary: String
    var library: String
    /// OpenBLAS's kernel family, e.g. "Haswell" (AVX2) or "Cooperlake" (AVX-512).
    var core: String
    var configuration: String
    /// `OPENBLAS_CORETYPE`, when it chose the kernels instead of CPU detection.
    var core_type_override: String?
    /// When `lesson` set `OPENBLAS_CORETYPE` itself, the fallback kernels OpenBLAS had detected.
    var detected_before_choice: String?
    var products_verified: Int
    /// Largest error over the float32 rounding bound; at most 1 when sgemm is correct.
    var worst_error_to_bound: Double
  }

  /// sgemm broke its rounding bound: the timings would describe wrong arithmetic.
  struct WrongBLASResults: Error, CustomStringConvertible {
    var implementation: BLAS.Implementation
    var result: SGEMMVerification.Result

    var description: String {
      let shape = result.worstShape.map { " at \($0)" } ?? ""
      let ratio = result.worstBoundRatio.isFinite ? "\(NumberFormat.fixed(result.worstBoundRatio, 1))× its rounding bound" : "NaN or a write outside the matrix"
      return "sgemm from \(implementation.summary) computes wrong results\(shape) (\(ratio)); "
        + "not timing it. Choose kernels this CPU runs correctly with OPENBLAS_CORETYPE (for example Haswell)."
    }
  }

  /// Returns 0, 1 (the run failed) or 2 (bad input).
  public static func run(_ env: CommandEnvironment, options: BenchCommandOptions) -> Int32 {
    let resolved: ModelShapeOptions.Resolved
    do {
      // Bounded: the timings are kept per step, and warm-up + timed steps must not overflow.
      let limit = BenchCommandOptions.maximumSteps
      guard options.steps >= 1 else { throw ToolInputError("--steps must be at least 1 (got \(options.steps))") }
      guard options.steps <= limit else { throw ToolInputError("--steps \(options.steps) is above the limit of \(limit)") }
      guard options.warmupSteps >= 0 else { throw ToolInputError("--warmup must be ≥ 0 (got \(options.warmupSteps))") }
      guard options.warmupSteps <= limit else {
        throw ToolInputError("--warmup \(options.warmupSteps) is above the limit of \(limit)")
      }
      resolved = try options.shape.resolve()
    } catch {
      env.error(String(describing: error))
      return ToolExit.badInput
    }
    do {
      let report = try measure(env, options: options, resolved: resolved)
      if options.json {
        try env.printJSON(report)
      } else {
        printText(env, report)
      }
      return ToolExit.success
    } catch {
      env.error(String(describing: error))
      return ToolExit.failure
    }
  }

  static func measure(_ env: CommandEnvironment, options: BenchCommandOptions,
                      resolved: ModelShapeOptions.Resolved) throws -> Report {
    let shape = options.shape
    let config = resolved.config
    let cost = TrainingStepCost(config: config, batchSize: shape.batchSize, context: shape.context)
    let implementation = BLAS.implementation
    env.note("bench: checking sgemm (\(implementation.summary)) against float64 at the step's shapes")
    let verification = SGEMMVerification.check(
      shapes: cost.workerShapes(workers: shape.threads, config: config, context: shape.context))
    guard verification.passed else { throw WrongBLASResults(implementation: implementation, result: verification) }
    if let pinned = implementation.coreTypeOverride, implementation.detectedBeforeChoice == nil {
      env.note("bench: OPENBLAS_CORETYPE=\(pinned) picks OpenBLAS's kernels, not CPU detection; "
        + "Benchmarks/compare.sh times both (see README, Speed)")
    }

    let model = try MiniGPT(config: config, seed: options.seed, threads: shape.threads)
    env.note("bench: MiniGPT \(shape.shapeLabel(config)) · \(shape.threads) thread\(shape.threads == 1 ? "" : "s") · "
      + "\(options.warmupSteps) warm-up + \(options.steps) timed steps")
    let result = try TrainingBenchmark.run(model: model, dataset: resolved.dataset, options: TrainingBenchmark.Options(
      steps: options.steps, warmupSteps: options.warmupSteps, batchSize: shape.batchSize, context: shape.context,
      seed: options.seed))
    let rss = PeakMemory.residentBytes() ?? 0  // before the probe allocates its own operands

    env.note("bench: measuring sgemm at the step's shapes")
    let dataParallel = SGEMMProbe.gflops(shapes: cost.gemmShapes, workers: shape.threads, mode: .dataParallel)
    let threaded = SGEMMProbe.gflops(shapes: cost.gemmShapes, workers: shape.threads, mode: .threadedBLAS)
    let peak = max(dataParallel, threaded)

    let median = result.medianMilliseconds
    let achieved = cost.totalFLOPs / (median / 1e3) / 1e9
    var phases: [String: [String: Double]] = [:]
    for phase in result.phases { phases[phase.pass, default: [:]][phase.kind] = phase.milliseconds }
    let mean = result.stepMilliseconds.reduce(0, +) / Double(result.stepMilliseconds.count)
    // What no clock covered (zeroing gradients, waiting for the slower worker): the mean step minus the parts.
    let attributed = result.phases.reduce(0) { $0 + $1.milliseconds }
    phases["step", default: [:]]["unattributed"] = max(0, mean - attributed)
    return Report(
      median_ms_per_step: median, p90_ms_per_step: result.p90Milliseconds, mean_ms_per_step: mean,
      tokens_per_second: Double(shape.batchSize * shape.context) / (median / 1e3),
      gflops: achieved, gflop_per_step: cost.totalFLOPs / 1e9, linear_gflop_per_step: cost.linearFLOPs / 1e9,
      attention_gflop_per_step: cost.attentionFLOPs / 1e9,
      sgemm_gflops: peak, sgemm_data_parallel_gflops: dataParallel, sgemm_threaded_gflops: threaded,
      peak_fraction: peak > 0 ? achieved / peak : 0, phases: phases,
      peak_rss_mb: Double(rss) / (1024 * 1024), threads: shape.threads, steps: options.steps,
      warmup_steps: options.warmupSteps, parameters: model.parameterCount, vocab: config.vocabSize,
      config: TrainingCommand.ConfigReport(
        vocab_size: config.vocabSize, d: config.embeddingSize, layers: config.layerCount, heads: config.headCount,
        context: config.contextLength, batch: shape.batchSize),
      first_loss: result.firstLoss, last_loss: result.lastLoss,
      train_loss: result.trainLoss, val_loss: result.valLoss, load_average: loadAverage(),
      cores: ProcessInfo.processInfo.activeProcessorCount,
      blas: BLASReport(
        summary: implementation.summary,
        library: implementation.library, core: implementation.core, configuration: implementation.configuration,
        core_type_override: implementation.coreTypeOverride, detected_before_choice: implementation.detectedBeforeChoice,
        products_verified: verification.productsChecked,
        worst_error_to_bound: verification.worstBoundRatio))
  }

  /// The 1-minute load average, or nil where the system does not report one.
  static func loadAverage() -> Double? {
    var samples = [Double](repeating: 0, count: 1)
    return getloadavg(&samples, 1) == 1 ? samples[0] : nil
  }

  private static func printText(_ env: CommandEnvironment, _ r: Report) {
    func ms(_ value: Double) -> String { NumberFormat.fixed(value, 2) }
    env.out("step time       median \(ms(r.median_ms_per_step)) ms · p90 \(ms(r.p90_ms_per_step)) ms · mean \(ms(r.mean_ms_per_step)) ms (\(r.steps) steps, \(r.threads) threads)\n")
    env.out("throughput      \(NumberFormat.grouped(Int(r.tokens_per_second.rounded()))) tokens/s\n")
    env.out("arithmetic      \(NumberFormat.fixed(r.gflop_per_step, 2)) GFLOP/step (linear \(NumberFormat.fixed(r.linear_gflop_per_step, 2)) + attention \(NumberFormat.fixed(r.attention_gflop_per_step, 2))) → \(NumberFormat.fixed(r.gflops, 1)) GFLOP/s\n")
    env.out("sgemm peak      \(NumberFormat.fixed(r.sgemm_gflops, 1)) GFLOP/s at the step's shapes (data-parallel \(NumberFormat.fixed(r.sgemm_data_parallel_gflops, 1)), threaded BLAS \(NumberFormat.fixed(r.sgemm_threaded_gflops, 1))) → step reaches \(NumberFormat.fixed(100 * r.peak_fraction, 1))%\n")
    env.out("loss            \(NumberFormat.fixed(r.first_loss, 3)) → \(NumberFormat.fixed(r.last_loss, 3)) over the timed steps; "
      + "then train \(NumberFormat.fixed(r.train_loss, 3)), val \(NumberFormat.fixed(r.val_loss, 3)) (20 batches each)\n")
    env.out("blas            \(r.blas.summary) · sgemm matches float64 on \(r.blas.products_verified) products "
      + "(worst error \(NumberFormat.fixed(r.blas.worst_error_to_bound * 100, 1))% of the rounding bound)\n")
    env.out("peak RSS        \(NumberFormat.fixed(r.peak_rss_mb, 1)) MB\n")
    if let load = r.load_average {
      env.out("machine         \(r.cores) cores, load average \(NumberFormat.fixed(load, 2)) (timings are shared with that load)\n")
    }
    env.out("phases (mean ms/step; forward and backward as seen by worker 0)\n")
    for pass in ["forward", "backward", "step"] {
      guard let kinds = r.phases[pass] else { continue }
      let total = kinds.values.reduce(0, +)
      let parts = kinds.sorted { $0.value > $1.value }.filter { $0.value >= 0.005 }
        .map { "\($0.key) \(ms($0.value))" }.joined(separator: " · ")
      env.out("  \(pass.padding(toLength: 9, withPad: " ", startingAt: 0)) \(ms(total).leftPadded(7))  \(parts)\n")
    }
  }
}

extension String {
  fileprivate func leftPadded(_ width: Int) -> String {
    count >= width ? self : String(repeating: " ", count: width - count) + self
  }
}
