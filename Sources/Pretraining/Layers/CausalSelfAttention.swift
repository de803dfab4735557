/// Causal multi-head self-attention over a fused q|k|v projection, one fused kernel per (batch, head).
///
/// Layout matches PyTorch's `qkv.split(C, dim=2)` then `view(B, T, h, C/h)`: each row of `qkv` is
/// [q | k | v], each of width C, and head `h` owns columns h·hs ..< (h+1)·hs of each part. The
/// output row puts head `h` at the same columns, like `transpose(1, 2).contiguous().view(B, T, C)`.
///
/// Rows are processed in blocks of `rowBlock` queries; a block ending at row r only multiplies
/// against keys 0..<r, which skips most of the masked upper triangle (a quarter of the work for
/// T = 64 in blocks of 32) without changing the result.
public enum CausalSelfAttention {
  /// Default number of query rows per block.
  public static let defaultRowBlock = 32

  /// Computes softmax(mask(q·kᵀ/√hs))·v per head; caches the probabilities in `attention` (B, h, T, T).
  ///
  /// Masked (future) probabilities are exactly zero, so a row of `attention` is the heat-map row
  /// the lesson shows.
  public static func forward(
    output: UnsafeMutablePointer<Float>, attention: UnsafeMutablePointer<Float>,
    qkv: UnsafePointer<Float>, batch: Int, time: Int, width: Int, heads: Int,
    rowBlock: Int = defaultRowBlock
  ) {
    let headSize = width / heads
    let rowStride = 3 &* width
    let scale = 1 / Float(headSize).squareRoot()
    let block = max(rowBlock, 1)
    for b in 0..<batch {
      for h in 0..<heads {
        let q = qkv + (b &* time &* rowStride &+ h &* headSize)
        let k = q + width
        let v = q + 2 &* width
        let scores = attention + (b &* heads &+ h) &* time &* time
        let y = output + (b &* time &* width &+ h &* headSize)
        // Scores S = q·kᵀ/√hs, block by block; entries right of a block's last key are left for
        // the mask to overwrite.
        for first in stride(from: 0, to: time, by: block) {
          let rows = min(block, time &- first)
          let keys = first &+ rows
          BLAS.gemm(
            transposeA: false, transposeB: true, m: rows, n: keys, k: headSize,
            alpha: scale, a: q + first &* rowStride, lda: rowStride, b: k, ldb: rowStride,
            beta: 0, c: scores + first &* time, ldc: time)
        }
        applyCausalMask(scores: scores, time: time)
        for t in 0..<time {
          // Past position t every score is −∞, and its weight exactly 0: the softmax reads on to
          // the next multiple of 8 (whole vectors, no scalar remainder) and the rest is zeroed.
          let live = visibleWidth(position: t, keys: time)
          let row = scores + t &* time
          softmaxInPlace(row, count: live)
          (row + live).update(repeating: 0, count: time &- live)
        }
        // Output Y = P·v, skipping the keys every row of the block gives zero weight.
        for first in stride(from: 0, to: time, by: block) {
          let rows = min(block, time &- first)
          BLAS.gemm(
            transposeA: false, transposeB: false, m: rows, n: headSize, k: first &+ rows,
            alpha: 1, a: scores + first &* time, lda: time, b: v, ldb: rowStride,
            beta: 0, c: y + first &* width, ldc: width)
        }
      }
    }
  }

  /// The matrix products ``forward`` and ``backward`` run per (batch row, head), block by block (the
  /// widest block of each), for checking the machine's sgemm at exactly these shapes.
  public static func gemmShapes(time: Int, headSize: Int, rowBlock: Int) -> [GEMMShape] {
    let rows = min(rowBlock, time)
    return [
      GEMMShape(m: rows, n: time, k: headSize, transposeB: true),     // scores = q·kᵀ
      GEMMShape(m: rows, n: headSize, k: time),                       // y = P·v, dq = dS·k
      GEMMShape(m: time, n: headSize, k: rows, transposeA: true),     // dv = Pᵀ·dY, dk = dSᵀ·q
    ]
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

  /// Keys 0...position rounded up to whole 8-lane vectors, at most `keys`: every weight past it is 0.
  @inline(__always)
  static func visibleWidth(position: Int, keys: Int) -> Int {
    min(keys, (position &+ 8) & ~7)
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
    batch: Int, time: Int, width: Int, heads: Int, rowBlock: Int = defaultRowBlock
  ) {
    let headSize = width / heads
    let rowStride = 3 &* width
    let scale = 1 / Float(headSize).squareRoot()
    let block = max(rowBlock, 1)
    // The last block spans every key, so running blocks last-to-first lets it initialize dK and
    // dV (beta 0) and the earlier, narrower blocks add to them (beta 1).
    let lastFirst = ((time &- 1) / block) &* block
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
        for first in stride(from: lastFirst, through: 0, by: -block) {
          let rows = min(block, time &- first)
          let keys = first &+ rows
          let beta: Float = first == lastFirst ? 0 : 1
          let p = probabilities + first &* time
          let d = scratch + first &* time
          let dyBlock = dy + first &* width
          // dP = dY·vᵀ and dv += Pᵀ·dY.
          BLAS.gemm(
            transposeA: false, transposeB: true, m: rows, n: keys, k: headSize,
            alpha: 1, a: dyBlock, lda: width, b: v, ldb: rowStride, beta: 0, c: d, ldc: time)
          BLAS.gemm(
            transposeA: true, transposeB: false, m: keys, n: headSize, k: rows,
            alpha: 1, a: p, lda: time, b: dyBlock, ldb: width, beta: beta, c: dv, ldc: rowStride)
          // Softmax backward in place: dS = P ⊙ (dP − rowsum(P ⊙ dP)); masked entries have P = 0.
          for t in 0..<rows {
            let pRow = p + t &* time
            let dRow = d + t &* time
            let live = visibleWidth(position: first &+ t, keys: keys)
            let dot = VectorMath.dot(pRow, dRow, count: live)
            for s in 0..<live { dRow[s] = pRow[s] * (dRow[s] - dot) }
            (dRow + live).update(repeating: 0, count: keys &- live)  // P = 0 there, so dS = 0
          }
          // dq = dS·k/√hs and dk += dSᵀ·q/√hs.
          BLAS.gemm(
            transposeA: false, transposeB: false, m: rows, n: headSize, k: keys,
            alpha: scale, a: d, lda: time, b: k, ldb: rowStride, beta: 0, c: dq + first &* rowStride, ldc: rowStride)
          BLAS.gemm(
            transposeA: true, transposeB: false, m: keys, n: headSize, k: rows,
            alpha: scale, a: d, lda: time, b: q + first &* rowStride, ldb: rowStride, beta: beta, c: dk, ldc: rowStride)
        }
      }
    }
  }
}
