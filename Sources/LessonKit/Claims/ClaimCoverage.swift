import Foundation

// MARK: - Figures no claim covers

/// A number in a lesson's prose that no claim computes.
public struct UncoveredFigure: Sendable, Equatable {
  /// The lesson file.
  public let file: String
  /// The source line the number is on.
  public let line: Int
  /// The number as written.
  public let written: String
  /// A little of the text around it, on one line.
  public let excerpt: String

  /// The `lesson lint --claims` diagnostic for this figure, with the two ways to resolve it.
  public var diagnostic: Diagnostic {
    Diagnostic(
      .error, file: file, line: line,
      "figure \(written) (\"\(excerpt)\") is not a claim: link it to a check, [\(written)](check:<id>), "
        + "or mark it \(written)\(ClaimCoverage.marker) if it describes nothing the lesson computes")
  }
}

/// Finds the numbers in a lesson's prose that no claim covers.
///
/// Prose is the text of paragraphs and headings, including those inside lists and block quotes.
/// Not prose: code blocks, inline code spans, HTML, and the text of claims themselves (a claim's
/// number is covered by its check). A number followed by the marker comment ``marker`` (spaces
/// between are allowed) is declared not to be a claim: a year, a lesson number, a version. The
/// marker is an HTML comment, so it is invisible on a code-hosting site and `lesson run` omits it.
public enum ClaimCoverage {
  /// Written right after a number that is not a claim: `2017<!-- not-a-claim -->`.
  public static let marker = "<!-- not-a-claim -->"

  /// Whether an HTML fragment is the not-a-claim marker (whitespace inside the comment is free).
  public static func isMarker(_ html: String) -> Bool {
    let trimmed = html.trimmingCharacters(in: .whitespacesAndNewlines)
    guard trimmed.hasPrefix("<!--"), trimmed.hasSuffix("-->") else { return false }
    let body = trimmed.dropFirst(4).dropLast(3).trimmingCharacters(in: .whitespacesAndNewlines)
    return body == "not-a-claim"
  }

  /// Every figure in `lesson`'s prose that is neither inside a claim nor marked, in document order.
  public static func uncoveredFigures(in lesson: Lesson) -> [UncoveredFigure] {
    var figures: [UncoveredFigure] = []
    for block in lesson.blocks { collect(block, file: lesson.file, into: &figures) }
    return figures
  }

  // MARK: - Walking the document

  private static func collect(_ block: MarkdownBlock, file: String, into figures: inout [UncoveredFigure]) {
    switch block {
    case .heading(_, let content, let line), .paragraph(let content, let line):
      figures += scan(content, file: file, line: line)
    case .blockQuote(let blocks, _):
      for inner in blocks { collect(inner, file: file, into: &figures) }
    case .list(let node):
      for item in node.items { for inner in item { collect(inner, file: file, into: &figures) } }
    case .codeBlock, .thematicBreak, .html:
      break
    }
  }

  /// A run of prose text on one source line, or a marker.
  private enum Piece {
    case text(String, line: Int)
    case marker
    /// Something that is not prose (a claim, inline code): numbers never join across it.
    case barrier
  }

  private static func pieces(_ inlines: [MarkdownInline], line: inout Int, into out: inout [Piece]) {
    for inline in inlines {
      switch inline {
      case .text(let text):
        out.append(.text(text, line: line))
      case .code:
        out.append(.barrier)
      case .emphasis(let inner), .strong(let inner):
        pieces(inner, line: &line, into: &out)
      case .link(let destination, _, let content, _):
        if destination.hasPrefix("check:") {
          out.append(.barrier)
          line += lineBreaks(in: content)
        } else {
          pieces(content, line: &line, into: &out)
        }
      case .image:
        out.append(.barrier)
      case .softBreak, .lineBreak:
        line += 1
        out.append(.text(" ", line: line))
      case .html(let html):
        out.append(isMarker(html) ? .marker : .barrier)
      }
    }
  }

  private static func lineBreaks(in inlines: [MarkdownInline]) -> Int {
    inlines.reduce(0) { count, inline in
      switch inline {
      case .softBreak, .lineBreak: return count + 1
      case .emphasis(let inner), .strong(let inner), .link(_, _, let inner, _): return count + lineBreaks(in: inner)
      default: return count
      }
    }
  }

  /// The uncovered figures of one paragraph or heading.
  ///
  /// Consecutive text pieces are joined before scanning, so a number split by emphasis or a line
  /// break is still read whole; each figure is reported at the line its first character is on.
  private static func scan(_ inlines: [MarkdownInline], file: String, line: Int) -> [UncoveredFigure] {
    var line = line
    var all: [Piece] = []
    pieces(inlines, line: &line, into: &all)
    var figures: [UncoveredFigure] = []
    var run: [(text: String, line: Int)] = []
    func flush(marked: Bool) {
      defer { run = [] }
      guard !run.isEmpty else { return }
      let text = run.map(\.text).joined()
      var found: [(number: ClaimNumber, range: Range<String.Index>?)] = []
      var searchFrom = text.startIndex
      for number in ClaimNumber.all(in: text) {
        let range = text.range(of: number.written, range: searchFrom..<text.endIndex)
        if let range { searchFrom = range.upperBound }
        found.append((number, range))
      }
      // The marker exempts the number right before it, when no letter or digit separates them.
      if marked, let last = found.last, let range = last.range,
        !text[range.upperBound...].contains(where: { $0.isLetter || $0.isNumber })
      {
        found.removeLast()
      }
      found.removeAll { $0.range.map { isNotation(text, $0) } ?? false }
      for (number, range) in found {
        let offset = range.map { text.distance(from: text.startIndex, to: $0.lowerBound) } ?? 0
        figures.append(UncoveredFigure(
          file: file, line: lineOf(offset: offset, in: run), written: number.written,
          excerpt: excerpt(of: text, around: range)))
      }
    }
    for piece in all {
      switch piece {
      case .text(let text, let line): run.append((text, line))
      case .marker: flush(marked: true)
      case .barrier: flush(marked: false)
      }
    }
    flush(marked: false)
    return figures
  }

  /// Whether the number at `range` is part of a formula or a name rather than a figure.
  ///
  /// Notation: a number glued to a letter (`L2`), or joined by an operator or bracket to a
  /// letter or closing bracket on its left (`t+1`, `T−1`, `x[0…t]`, `GPT-2`), or the left operand
  /// of a reciprocal (`1/x`) or of an operator whose right side is a symbol (`1−β₂`).
  static func isNotation(_ text: String, _ range: Range<String.Index>) -> Bool {
    let before = range.lowerBound > text.startIndex ? text[text.index(before: range.lowerBound)] : nil
    let beforeThat = range.lowerBound > text.index(after: text.startIndex)
      ? text[text.index(range.lowerBound, offsetBy: -2)] : nil
    if let before, before.isLetter { return true }
    if let before, "+-−/*[(^_…".contains(before), let beforeThat,
      beforeThat.isLetter || beforeThat == ")" || beforeThat == "]"
    {
      return true
    }
    let after = range.upperBound < text.endIndex ? text[range.upperBound] : nil
    let afterThat = range.upperBound < text.endIndex && text.index(after: range.upperBound) < text.endIndex
      ? text[text.index(after: range.upperBound)] : nil
    if after == "/", !(afterThat?.isWhitespace ?? false) { return true }
    if let after, "+−*^".contains(after), let afterThat, afterThat.isLetter || "(‖".contains(afterThat) {
      return true
    }
    return false
  }

  private static func lineOf(offset: Int, in run: [(text: String, line: Int)]) -> Int {
    var remaining = offset
    for piece in run {
      if remaining < piece.text.count { return piece.line }
      remaining -= piece.text.count
    }
    return run.last?.line ?? 0
  }

  /// Up to five words either side of the figure, on one line.
  private static func excerpt(of text: String, around range: Range<String.Index>?) -> String {
    guard let range else { return text }
    let before = text[..<range.lowerBound].split(separator: " ").suffix(5).joined(separator: " ")
    let after = text[range.upperBound...].split(separator: " ", omittingEmptySubsequences: true).prefix(5)
    let head = text[..<range.lowerBound].hasSuffix(" ") ? before + " " : before
    let tail = text[range.upperBound...].hasPrefix(" ") ? " " + after.joined(separator: " ") : after.joined(separator: " ")
    return (head + text[range] + tail).trimmingCharacters(in: .whitespaces)
  }
}
