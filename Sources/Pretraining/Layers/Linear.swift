/// A fully connected layer y = x·Wᵀ + b with W stored (out, in), PyTorch's `nn.Linear` layout.
public enum Linear {
  /// Writes (or, with `accumulate`, adds) input·weightᵀ + bias into `output` (rows × outputSize).
  ///
  /// `accumulate` lets a residual projection add straight into the residual stream.
  public static func forward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
    weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
    rows: Int, inputSize: Int, outputSize: Int, accumulate: Bool = false
  ) {
    var beta: Float = accumulate ? 1 : 0
    if let bias {
      for r in 0..<rows {
        let y = output + r &* outputSize
        if accumulate {
          for o in 0..<outputSize { y[o] += bias[o] }
        } else {
          for o in 0..<outputSize { y[o] = bias[o] }
        }
      }
      beta = 1
    }
    BLAS.gemm(
      transposeA: false, transposeB: true, m: rows, n: outputSize, k: inputSize,
      alpha: 1, a: input, lda: inputSize, b: weight, ldb: inputSize,
      beta: beta, c: output, ldc: outputSize)
  }

  /// Accumulates dW += doutᵀ·x and db += Σ dout; writes (or adds) dx = dout·W.
  ///
  /// Pass nil for `inputGradient` when the input needs no gradient.
  public static func backward(
    inputGradient: UnsafeMutablePointer<Float>?, weightGradient: UnsafeMutablePointer<Float>,
    biasGradient: UnsafeMutablePointer<Float>?, outputGradient: UnsafePointer<Float>,
    input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    rows: Int, inputSize: Int, outputSize: Int, accumulateInput: Bool = false
  ) {
    if let inputGradient {
      BLAS.gemm(
        transposeA: false, transposeB: false, m: rows, n: inputSize, k: outputSize,
        alpha: 1, a: outputGradient, lda: outputSize, b: weight, ldb: inputSize,
        beta: accumulateInput ? 1 : 0, c: inputGradient, ldc: inputSize)
    }
    BLAS.gemm(
      transposeA: true, transposeB: false, m: outputSize, n: inputSize, k: rows,
      alpha: 1, a: outputGradient, lda: outputSize, b: input, ldb: inputSize,
      beta: 1, c: weightGradient, ldc: inputSize)
    if let biasGradient {
      for r in 0..<rows {
        let dy = outputGradient + r &* outputSize
        for o in 0..<outputSize { biasGradient[o] += dy[o] }
      }
    }
  }
}
