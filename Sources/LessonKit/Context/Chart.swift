// MARK: - Charts

/// A chart a step reports; rendered with Unicode block, braille and shade characters.
public enum Chart: Sendable, Codable, Equatable {
  /// Line chart of named series of (x, y) points.
  case lines(_ series: [ChartSeries], xLabel: String = "", yLabel: String = "", title: String? = nil)
  /// Horizontal bars, one per label.
  case bars(labels: [String], values: [Double], title: String? = nil)
  /// A rows × columns matrix drawn with a shade ramp.
  case heatmap(_ values: [[Double]], rowLabels: [String] = [], columnLabels: [String] = [], title: String? = nil)
}

/// One named series of a line chart.
public struct ChartSeries: Sendable, Codable, Equatable {
  public let name: String
  public let points: [ChartPoint]

  /// A series of explicit points.
  public init(_ name: String, points: [(x: Double, y: Double)]) {
    self.name = name
    self.points = points.map { ChartPoint(x: $0.x, y: $0.y) }
  }

  /// A series whose x values are 0, 1, 2, ….
  public init(_ name: String, values: [Double]) {
    self.name = name
    self.points = values.enumerated().map { ChartPoint(x: Double($0.offset), y: $0.element) }
  }
}

/// A point of a line chart.
public struct ChartPoint: Sendable, Codable, Equatable {
  public var x: Double
  public var y: Double
  public init(x: Double, y: Double) { self.x = x; self.y = y }
}
