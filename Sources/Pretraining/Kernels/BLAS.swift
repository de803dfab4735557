#if canImport(Accelerate)
import Accelerate
#elseif canImport(CBLAS)
import CBLAS
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

  /// Makes each BLAS call single-threaded.
  ///
  /// The model runs its own data-parallel workers; BLAS threads inside each worker's small
  /// products would only fight them for the same cores.
  public static func useSingleThread() {
    #if canImport(CBLAS) && !canImport(Accelerate)
    openblas_set_num_threads(1)
    #endif
  }
}
