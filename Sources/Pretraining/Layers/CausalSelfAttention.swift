/// Causal multi-head self-attention over a fused q|k|v projection, one fused kernel per (batch, head).
///
/// Layout matches PyTorch's `qkv.split(C, dim=2)` then `view(B, T, h, C/h)`: each row of `qkv` is
/// [q | k | v], each of width C, and head `h` owns columns h·hs ..< (h+1)·hs of each part. The
/// output row puts head `h` at the same columns, like `transpose(1, 2).contiguous().view(B, T, C)`.
public enum CausalSelfAttention {
  /// Computes softmax(mask(q·kᵀ/√hs))·v per head; caches the probabilities in `attention` (B, h, T, T).
  ///
  /// Masked (future) probabilities are exactly zero, so a row of `attention` is the heat-map row
  /// the lesson shows.
  public static func forward(
    output: UnsafeMutablePointer<Float>, attention: UnsafeMutablePointer<Float>,
    qkv: UnsafePointer<Float>, batch: Int, time: Int, width: Int, heads: Int
  ) {
    let headSize = width / heads
    let rowStride = 3 &* width
    let scale = 1 / Float(headSize).squareRoot()
    for b in 0..<batch {
      for h in 0..<heads {
        let q = qkv + (b &* time &* rowStride &+ h &* headSize)
        let k = q + width
        let v = q + 2 &* width
        let scores = attention + (b &* heads &+ h) &* time &* time
        BLAS.gemm(
          transposeA: false, transposeB: true, m: time, n: time, k: headSize,
          alpha: scale, a: q, lda: rowStride, b: k, ldb: rowStride,
          beta: 0, c: scores, ldc: time)
        applyCausalMask(scores: scores, time: time)
        for t in 0..<time {
          softmaxInPlace(scores + t &* time, count: time)
        }
        BLAS.gemm(
          transposeA: false, transposeB: false, m: time, n: headSize, k: time,
          alpha: 1, a: scores, lda: time, b: v, ldb: rowStride,
          beta: 0, c: output + (b &* time &* width &+ h &* headSize), ldc: width)
      }
    }
  }

  /// Sets every score above the diagonal to −∞ so that position t cannot attend to any s > t.
  @inline(__always)
  public static func applyCausalMask(scores: UnsafeMutablePointer<Float>, time: Int) {
    // lesson:begin causal-mask
    for t in 0..<time {
      for s in (t + 1)..<time {
        scores[t * time + s] = -.infinity  // the future is hidden
      }
    }
    // lesson:end
  }

  /// Replaces `count` scores by their softmax; −∞ scores become exactly 0.
  @inline(__always)
  static func softmaxInPlace(_ row: UnsafeMutablePointer<Float>, count: Int) {
    let maximum = VectorMath.maximum(row, count: count)
    let inverse = 1 / FastMath.expAndSum(row, row, shift: maximum, count: count)
    for i in 0..<count { row[i] *= inverse }
  }

  /// Writes the qkv gradient from the output gradient and the cached probabilities.
  ///
  /// - Parameter scratch: T×T floats of workspace.
  public static func backward(
    qkvGradient: UnsafeMutablePointer<Float>, outputGradient: UnsafePointer<Float>,
    qkv: UnsafePointer<Float>, attention: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
    batch: Int, time: Int, width: Int, heads: Int
  ) {
    let headSize = width / heads
    let rowStride = 3 &* width
    let scale = 1 / Float(headSize).squareRoot()
    for b in 0..<batch {
      for h in 0..<heads {
        let offset = b &* time &* rowStride &+ h &* headSize
        let q = qkv + offset
        let k = q + width
        let v = q + 2 &* width
        let dq = qkvGradient + offset
        let dk = dq + width
        let dv = dq + 2 &* width
        let probabilities = attention + (b &* heads &+ h) &* time &* time
        let dy = outputGradient + (b &* time &* width &+ h &* headSize)
        // dP = dY·Vᵀ and dV = Pᵀ·dY.
        BLAS.gemm(
          transposeA: false, transposeB: true, m: time, n: time, k: headSize,
          alpha: 1, a: dy, lda: width, b: v, ldb: rowStride, beta: 0, c: scratch, ldc: time)
        BLAS.gemm(
          transposeA: true, transposeB: false, m: time, n: headSize, k: time,
          alpha: 1, a: probabilities, lda: time, b: dy, ldb: width, beta: 0, c: dv, ldc: rowStride)
        // Softmax backward in place: dS = P ⊙ (dP − rowsum(P ⊙ dP)); masked entries have P = 0.
        for t in 0..<time {
          let p = probabilities + t &* time
          let d = scratch + t &* time
          let dot = VectorMath.dot(p, d, count: time)
          for s in 0..<time { d[s] = p[s] * (d[s] - dot) }
        }
        // dQ = dS·K/√hs and dK = dSᵀ·Q/√hs.
        BLAS.gemm(
          transposeA: false, transposeB: false, m: time, n: headSize, k: time,
          alpha: scale, a: scratch, lda: time, b: k, ldb: rowStride, beta: 0, c: dq, ldc: rowStride)
        BLAS.gemm(
          transposeA: true, transposeB: false, m: time, n: headSize, k: time,
          alpha: scale, a: scratch, lda: time, b: q, ldb: rowStride, beta: 0, c: dk, ldc: rowStride)
      }
    }
  }
}
