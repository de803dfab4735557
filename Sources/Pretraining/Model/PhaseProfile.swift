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
  /// Seconds spent drawing training batches (the Trainer's `nextBatch`).
  public var batch: Double = 0
  /// Number of forward passes recorded.
  public var steps: Int = 0

  /// An empty profile.
  public init() {}

  /// Forward seconds for one kind.
  public func forwardSeconds(_ kind: LayerKind) -> Double { forward[kind.rawValue] }
  /// Backward seconds for one kind.
  public func backwardSeconds(_ kind: LayerKind) -> Double { backward[kind.rawValue] }
}

/// The one clock every timing in the library reads: monotonic nanoseconds since boot.
public enum MonotonicClock {
  @inline(__always)
  public static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

  /// Seconds from `start` (a value of ``now()``) until now.
  @inline(__always)
  public static func seconds(since start: UInt64) -> Double { Double(now() &- start) * 1e-9 }
}

/// A lap clock that costs one branch when profiling is off.
struct LapClock {
  var enabled = false
  var last: UInt64 = 0

  mutating func start() {
    if enabled { last = MonotonicClock.now() }
  }

  /// Adds the time since the previous lap to `bucket[kind]`.
  mutating func lap(_ kind: LayerKind, into bucket: inout [Double]) {
    guard enabled else { return }
    let now = MonotonicClock.now()
    bucket[kind.rawValue] += Double(now &- last) * 1e-9
    last = now
  }
}

// MARK: - Profiling a model

/// Per-phase timing lives here, not in MiniGPT.swift, so the model reads as a model.
extension MiniGPT {
  /// Turns per-phase timing on or off and clears what was recorded. Off by default.
  public func setProfiling(_ enabled: Bool) {
    profiling = enabled
    for replica in replicas {
      replica.clock.enabled = enabled
      replica.profile = PhaseProfile()
    }
  }

  /// Seconds per (pass, layer kind) since profiling was turned on, as seen by worker 0, plus
  /// batch, gradient reduction, clipping and AdamW time on this model.
  public var phaseProfile: PhaseProfile { replicas.first?.profile ?? PhaseProfile() }

  /// Times `body` into one of the profile's buckets when profiling is on.
  func timed<R>(_ bucket: WritableKeyPath<PhaseProfile, Double>, _ body: () throws -> R) rethrows -> R {
    guard profiling, let first = replicas.first else { return try body() }
    let start = MonotonicClock.now()
    let result = try body()
    first.profile[keyPath: bucket] += MonotonicClock.seconds(since: start)
    return result
  }

  /// `source`, with its draws timed as "batch" while profiling is on.
  func profilingBatches(_ source: @escaping BatchSource) -> BatchSource {
    { [unowned self] split, generator in try timed(\.batch) { try source(split, &generator) } }
  }
}
