import ModelCommands
import Pretraining
import Testing

/// The sgemm check `lesson bench` runs before it times anything.
@Suite struct SGEMMVerificationTests {
  /// A plain triple loop in float32: correct, so it must pass.
  static func naive(
    _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int,
    _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
    _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
  ) {
    for i in 0..<m {
      for j in 0..<n {
        var sum: Float = 0
        for p in 0..<k {
          sum += (transposeA ? a[p * lda + i] : a[i * lda + p]) * (transposeB ? b[j * ldb + p] : b[p * ldb + j])
        }
        c[i * ldc + j] = alpha * sum + (beta == 0 ? 0 : beta * c[i * ldc + j])
      }
    }
  }

  static let shapes = [
    GEMMShape(m: 37, n: 61, k: 128, transposeB: true),
    GEMMShape(m: 64, n: 128, k: 61),
    GEMMShape(m: 61, n: 128, k: 64, transposeA: true),
    GEMMShape(m: 32, n: 64, k: 32, transposeA: true, transposeB: true),
  ]

  @Test func theMachinesBLASPassesAtTheLessonsShapes() throws {
    let config = try MiniGPTConfig.lesson(vocabSize: 61)
    let cost = TrainingStepCost(config: config, batchSize: 4, context: 64)
    let result = SGEMMVerification.check(shapes: cost.workerShapes(workers: 2, config: config, context: 64))
    #expect(result.passed, "worst error \(result.worstBoundRatio)× the bound at \(String(describing: result.worstShape))")
    #expect(result.productsChecked == 2 * (15 + 3))
  }

  @Test func aCorrectFloat32LoopPassesWithRoomToSpare() {
    let result = SGEMMVerification.check(shapes: Self.shapes, sgemm: Self.naive)
    #expect(result.passed)
    #expect(result.worstBoundRatio < 0.5)
    #expect(result.productsChecked == 8)
  }

  @Test func aKernelThatDropsOneTermFails() {
    let result = SGEMMVerification.check(shapes: Self.shapes) { ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc in
      Self.naive(ta, tb, m, n, k - 1, alpha, a, lda, b, ldb, beta, c, ldc)
    }
    #expect(!result.passed)
    #expect(result.worstBoundRatio > 10)
  }

  @Test func aKernelThatIgnoresBetaFails() {
    let result = SGEMMVerification.check(shapes: Self.shapes) { ta, tb, m, n, k, alpha, a, lda, b, ldb, _, c, ldc in
      Self.naive(ta, tb, m, n, k, alpha, a, lda, b, ldb, 0, c, ldc)
    }
    #expect(!result.passed)
  }

  @Test func aKernelThatWritesPastTheRowFails() {
    let result = SGEMMVerification.check(shapes: [GEMMShape(m: 8, n: 8, k: 8)]) {
      ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc in
      Self.naive(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
      if ldc > n { c[n] = 0 }  // one stray store into the padding
    }
    #expect(!result.passed)
    #expect(result.worstBoundRatio == .infinity)
  }

  @Test func aKernelThatLeavesNaNFails() {
    let result = SGEMMVerification.check(shapes: [GEMMShape(m: 4, n: 4, k: 4)]) { _, _, _, _, _, _, _, _, _, _, _, c, _ in
      c[0] = .nan
    }
    #expect(!result.passed)
  }

  @Test func theImplementationSummaryNamesKernelsAndWhoChoseThem() {
    let pinned = BLAS.Implementation(
      library: "OpenBLAS", core: "Haswell", configuration: "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH Haswell",
      coreTypeOverride: "Haswell")
    #expect(pinned.summary == "OpenBLAS 0.3.21 (Haswell kernels, set by OPENBLAS_CORETYPE=Haswell)")
    let detected = BLAS.Implementation(
      library: "OpenBLAS", core: "Cooperlake", configuration: "OpenBLAS 0.3.21 DYNAMIC_ARCH", coreTypeOverride: nil)
    #expect(detected.summary == "OpenBLAS 0.3.21 (Cooperlake kernels, detected)")
    #expect(BLAS.Implementation(library: "Accelerate", core: "", configuration: "", coreTypeOverride: nil).summary == "Accelerate")
    let chosen = BLAS.Implementation(
      library: "OpenBLAS", core: "SkylakeX", configuration: "OpenBLAS 0.3.21 DYNAMIC_ARCH", coreTypeOverride: "SkylakeX",
      detectedBeforeChoice: "Prescott")
    #expect(chosen.summary == "OpenBLAS 0.3.21 (SkylakeX kernels, chosen by lesson: OpenBLAS does not know this CPU and detected Prescott)")
    // The running process reports what it loaded.
    let live = BLAS.implementation
    #expect(!live.library.isEmpty)
    #if os(Linux)
    #expect(live.library == "OpenBLAS" && !live.core.isEmpty)
    #endif
  }

  @Test func onlyAFallbackToKernelsWithoutAVX2IsReplaced() {
    // OpenBLAS 0.3.21 on a CPU released after it: "Prescott" (SSE3), whatever the CPU has.
    #expect(BLAS.kernels(replacing: "Prescott", hasAVX2AndFMA: true, hasAVX512: true) == "SkylakeX")
    #expect(BLAS.kernels(replacing: "Prescott", hasAVX2AndFMA: true, hasAVX512: false) == "Haswell")
    #expect(BLAS.kernels(replacing: "NEHALEM", hasAVX2AndFMA: true, hasAVX512: false) == "Haswell")
    // A family OpenBLAS chose knowingly stands, and so does any choice on a CPU without AVX2
    // (where lesson refuses to run anyway).
    for recognised in ["Haswell", "SkylakeX", "Cooperlake", "Zen", "SapphireRapids", ""] {
      #expect(BLAS.kernels(replacing: recognised, hasAVX2AndFMA: true, hasAVX512: true) == nil, "\(recognised)")
    }
    #expect(BLAS.kernels(replacing: "Prescott", hasAVX2AndFMA: false, hasAVX512: false) == nil)
  }
}
