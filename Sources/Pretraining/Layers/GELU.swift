/// The exact (erf) GELU, x·Φ(x), as PyTorch's default `F.gelu` and nanoGPT use.
///
/// Φ comes from ``FastMath/gaussianCDFAndDensity(_:)`` (|error| ≈ 1.5e-7), vectorized, rather
/// than libm's scalar `erff`: the lesson model applies GELU to 4.2M values per step.
///
/// Training uses the caching pair: the forward pass already has Φ(x) and φ(x) in registers, so it
/// also stores the slope GELU′(x) = Φ(x) + x·φ(x) over the input it no longer needs, and the
/// backward pass becomes one multiply instead of a second erf and exp per value.
public enum GELU {
  /// output[i] = input[i] · Φ(input[i]).
  public static func forward(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, count: Int) {
    for i in 0..<count {
      let x = input[i]
      output[i] = x * FastMath.gaussianCDFAndDensity(x).cdf
    }
  }

  /// output[i] = x·Φ(x) and slope[i] = GELU′(x) for x = input[i]; `slope` may be `input` itself.
  public static func forward(
    output: UnsafeMutablePointer<Float>, slope: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
    count: Int
  ) {
    for i in 0..<count {
      let x = input[i]
      let (cdf, density) = FastMath.gaussianCDFAndDensity(x)
      output[i] = x * cdf
      slope[i] = cdf.addingProduct(x, density)
    }
  }

  /// gradient[i] = outputGradient[i] · slope[i], with the slope cached by the forward pass; may run in place.
  public static func backward(
    inputGradient: UnsafeMutablePointer<Float>, outputGradient: UnsafePointer<Float>,
    slope: UnsafePointer<Float>, count: Int
  ) {
    for i in 0..<count {
      inputGradient[i] = outputGradient[i] * slope[i]
    }
  }

  /// gradient[i] = outputGradient[i] · (Φ(x) + x·φ(x)); may run in place (gradient == outputGradient).
  public static func backward(
    inputGradient: UnsafeMutablePointer<Float>, outputGradient: UnsafePointer<Float>,
    input: UnsafePointer<Float>, count: Int
  ) {
    for i in 0..<count {
      let x = input[i]
      let (cdf, density) = FastMath.gaussianCDFAndDensity(x)
      inputGradient[i] = outputGradient[i] * (cdf + x * density)
    }
  }
}
