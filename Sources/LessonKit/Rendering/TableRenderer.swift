// MARK: - Tables

/// Renders a table with aligned columns, a bold header and a rule under it.
enum TableRenderer {
  static let maxCellWidth = 40

  static func render(title: String?, headers: [String], rows: [[String]], style: TerminalStyle) -> [String] {
    func cell(_ text: String) -> String {
      let clean = Sanitizer.clean(text, singleLine: true)
      return displayWidth(clean) > maxCellWidth ? String(clean.prefix(maxCellWidth - 1)) + "…" : clean
    }
    let columnCount = max(headers.count, rows.map(\.count).max() ?? 0)
    let header = (0..<columnCount).map { $0 < headers.count ? cell(headers[$0]) : "" }
    let body = rows.map { row in (0..<columnCount).map { $0 < row.count ? cell(row[$0]) : "" } }
    let widths = (0..<columnCount).map { column in
      ([header] + body).map { displayWidth($0[column]) }.max() ?? 0
    }
    func line(_ cells: [String], numericRight: Bool) -> String {
      cells.enumerated().map { column, text in
        let pad = String(repeating: " ", count: widths[column] - displayWidth(text))
        let isNumber = numericRight && Double(text.replacingOccurrences(of: ",", with: "")) != nil
        return isNumber ? pad + text : text + pad
      }.joined(separator: "  ").trailingSpacesRemoved
    }
    var lines: [String] = []
    if let title { lines.append(style.apply(.bold, Sanitizer.clean(title, singleLine: true))) }
    if !headers.isEmpty {
      lines.append(style.apply(.bold, line(header, numericRight: false)))
      lines.append(style.apply(.dim, widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")))
    }
    lines += body.map { line($0, numericRight: true) }
    return lines
  }
}

extension String {
  /// The text without the padding a last column leaves (piped output keeps no trailing blanks).
  fileprivate var trailingSpacesRemoved: String {
    var text = self
    while text.last == " " { text.removeLast() }
    return text
  }
}
