import Foundation
import LessonKit
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Renderers at fixed widths: every line fits, the pieces a reader needs are there.
@Suite struct PictureTests {
  @Test func probabilityBarsShowWhitespaceAndPercentages() {
    let lines = ChartRenderer.probabilityBars(
      labels: [" ", "\n", "e"], probabilities: [0.5, 0.25, 0.125], width: 40, style: .plain)
    #expect(lines.count == 3)
    #expect(lines[0].hasPrefix("␣ "))
    #expect(lines[1].hasPrefix("⏎ "))
    #expect(lines[0].hasSuffix(" 50.0%"))
    #expect(lines[2].hasSuffix(" 12.5%"))
    // An absolute scale: 100% would fill 29 columns (40 - label - 10), so 50% fills half of
    // them (14½), 25% a quarter (7¼), whatever the largest bar is.
    #expect(lines[0].filter { $0 == "█" }.count == 14)
    #expect(lines[0].contains("█▌"))
    #expect(lines[1].filter { $0 == "█" }.count == 7)
    #expect(lines[1].contains("█▎"))
    let certain = ChartRenderer.probabilityBars(labels: ["a"], probabilities: [1], width: 40, style: .plain)
    #expect(certain[0].filter { $0 == "█" }.count == 29)
    let flat = ChartRenderer.probabilityBars(labels: ["a", "b"], probabilities: [0.1, 0.1], width: 40, style: .plain)
    #expect(flat[0].filter { $0 == "█" }.count == 2, "10% must not look like a full bar: \(flat[0])")
    for line in lines { #expect(line.count <= 40, "too wide: \(line)") }
  }

  @Test func heatMapHasARampAndALegendInMonochrome() {
    let mask = (0..<4).map { row in (0..<4).map { column in column <= row ? 1.0 : 0.0 } }
    let lines = ChartRenderer.render(.heatmap(mask, rowLabels: ["a", "b", "c", "d"], title: "mask"), width: 40, style: .plain)
    #expect(lines[0] == "mask")
    #expect(lines[1] == "a ██      ")
    #expect(lines[4] == "d ████████")
    #expect(lines.last?.contains("scale:") == true)
    #expect(lines.last?.contains("░ ▒ ▓ █") == true)
  }

  @Test func heatMapUsesGreyBackgroundsInColour() {
    let lines = ChartRenderer.render(.heatmap([[0, 1]]), width: 40, style: TerminalStyle(colored: true))
    #expect(lines[0].contains("\u{1B}[48;5;232m"))
    #expect(lines[0].contains("\u{1B}[48;5;255m"))
  }

  @Test func tokenTensorsShowDecodedTextBesideEachRow() {
    let ids: [Double] = [84, 111, 32, 98, 101, 10]
    let tensor = ReportTensor(shape: [2, 3], values: ids, isInteger: true) { String(UnicodeScalar(UInt8($0))) }
    let lines = TensorFormatter(style: .plain).format("x", tensor)
    #expect(lines[1] == "tensor([[ 84, 111,  32],   │ \"To␣\"")
    #expect(lines[2] == "        [ 98, 101,  10]])  │ \"be⏎\"")
  }

  // MARK: - SVG

  @Test func svgIsWellFormedWithAxesLegendAndEscapedText() throws {
    let svg = SVGChart.lineChart(
      [ChartSeries("train <loss>", values: [4.2, 3.1, 2.5, 2.2]), ChartSeries("val & co", points: [(1, 3.3), (3, 2.6)])],
      title: "Loss \"curve\"", xLabel: "step", yLabel: "loss")
    #expect(svg.hasPrefix("<?xml"))
    #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
    #expect(svg.contains("train &lt;loss&gt;"))
    #expect(svg.contains("val &amp; co"))
    #expect(svg.contains(">step</text>"))
    #expect(svg.contains(">loss</text>"))
    let parser = XMLParser(data: Data(svg.utf8))
    let collector = ElementCollector()
    parser.delegate = collector
    #expect(parser.parse(), "not well-formed: \(String(describing: parser.parserError))")
    #expect(collector.elements.first == "svg")
    #expect(collector.elements.filter { $0 == "text" }.count >= 8)
  }

  @Test func svgWriterReplacesTheFileAtomically() throws {
    let directory = NSTemporaryDirectory() + "svg-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/loss.svg"
    try "old".write(toFile: path, atomically: false, encoding: .utf8)
    try SVGChart.writeLineChart([ChartSeries("train", values: [3, 2, 1])], to: path)
    let written = try String(contentsOfFile: path, encoding: .utf8)
    #expect(written.hasSuffix("</svg>\n"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["loss.svg"])
  }

  @Test func svgWithoutFinitePointsSaysSo() {
    let svg = SVGChart.lineChart([ChartSeries("x", values: [.nan, .infinity])])
    #expect(svg.contains("no finite points"))
    #expect(svg.hasSuffix("</svg>\n"))
  }
}

/// Records element names in document order.
private final class ElementCollector: NSObject, XMLParserDelegate {
  var elements: [String] = []
  func parser(
    _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
    attributes: [String: String] = [:]
  ) {
    elements.append(elementName)
  }
}
