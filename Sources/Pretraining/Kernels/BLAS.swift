#if canImport(Accelerate)
import Accelerate
#elseif canImport(CBLAS)
import CBLAS
#endif
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
    let override = getenv("OPENBLAS_CORETYPE").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
    return Implementation(library: "OpenBLAS", core: core, configuration: configuration, coreTypeOverride: override)
    #endif
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

    public init(library: String, core: String, configuration: String, coreTypeOverride: String?) {
      self.library = library
      self.core = core
      self.configuration = configuration
      self.coreTypeOverride = coreTypeOverride
    }

    /// "OpenBLAS 0.3.21 (Cooperlake kernels, detected)" and the like.
    public var summary: String {
      guard library == "OpenBLAS" else { return library }
      let version = configuration.split(separator: " ").first { $0.first?.isNumber == true }
        .map { " \($0)" } ?? ""
      let how = coreTypeOverride.map { "set by OPENBLAS_CORETYPE=\($0)" } ?? "detected"
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
