import Foundation

// MARK: - Charts

/// Draws charts with Unicode characters: braille line charts, block bars and shaded heat maps.
public enum ChartRenderer {
  /// The lines that draw `chart` within `width` columns; a line chart's plot is `height` rows.
  public static func render(_ chart: Chart, width: Int, height: Int = 12, style: TerminalStyle) -> [String] {
    switch chart {
    case let .lines(series, xLabel, yLabel, title):
      return lines(series, xLabel: xLabel, yLabel: yLabel, title: title, width: width, style: style, height: max(1, height))
    case let .bars(labels, values, title):
      return bars(labels: labels, values: values, title: title, width: width, style: style)
    case let .heatmap(values, rowLabels, columnLabels, title):
      return heatmap(values, rowLabels: rowLabels, columnLabels: columnLabels, title: title, width: width, style: style)
    }
  }

  private static func titleLines(_ title: String?, style: TerminalStyle) -> [String] {
    guard let title, !title.isEmpty else { return [] }
    return [style.apply(.bold, Sanitizer.clean(title, singleLine: true))]
  }

  private static let seriesColors: [TerminalStyle.Attribute] = [.cyan, .yellow, .magenta, .green, .blue, .red]

  // MARK: - Line chart

  /// A braille plot: each character cell holds 2×4 dots.
  static func lines(
    _ series: [ChartSeries], xLabel: String, yLabel: String, title: String?, width: Int, style: TerminalStyle,
    height: Int = 12
  ) -> [String] {
    var out = titleLines(title, style: style)
    let points = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
    guard let xMin = points.map(\.x).min(), let xMax = points.map(\.x).max(),
      let yMin = points.map(\.y).min(), let yMax = points.map(\.y).max()
    else {
      return out + [style.apply(.dim, "(no finite points to plot)")]
    }
    let yLabels = [yMax, (yMax + yMin) / 2, yMin].map(ClaimComparison.format)
    let labelWidth = yLabels.map(displayWidth).max() ?? 1
    let columns = max(10, min(width - labelWidth - 3, 72))
    let dotsX = columns * 2
    let dotsY = height * 4
    var cells = [[UInt8]](repeating: [UInt8](repeating: 0, count: columns), count: height)
    var owner = [[Int]](repeating: [Int](repeating: -1, count: columns), count: height)
    func dot(_ x: Int, _ y: Int, _ series: Int) {
      guard x >= 0, x < dotsX, y >= 0, y < dotsY else { return }
      let bits: [[UInt8]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]
      cells[y / 4][x / 2] |= bits[y % 4][x % 2]
      owner[y / 4][x / 2] = series
    }
    func project(_ p: ChartPoint) -> (Int, Int) {
      let fx = xMax > xMin ? (p.x - xMin) / (xMax - xMin) : 0.5
      let fy = yMax > yMin ? (p.y - yMin) / (yMax - yMin) : 0.5
      return (Int((fx * Double(dotsX - 1)).rounded()), dotsY - 1 - Int((fy * Double(dotsY - 1)).rounded()))
    }
    for (index, s) in series.enumerated() {
      let projected = s.points.filter { $0.x.isFinite && $0.y.isFinite }.map(project)
      if projected.count == 1 { dot(projected[0].0, projected[0].1, index) }
      for (a, b) in zip(projected, projected.dropFirst()) {
        let steps = max(abs(b.0 - a.0), abs(b.1 - a.1), 1)
        for step in 0...steps {
          let t = Double(step) / Double(steps)
          dot(a.0 + Int((Double(b.0 - a.0) * t).rounded()), a.1 + Int((Double(b.1 - a.1) * t).rounded()), index)
        }
      }
    }
    if !yLabel.isEmpty { out.append(style.apply(.dim, Sanitizer.clean(yLabel, singleLine: true))) }
    for row in 0..<height {
      let label: String
      switch row {
      case 0: label = yLabels[0]
      case height / 2: label = yLabels[1]
      case height - 1: label = yLabels[2]
      default: label = ""
      }
      var line = String(repeating: " ", count: labelWidth - displayWidth(label)) + label + " ┤"
      // Runs of cells owned by one series share one escape sequence.
      var run = ""
      var runOwner = -1
      func flush() {
        line += runOwner >= 0 ? style.apply(seriesColors[runOwner % seriesColors.count], run) : run
        run = ""
      }
      for column in 0..<columns {
        let bits = cells[row][column]
        let character = bits == 0 ? " " : String(UnicodeScalar(0x2800 + UInt32(bits)).map(Character.init) ?? " ")
        let series = bits == 0 ? -1 : owner[row][column]
        if series != runOwner {
          flush()
          runOwner = series
        }
        run += character
      }
      flush()
      out.append(line)
    }
    out.append(String(repeating: " ", count: labelWidth + 1) + "└" + String(repeating: "─", count: columns))
    let left = ClaimComparison.format(xMin)
    let right = ClaimComparison.format(xMax)
    let gap = max(1, columns - displayWidth(left) - displayWidth(right))
    out.append(String(repeating: " ", count: labelWidth + 2) + left + String(repeating: " ", count: gap) + right)
    if !xLabel.isEmpty {
      let label = Sanitizer.clean(xLabel, singleLine: true)
      let pad = labelWidth + 2 + max(0, (columns - displayWidth(label)) / 2)
      out.append(String(repeating: " ", count: pad) + style.apply(.dim, label))
    }
    if series.count > 1 || !(series.first?.name.isEmpty ?? true) {
      let legend = series.enumerated().map { index, s in
        let marker = style.colored ? style.apply(seriesColors[index % seriesColors.count], "━━") : "(\(index + 1))"
        return marker + " " + Sanitizer.clean(s.name, singleLine: true)
      }
      out.append(legend.joined(separator: "   "))
    }
    return out
  }

  // MARK: - Bars

  /// Horizontal bars with eighth-block precision and the value after each bar.
  static func bars(labels: [String], values: [Double], title: String?, width: Int, style: TerminalStyle) -> [String] {
    var out = titleLines(title, style: style)
    let shownLabels = values.indices.map { index -> String in
      let label = index < labels.count ? Sanitizer.visibleWhitespace(labels[index]) : "#\(index)"
      return displayWidth(label) > 20 ? String(label.prefix(19)) + "…" : label
    }
    let valueTexts = values.map(ClaimComparison.format)
    let labelWidth = shownLabels.map(displayWidth).max() ?? 0
    let valueWidth = valueTexts.map(displayWidth).max() ?? 0
    let barWidth = max(5, min(width - labelWidth - valueWidth - 4, 60))
    let largest = values.filter(\.isFinite).map(abs).max() ?? 0
    let eighths = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
    for (index, value) in values.enumerated() {
      let fraction = largest > 0 && value.isFinite ? abs(value) / largest : 0
      let units = Int((fraction * Double(barWidth * 8)).rounded())
      var bar = String(repeating: "█", count: units / 8) + eighths[units % 8]
      if value < 0 { bar = String(repeating: "░", count: max(1, units / 8)) }
      let label = shownLabels[index]
      let padding = String(repeating: " ", count: labelWidth - displayWidth(label))
      let barPadding = String(repeating: " ", count: max(0, barWidth - displayWidth(bar)))
      out.append(
        padding + label + " " + style.apply(value < 0 ? .red : .cyan, bar) + barPadding + " "
          + valueTexts[index])
    }
    return out
  }

  // MARK: - Probability bars

  /// Bars for a distribution: each label with whitespace made visible (`␣`, `⏎`), a bar on an
  /// absolute scale (100% fills it), and the probability as a percentage.
  public static func probabilityBars(
    labels: [String], probabilities: [Double], width: Int, style: TerminalStyle
  ) -> [String] {
    let shownLabels = probabilities.indices.map { index in
      index < labels.count ? Sanitizer.visibleWhitespace(labels[index]) : "#\(index)"
    }
    let labelWidth = shownLabels.map(displayWidth).max() ?? 0
    let percents = probabilities.map { p in
      let text = NumberFormat.percent(p)
      return String(repeating: " ", count: max(0, 6 - text.count)) + text
    }
    let barWidth = max(5, min(width - labelWidth - 10, 50))
    let eighths = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
    return probabilities.indices.map { index in
      let p = probabilities[index]
      // An absolute scale, 100% = the full bar: a flat distribution must look flat (a lesson may
      // teach by how the bars shrink), so bars are never scaled to the largest one.
      let units = p.isFinite ? Int((min(1, max(0, p)) * Double(barWidth * 8)).rounded()) : 0
      let bar = String(repeating: "█", count: units / 8) + eighths[units % 8]
      let label = shownLabels[index]
      return String(repeating: " ", count: labelWidth - displayWidth(label)) + label + " "
        + style.apply(index == 0 ? [.cyan, .bold] : [.cyan], bar)
        + String(repeating: " ", count: max(0, barWidth - displayWidth(bar))) + " " + percents[index]
    }
  }

  // MARK: - Heat map

  static let shadeRamp: [Character] = [" ", "░", "▒", "▓", "█"]

  /// A heat map, two columns per cell: grayscale backgrounds in colour, a shade ramp otherwise.
  static func heatmap(
    _ values: [[Double]], rowLabels: [String], columnLabels: [String], title: String?, width: Int, style: TerminalStyle
  ) -> [String] {
    var out = titleLines(title, style: style)
    let finite = values.flatMap { $0 }.filter(\.isFinite)
    guard let low = finite.min(), let high = finite.max() else {
      return out + [style.apply(.dim, "(no finite values)")]
    }
    let labels = values.indices.map { index -> String in
      index < rowLabels.count ? Sanitizer.visibleWhitespace(rowLabels[index]) : String(index)
    }
    let labelWidth = min(labels.map(displayWidth).max() ?? 0, 12)
    let columnCount = values.map(\.count).max() ?? 0
    let fitting = max(1, (width - labelWidth - 2) / 2)
    let shownColumns = min(columnCount, fitting)
    let hasNonFinite = values.flatMap { $0 }.contains { !$0.isFinite }
    if !columnLabels.isEmpty {
      var header = String(repeating: " ", count: labelWidth + 1)
      for column in 0..<shownColumns {
        let label = column < columnLabels.count ? Sanitizer.visibleWhitespace(columnLabels[column]) : ""
        let cut = String(label.prefix(2))
        header += cut + String(repeating: " ", count: max(0, 2 - displayWidth(cut)))
      }
      out.append(style.apply(.dim, header))
    }
    func level(_ value: Double) -> Double { high > low ? (value - low) / (high - low) : 1 }
    for (rowIndex, row) in values.enumerated() {
      let label = String(labels[rowIndex].prefix(labelWidth))
      var line = String(repeating: " ", count: labelWidth - displayWidth(label)) + label + " "
      for column in 0..<shownColumns {
        let value = column < row.count ? row[column] : .nan
        if !value.isFinite {
          line += style.apply(.dim, "··")
        } else if style.colored {
          line += style.background256(232 + Int((level(value) * 23).rounded())) + "  " + style.reset
        } else {
          let shade = shadeRamp[min(shadeRamp.count - 1, Int((level(value) * Double(shadeRamp.count - 1)).rounded()))]
          line += String(repeating: shade, count: 2)
        }
      }
      if shownColumns < columnCount { line += style.apply(.dim, " … +\(columnCount - shownColumns) cols") }
      out.append(line)
    }
    var legend = "scale: " + (style.colored
      ? style.background256(232) + "  " + style.reset + " " + ClaimComparison.format(low) + " … "
        + style.background256(255) + "  " + style.reset + " " + ClaimComparison.format(high)
      : "'\(shadeRamp[0])' \(ClaimComparison.format(low)) ░ ▒ ▓ █ \(ClaimComparison.format(high))")
    if hasNonFinite { legend += "   ·· = -inf/nan" }
    out.append(style.apply(.dim, legend))
    return out
  }
}
