/// LayerNorm over the last dimension (eps 1e-5, biased variance, as PyTorch's `nn.LayerNorm`).
public enum LayerNorm {
  /// The epsilon added to the variance, PyTorch's default.
  public static let epsilon: Float = 1e-5

  /// Normalizes each of `rows` rows of `width` values, then scales by `weight` and shifts by `bias`.
  ///
  /// Caches each row's mean and reciprocal standard deviation for the backward pass.
  public static func forward(
    output: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
    input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    rows: Int, width: Int
  ) {
    let inverseWidth = 1 / Float(width)
    for r in 0..<rows {
      let x = input + r &* width
      let y = output + r &* width
      let m = VectorMath.sum(x, count: width) * inverseWidth
      let squares = VectorMath.sumOfSquaredDeviations(x, from: m, count: width)
      let s = 1 / (squares * inverseWidth + epsilon).squareRoot()
      for i in 0..<width {
        y[i] = (x[i] - m) * s * weight[i] + bias[i]
      }
      mean[r] = m
      rstd[r] = s
    }
  }

  /// Accumulates into the input, weight and bias gradients.
  ///
  /// With n = (x − mean)·rstd and g = dout·weight:
  /// dx = rstd · (g − mean(g) − n · mean(g·n)).
  public static func backward(
    inputGradient: UnsafeMutablePointer<Float>, weightGradient: UnsafeMutablePointer<Float>,
    biasGradient: UnsafeMutablePointer<Float>, outputGradient: UnsafePointer<Float>,
    input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>, rows: Int, width: Int
  ) {
    let inverseWidth = 1 / Float(width)
    for r in 0..<rows {
      let x = input + r &* width
      let dy = outputGradient + r &* width
      let dx = inputGradient + r &* width
      let m = mean[r]
      let s = rstd[r]
      // Σg = Σ dy·w and Σ g·n = rstd·Σ dy·w·(x − mean), as vectorized dot products.
      let gradSum = VectorMath.dot(dy, weight, count: width)
      let gradDotCentered = centeredTripleDot(dy, weight, x, center: m, count: width)
      let gradMean = gradSum * inverseWidth
      let gradNormMean = gradDotCentered * s * inverseWidth
      for i in 0..<width {
        let norm = (x[i] - m) * s
        biasGradient[i] += dy[i]
        weightGradient[i] += norm * dy[i]
        dx[i] += (dy[i] * weight[i] - gradMean - norm * gradNormMean) * s
      }
    }
  }

  /// Σ a[i]·b[i]·(c[i] − center) with SIMD accumulators.
  @inline(__always)
  static func centeredTripleDot(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>, center: Float, count: Int
  ) -> Float {
    let shift = SIMD8<Float>(repeating: center)
    var acc = SIMD8<Float>()
    var i = 0
    while i &+ 8 <= count {
      acc.addProduct(VectorMath.load(a, i) * VectorMath.load(b, i), VectorMath.load(c, i) - shift)
      i &+= 8
    }
    var total = acc.sum()
    while i < count {
      total += a[i] * b[i] * (c[i] - center)
      i &+= 1
    }
    return total
  }
}
