import Foundation

// MARK: - Step output as HTML

/// Turns what a step reported into HTML, as `ReportRenderer` does for the terminal: text,
/// scalars, tensors (tables, decoded text beside token rows), tables, charts (inline SVG from
/// `SVGChart`), expectations and widgets. Every string from a step is escaped.
enum HTMLReport {
  static func html(_ item: ReportItem) -> String {
    switch item {
    case .text(let text):
      return "<p class=\"out-text\">\(HTMLText.escaped(text))</p>\n"
    case let .scalar(label, value, unit):
      let unitText = unit.map { " " + HTMLText.escaped($0) } ?? ""
      return "<p class=\"scalar\"><span class=\"label\">\(HTMLText.escaped(label))</span>: "
        + "<strong>\(HTMLText.escaped(ClaimComparison.format(value)))</strong>\(unitText)</p>\n"
    case let .tensor(label, tensor):
      return self.tensor(label, tensor)
    case let .table(title, headers, rows):
      return table(title: title, headers: headers, rows: rows)
    case .chart(let chart):
      return "<figure class=\"chart\">\(SVGChart.svg(chart))</figure>\n"
    case .expectation(let expectation):
      let cls = expectation.passed ? "pass" : "fail"
      let detail = expectation.detail.map { " <span class=\"detail\">(\(HTMLText.escaped($0)))</span>" } ?? ""
      return "<p class=\"expect \(cls)\"><span class=\"mark\">\(expectation.passed ? "✓" : "✗")</span> "
        + "\(HTMLText.escaped(expectation.message))\(detail)</p>\n"
    case .widget(let widget):
      return self.widget(widget)
    }
  }

  // MARK: - Widgets

  /// The widget's markup and its data island; its script goes once at the end of the page.
  static func widget(_ widget: Widget) -> String {
    "<section class=\"widget\" data-widget-kind=\"\(HTMLText.attribute(widget.kind))\" aria-label=\"\(HTMLText.attribute(widget.title))\">\n"
      + "<h4>\(HTMLText.escaped(widget.title))</h4>\n"
      + "<noscript><p>\(HTMLText.escaped(widget.summary))</p></noscript>\n"
      + widget.markup + "\n"
      + "<script type=\"application/json\" class=\"widget-data\">\(HTMLText.jsonIsland(widget.data))</script>\n"
      + "</section>\n"
  }

  // MARK: - Tables

  static func table(title: String?, headers: [String], rows: [[String]]) -> String {
    var out = "<div class=\"table-wrap\"><table class=\"report\">\n"
    if let title { out += "<caption>\(HTMLText.escaped(title))</caption>\n" }
    if !headers.isEmpty {
      out += "<thead><tr>" + headers.map { "<th scope=\"col\">\(HTMLText.escaped($0))</th>" }.joined() + "</tr></thead>\n"
    }
    out += "<tbody>\n"
    for row in rows {
      out += "<tr>" + row.map { cell in
        let numeric = Double(cell.replacingOccurrences(of: ",", with: "")) != nil
        return numeric ? "<td class=\"num\">\(HTMLText.escaped(cell))</td>" : "<td>\(HTMLText.escaped(cell))</td>"
      }.joined() + "</tr>\n"
    }
    return out + "</tbody></table></div>\n"
  }

  // MARK: - Tensors

  /// A tensor as a table: a scalar in one cell, a vector as one row, a matrix as rows, higher
  /// ranks as one matrix per leading index; long dimensions elided as the terminal elides them.
  static func tensor(_ label: String, _ tensor: ReportTensor) -> String {
    let formatter = TensorFormatter(style: .plain)
    let shapeText = "[" + tensor.shape.map(String.init).joined(separator: ", ") + "]"
    var out = "<figure class=\"tensor\"><figcaption><strong>\(HTMLText.escaped(label))</strong> "
      + "<span class=\"shape\">shape \(shapeText) \(tensor.isInteger ? "int" : "float")</span></figcaption>\n"
    guard tensor.isConsistent else {
      return out + "<p class=\"expect fail\">shape \(shapeText) does not match \(tensor.values.count) values</p></figure>\n"
    }
    func cell(_ index: Int) -> String { formatter.formatValue(tensor.values[index], tensor: tensor) }
    let shape = tensor.shape
    if shape.isEmpty {
      return out + "<div class=\"table-wrap\"><table class=\"tensor\"><tbody><tr><td class=\"num\">"
        + "\(HTMLText.escaped(cell(0)))</td></tr></tbody></table></div></figure>\n"
    }
    let columns = shape[shape.count - 1]
    let rows = shape.count >= 2 ? shape[shape.count - 2] : 1
    let leading = shape.count > 2 ? Array(shape[..<(shape.count - 2)]) : []
    // Every combination of leading indices (elided per dimension), as an offset and a label.
    var matrices: [(offset: Int, label: String?)] = [(0, nil)]
    if !leading.isEmpty {
      matrices = []
      func walk(_ dimension: Int, _ offset: Int, _ indices: [String]) {
        if dimension == leading.count {
          matrices.append((offset, "[" + indices.joined(separator: ", ") + ", :, :]"))
          return
        }
        let stride = shape[(dimension + 1)...].reduce(1, *)
        for index in formatter.elided(leading[dimension]) {
          if let index {
            walk(dimension + 1, offset + index * stride, indices + [String(index)])
          } else if matrices.last?.label != "…" {
            matrices.append((-1, "…"))
          }
        }
      }
      walk(0, 0, [])
    }
    let decoded = tensor.isInteger && tensor.decoded != nil && shape.count <= 2
    for matrix in matrices {
      if matrix.offset < 0 {
        out += "<p class=\"elided\">…</p>\n"
        continue
      }
      out += "<div class=\"table-wrap\"><table class=\"tensor\">"
      if let label = matrix.label { out += "<caption>\(HTMLText.escaped(label))</caption>" }
      out += "<tbody>\n"
      for row in formatter.elided(rows) {
        guard let row else {
          out += "<tr class=\"elided\"><td colspan=\"\(min(columns, formatter.maxItems) + 2)\">⋮</td></tr>\n"
          continue
        }
        out += "<tr>"
        for column in formatter.elided(columns) {
          if let column {
            out += "<td class=\"num\">\(HTMLText.escaped(cell(matrix.offset + row * columns + column)))</td>"
          } else {
            out += "<td class=\"elided\">…</td>"
          }
        }
        if decoded, let texts = tensor.decoded {
          let text = (0..<columns).map { texts[matrix.offset + row * columns + $0] }.joined()
          out += "<td class=\"decoded\">“\(HTMLText.escaped(Sanitizer.visibleWhitespace(text)))”</td>"
        }
        out += "</tr>\n"
      }
      out += "</tbody></table></div>\n"
    }
    return out + "</figure>\n"
  }
}
