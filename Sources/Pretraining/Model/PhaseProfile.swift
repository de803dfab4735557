import Dispatch

/// The kinds of layer the per-phase timing groups work by.
public enum LayerKind: Int, CaseIterable, Sendable {
  case embedding, layerNorm, linear, attention, gelu, residual, loss

  /// A short lowercase name for reports.
  public var name: String {
    switch self {
    case .embedding: return "embedding"
    case .layerNorm: return "layernorm"
    case .linear: return "linear"
    case .attention: return "attention"
    case .gelu: return "gelu"
    case .residual: return "residual"
    case .loss: return "loss"
    }
  }
}

/// Seconds spent per (pass, layer kind), accumulated while profiling is on (worker 0's view).
public struct PhaseProfile: Sendable, Equatable {
  /// Forward seconds, indexed by `LayerKind.rawValue`.
  public var forward: [Double] = Array(repeating: 0, count: LayerKind.allCases.count)
  /// Backward seconds, indexed by `LayerKind.rawValue`.
  public var backward: [Double] = Array(repeating: 0, count: LayerKind.allCases.count)
  /// Seconds spent summing the workers' gradient slabs.
  public var gradientReduction: Double = 0
  /// Seconds spent in gradient clipping (norm and scaling).
  public var clipping: Double = 0
  /// Seconds spent in AdamW steps.
  public var optimizer: Double = 0
  /// Number of forward passes recorded.
  public var steps: Int = 0

  /// An empty profile.
  public init() {}

  /// Forward seconds for one kind.
  public func forwardSeconds(_ kind: LayerKind) -> Double { forward[kind.rawValue] }
  /// Backward seconds for one kind.
  public func backwardSeconds(_ kind: LayerKind) -> Double { backward[kind.rawValue] }
}

/// A lap clock that costs one branch when profiling is off.
struct LapClock {
  var enabled = false
  var last: UInt64 = 0

  mutating func start() {
    if enabled { last = DispatchTime.now().uptimeNanoseconds }
  }

  /// Adds the time since the previous lap to `bucket[kind]`.
  mutating func lap(_ kind: LayerKind, into bucket: inout [Double]) {
    guard enabled else { return }
    let now = DispatchTime.now().uptimeNanoseconds
    bucket[kind.rawValue] += Double(now &- last) * 1e-9
    last = now
  }
}
