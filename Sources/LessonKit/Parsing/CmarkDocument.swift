import CCmark

// MARK: - cmark bridge

/// The only file that calls cmark: parses Markdown and converts cmark's tree into `MarkdownBlock`s.
///
/// No cmark pointer leaves this file; the returned tree is plain Swift values.
struct CmarkDocument {
  /// How deeply blocks (quotes, lists) and inlines (emphasis, links) may nest.
  ///
  /// The Swift tree is built, rendered and freed recursively, so unbounded nesting would
  /// overflow the stack; deeper content is dropped and reported (see `tooDeepLines`).
  static let maximumNesting = 48

  /// The top-level blocks.
  private(set) var blocks: [MarkdownBlock] = []
  /// The lines where content nested deeper than `maximumNesting` was dropped, at most one per block.
  private(set) var tooDeepLines: [Int] = []

  /// Parses `markdown` into top-level blocks.
  static func parse(_ markdown: String) -> CmarkDocument {
    var result = CmarkDocument()
    let length = markdown.utf8.count
    guard let document = cmark_parse_document(markdown, length, CMARK_OPT_DEFAULT) else {
      return result
    }
    defer { cmark_node_free(document) }
    result.blocks = result.blocks(under: document, depth: 0)
    return result
  }

  // MARK: - Blocks

  private func children(of node: OpaquePointer) -> [OpaquePointer] {
    var result: [OpaquePointer] = []
    var child = cmark_node_first_child(node)
    while let current = child {
      result.append(current)
      child = cmark_node_next(current)
    }
    return result
  }

  private mutating func blocks(under node: OpaquePointer, depth: Int) -> [MarkdownBlock] {
    guard depth < Self.maximumNesting else {
      tooDeepLines.append(Int(cmark_node_get_start_line(node)))
      return []
    }
    return children(of: node).compactMap { block($0, depth: depth + 1) }
  }

  private func string(_ pointer: UnsafePointer<CChar>?) -> String {
    guard let pointer else { return "" }
    return String(cString: pointer)
  }

  private mutating func block(_ node: OpaquePointer, depth: Int) -> MarkdownBlock? {
    let line = Int(cmark_node_get_start_line(node))
    switch cmark_node_get_type(node) {
    case CMARK_NODE_HEADING:
      let level = Int(cmark_node_get_heading_level(node))
      return .heading(level: level, content: inlines(under: node, startLine: line, depth: depth), line: line)
    case CMARK_NODE_PARAGRAPH:
      return .paragraph(inlines(under: node, startLine: line, depth: depth), line: line)
    case CMARK_NODE_CODE_BLOCK:
      return .codeBlock(CodeBlockNode(
        info: string(cmark_node_get_fence_info(node)),
        code: string(cmark_node_get_literal(node)),
        line: line,
        endLine: Int(cmark_node_get_end_line(node)),
        isFenced: false))
    case CMARK_NODE_BLOCK_QUOTE:
      return .blockQuote(blocks(under: node, depth: depth), line: line)
    case CMARK_NODE_LIST:
      let ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST
      var items: [[MarkdownBlock]] = []
      for item in children(of: node) { items.append(blocks(under: item, depth: depth + 1)) }
      return .list(ListNode(
        ordered: ordered, start: Int(cmark_node_get_list_start(node)), items: items, line: line))
    case CMARK_NODE_THEMATIC_BREAK:
      return .thematicBreak(line: line)
    case CMARK_NODE_HTML_BLOCK:
      return .html(string(cmark_node_get_literal(node)), line: line)
    default:
      return nil
    }
  }

  // MARK: - Inlines

  /// Converts inline children; line numbers of links are counted from the block's first line
  /// plus the line breaks seen before them, which is exact for the inlines cmark produces.
  private mutating func inlines(under node: OpaquePointer, startLine: Int, depth: Int) -> [MarkdownInline] {
    var line = startLine
    return inlines(under: node, line: &line, depth: depth)
  }

  private mutating func inlines(under node: OpaquePointer, line: inout Int, depth: Int) -> [MarkdownInline] {
    guard depth < Self.maximumNesting else {
      tooDeepLines.append(line)
      return []
    }
    var result: [MarkdownInline] = []
    for child in children(of: node) {
      switch cmark_node_get_type(child) {
      case CMARK_NODE_TEXT:
        result.append(.text(string(cmark_node_get_literal(child))))
      case CMARK_NODE_CODE:
        result.append(.code(string(cmark_node_get_literal(child))))
      case CMARK_NODE_SOFTBREAK:
        line += 1
        result.append(.softBreak)
      case CMARK_NODE_LINEBREAK:
        line += 1
        result.append(.lineBreak)
      case CMARK_NODE_HTML_INLINE:
        // Inline HTML (a comment, a tag with attributes) may span lines; later links start lower.
        let html = string(cmark_node_get_literal(child))
        line += html.utf8.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
        result.append(.html(html))
      case CMARK_NODE_EMPH:
        result.append(.emphasis(inlines(under: child, line: &line, depth: depth + 1)))
      case CMARK_NODE_STRONG:
        result.append(.strong(inlines(under: child, line: &line, depth: depth + 1)))
      case CMARK_NODE_LINK:
        let linkLine = line
        let content = inlines(under: child, line: &line, depth: depth + 1)
        result.append(.link(
          destination: string(cmark_node_get_url(child)), title: string(cmark_node_get_title(child)),
          content: content, line: linkLine))
      case CMARK_NODE_IMAGE:
        let content = inlines(under: child, line: &line, depth: depth + 1)
        result.append(.image(
          destination: string(cmark_node_get_url(child)), title: string(cmark_node_get_title(child)),
          content: content))
      default:
        break
      }
    }
    return result
  }
}
