import Pretraining

/// Checks the machine's `sgemm` against a float64 reference at a training step's own shapes.
///
/// A fast BLAS kernel that computes wrong results makes every timing meaningless, and some older
/// OpenBLAS builds pick such kernels on CPUs newer than themselves. Each product is compared
/// entry by entry with the rounding bound every correct float32 implementation meets:
/// |computed − exact| ≤ γₖ · Σ|a||b|, with γₖ = k·u/(1 − k·u) and u = 2⁻²⁴ (Higham, *Accuracy and
/// Stability of Numerical Algorithms*, §3.5). Real kernels stay far inside it; a wrong one
/// lands far outside.
public enum SGEMMVerification {
  /// A row-major sgemm with ``BLAS/gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``'s
  /// parameters in order; tests pass deliberately wrong ones to see the check fail.
  public typealias SGEMM = (
    _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int,
    _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
    _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
  ) -> Void

  /// The outcome over all shapes checked.
  public struct Result: Sendable, Equatable {
    /// Products compared, counting each shape's plain and strided-accumulating variants.
    public var productsChecked: Int
    /// The largest |computed − exact| / bound over every entry; at most 1 for a correct sgemm.
    public var worstBoundRatio: Double
    /// The product where `worstBoundRatio` was seen.
    public var worstShape: GEMMShape?
    /// Whether every entry met its bound.
    public var passed: Bool { worstBoundRatio <= 1 }
  }

  /// Runs every shape twice: alpha 1, beta 0 on packed operands, then alpha ¼, beta 1 on operands
  /// with padded leading dimensions (how the attention kernel and gradient accumulation call it).
  public static func check(shapes: [GEMMShape], sgemm: SGEMM = blasSGEMM) -> Result {
    var result = Result(productsChecked: 0, worstBoundRatio: 0, worstShape: nil)
    for shape in shapes {
      for strided in [false, true] {
        let ratio = worstRatio(shape, strided: strided, sgemm: sgemm)
        result.productsChecked += 1
        // NaN (a kernel writing garbage) must count as a failure, so compare with `!(<=)`.
        if !(ratio <= result.worstBoundRatio) {
          result.worstBoundRatio = ratio.isNaN ? .infinity : ratio
          result.worstShape = shape
        }
      }
    }
    return result
  }

  /// The machine's BLAS.
  public static func blasSGEMM(
    _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int,
    _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
    _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
  ) {
    BLAS.gemm(
      transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
      alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
  }

  /// The largest error-to-bound ratio of one product.
  static func worstRatio(_ shape: GEMMShape, strided: Bool, sgemm: SGEMM) -> Double {
    let (m, n, k) = (shape.m, shape.n, shape.k)
    guard m > 0, n > 0, k > 0 else { return 0 }
    let padding = strided ? 3 : 0
    // Stored sizes: A is m×k (or k×m transposed), B is k×n (or n×k transposed).
    let aRows = shape.transposeA ? k : m, aCols = shape.transposeA ? m : k
    let bRows = shape.transposeB ? n : k, bCols = shape.transposeB ? k : n
    let lda = aCols + padding, ldb = bCols + padding, ldc = n + padding
    let alpha: Float = strided ? 0.25 : 1
    let beta: Float = strided ? 1 : 0

    var a = [Float](repeating: .nan, count: aRows * lda)  // padding stays NaN: reading it would show
    var b = [Float](repeating: .nan, count: bRows * ldb)
    var c = [Float](repeating: .nan, count: m * ldc)
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &+ UInt64(m &* 31 &+ n &* 7 &+ k)
    func next() -> Float {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Float(Int64(bitPattern: state >> 11) % 2001 - 1000) / 1000
    }
    for r in 0..<aRows { for col in 0..<aCols { a[r * lda + col] = next() } }
    for r in 0..<bRows { for col in 0..<bCols { b[r * ldb + col] = next() } }
    for r in 0..<m { for col in 0..<n { c[r * ldc + col] = beta == 0 ? .nan : next() } }
    let original = c
    a.withUnsafeBufferPointer { ap in
      b.withUnsafeBufferPointer { bp in
        c.withUnsafeMutableBufferPointer { cp in
          sgemm(
            shape.transposeA, shape.transposeB, m, n, k,
            alpha, ap.baseAddress!, lda, bp.baseAddress!, ldb, beta, cp.baseAddress!, ldc)
        }
      }
    }

    let unit = 0x1p-24
    let gamma = Double(k) * unit / (1 - Double(k) * unit)
    // op(B) as a packed k×n float64 matrix, and its magnitudes, so the inner loop runs along rows.
    var opB = [Double](repeating: 0, count: k * n)
    for p in 0..<k {
      for j in 0..<n { opB[p * n + j] = Double(shape.transposeB ? b[j * ldb + p] : b[p * ldb + j]) }
    }
    let opBMagnitude = opB.map(abs)
    var exact = [Double](repeating: 0, count: n)
    var magnitude = [Double](repeating: 0, count: n)
    var worst = 0.0
    for i in 0..<m {
      exact.withUnsafeMutableBufferPointer { e in
        magnitude.withUnsafeMutableBufferPointer { g in
          opB.withUnsafeBufferPointer { bRows in
            opBMagnitude.withUnsafeBufferPointer { bMagnitudes in
              for j in 0..<n { e[j] = 0; g[j] = 0 }
              for p in 0..<k {
                let aip = Double(shape.transposeA ? a[p * lda + i] : a[i * lda + p])
                let row = bRows.baseAddress! + p * n
                let rowMagnitude = bMagnitudes.baseAddress! + p * n
                let aMagnitude = abs(aip)
                for j in 0..<n {
                  e[j] += aip * row[j]
                  g[j] += aMagnitude * rowMagnitude[j]
                }
              }
            }
          }
        }
      }
      for j in 0..<n {
        let previous = beta == 0 ? 0 : Double(original[i * ldc + j])
        let expected = Double(alpha) * exact[j] + Double(beta) * previous
        // The bound covers the k-term sum; alpha·sum and + beta·c add at most two more roundings.
        let bound = gamma * Double(alpha) * magnitude[j] + 4 * unit * (abs(expected) + abs(previous)) + 1e-30
        let ratio = abs(Double(c[i * ldc + j]) - expected) / bound
        if !(ratio <= worst) { worst = ratio.isNaN ? .infinity : ratio }
      }
      // Columns past n are padding: a kernel writing there corrupts its neighbours' memory.
      for j in n..<ldc where !c[i * ldc + j].isNaN { worst = .infinity }
    }
    return worst
  }
}
