/// The exact (erf) GELU, x·Φ(x), as PyTorch's default `F.gelu` and nanoGPT use.
///
/// Φ comes from ``FastMath/gaussianCDFAndDensity(_:)`` (|error| ≈ 1.5e-7), vectorized, rather
/// than libm's scalar `erff`: the lesson model applies GELU to 4.2M values per step.
public enum GELU {
  /// output[i] = input[i] · Φ(input[i]).
  public static func forward(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, count: Int) {
    for i in 0..<count {
      let x = input[i]
      output[i] = x * FastMath.gaussianCDFAndDensity(x).cdf
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
