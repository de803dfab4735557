import Foundation

// MARK: - Tensor printing

/// Prints report tensors in a compact, PyTorch-like form with the shape in a header.
///
/// Dimensions longer than `maxItems` are elided to their first and last `edgeItems` entries.
public struct TensorFormatter: Sendable {
  public var maxItems = 8
  public var edgeItems = 3
  /// The widest decoded text shown beside a row of a token tensor.
  public var decodedWidth = 48
  public var style: TerminalStyle

  public init(style: TerminalStyle, maxItems: Int = 8, edgeItems: Int = 3) {
    self.style = style
    self.maxItems = maxItems
    self.edgeItems = edgeItems
  }

  /// The lines that show `tensor` under `label`.
  public func format(_ label: String, _ tensor: ReportTensor) -> [String] {
    let shapeText = "[" + tensor.shape.map(String.init).joined(separator: ", ") + "]"
    let kind = tensor.isInteger ? "int" : "float"
    var lines = [
      style.apply(.bold, Sanitizer.clean(label, singleLine: true)) + style.apply(.dim, "  shape \(shapeText)  \(kind)")
    ]
    guard tensor.isConsistent else {
      lines.append(style.apply(.red, "  (shape \(shapeText) does not match \(tensor.values.count) values)"))
      return lines
    }
    let shown = shownIndices(tensor)
    let cellWidth = shown.map { displayWidth(formatValue(tensor.values[$0], tensor: tensor)) }.max() ?? 1
    var bodyLines = body(tensor, cellWidth: cellWidth).split(separator: "\n", omittingEmptySubsequences: false)
      .map(String.init)
    // Token tensors: each row's decoded text beside it, whitespace made visible.
    if tensor.isInteger, let decoded = tensor.decoded, (1...2).contains(tensor.shape.count) {
      let rowLength = tensor.shape.last ?? 0
      let rows: [Int?] = tensor.shape.count == 1 ? [0] : elided(tensor.shape[0])
      if rows.count == bodyLines.count {
        let bodyWidth = bodyLines.map(displayWidth).max() ?? 0
        for (lineIndex, row) in rows.enumerated() {
          guard let row else { continue }
          let tokens = (0..<rowLength).map { decoded[row * rowLength + $0] }
          var text = Sanitizer.visibleWhitespace(tokens.joined())
          if displayWidth(text) > decodedWidth { text = String(text.prefix(decodedWidth - 1)) + "…" }
          let padding = String(repeating: " ", count: bodyWidth - displayWidth(bodyLines[lineIndex]))
          bodyLines[lineIndex] += padding + style.apply(.dim, "  │ ") + "\"" + text + "\""
        }
      }
    }
    lines += bodyLines
    return lines
  }

  // MARK: - Layout

  /// Indices along a dimension of length `count`, with `nil` marking the elision.
  func elided(_ count: Int) -> [Int?] {
    if count <= maxItems { return Array(0..<count) }
    return Array(0..<edgeItems) + [nil] + Array((count - edgeItems)..<count)
  }

  private func shownIndices(_ tensor: ReportTensor) -> [Int] {
    var result: [Int] = []
    func walk(_ dimension: Int, _ offset: Int) {
      if dimension == tensor.shape.count {
        result.append(offset)
        return
      }
      let stride = tensor.shape[(dimension + 1)...].reduce(1, *)
      for index in elided(tensor.shape[dimension]) {
        if let index { walk(dimension + 1, offset + index * stride) }
      }
    }
    walk(0, 0)
    return result
  }

  private func body(_ tensor: ReportTensor, cellWidth: Int) -> String {
    if tensor.shape.isEmpty { return "tensor(" + formatValue(tensor.values.first ?? 0, tensor: tensor) + ")" }
    func nest(_ dimension: Int, _ offset: Int) -> String {
      let stride = tensor.shape[(dimension + 1)...].reduce(1, *)
      let indices = elided(tensor.shape[dimension])
      if dimension == tensor.shape.count - 1 {
        let cells = indices.map { index -> String in
          guard let index else { return "..." }
          let text = formatValue(tensor.values[offset + index], tensor: tensor)
          return String(repeating: " ", count: max(0, cellWidth - displayWidth(text))) + text
        }
        return "[" + cells.joined(separator: ", ") + "]"
      }
      let indent = String(repeating: " ", count: "tensor(".count + dimension + 1)
      let separator = ",\n" + String(repeating: "\n", count: tensor.shape.count - dimension - 2) + indent
      let parts = indices.map { index -> String in
        guard let index else { return "..." }
        return nest(dimension + 1, offset + index * stride)
      }
      return "[" + parts.joined(separator: separator) + "]"
    }
    return "tensor(" + nest(0, 0) + ")"
  }

  /// A value as printed: integers plainly; floats with 4 decimals, or scientific when tiny or huge.
  func formatValue(_ value: Double, tensor: ReportTensor) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    if tensor.isInteger { return String(Int64(value.rounded())) }
    let finite = tensor.values.filter(\.isFinite).map(abs)
    let largest = finite.max() ?? 0
    let smallest = finite.filter { $0 > 0 }.min() ?? 1
    if largest >= 1e5 || smallest < 1e-4 { return String(format: "%.4e", value) }
    return String(format: "%.4f", value)
  }
}
