import LessonKit
import Testing

@Suite struct RenderingTests {
  static let lessonText = """
    # Title \u{1B}[31mred\u{1B}[0m

    Some *emphasis*, **strong**, `code` and a claim [2,048](check:count).
    A long paragraph that must wrap because it is much longer than the narrow width used here.

    > quoted

    1. first
    2. second

    ```swift step=shown display
    let x = "\u{1B}]0;pwned\u{07}"
    ```
    """

  private func render(_ style: TerminalStyle, width: Int = 40) -> String {
    var out = ""
    let lesson = Lesson.parse(Self.lessonText, file: "x.md")
    ProseRenderer(lesson: lesson, style: style, width: width) { out += $0 }.render()
    return out
  }

  @Test func noEscapesWhenColourIsOff() {
    let out = render(.plain)
    #expect(!out.contains("\u{1B}"))
    #expect(!out.contains("\u{07}"))
    #expect(out.contains("Title ␛[31mred␛[0m"))
    #expect(out.contains("let x = \"␛]0;pwned␇\""))
    #expect(out.contains("`code`"))
    #expect(out.contains("│ quoted"))
    #expect(out.contains("1. first"))
    #expect(out.contains("2,048\u{A0}○"))
  }

  @Test func lessonEscapesAreNeutralizedEvenInColour() {
    let out = render(TerminalStyle(colored: true))
    #expect(out.contains("\u{1B}[1m"))
    #expect(!out.contains("\u{1B}]0;"))
    #expect(!out.contains("\u{1B}[31mred"))
  }

  @Test func paragraphsWrapToTheWidth() {
    for line in render(.plain, width: 40).split(separator: "\n") where !line.contains("let x") {
      #expect(line.count <= 40, "too wide: \(line)")
    }
  }

  @Test func sanitizerNeutralizesControls() {
    #expect(Sanitizer.clean("a\u{1B}b\u{7F}c\u{9B}d\u{202E}e") == "a␛b␡c�d�e")
    #expect(Sanitizer.clean("x\ny", singleLine: true) == "x y")
    #expect(Sanitizer.visibleWhitespace("a b\n") == "a␣b⏎")
  }

  @Test func colourModeResolution() {
    #expect(!TerminalStyle.resolve(.never).colored)
    #expect(TerminalStyle.resolve(.always).colored)
    #expect(!TerminalStyle.resolve(.auto, fileDescriptor: 1, environment: ["NO_COLOR": "1", "TERM": "xterm"]).colored)
    #expect(!TerminalStyle.resolve(.auto, fileDescriptor: 1, environment: ["TERM": "dumb"]).colored)
  }

  @Test func widthComesFromColumns() {
    #expect(Terminal.width(environment: ["COLUMNS": "57"]) == 57)
  }

  @Test func tensorHeaderAndElision() {
    let tensor = ReportTensor(shape: [10, 12], values: (0..<120).map(Double.init), isInteger: true)
    let lines = TensorFormatter(style: .plain).format("ids", tensor)
    #expect(lines[0] == "ids  shape [10, 12]  int")
    #expect(lines[1] == "tensor([[  0,   1,   2, ...,   9,  10,  11],")
    #expect(lines.contains("        ...,"))
    #expect(lines.last == "        [108, 109, 110, ..., 117, 118, 119]])")
  }

  @Test func floatTensorsAndDecoding() {
    let floats = TensorFormatter(style: .plain).format("w", ReportTensor(shape: [3], values: [0.5, -1.25, 2]))
    #expect(floats[1] == "tensor([ 0.5000, -1.2500,  2.0000])")
    let tokens = ReportTensor(shape: [1, 3], values: [72, 32, 10], isInteger: true) { String(UnicodeScalar(UInt8($0))) }
    let lines = TensorFormatter(style: .plain).format("x", tokens)
    #expect(lines[1] == "tensor([[72, 32, 10]])  │ \"H␣⏎\"")
  }

  @Test func inconsistentTensorIsReportedNotTrapped() {
    let lines = TensorFormatter(style: .plain).format("bad", ReportTensor(shape: [2, 2], values: [1]))
    #expect(lines.last?.contains("does not match 1 values") == true)
  }

  @Test func chartsRenderWithoutEscapesInMonochrome() {
    let renderer = ReportRenderer(style: .plain, width: 60)
    let items: [ReportItem] = [
      .chart(.lines([ChartSeries("loss", values: [4, 3, 2.5, 2.2])], xLabel: "step", yLabel: "loss")),
      .chart(.bars(labels: [" ", "\n", "a"], values: [1, 2, 4])),
      .chart(.heatmap([[0, -.infinity], [1, 0.5]], rowLabels: ["r0", "r1"], columnLabels: ["a", "b"])),
      .table(title: "t", headers: ["k", "v"], rows: [["a", "1"]]),
      .scalar(label: "loss", value: 4.17, unit: "nats"),
      .expectation(Expectation(passed: false, message: "m", detail: "d")),
    ]
    let text = renderer.lines(for: items).joined(separator: "\n")
    #expect(!text.contains("\u{1B}"))
    #expect(text.contains("┤"))
    #expect(text.contains("step"))
    #expect(text.contains("␣ "))
    #expect(text.contains("⏎ "))
    #expect(text.contains("████"))
    #expect(text.contains("··"))
    #expect(text.contains("scale:"))
    #expect(text.contains("loss: 4.17 nats"))
    #expect(text.contains("✗ m (d)"))
  }
}

@Suite struct ClaimMarkingTests {
  @Test func claimsInHeadingsKeepClaimOrder() {
    let lesson = Lesson.parse("# T\n\n## Loss is [4.2](check:a)\n\nThen [7](check:b).\n", file: "x.md")
    var out = ""
    let renderer = ProseRenderer(lesson: lesson, style: .plain, width: 60) { out += $0 }
    renderer.claimDisplay = { index in
      .checked(CheckResult(
        kind: .claim, id: lesson.claims[index].id, file: "x.md", line: 1, status: index == 0 ? .passed : .failed,
        claimed: lesson.claims[index].text, computed: "c\(index)", message: nil, seconds: 0))
    }
    renderer.render()
    #expect(out.contains("Loss is 4.2\u{A0}✓\u{A0}(computed\u{A0}c0)"))
    // A failing number claim says what the lesson says and what holds now.
    #expect(out.contains("Then 7\u{A0}(the\u{A0}lesson\u{A0}says\u{A0}7\u{A0}·\u{A0}now\u{A0}c1\u{A0}✗)."))
  }
}
