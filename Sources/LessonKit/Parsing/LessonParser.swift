import Foundation

// MARK: - Lesson parser

extension Lesson {
  /// Reads and parses the lesson at `path`.
  public static func load(path: String) throws -> Lesson {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw LessonLoadError.unreadable(path: path, reason: (error as NSError).localizedDescription)
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw LessonLoadError.unreadable(path: path, reason: "not UTF-8 text")
    }
    return parse(text, file: path)
  }

  /// Parses lesson Markdown; `file` is used in locations and diagnostics.
  public static func parse(_ markdown: String, file: String) -> Lesson {
    var parser = LessonParser(file: file, sourceLines: markdown.split(separator: "\n", omittingEmptySubsequences: false))
    let blocks = CmarkDocument.parse(markdown)
    let fencedBlocks = blocks.map(parser.markFenced)
    parser.walk(fencedBlocks)
    let fallbackTitle = (file as NSString).lastPathComponent
    return Lesson(
      file: file, source: markdown, title: parser.title ?? fallbackTitle, blocks: fencedBlocks,
      sections: parser.sections, steps: parser.steps, claims: parser.claims, items: parser.items,
      diagnostics: parser.diagnostics)
  }
}

/// The pieces of a code block's info string that make it a step.
struct StepInfo {
  var id: String
  var attributes: StepAttributes
  var problems: [String]

  /// Splits `swift step=<id> key=value bare` and validates each attribute.
  ///
  /// Returns `nil` when the block is not a step at all (no `step=` word).
  static func parse(_ info: String) -> StepInfo? {
    let words = info.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    guard words.contains(where: { $0.hasPrefix("step=") || $0 == "step" }) else { return nil }
    var result = StepInfo(id: "", attributes: StepAttributes(), problems: [])
    if words.first != "swift" {
      result.problems.append("a step block must be `swift`; found info string `\(info)`")
    }
    var seen: Set<String> = []
    for word in words.dropFirst() {
      let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
      let key = parts[0]
      let value = parts.count > 1 ? parts[1] : nil
      if seen.contains(key) {
        result.problems.append("attribute '\(key)' is given twice")
        continue
      }
      seen.insert(key)
      switch (key, value) {
      case ("step", let id?):
        if isValidID(id) {
          result.id = id
        } else {
          result.problems.append(
            "step id '\(id)' is malformed; use letters, digits, '-', '_' or '.', starting with a letter or digit")
        }
      case ("step", nil):
        result.problems.append("`step` needs an id: `step=<id>`")
      case ("hidden", nil): result.attributes.hidden = true
      case ("display", nil): result.attributes.display = true
      case ("hidden", _?), ("display", _?):
        result.problems.append("attribute '\(key)' takes no value; write just `\(key)`")
      case ("timeout", let text?):
        if let seconds = Double(text), seconds.isFinite, seconds > 0 {
          result.attributes.timeout = seconds
        } else {
          result.problems.append("timeout '\(text)' is not a positive number of seconds")
        }
      case ("timeout", nil):
        result.problems.append("`timeout` needs a value: `timeout=<seconds>`")
      default:
        result.problems.append(
          "unknown step attribute '\(word)' (known: step=<id>, hidden, display, timeout=<seconds>)")
      }
    }
    if result.attributes.hidden && result.attributes.display {
      result.problems.append("a step cannot be both `hidden` (runs, not shown) and `display` (shown, not run)")
    }
    return result
  }

  /// Whether `id` is a well-formed step or check id.
  static func isValidID(_ id: String) -> Bool {
    guard let first = id.unicodeScalars.first, first.properties.isAlphabetic || ("0"..."9").contains(first)
    else { return false }
    return id.unicodeScalars.allSatisfy {
      ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "-_.".unicodeScalars.contains($0)
    }
  }
}

/// Walks the block tree once, collecting title, sections, steps and claims in document order.
struct LessonParser {
  let file: String
  let sourceLines: [Substring]
  var title: String?
  var sections: [LessonSection] = []
  var steps: [StepBlock] = []
  var claims: [Claim] = []
  var items: [LessonItem] = []
  var diagnostics: [Diagnostic] = []

  init(file: String, sourceLines: [Substring]) {
    self.file = file
    self.sourceLines = sourceLines
  }

  private var currentSection: Int? { sections.isEmpty ? nil : sections.count - 1 }

  private mutating func error(_ line: Int, _ message: String) {
    diagnostics.append(Diagnostic(.error, file: file, line: line, message))
  }

  /// Sets `isFenced` from the source line, which cmark does not expose.
  func markFenced(_ block: MarkdownBlock) -> MarkdownBlock {
    switch block {
    case .codeBlock(var node):
      let index = node.line - 1
      if index >= 0, index < sourceLines.count {
        let trimmed = sourceLines[index].drop(while: { $0 == " " || $0 == ">" || $0 == "\t" })
        node.isFenced = trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~")
      }
      return .codeBlock(node)
    case .blockQuote(let children, let line):
      return .blockQuote(children.map(markFenced), line: line)
    case .list(var node):
      node.items = node.items.map { $0.map(markFenced) }
      return .list(node)
    default:
      return block
    }
  }

  mutating func walk(_ blocks: [MarkdownBlock]) {
    for block in blocks { visit(block) }
  }

  private mutating func visit(_ block: MarkdownBlock) {
    switch block {
    case let .heading(level, content, line):
      if level == 1, title == nil { title = content.plainText.trimmingCharacters(in: .whitespaces) }
      if level == 2 { sections.append(LessonSection(title: content.plainText, line: line)) }
      visit(content)
    case let .paragraph(content, _):
      visit(content)
    case .codeBlock(let node):
      visitCode(node)
    case .blockQuote(let children, _):
      walk(children)
    case .list(let node):
      for item in node.items { walk(item) }
    case .thematicBreak, .html:
      break
    }
  }

  private mutating func visitCode(_ node: CodeBlockNode) {
    guard let info = StepInfo.parse(node.info) else { return }
    for problem in info.problems { error(node.line, problem) }
    guard !info.id.isEmpty else { return }
    if !node.isFenced {
      error(node.line, "step '\(info.id)' must be a fenced block (```swift step=\(info.id))")
    }
    items.append(.step(steps.count))
    steps.append(StepBlock(
      id: info.id, attributes: info.attributes, code: node.code, line: node.line,
      endLine: node.endLine, section: currentSection))
  }

  private mutating func visit(_ inlines: [MarkdownInline]) {
    for inline in inlines {
      switch inline {
      case let .link(destination, title, content, line) where destination.hasPrefix("check:"):
        visitClaim(id: String(destination.dropFirst("check:".count)), title: title, text: content.plainText, line: line)
      case .link(_, _, let content, _), .emphasis(let content), .strong(let content), .image(_, _, let content):
        visit(content)
      default:
        break
      }
    }
  }

  private mutating func visitClaim(id: String, title: String, text: String, line: Int) {
    guard StepInfo.isValidID(id) else {
      error(line, "claim check id '\(id)' is malformed; write `[text](check:<id>)`")
      return
    }
    var number: ClaimNumber?
    do {
      number = try ClaimNumber.parse(text)
    } catch {
      self.error(line, "claim '\(id)': \(error)")
    }
    var tolerance: ClaimTolerance?
    for option in title.split(separator: " ").map(String.init) {
      let parts = option.split(separator: "=", maxSplits: 1).map(String.init)
      if parts.count == 2, parts[0] == "tol" {
        if let parsed = ClaimTolerance.parse(parts[1]) {
          tolerance = parsed
        } else {
          error(line, "claim '\(id)': tolerance '\(parts[1])' is malformed; write `tol=5%` (relative) or `tol=0.01` (absolute)")
        }
      } else {
        error(line, "claim '\(id)': unknown option '\(option)' in the link title (known: tol=<n>% or tol=<n>)")
      }
    }
    if tolerance != nil, number == nil {
      error(line, "claim '\(id)' sets a tolerance but its text \"\(text)\" holds no number; "
        + "remove `tol=` or put the claimed number in the link text")
    }
    items.append(.claim(claims.count))
    claims.append(Claim(id: id, text: text, number: number, tolerance: tolerance, line: line, section: currentSection))
  }
}
