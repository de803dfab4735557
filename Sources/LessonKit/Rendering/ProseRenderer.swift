// MARK: - Prose rendering

/// How a claim is shown: not yet checked (`show`), waiting for the step below that measures it,
/// or with its result (`run`).
public enum ClaimDisplay: Sendable {
  case unchecked
  case pending(step: String)
  case checked(CheckResult)
}

/// Renders a lesson's Markdown for a terminal: headings, emphasis, inline code, lists, quotes
/// and code blocks, wrapped to a width, with every piece of lesson text neutralized.
///
/// Steps and claims are handed to hooks so `run` can execute them in document order.
public final class ProseRenderer {
  public let style: TerminalStyle
  public let width: Int
  /// How to show the claim with the given index (called when its paragraph is rendered).
  public var claimDisplay: (Int) -> ClaimDisplay = { _ in .unchecked }
  /// Renders the step with the given index; defaults to showing its code.
  public var onStep: ((Int, StepBlock) -> Void)?

  private let lesson: Lesson
  private let write: (String) -> Void
  private var prefixes: [(first: String?, rest: String)] = []
  private var claimIndex = 0
  private var stepIndex = 0
  private var lastLineBlank = true
  private var pendingBlank = false
  /// Set by `stop()`: nothing more is rendered.
  public private(set) var isStopped = false

  /// Creates a renderer that sends finished lines to `write`.
  public init(lesson: Lesson, style: TerminalStyle, width: Int, write: @escaping (String) -> Void) {
    self.lesson = lesson
    self.style = style
    self.width = width
    self.write = write
  }

  /// Renders the whole lesson.
  public func render() {
    render(lesson.blocks)
  }

  /// Renders a run of the lesson's blocks (one section), numbering its steps and claims from
  /// `firstStep` and `firstClaim`, the counts of those in the blocks before it.
  public func render(_ blocks: [MarkdownBlock], firstStep: Int, firstClaim: Int) {
    stepIndex = firstStep
    claimIndex = firstClaim
    render(blocks)
  }

  // MARK: - Lines

  /// The width left after the current prefixes.
  public var availableWidth: Int {
    max(20, width - prefixes.reduce(0) { $0 + displayWidth($1.rest) })
  }

  /// Emits one line (already styled and sanitized) under the current prefixes.
  public func emitLine(_ line: String) {
    guard !isStopped else { return }
    if pendingBlank {
      pendingBlank = false
      let bars = prefixes.map(\.rest).joined()
      write(String(bars.reversed().drop(while: { $0 == " " }).reversed()) + "\n")
    }
    var prefix = ""
    for index in prefixes.indices {
      if let first = prefixes[index].first {
        prefix += first
        prefixes[index].first = nil
      } else {
        prefix += prefixes[index].rest
      }
    }
    write(prefix + line + "\n")
    lastLineBlank = line.isEmpty
  }

  /// Asks for a blank line before the next line (never two in a row, none at the very end).
  public func emitBlank() {
    if !lastLineBlank { pendingBlank = true }
  }

  // MARK: - Blocks

  private func render(_ blocks: [MarkdownBlock]) {
    for block in blocks where !isStopped { render(block) }
  }

  /// Stops rendering (the learner quit).
  public func stop() { isStopped = true }

  private func render(_ block: MarkdownBlock) {
    switch block {
    case let .heading(level, content, _):
      emitBlank()
      // Through `fragments`, so claims inside headings are marked and counted like any other.
      let attributes: [TerminalStyle.Attribute] = level == 1 ? [.bold, .underline] : level == 2 ? [.bold, .cyan] : [.bold]
      let lines = TextWrapper.wrap(fragments(content, attributes), width: availableWidth, style: style)
      for line in lines { emitLine(line) }
      if level <= 2 {
        let underline = level == 1 ? "═" : "─"
        let length = min(lines.map { displayWidth(stripANSI($0)) }.max() ?? 0, availableWidth)
        emitLine(style.apply(.dim, String(repeating: underline, count: length)))
      }
      emitBlank()
    case .paragraph(let content, _):
      for line in TextWrapper.wrap(fragments(content, []), width: availableWidth, style: style) {
        emitLine(line)
      }
      emitBlank()
    case .codeBlock(let node):
      if StepInfo.parse(node.info).map({ !$0.id.isEmpty }) == true {
        let index = stepIndex
        stepIndex += 1
        let step = lesson.steps[index]
        if let onStep { onStep(index, step) } else { renderStepCode(step) }
      } else {
        renderCode(node.code, label: node.info.split(separator: " ").first.map(String.init))
      }
      emitBlank()
    case .blockQuote(let children, _):
      prefixes.append((nil, style.apply(.dim, "│ ")))
      render(children)
      prefixes.removeLast()
      emitBlank()
    case .list(let node):
      for (offset, item) in node.items.enumerated() {
        let marker = node.ordered ? "\(node.start + offset). " : "• "
        prefixes.append((style.apply(.dim, marker), String(repeating: " ", count: displayWidth(marker))))
        for (blockOffset, child) in item.enumerated() {
          if case .paragraph(let content, _) = child {
            for line in TextWrapper.wrap(fragments(content, []), width: availableWidth, style: style) {
              emitLine(line)
            }
            if blockOffset < item.count - 1 { emitBlank() }
          } else {
            render(child)
          }
        }
        prefixes.removeLast()
      }
      emitBlank()
    case .thematicBreak:
      emitLine(style.apply(.dim, String(repeating: "─", count: min(availableWidth, 40))))
      emitBlank()
    case .html(let text, _):
      if ClaimCoverage.isMarker(text) { return }   // the not-a-claim marker is for `lint --claims` only
      for line in Sanitizer.clean(text).split(separator: "\n") { emitLine(style.apply(.dim, String(line))) }
      emitBlank()
    }
  }

  /// Shows a step's code (or a note for a hidden step) under a header naming it.
  public func renderStepCode(_ step: StepBlock) {
    let tags = [step.attributes.hidden ? "hidden" : nil, step.attributes.display ? "display" : nil]
      .compactMap { $0 }
    let header = "step \(Sanitizer.clean(step.id))" + (tags.isEmpty ? "" : " (\(tags.joined(separator: ", ")))")
    if step.attributes.hidden {
      emitLine(style.apply(.dim, "▸ \(header)"))
      return
    }
    renderCode(step.code, label: header)
  }

  /// Shows a code block indented behind a bar, with an optional label.
  public func renderCode(_ code: String, label: String?) {
    if let label, !label.isEmpty { emitLine(style.apply(.dim, "┌ " + Sanitizer.clean(label, singleLine: true))) }
    var lines = code.split(separator: "\n", omittingEmptySubsequences: false)
    if lines.last == "" { lines.removeLast() }
    for line in lines {
      emitLine(style.apply(.dim, "│ ") + style.apply(.yellow, Sanitizer.clean(String(line), singleLine: true)))
    }
  }

  // MARK: - Inlines

  private func fragments(_ inlines: [MarkdownInline], _ attributes: [TerminalStyle.Attribute]) -> [Fragment] {
    var out: [Fragment] = []
    for inline in inlines {
      switch inline {
      case .text(let text):
        out.append(Fragment(text: Sanitizer.clean(text, singleLine: true), attributes: attributes))
      case .code(let code):
        let text = Sanitizer.clean(code, singleLine: true)
        out.append(Fragment(text: style.colored ? text : "`\(text)`", attributes: attributes + [.cyan]))
      case .emphasis(let children):
        out += fragments(children, attributes + [.italic])
      case .strong(let children):
        out += fragments(children, attributes + [.bold])
      case let .link(destination, _, children, _) where destination.hasPrefix("check:"):
        let index = claimIndex
        claimIndex += 1
        out += fragments(children, attributes + [.underline])
        out += claimMark(index)
      case let .link(destination, _, children, _):
        out += fragments(children, attributes + [.underline])
        if destination != children.plainText {
          out.append(Fragment(text: " (" + Sanitizer.clean(destination, singleLine: true) + ")", attributes: [.dim]))
        }
      case .image(_, _, let children):
        out.append(Fragment(text: "[image: " + Sanitizer.clean(children.plainText, singleLine: true) + "]", attributes: [.dim]))
      case .softBreak:
        out.append(Fragment(text: " ", attributes: attributes))
      case .lineBreak:
        out.append(Fragment(text: "\n", attributes: attributes))
      case .html(let text) where ClaimCoverage.isMarker(text):
        continue   // the not-a-claim marker is for `lint --claims` only
      case .html(let text):
        out.append(Fragment(text: Sanitizer.clean(text, singleLine: true), attributes: [.dim]))
      }
    }
    return out
  }

  /// `text` with its spaces made non-breaking, so a verdict wraps as one word.
  private func nonBreaking(_ text: String) -> String { text.replacingOccurrences(of: " ", with: "\u{A0}") }

  /// The mark after a claim; non-breaking spaces keep it on the line of the claim's last word.
  private func claimMark(_ index: Int) -> [Fragment] {
    switch claimDisplay(index) {
    case .unchecked:
      return [Fragment(text: "\u{A0}○", attributes: [.dim])]
    case .pending(let step):
      return [Fragment(text: "\u{A0}○\u{A0}(checked\u{A0}by\u{A0}step\u{A0}\(Sanitizer.clean(step, singleLine: true))\u{A0}below)", attributes: [.dim])]
    case .checked(let result) where result.kind == .setting && result.passed:
      return [Fragment(text: "\u{A0}⚙", attributes: [.dim])]
    case .checked(let result) where result.kind == .setting:
      // A setting the learner changed: the prose still says the lesson's own value.
      let claim = lesson.claims[index]
      let now = ClaimLine.computed(result, claim: claim) ?? ""
      let says = ClaimLine.said(claim)
      return [Fragment(
        text: "\u{A0}(lesson\u{A0}setting:\u{A0}the\u{A0}lesson\u{A0}says\u{A0}\(nonBreaking(says))\u{A0}·\u{A0}now\u{A0}\(nonBreaking(now))\u{A0}✗)",
        attributes: [.red, .bold])]
    case .checked(let result):
      let claim = lesson.claims[index]
      let computed = ClaimLine.computed(result, claim: claim) ?? ""
      switch result.status {
      case .passed:
        // Quiet: the computed value only where it reads differently from the text.
        let differs = !computed.isEmpty && (claim.number == nil || computed != claim.number?.written)
        return [
          Fragment(text: "\u{A0}✓", attributes: [.green, .bold]),
          Fragment(text: differs ? "\u{A0}(computed\u{A0}\(nonBreaking(computed)))" : "", attributes: [.dim]),
        ]
      case .failed where claim.number != nil && !computed.isEmpty:
        let said = ClaimLine.said(claim)
        return [Fragment(
          text: "\u{A0}(the\u{A0}lesson\u{A0}says\u{A0}\(nonBreaking(said))\u{A0}·\u{A0}now\u{A0}\(nonBreaking(computed))\u{A0}✗)",
          attributes: [.red, .bold])]
      case .failed, .misbound:
        let why = computed.isEmpty ? Sanitizer.clean(result.message ?? "", singleLine: true) : "computed\u{A0}\(computed)"
        return [
          Fragment(text: "\u{A0}✗", attributes: [.red, .bold]),
          Fragment(text: "\u{A0}(\(why))", attributes: [.red]),
        ]
      }
    }
  }
}
