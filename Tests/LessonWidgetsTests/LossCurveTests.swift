import LessonKit
import LessonWidgets
import Testing

@Suite struct LossCurveTests {
  @Test func lossCurveHasBothSeriesAxesAndLegend() {
    let train = (1...50).map { (step: $0, loss: 4.2 - Double($0) * 0.04) }
    let val = stride(from: 10, through: 50, by: 10).map { (step: $0, loss: 4.3 - Double($0) * 0.035) }
    let lines = ChartRenderer.render(.lossCurve(train: train, val: val), width: 60, style: .plain)
    let text = lines.joined(separator: "\n")
    #expect(text.contains("loss (nats)"))
    #expect(text.contains("step"))
    #expect(text.contains("(1) train"))
    #expect(text.contains("(2) val"))
    #expect(text.contains("└"))
    #expect(lines.contains { $0.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) } })
    for line in lines { #expect(line.count <= 60, "too wide: \(line)") }
  }
}
