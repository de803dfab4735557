/// Vectorizable Float32 `exp` and the Gaussian CDF behind the exact-erf GELU.
///
/// Written as straight-line scalar code without traps (wrapping integer ops, no Float→Int
/// conversion) so that LLVM vectorizes the loops calling them (8 lanes with the package's
/// `-target-cpu haswell`), with explicit fused multiply-adds (`addingProduct`: Swift never
/// contracts `a * b + c` on its own); libm's `expf`/`erff` are opaque scalar calls. Measured on this
/// machine: GELU forward ≈ 0.6 ns/value (0.9 without the explicit FMAs); hand-written
/// `SIMD8<Float>` code was ~4× slower here.
public enum FastMath {
  /// e^x with relative error about 2e-7; 0 below −87 (so e^−∞ = 0), e^88 above 88; NaN stays NaN.
  @inline(__always)
  public static func exp(_ x: Float) -> Float {
    let clamped = Swift.min(Swift.max(x, -87.0), 88.0)
    // Round x·log2(e) to an integer n with the 1.5·2^23 shift trick: the integer lands in the
    // low mantissa bits, so no Float→Int conversion (which would trap and block vectorization).
    let shift: Float = 12_582_912.0
    let shifted = shift.addingProduct(clamped, 1.442_695_04)
    let n = shifted - shift
    let nBits = Int32(bitPattern: shifted.bitPattern) &- Int32(bitPattern: shift.bitPattern)
    // r = x − n·ln2 in two parts (Cody–Waite) so the reduction is exact to Float precision.
    let r = clamped.addingProduct(n, -0.693_359_375).addingProduct(n, 2.121_944_4e-4)
    // e^r on |r| ≤ ln2/2 by its Taylor series to r^7 (truncation error < 5e-9).
    var p: Float = 1.0 / 5040.0
    p = Float(1.0 / 720.0).addingProduct(p, r)
    p = Float(1.0 / 120.0).addingProduct(p, r)
    p = Float(1.0 / 24.0).addingProduct(p, r)
    p = Float(1.0 / 6.0).addingProduct(p, r)
    p = Float(0.5).addingProduct(p, r)
    p = Float(1.0).addingProduct(p, r)
    p = Float(1.0).addingProduct(p, r)
    let scale = Float(bitPattern: UInt32(bitPattern: (nBits &+ 127) &<< 23))
    return x < -87.0 ? 0 : p * scale
  }

  /// The Gaussian CDF Φ(x) = ½(1 + erf(x/√2)) and density φ(x), absolute error about 1.5e-7.
  ///
  /// erf uses Abramowitz & Stegun 7.1.26, erf(z) ≈ 1 − t·P(t)·e^(−z²) with t = 1/(1 + p·z);
  /// e^(−z²) = e^(−x²/2) is also φ(x)·√(2π), so both come from one exponential.
  @inline(__always)
  public static func gaussianCDFAndDensity(_ x: Float) -> (cdf: Float, density: Float) {
    let z = Swift.abs(x) * 0.707_106_78
    let t = 1.0 / Float(1.0).addingProduct(0.327_591_1, z)
    var poly: Float = 1.061_405_429
    poly = Float(-1.453_152_027).addingProduct(poly, t)
    poly = Float(1.421_413_741).addingProduct(poly, t)
    poly = Float(-0.284_496_736).addingProduct(poly, t)
    poly = Float(0.254_829_592).addingProduct(poly, t)
    poly = poly * t
    let gauss = exp(-0.5 * x * x)
    let erfAbs = Float(1.0).addingProduct(-poly, gauss)
    let erfSigned = x < 0 ? -erfAbs : erfAbs
    return (0.5 * (1.0 + erfSigned), gauss * 0.398_942_28)
  }

  /// output[i] = e^(input[i] − shift) and returns Σ output; may run in place.
  ///
  /// Two loops on purpose: the exp loop vectorizes only without the sum folded into it.
  @inline(__always)
  public static func expAndSum(
    _ output: UnsafeMutablePointer<Float>, _ input: UnsafePointer<Float>, shift: Float, count: Int
  ) -> Float {
    for i in 0..<count { output[i] = exp(input[i] - shift) }
    return VectorMath.sum(output, count: count)
  }
}
