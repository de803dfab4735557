import AtomicFiles
import Foundation

// MARK: - SVG line charts

/// Writes line charts (a training run's curves, a step's series) as standalone SVG files, for viewing outside the terminal.
///
/// The output is well-formed XML: one `<svg>` root with a white background, a frame, axis
/// ticks with labels, an x and a y axis label, one polyline per series and a legend. Text is
/// escaped; non-finite points are left out.
public enum SVGChart {
  /// Series colours (colour-blind-safe Okabe–Ito palette).
  static let colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]

  /// The SVG document for `series`.
  public static func lineChart(
    _ series: [ChartSeries], title: String? = nil, xLabel: String = "step", yLabel: String = "",
    width: Int = 720, height: Int = 420
  ) -> String {
    let width = max(200, width)
    let height = max(150, height)
    let left = 70.0, right = 20.0, top = title == nil ? 20.0 : 44.0, bottom = 56.0
    let plotWidth = Double(width) - left - right
    let plotHeight = Double(height) - top - bottom
    let finite = series.map { $0.points.filter { $0.x.isFinite && $0.y.isFinite } }
    let all = finite.flatMap { $0 }
    var svg = """
      <?xml version="1.0" encoding="UTF-8"?>
      <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" \
      font-family="Helvetica, Arial, sans-serif" font-size="12">
      <rect x="0" y="0" width="\(width)" height="\(height)" fill="#ffffff"/>

      """
    if let title {
      svg += "<text x=\"\(format(Double(width) / 2))\" y=\"26\" text-anchor=\"middle\" font-size=\"16\" "
        + "font-weight=\"bold\">\(escape(title))</text>\n"
    }
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
