import CCmark

// MARK: - cmark bridge

/// The only file that calls cmark: parses Markdown and converts cmark's tree into `MarkdownBlock`s.
///
/// No cmark pointer leaves this file; the returned tree is plain Swift values.
enum CmarkDocument {
  /// Parses `markdown` into top-level blocks.
  static func parse(_ markdown: String) -> [MarkdownBlock] {
    let length = markdown.utf8.count
    guard let document = cmark_parse_document(markdown, length, CMARK_OPT_DEFAULT) else {
      return []
    }
    defer { cmark_node_free(document) }
    return blocks(under: document)
  }

  // MARK: - Blocks

  private static func children(of node: OpaquePointer) -> [OpaquePointer] {
    var result: [OpaquePointer] = []
    var child = cmark_node_first_child(node)
    while let current = child {
      result.append(current)
      child = cmark_node_next(current)
    }
    return result
  }

  private static func blocks(under node: OpaquePointer) -> [MarkdownBlock] {
    children(of: node).compactMap(block)
  }

  private static func string(_ pointer: UnsafePointer<CChar>?) -> String {
    guard let pointer else { return "" }
    return String(cString: pointer)
  }

  private static func block(_ node: OpaquePointer) -> MarkdownBlock? {
    let line = Int(cmark_node_get_start_line(node))
    switch cmark_node_get_type(node) {
    case CMARK_NODE_HEADING:
      let level = Int(cmark_node_get_heading_level(node))
      return .heading(level: level, content: inlines(under: node, startLine: line), line: line)
    case CMARK_NODE_PARAGRAPH:
      return .paragraph(inlines(under: node, startLine: line), line: line)
    case CMARK_NODE_CODE_BLOCK:
      return .codeBlock(CodeBlockNode(
        info: string(cmark_node_get_fence_info(node)),
        code: string(cmark_node_get_literal(node)),
        line: line,
        endLine: Int(cmark_node_get_end_line(node)),
        isFenced: false))
    case CMARK_NODE_BLOCK_QUOTE:
      return .blockQuote(blocks(under: node), line: line)
    case CMARK_NODE_LIST:
      let ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST
      let items = children(of: node).map { blocks(under: $0) }
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
  private static func inlines(under node: OpaquePointer, startLine: Int) -> [MarkdownInline] {
    var line = startLine
    return inlines(under: node, line: &line)
  }

  private static func inlines(under node: OpaquePointer, line: inout Int) -> [MarkdownInline] {
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
        result.append(.html(string(cmark_node_get_literal(child))))
      case CMARK_NODE_EMPH:
        result.append(.emphasis(inlines(under: child, line: &line)))
      case CMARK_NODE_STRONG:
        result.append(.strong(inlines(under: child, line: &line)))
      case CMARK_NODE_LINK:
        let linkLine = line
        let content = inlines(under: child, line: &line)
        result.append(.link(
          destination: string(cmark_node_get_url(child)), title: string(cmark_node_get_title(child)),
          content: content, line: linkLine))
      case CMARK_NODE_IMAGE:
        let content = inlines(under: child, line: &line)
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
