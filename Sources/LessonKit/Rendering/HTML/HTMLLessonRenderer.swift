// MARK: - A lesson as an HTML page

/// Renders a parsed lesson and its run's results as the body of a page: prose from the Markdown
/// tree, claims marked with their verdicts, steps with highlighted code and their output.
///
/// Steps and claims are numbered in document order exactly as the parser numbered them (claims
/// are `check:` links outside images), so each mark shows its own claim's result.
struct HTMLLessonRenderer {
  let lesson: Lesson
  let results: LessonResults
  private var claimIndex = 0
  private var stepIndex = 0
  /// The widgets' scripts, one per kind, in order of first use.
  private(set) var scripts: [(kind: String, code: String)] = []
  private var usedAnchors: Set<String> = []

  init(lesson: Lesson, results: LessonResults) {
    self.lesson = lesson
    self.results = results
  }

  /// The page's `<main>` content.
  mutating func body() -> String {
    claimIndex = 0
    stepIndex = 0
    return blocks(lesson.blocks)
  }

  // MARK: - Blocks

  private mutating func blocks(_ blocks: [MarkdownBlock]) -> String {
    blocks.map { block($0) }.joined()
  }

  private mutating func block(_ block: MarkdownBlock) -> String {
    switch block {
    case let .heading(level, content, _):
      let level = min(max(level, 1), 6)
      var anchor = HTMLText.slug(content.plainText)
      while usedAnchors.contains(anchor) { anchor += "-" + String(usedAnchors.count) }
      usedAnchors.insert(anchor)
      return "<h\(level) id=\"\(anchor)\">\(inlines(content))</h\(level)>\n"
    case .paragraph(let content, _):
      return "<p>\(inlines(content))</p>\n"
    case .codeBlock(let node):
      if StepInfo.parse(node.info).map({ !$0.id.isEmpty }) == true {
        let index = stepIndex
        stepIndex += 1
        return step(index)
      }
      let language = node.info.split(separator: " ").first.map(String.init) ?? ""
      let code = language == "swift" ? SwiftHighlighter.html(node.code) : HTMLText.escaped(node.code)
      return "<pre class=\"code\"><code>\(code)</code></pre>\n"
    case .blockQuote(let children, _):
      return "<blockquote>\n\(blocks(children))</blockquote>\n"
    case .list(let node):
      let tag = node.ordered ? "ol" : "ul"
      let start = node.ordered && node.start != 1 ? " start=\"\(node.start)\"" : ""
      var out = "<\(tag)\(start)>\n"
      for item in node.items {
        // A tight item is one paragraph: show it without the paragraph margins.
        if item.count == 1, case .paragraph(let content, _) = item[0] {
          out += "<li>\(inlines(content))</li>\n"
        } else {
          out += "<li>\(blocks(item))</li>\n"
        }
      }
      return out + "</\(tag)>\n"
    case .thematicBreak:
      return "<hr>\n"
    case .html(let text, _):
      if ClaimCoverage.isMarker(text) { return "" }
      // Raw HTML in a lesson is shown, never run: the page embeds no markup from lesson text.
      return "<pre class=\"raw-html\">\(HTMLText.escaped(text))</pre>\n"
    }
  }

  // MARK: - Inlines

  private mutating func inlines(_ inlines: [MarkdownInline]) -> String {
    var out = ""
    for inline in inlines {
      switch inline {
      case .text(let text):
        out += HTMLText.escaped(text)
      case .code(let code):
        out += "<code>\(HTMLText.escaped(code))</code>"
      case .emphasis(let children):
        out += "<em>\(self.inlines(children))</em>"
      case .strong(let children):
        out += "<strong>\(self.inlines(children))</strong>"
      case let .link(destination, _, children, _) where destination.hasPrefix("check:"):
        let index = claimIndex
        claimIndex += 1
        out += claim(index, content: self.inlines(children))
      case let .link(destination, title, children, _):
        let content = self.inlines(children)
        if HTMLText.isSafeURL(destination) {
          let titleAttribute = title.isEmpty ? "" : " title=\"\(HTMLText.attribute(title))\""
          out += "<a href=\"\(HTMLText.attribute(destination))\"\(titleAttribute)>\(content)</a>"
        } else {
          out += content
        }
      case let .image(destination, _, children):
        let alt = HTMLText.attribute(children.plainText)
        if HTMLText.isSafeURL(destination) {
          out += "<img src=\"\(HTMLText.attribute(destination))\" alt=\"\(alt)\">"
        } else {
          out += "<span class=\"image-alt\">[image: \(alt)]</span>"
        }
      case .softBreak:
        out += "\n"
      case .lineBreak:
        out += "<br>\n"
      case .html(let text) where ClaimCoverage.isMarker(text):
        continue
      case .html(let text):
        out += "<code class=\"raw-html\">\(HTMLText.escaped(text))</code>"
      }
    }
    return out
  }

  /// A claim: its text, a verdict mark, and a popover (hover or keyboard focus) with the check.
  private func claim(_ index: Int, content: String) -> String {
    guard index < results.claims.count else {
      return "<span class=\"claim\" data-verdict=\"fail\">\(content)<span class=\"mark\">?</span></span>"
    }
    let outcome = results.claims[index]
    let result = outcome.result
    let verdict = outcome.verdict.rawValue
    let mark = outcome.verdict == .pass ? "✓" : outcome.verdict == .setting ? "◆" : "✗"
    var rows: [(String, String)] = [("check", result.id)]
    rows.append(("computed", result.computed ?? "—"))
    if let tolerance = outcome.tolerance { rows.append(("tolerance", tolerance)) }
    if !outcome.measuredBy.isEmpty { rows.append(("step", outcome.measuredBy.joined(separator: ", "))) }
    if result.status != .passed, let message = result.message { rows.append(("why", message)) }
    rows.append(("verdict", outcome.verdict == .pass ? "pass" : outcome.verdict == .setting ? "setting" : "FAIL"))
    let popoverID = "claim-\(index)"
    let table = rows.map { "<span class=\"k\">\(HTMLText.escaped($0.0))</span><span class=\"v\">\(HTMLText.escaped($0.1))</span>" }
      .joined()
    return "<span class=\"claim \(verdict)\" data-claim-id=\"\(HTMLText.attribute(result.id))\" data-verdict=\"\(verdict)\" "
      + "data-computed=\"\(HTMLText.attribute(result.computed ?? ""))\" tabindex=\"0\" aria-describedby=\"\(popoverID)\">"
      + content + "<span class=\"mark\" aria-hidden=\"true\">\(mark)</span>"
      + "<span class=\"popover\" role=\"tooltip\" id=\"\(popoverID)\">\(table)</span></span>"
  }

  // MARK: - Steps

  private mutating func step(_ index: Int) -> String {
    let block = lesson.steps[index]
    let outcome = index < results.steps.count ? results.steps[index] : nil
    let failed = outcome.map { $0.failure != nil || $0.results.contains { !$0.passed } } ?? false
    let status = block.attributes.display ? "display" : failed ? "fail" : "pass"
    let id = HTMLText.attribute(block.id)
    var out = "<section class=\"step \(status)\" id=\"step-\(id)\" data-step-id=\"\(id)\" data-status=\"\(status)\">\n"
    let tags = [block.attributes.hidden ? "hidden: runs, code not shown" : nil, block.attributes.display ? "shown, not run" : nil]
      .compactMap { $0 }
    out += "<div class=\"step-head\"><span class=\"step-label\">step</span> <code>\(HTMLText.escaped(block.id))</code>"
      + (tags.isEmpty ? "" : " <span class=\"step-tags\">\(tags.joined(separator: "; "))</span>") + "</div>\n"
    if !block.attributes.hidden {
      out += "<pre class=\"code\"><code class=\"language-swift\">\(SwiftHighlighter.html(block.code))</code></pre>\n"
    }
    if let outcome {
      var items = ""
      for item in outcome.output { items += report(item) }
      if let failure = outcome.failure {
        items += "<p class=\"expect fail\"><span class=\"mark\">✗</span> step failed: \(HTMLText.escaped(failure))</p>\n"
      }
      if !items.isEmpty { out += "<div class=\"output\">\n\(items)</div>\n" }
    }
    return out + "</section>\n"
  }

  private mutating func report(_ item: ReportItem) -> String {
    switch item {
    case .widget(let widget):
      if !scripts.contains(where: { $0.kind == widget.kind }) { scripts.append((widget.kind, widget.script)) }
      return HTMLReport.widget(widget)
    default:
      return HTMLReport.html(item)
    }
  }
}
