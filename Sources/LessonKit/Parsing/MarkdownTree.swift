// MARK: - Markdown tree

/// A block of a parsed Markdown document, detached from cmark.
///
/// Line numbers are 1-based lines of the source file.
public indirect enum MarkdownBlock: Sendable, Equatable {
  case heading(level: Int, content: [MarkdownInline], line: Int)
  case paragraph([MarkdownInline], line: Int)
  case codeBlock(CodeBlockNode)
  case blockQuote([MarkdownBlock], line: Int)
  case list(ListNode)
  case thematicBreak(line: Int)
  case html(String, line: Int)

  /// The first source line of this block.
  public var line: Int {
    switch self {
    case .heading(_, _, let line), .paragraph(_, let line), .blockQuote(_, let line),
      .thematicBreak(let line), .html(_, let line):
      return line
    case .codeBlock(let node): return node.line
    case .list(let node): return node.line
    }
  }
}

/// A fenced or indented code block.
public struct CodeBlockNode: Sendable, Equatable {
  /// The whole info string, e.g. `swift step=build-model hidden`.
  public var info: String
  /// The code, as cmark hands it over (ends with a newline when non-empty).
  public var code: String
  /// The line of the opening fence.
  public var line: Int
  /// The line of the closing fence (or the last line, for an unclosed fence).
  public var endLine: Int
  /// Whether the block is fenced (indented blocks cannot be steps).
  public var isFenced: Bool
}

/// An ordered or bulleted list.
public struct ListNode: Sendable, Equatable {
  public var ordered: Bool
  public var start: Int
  public var items: [[MarkdownBlock]]
  public var line: Int
}

/// An inline element of a paragraph or heading.
public indirect enum MarkdownInline: Sendable, Equatable {
  case text(String)
  case code(String)
  case emphasis([MarkdownInline])
  case strong([MarkdownInline])
  case link(destination: String, title: String, content: [MarkdownInline], line: Int)
  case image(destination: String, title: String, content: [MarkdownInline])
  case softBreak
  case lineBreak
  case html(String)

  /// The plain text of this inline and its children, with breaks as spaces.
  public var plainText: String {
    switch self {
    case .text(let s), .code(let s): return s
    case .emphasis(let c), .strong(let c): return c.plainText
    case .link(_, _, let c, _), .image(_, _, let c): return c.plainText
    case .softBreak, .lineBreak: return " "
    case .html(let s): return s
    }
  }
}

extension Array where Element == MarkdownInline {
  /// The concatenated plain text of a run of inlines.
  public var plainText: String { map(\.plainText).joined() }

  /// The source lines these inlines span beyond their first: breaks, and newlines inside raw HTML.
  var lineBreaks: Int {
    reduce(0) { count, inline in
      switch inline {
      case .softBreak, .lineBreak: return count + 1
      case .html(let text): return count + text.utf8.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
      case .emphasis(let c), .strong(let c), .link(_, _, let c, _), .image(_, _, let c): return count + c.lineBreaks
      case .text, .code: return count
      }
    }
  }
}
