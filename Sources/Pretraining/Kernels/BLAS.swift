#if canImport(Accelerate)
import Accelerate
#elseif canImport(CBLAS)
import CBLAS
#endif
import CPUFeatures
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one place the library talks to BLAS: row-major single-precision matrix products.
///
/// OpenBLAS on Linux, Accelerate on macOS. Every matrix product in the model goes through
/// ``BLAS/gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``.
public enum BLAS {
  /// C (m×n) = alpha · op(A) · op(B) + beta · C, all row-major, with leading dimensions given.
  ///
  /// `op(A)` is m×k and `op(B)` is k×n. With `transposeA`, A is stored k×m; with `transposeB`,
  /// B is stored n×k.
  @inline(__always)
  public static func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    cblas_sgemm(
      CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }

  /// Which BLAS this build calls and, for OpenBLAS, which of its CPU kernels it chose.
  ///
  /// OpenBLAS picks its kernels once, when it loads: from `OPENBLAS_CORETYPE` if that is set,
  /// else by detecting the CPU. The choice decides the speed of every matrix product (on an
  /// AVX-512 machine, its AVX2 "Haswell" kernels run at about half the rate of its AVX-512 ones).
  public static var implementation: Implementation {
    #if canImport(Accelerate)
    return Implementation(library: "Accelerate", core: "", configuration: "", coreTypeOverride: nil)
    #else
    let core = openblas_get_corename().map { String(cString: $0) } ?? ""
    let configuration = openblas_get_config().map { String(cString: $0) } ?? ""
    let override = environmentValue("OPENBLAS_CORETYPE")
    return Implementation(
      library: "OpenBLAS", core: core, configuration: configuration, coreTypeOverride: override,
      detectedBeforeChoice: override == nil ? nil : environmentValue(detectedKernelsVariable))
    #endif
  }

  // MARK: Kernels for CPUs newer than OpenBLAS

  /// Set by `lesson` when it chose OpenBLAS's kernels itself: the family OpenBLAS had detected.
  public static let detectedKernelsVariable = "LESSON_OPENBLAS_DETECTED"

  /// OpenBLAS's kernel families without AVX2. This library requires AVX2 and FMA on x86-64, so
  /// OpenBLAS detecting one of these there means it did not recognise the CPU: OpenBLAS 0.3.21
  /// falls back to "Prescott" (SSE3) on CPUs released after it, and runs 3-4× slower than it could.
  static let kernelsWithoutAVX2: Set<String> = [
    "prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "sandybridge",
    "opteron", "barcelona", "bobcat", "bulldozer", "piledriver",
  ]

  /// The `OPENBLAS_CORETYPE` to run with instead of the kernels OpenBLAS `detected`, or nil
  /// when its own choice stands.
  ///
  /// Only a fallback is overridden, and only by kernels whose instructions the CPU reports: the
  /// AVX-512 "SkylakeX" family (F, CD, BW, DQ, VL) or else the AVX2 "Haswell" one.
  public static func kernels(replacing detected: String, hasAVX2AndFMA: Bool, hasAVX512: Bool) -> String? {
    guard hasAVX2AndFMA, kernelsWithoutAVX2.contains(detected.lowercased()) else { return nil }
    return hasAVX512 ? "SkylakeX" : "Haswell"
  }

  /// The kernels to run with on this CPU instead of the ones OpenBLAS loaded with, or nil.
  ///
  /// Nil with Accelerate, when `OPENBLAS_CORETYPE` is set (the user's choice stands), and when
  /// OpenBLAS recognised the CPU.
  public static var betterKernelsForThisCPU: String? {
    #if canImport(Accelerate)
    return nil
    #else
    guard environmentValue("OPENBLAS_CORETYPE") == nil else { return nil }
    return kernels(
      replacing: implementation.core, hasAVX2AndFMA: lesson_cpu_has_avx2_and_fma() != 0,
      hasAVX512: lesson_cpu_has_avx512_skylake_subset() != 0)
    #endif
  }

  private static func environmentValue(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
  }

  /// A description of the BLAS in use, for benchmark reports.
  public struct Implementation: Sendable, Equatable {
    /// "OpenBLAS" or "Accelerate".
    public var library: String
    /// OpenBLAS's kernel family ("Haswell", "SkylakeX", "Cooperlake", …); empty for Accelerate.
    public var core: String
    /// OpenBLAS's build description (version, DYNAMIC_ARCH, threading); empty for Accelerate.
    public var configuration: String
    /// The value of `OPENBLAS_CORETYPE` when it chose the kernels instead of CPU detection.
    public var coreTypeOverride: String?
    /// When `lesson` set `OPENBLAS_CORETYPE` itself: the fallback family OpenBLAS had detected.
    public var detectedBeforeChoice: String?

    public init(
      library: String, core: String, configuration: String, coreTypeOverride: String?, detectedBeforeChoice: String? = nil
    ) {
      self.library = library
      self.core = core
      self.configuration = configuration
      self.coreTypeOverride = coreTypeOverride
      self.detectedBeforeChoice = detectedBeforeChoice
    }

    /// "OpenBLAS 0.3.21 (Cooperlake kernels, detected)" and the like.
    public var summary: String {
      guard library == "OpenBLAS" else { return library }
      let version = configuration.split(separator: " ").first { $0.first?.isNumber == true }
        .map { " \($0)" } ?? ""
      let how = switch (coreTypeOverride, detectedBeforeChoice) {
      case let (_, detected?): "chosen by lesson: OpenBLAS does not know this CPU and detected \(detected)"
      case let (override?, nil): "set by OPENBLAS_CORETYPE=\(override)"
      case (nil, nil): "detected"
      }
      return "OpenBLAS\(version) (\(core.isEmpty ? "unknown" : core) kernels, \(how))"
    }
  }

  /// Makes each BLAS call single-threaded.
  ///
  /// The model runs its own data-parallel workers; BLAS threads inside each worker's small
  /// products would only fight them for the same cores.
  public static func useSingleThread() { setThreads(1) }

  /// Sets how many threads each BLAS call may use (OpenBLAS; Accelerate manages its own).
  public static func setThreads(_ count: Int) {
    #if canImport(CBLAS) && !canImport(Accelerate)
    openblas_set_num_threads(Int32(clamping: max(1, count)))
    #endif
  }
}
