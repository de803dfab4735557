import AtomicFiles
import Foundation

// MARK: - SVG line charts

/// Draws the charts steps report as SVG: standalone files (a training run's curves, a step's
/// series) and inline figures of the HTML pages, from the same `Chart` values the terminal renders.
///
/// The output is well-formed XML: one `<svg>` root with a white background, `role="img"` and an
/// `aria-label` describing the data (the alt text), then the chart. Text is escaped; non-finite
/// points are left out.
public enum SVGChart {
  /// Series colours (colour-blind-safe Okabe–Ito palette).
  static let colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]

  /// The SVG element for any chart, for embedding in HTML (no XML declaration).
  public static func svg(_ chart: Chart, width: Int = 720) -> String {
    switch chart {
    case let .lines(series, xLabel, yLabel, title):
      return lineChartElement(series, title: title, xLabel: xLabel, yLabel: yLabel, width: width, height: width * 7 / 12)
    case let .bars(labels, values, title):
      return barChart(labels: labels, values: values, title: title, width: width)
    case let .heatmap(values, rowLabels, columnLabels, title):
      return heatmap(values, rowLabels: rowLabels, columnLabels: columnLabels, title: title, width: width)
    }
  }

  /// The standalone SVG document for `series` (what `--plots` and `lesson train --plot` write).
  public static func lineChart(
    _ series: [ChartSeries], title: String? = nil, xLabel: String = "step", yLabel: String = "",
    width: Int = 720, height: Int = 420
  ) -> String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      + lineChartElement(series, title: title, xLabel: xLabel, yLabel: yLabel, width: width, height: height)
  }

  private static func lineChartElement(
    _ series: [ChartSeries], title: String?, xLabel: String, yLabel: String, width: Int, height: Int
  ) -> String {
    let width = max(200, width)
    let height = max(150, height)
    let left = 70.0, right = 20.0, top = title == nil ? 20.0 : 44.0, bottom = 56.0
    let plotWidth = Double(width) - left - right
    let plotHeight = Double(height) - top - bottom
    let finite = series.map { $0.points.filter { $0.x.isFinite && $0.y.isFinite } }
    let all = finite.flatMap { $0 }
    let description = series.map { s -> String in
      let ys = s.points.map(\.y).filter(\.isFinite)
      guard let low = ys.min(), let high = ys.max() else { return "\(s.name): no finite points" }
      return "\(s.name): \(ys.count) points from \(ClaimComparison.format(ys.first ?? low)) to "
        + "\(ClaimComparison.format(ys.last ?? high)), range \(ClaimComparison.format(low)) to \(ClaimComparison.format(high))"
    }.joined(separator: "; ")
    var svg = header(
      width: width, height: height,
      alt: "Line chart\(title.map { " “\($0)”" } ?? ""), \(yLabel) against \(xLabel). \(description).")
    if let title { svg += titleText(title, width: width) }
    svg += "<rect x=\"\(format(left))\" y=\"\(format(top))\" width=\"\(format(plotWidth))\" "
      + "height=\"\(format(plotHeight))\" fill=\"none\" stroke=\"#333333\"/>\n"
    guard let xMinRaw = all.map(\.x).min(), let xMaxRaw = all.map(\.x).max(),
      let yMinRaw = all.map(\.y).min(), let yMaxRaw = all.map(\.y).max()
    else {
      svg += "<text x=\"\(format(left + plotWidth / 2))\" y=\"\(format(top + plotHeight / 2))\" "
        + "text-anchor=\"middle\">no finite points</text>\n</svg>\n"
      return svg
    }
    let xTicks = niceTicks(xMinRaw, xMaxRaw)
    let yTicks = niceTicks(yMinRaw, yMaxRaw)
    let xMin = min(xMinRaw, xTicks.first ?? xMinRaw), xMax = max(xMaxRaw, xTicks.last ?? xMaxRaw)
    let yMin = min(yMinRaw, yTicks.first ?? yMinRaw), yMax = max(yMaxRaw, yTicks.last ?? yMaxRaw)
    func px(_ x: Double) -> Double { left + (xMax > xMin ? (x - xMin) / (xMax - xMin) : 0.5) * plotWidth }
    func py(_ y: Double) -> Double { top + plotHeight - (yMax > yMin ? (y - yMin) / (yMax - yMin) : 0.5) * plotHeight }

    // Grid and ticks.
    svg += "<g stroke=\"#e0e0e0\">\n"
    for tick in yTicks {
      svg += "<line x1=\"\(format(left))\" y1=\"\(format(py(tick)))\" x2=\"\(format(left + plotWidth))\" y2=\"\(format(py(tick)))\"/>\n"
    }
    for tick in xTicks {
      svg += "<line x1=\"\(format(px(tick)))\" y1=\"\(format(top))\" x2=\"\(format(px(tick)))\" y2=\"\(format(top + plotHeight))\"/>\n"
    }
    svg += "</g>\n<g fill=\"#333333\">\n"
    for tick in yTicks {
      svg += "<text x=\"\(format(left - 6))\" y=\"\(format(py(tick) + 4))\" text-anchor=\"end\">\(escape(label(tick, ticks: yTicks)))</text>\n"
    }
    for tick in xTicks {
      svg += "<text x=\"\(format(px(tick)))\" y=\"\(format(top + plotHeight + 18))\" text-anchor=\"middle\">\(escape(label(tick, ticks: xTicks)))</text>\n"
    }
    svg += "<text x=\"\(format(left + plotWidth / 2))\" y=\"\(format(Double(height) - 12))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
    svg += "<text x=\"18\" y=\"\(format(top + plotHeight / 2))\" text-anchor=\"middle\" "
      + "transform=\"rotate(-90 18 \(format(top + plotHeight / 2)))\">\(escape(yLabel))</text>\n</g>\n"

    // Series.
    for (index, points) in finite.enumerated() where !points.isEmpty {
      let color = colors[index % colors.count]
      if points.count == 1 {
        svg += "<circle cx=\"\(format(px(points[0].x)))\" cy=\"\(format(py(points[0].y)))\" r=\"3\" fill=\"\(color)\"/>\n"
      } else {
        let coordinates = points.map { "\(format(px($0.x))),\(format(py($0.y)))" }.joined(separator: " ")
        svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"\(coordinates)\"/>\n"
      }
    }

    // Legend, top right inside the plot.
    let named = series.enumerated().filter { !$0.element.name.isEmpty }
    if !named.isEmpty {
      let longest = named.map { $0.element.name.count }.max() ?? 0
      let boxWidth = Double(min(longest, 40)) * 7 + 40
      let boxX = left + plotWidth - boxWidth - 8
      svg += "<g>\n<rect x=\"\(format(boxX))\" y=\"\(format(top + 8))\" width=\"\(format(boxWidth))\" "
        + "height=\"\(format(Double(named.count) * 18 + 8))\" fill=\"#ffffff\" fill-opacity=\"0.85\" stroke=\"#cccccc\"/>\n"
      for (row, item) in named.enumerated() {
        let y = top + 8 + 4 + Double(row) * 18 + 9
        let color = colors[item.offset % colors.count]
        svg += "<line x1=\"\(format(boxX + 8))\" y1=\"\(format(y))\" x2=\"\(format(boxX + 28))\" y2=\"\(format(y))\" "
          + "stroke=\"\(color)\" stroke-width=\"2\"/>\n"
        svg += "<text x=\"\(format(boxX + 34))\" y=\"\(format(y + 4))\">\(escape(String(item.element.name.prefix(40))))</text>\n"
      }
      svg += "</g>\n"
    }
    svg += "</svg>\n"
    return svg
  }

  /// Writes the SVG for `series` to `path` atomically (temporary file, fsync, rename).
  ///
  /// `lesson train --plot FILE` calls it with its train and val series.
  public static func writeLineChart(
    _ series: [ChartSeries], to path: String, title: String? = nil, xLabel: String = "step", yLabel: String = "",
    width: Int = 720, height: Int = 420
  ) throws {
    try AtomicFile.write(
      lineChart(series, title: title, xLabel: xLabel, yLabel: yLabel, width: width, height: height), to: path)
  }

  /// Writes any chart as a standalone SVG document to `path` atomically (what `--plots` writes).
  public static func write(_ chart: Chart, to path: String) throws {
    try AtomicFile.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg(chart), to: path)
  }

  // MARK: - Bars

  /// Horizontal bars, one per label, scaled to the largest value, each with its value printed.
  static func barChart(labels: [String], values: [Double], title: String?, width: Int) -> String {
    let width = max(240, width)
    let count = min(labels.count, values.count)
    let rowHeight = 22.0
    let top = title == nil ? 12.0 : 40.0
    // A one-character label is a token: its whitespace is made visible, as on the terminal.
    let shown = labels.prefix(count).map { $0.count == 1 ? Sanitizer.visibleWhitespace($0) : Sanitizer.clean($0, singleLine: true) }
    let longest = shown.map(\.count).max() ?? 1
    let left = Double(min(max(longest, 2), 24)) * 8 + 16
    let right = 80.0
    let height = Int(top + Double(count) * rowHeight + 12)
    let plotWidth = Double(width) - left - right
    let largest = values.prefix(count).filter(\.isFinite).map { max(0, $0) }.max() ?? 0
    let pairs = (0..<count).map { "\(shown[$0]) \(ClaimComparison.format(values[$0]))" }
    var svg = header(
      width: width, height: height,
      alt: "Bar chart\(title.map { " “\($0)”" } ?? ""): " + pairs.joined(separator: ", ") + ".")
    if let title { svg += titleText(title, width: width) }
    for index in 0..<count {
      let value = values[index]
      let y = top + Double(index) * rowHeight
      let length = largest > 0 && value.isFinite ? max(0, value) / largest * plotWidth : 0
      let label = String(shown[index].prefix(24))
      svg += "<text x=\"\(format(left - 8))\" y=\"\(format(y + 15))\" text-anchor=\"end\" fill=\"#333333\">\(escape(label))</text>\n"
      svg += "<rect x=\"\(format(left))\" y=\"\(format(y + 3))\" width=\"\(format(length))\" height=\"\(format(rowHeight - 6))\" "
        + "fill=\"\(colors[0])\"/>\n"
      svg += "<text x=\"\(format(left + length + 6))\" y=\"\(format(y + 15))\" fill=\"#333333\">"
        + "\(escape(value.isFinite ? ClaimComparison.format(value) : "?"))</text>\n"
    }
    return svg + "</svg>\n"
  }

  // MARK: - Heat map

  /// A matrix of grey cells, darker for larger values; −∞ (a masked entry) is hatched.
  static func heatmap(_ values: [[Double]], rowLabels: [String], columnLabels: [String], title: String?, width: Int) -> String {
    let rows = values.count
    let columns = values.map(\.count).max() ?? 0
    let finite = values.flatMap { $0 }.filter(\.isFinite)
    let low = finite.min() ?? 0, high = finite.max() ?? 1
    let labelWidth = Double(min(max((rowLabels.map { Sanitizer.visibleWhitespace($0).count }.max() ?? 0), 1), 12)) * 8 + 12
    let top = (title == nil ? 12.0 : 40.0) + 18
    let left = labelWidth
    let cell = max(4, min(36, (Double(max(240, width)) - left - 20) / Double(max(columns, 1))))
    let width = Int(left + cell * Double(columns) + 20)
    let height = Int(top + cell * Double(rows) + 34)
    let masked = values.flatMap { $0 }.filter { $0 == -.infinity }.count
    var svg = header(
      width: max(width, 240), height: height,
      alt: "Heat map\(title.map { " “\($0)”" } ?? ""): \(rows) rows by \(columns) columns, values "
        + "\(ClaimComparison.format(low)) (light) to \(ClaimComparison.format(high)) (dark)"
        + (masked > 0 ? ", \(masked) masked entries hatched." : "."))
    svg += "<defs><pattern id=\"masked\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
      + "<path d=\"M0,6 L6,0\" stroke=\"#bbbbbb\"/></pattern></defs>\n"
    if let title { svg += titleText(title, width: max(width, 240)) }
    let showEvery = max(1, Int((14 / cell).rounded(.up)))
    for (column, label) in columnLabels.prefix(columns).enumerated() where column % showEvery == 0 {
      svg += "<text x=\"\(format(left + cell * (Double(column) + 0.5)))\" y=\"\(format(top - 6))\" text-anchor=\"middle\" "
        + "font-size=\"11\" fill=\"#333333\">\(escape(String(Sanitizer.visibleWhitespace(label).prefix(3))))</text>\n"
    }
    for (row, line) in values.enumerated() {
      let y = top + cell * Double(row)
      if row < rowLabels.count, row % showEvery == 0 {
        svg += "<text x=\"\(format(left - 6))\" y=\"\(format(y + cell / 2 + 4))\" text-anchor=\"end\" font-size=\"11\" "
          + "fill=\"#333333\">\(escape(String(Sanitizer.visibleWhitespace(rowLabels[row]).prefix(12))))</text>\n"
      }
      for (column, value) in line.enumerated() {
        let x = left + cell * Double(column)
        let fill: String
        if value.isFinite {
          let t = high > low ? (value - low) / (high - low) : 1
          let level = Int((255 - t * 225).rounded())
          fill = "rgb(\(level),\(level),\(level))"
        } else {
          fill = value == -.infinity ? "url(#masked)" : "#ff00ff"
        }
        svg += "<rect x=\"\(format(x))\" y=\"\(format(y))\" width=\"\(format(cell))\" height=\"\(format(cell))\" "
          + "fill=\"\(fill)\" stroke=\"#dddddd\" stroke-width=\"0.5\"/>\n"
      }
    }
    svg += "<text x=\"\(format(left))\" y=\"\(format(top + cell * Double(rows) + 20))\" font-size=\"11\" fill=\"#333333\">"
      + "\(escape("light \(ClaimComparison.format(low)) → dark \(ClaimComparison.format(high))"))</text>\n"
    return svg + "</svg>\n"
  }

  // MARK: - Pieces

  /// The `<svg>` start tag with its alt text, and the white background every chart sits on.
  private static func header(width: Int, height: Int, alt: String) -> String {
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" "
      + "role=\"img\" aria-label=\"\(escape(alt))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
      + "<title>\(escape(alt))</title>\n"
      + "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>\n"
  }

  private static func titleText(_ title: String, width: Int) -> String {
    "<text x=\"\(format(Double(width) / 2))\" y=\"26\" text-anchor=\"middle\" font-size=\"16\" "
      + "font-weight=\"bold\" fill=\"#222222\">\(escape(title))</text>\n"
  }

  // MARK: - Axes

  /// Round tick values covering `low...high`: steps of 1, 2 or 5 × 10ⁿ, about five of them.
  static func niceTicks(_ low: Double, _ high: Double, count: Int = 5) -> [Double] {
    guard low.isFinite, high.isFinite else { return [] }
    if high - low < 1e-12 * max(1, abs(low)) {
      return [low]
    }
    let rough = (high - low) / Double(count)
    let magnitude = pow(10, floor(log10(rough)))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
    let first = floor(low / step) * step
    var ticks: [Double] = []
    var value = first
    while value <= high + step * 0.5, ticks.count < 50 {
      ticks.append(value)
      if value >= high { break }
      value += step
    }
    return ticks.map { abs($0) < step * 1e-9 ? 0 : $0 }
  }

  /// A tick label with as many decimals as the tick spacing needs.
  private static func label(_ value: Double, ticks: [Double]) -> String {
    let step = ticks.count > 1 ? abs(ticks[1] - ticks[0]) : abs(value)
    let decimals = step > 0 ? max(0, min(6, Int(-floor(log10(step))))) : 2
    return String(format: "%.\(decimals)f", value)
  }

  private static func format(_ value: Double) -> String { String(format: "%.2f", value) }

  static func escape(_ text: String) -> String { XMLText.escaped(text, keepingLineBreaks: false) }
}
