// MARK: - Step output

/// Turns what a step reported into terminal lines.
public struct ReportRenderer: Sendable {
  public let style: TerminalStyle
  public let width: Int

  public init(style: TerminalStyle, width: Int) {
    self.style = style
    self.width = width
  }

  /// The lines for one report item.
  public func lines(for item: ReportItem) -> [String] {
    switch item {
    case .text(let text):
      return Sanitizer.clean(text).split(separator: "\n", omittingEmptySubsequences: false).flatMap { line in
        TextWrapper.wrap([Fragment(text: String(line), attributes: [])], width: width, style: style)
      }
    case let .scalar(label, value, unit):
      let unitText = unit.map { " " + Sanitizer.clean($0, singleLine: true) } ?? ""
      return [Sanitizer.clean(label, singleLine: true) + ": " + style.apply(.bold, ClaimComparison.format(value)) + unitText]
    case let .tensor(label, tensor):
      return TensorFormatter(style: style).format(label, tensor)
    case let .table(title, headers, rows):
      return TableRenderer.render(title: title, headers: headers, rows: rows, style: style)
    case .chart(let chart):
      return ChartRenderer.render(chart, width: width, style: style)
    case .expectation(let expectation):
      let mark = expectation.passed ? style.apply([.green, .bold], "✓") : style.apply([.red, .bold], "✗")
      let detail = expectation.detail.map { style.apply(.dim, " (" + Sanitizer.clean($0, singleLine: true) + ")") } ?? ""
      return [mark + " " + Sanitizer.clean(expectation.message, singleLine: true) + detail]
    case .widget(let widget):
      // The widget itself runs in the HTML page (`lesson build --html`); the terminal gets its summary.
      return [style.apply(.bold, "▸ " + Sanitizer.clean(widget.title, singleLine: true))]
        + TextWrapper.wrap([Fragment(text: Sanitizer.clean(widget.summary, singleLine: true), attributes: [.dim])],
          width: width, style: style)
    }
  }

  /// The lines for all items, with a blank line between multi-line items.
  public func lines(for items: [ReportItem]) -> [String] {
    var out: [String] = []
    for item in items {
      let itemLines = lines(for: item)
      if itemLines.count > 1, let last = out.last, !last.isEmpty { out.append("") }
      out += itemLines
    }
    return out
  }
}
