/// Global gradient-norm clipping with PyTorch's `clip_grad_norm_` semantics.
public enum GradientClipping {
  /// The L2 norm of all values (accumulated in Double).
  public static func norm(_ values: UnsafeBufferPointer<Float>) -> Float {
    guard let base = values.baseAddress else { return 0 }
    var sum: Double = 0
    // Four Double lanes per step: enough accumulators for the loop to vectorize.
    var i = 0
    let count = values.count
    var lanes: (Double, Double, Double, Double) = (0, 0, 0, 0)
    while i &+ 4 <= count {
      let a = Double(base[i]), b = Double(base[i &+ 1]), c = Double(base[i &+ 2]), d = Double(base[i &+ 3])
      lanes.0 += a * a
      lanes.1 += b * b
      lanes.2 += c * c
      lanes.3 += d * d
      i &+= 4
    }
    sum = (lanes.0 + lanes.1) + (lanes.2 + lanes.3)
    while i < count {
      let a = Double(base[i])
      sum += a * a
      i &+= 1
    }
    return Float(sum.squareRoot())
  }

  /// The L2 norm of an array (``norm(_:)-(UnsafeBufferPointer<Float>)``).
  public static func norm(_ values: [Float]) -> Float {
    values.withUnsafeBufferPointer { norm($0) }
  }

  /// Scales `gradients` so their global norm is at most `maxNorm`; returns the norm before clipping.
  ///
  /// As PyTorch: the scale is maxNorm / (norm + 1e-6), applied only when that is below 1.
  @discardableResult
  public static func clip(_ gradients: UnsafeMutableBufferPointer<Float>, maxNorm: Float) -> Float {
    // lesson:begin clip-grad-norm
    let total = norm(UnsafeBufferPointer(gradients))
    let scale = maxNorm / (total + 1e-6)
    if scale < 1 {
      for i in gradients.indices { gradients[i] *= scale }
    }
    return total
    // lesson:end
  }

  /// Clips an array of gradients in place; returns the norm before clipping.
  @discardableResult
  public static func clip(_ gradients: inout [Float], maxNorm: Float) -> Float {
    gradients.withUnsafeMutableBufferPointer { clip($0, maxNorm: maxNorm) }
  }
}

extension MiniGPT {
  /// Clips the model's gradients to global norm `max` (0: no clipping); returns the norm before clipping.
  @discardableResult
  public func clipGradientNorm(max: Float) -> Float {
    timed(\.clipping) { max > 0 ? GradientClipping.clip(gradients.buffer, maxNorm: max) : gradientNorm }
  }

  /// The global L2 norm of the model's gradients.
  public var gradientNorm: Float {
    GradientClipping.norm(UnsafeBufferPointer(gradients.buffer))
  }
}
