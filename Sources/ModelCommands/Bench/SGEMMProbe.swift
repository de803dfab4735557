import Dispatch
import Pretraining

/// Measures what the machine's BLAS sustains on a training step's own matrix products.
///
/// This is the ceiling a step built on `cblas_sgemm` can approach: ``TrainingStepCost`` FLOPs
/// divided by step time, over this, is the fraction of the achievable peak the whole step reaches.
public enum SGEMMProbe {
  /// How the probe spreads the products over `workers` cores.
  public enum Mode: String, Sendable, CaseIterable {
    /// Each worker runs every product on its 1/workers share of the rows with single-threaded
    /// BLAS, concurrently: how the model's data-parallel step uses the cores.
    case dataParallel = "data_parallel"
    /// Every product at full size, one after another, with BLAS threaded over `workers` threads.
    case threadedBLAS = "threaded_blas"
  }

  /// GFLOP/s over `shapes` (all their repeats), the best of `rounds` timed rounds after a warm-up.
  public static func gflops(shapes: [GEMMShape], workers: Int, mode: Mode, rounds: Int = 3) -> Double {
    let workers = max(workers, 1)
    let totalFLOPs = shapes.reduce(0) { $0 + $1.flops }
    guard totalFLOPs > 0 else { return 0 }
    let slices = mode == .dataParallel ? workers : 1
    let sliced = shapes.map { $0.share(of: slices) }
    let buffers = (0..<slices).map { _ in Buffers(shapes: sliced) }
    if mode == .threadedBLAS { BLAS.setThreads(workers) }
    defer { if mode == .threadedBLAS { BLAS.setThreads(1) } }

    var best = Double.infinity
    for round in 0...max(rounds, 1) {
      let start = MonotonicClock.now()
      if slices == 1 {
        buffers[0].run(sliced)
      } else {
        DispatchQueue.concurrentPerform(iterations: slices) { worker in buffers[worker].run(sliced) }
      }
      let seconds = MonotonicClock.seconds(since: start)
      if round > 0 { best = min(best, seconds) }  // round 0 warms caches and BLAS threads
    }
    return totalFLOPs / best / 1e9
  }

  /// One worker's operands, sized for the largest product, filled with small non-zero values.
  private final class Buffers: @unchecked Sendable {
    // @unchecked: each instance is used by exactly one worker at a time.
    let a: UnsafeMutablePointer<Float>
    let b: UnsafeMutablePointer<Float>
    let c: UnsafeMutablePointer<Float>
    let sizes: (a: Int, b: Int, c: Int)

    init(shapes: [GEMMShape]) {
      let a = max(shapes.map { $0.m * $0.k }.max() ?? 1, 1)
      let b = max(shapes.map { $0.k * $0.n }.max() ?? 1, 1)
      let c = max(shapes.map { $0.m * $0.n }.max() ?? 1, 1)
      sizes = (a, b, c)
      self.a = .allocate(capacity: a)
      self.b = .allocate(capacity: b)
      self.c = .allocate(capacity: c)
      for i in 0..<a { self.a[i] = Float(i % 17) * 0.01 - 0.08 }
      for i in 0..<b { self.b[i] = Float(i % 13) * 0.01 - 0.06 }
      self.c.initialize(repeating: 0, count: c)
    }

    deinit {
      a.deallocate()
      b.deallocate()
      c.deallocate()
    }

    func run(_ shapes: [GEMMShape]) {
      for shape in shapes {
        for _ in 0..<shape.repeats {
          BLAS.gemm(
            transposeA: shape.transposeA, transposeB: shape.transposeB, m: shape.m, n: shape.n, k: shape.k,
            alpha: 1, a: a, lda: shape.transposeA ? shape.m : shape.k,
            b: b, ldb: shape.transposeB ? shape.k : shape.n,
            beta: 0, c: c, ldc: shape.n)
        }
      }
    }
  }
}
