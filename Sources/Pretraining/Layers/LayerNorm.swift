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
      var sum: Float = 0
      for i in 0..<width { sum += x[i] }
      let m = sum * inverseWidth
      var squares: Float = 0
      for i in 0..<width {
        let centered = x[i] - m
        squares += centered * centered
      }
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
      var gradSum: Float = 0
      var gradDotNorm: Float = 0
      for i in 0..<width {
        let norm = (x[i] - m) * s
        let g = dy[i] * weight[i]
        gradSum += g
        gradDotNorm += g * norm
      }
      let gradMean = gradSum * inverseWidth
      let gradNormMean = gradDotNorm * inverseWidth
      for i in 0..<width {
        let norm = (x[i] - m) * s
        biasGradient[i] += dy[i]
        weightGradient[i] += norm * dy[i]
        dx[i] += (dy[i] * weight[i] - gradMean - norm * gradNormMean) * s
      }
    }
  }
}
