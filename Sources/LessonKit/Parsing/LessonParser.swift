import AtomicFiles
import Foundation

// MARK: - Lesson parser

extension Lesson {
  /// The largest lesson file accepted, in bytes (4 MiB); larger files are refused before parsing.
  ///
  /// The real lessons are tens of kilobytes; the limit keeps parsing and rendering time and
  /// memory bounded for any file handed to `lesson`.
  public static let maximumFileSize = 4 * 1024 * 1024

  /// Reads and parses the lesson at `path`.
  ///
  /// Refuses, with a `file:line` message, a path that is missing, a directory or not a regular
  /// file, a file over `maximumFileSize`, and text that is not UTF-8 or holds NUL bytes.
  public static func load(path: String) throws -> Lesson {
    // Symbolic links are followed: a link to a lesson is that lesson.
    switch FileKind.of(path) {
    case .missing:
      throw LessonLoadError.unreadable(path: path, reason: "no such file")
    case .directory:
      throw LessonLoadError.unreadable(path: path, reason: "it is a directory; give a lesson file (.md)")
    case .regular(let size):
      if size > maximumFileSize { throw LessonLoadError.tooLarge(path: path, size: size, limit: maximumFileSize) }
    case let other:
      // Devices and pipes could be endless (`/dev/zero`) or block forever; only regular files are read.
      throw LessonLoadError.unreadable(path: path, reason: "not a regular file: it is \(other.phrase); give a lesson file (.md)")
    }
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw LessonLoadError.unreadable(path: path, reason: fileReadFailureReason(URL(fileURLWithPath: path), error))
    }
    return parse(try decode(data, file: path), file: path)
  }

  /// Turns a lesson file's bytes into the text the parser reads.
  ///
  /// A leading UTF-8 byte-order mark is dropped and CRLF or CR line endings become LF, so line
  /// numbers match what an editor shows. Throws `LessonLoadError` for data over
  /// `maximumFileSize`, invalid UTF-8 and NUL bytes, naming the line of the first bad byte.
  public static func decode(_ data: Data, file: String) throws -> String {
    guard data.count <= maximumFileSize else {
      throw LessonLoadError.tooLarge(path: file, size: data.count, limit: maximumFileSize)
    }
    var bytes = [UInt8](data)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    if let nul = bytes.firstIndex(of: 0) {
      throw LessonLoadError.malformedText(
        path: file, line: lineNumber(ofByte: nul, in: bytes),
        reason: "NUL byte at byte \(nul): a lesson is UTF-8 text without NUL bytes")
    }
    if let bad = firstInvalidUTF8Byte(bytes) {
      throw LessonLoadError.malformedText(
        path: file, line: lineNumber(ofByte: bad, in: bytes),
        reason: "invalid UTF-8 at byte \(bad): a lesson must be UTF-8 text (re-save it as UTF-8)")
    }
    let text = String(decoding: bytes, as: UTF8.self)
    guard text.utf8.contains(13) else { return text }
    return text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
  }

  /// The bytes to write back for `text` (LF line endings, as `decode` returns it) so that the
  /// file keeps the form of `original`: its byte-order mark and its CRLF or CR line endings.
  public static func encode(_ text: String, like original: Data) -> [UInt8] {
    let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    let prefix = original.starts(with: bom) ? bom : []
    let lineEnding: [UInt8]
    if original.firstRange(of: Data([13, 10])) != nil {
      lineEnding = [13, 10]
    } else if original.contains(13) {
      lineEnding = [13]
    } else {
      return prefix + Array(text.utf8)
    }
    var bytes = prefix
    bytes.reserveCapacity(text.utf8.count + text.utf8.count / 16)
    for byte in text.utf8 {
      if byte == 10 { bytes += lineEnding } else { bytes.append(byte) }
    }
    return bytes
  }

  /// The 1-based line holding byte `offset`: one more than the LF bytes before it.
  private static func lineNumber(ofByte offset: Int, in bytes: [UInt8]) -> Int {
    bytes[..<offset].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
  }

  /// The offset of the first byte that does not belong to a valid UTF-8 sequence, if any.
  private static func firstInvalidUTF8Byte(_ bytes: [UInt8]) -> Int? {
    var decoder = UTF8()
    var iterator = bytes.makeIterator()
    var consumed = 0
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar):
        consumed += UTF8.width(scalar)
      case .emptyInput:
        return nil
      case .error:
        return min(consumed, bytes.count - 1)
      }
    }
  }

  /// Parses lesson Markdown; `file` is used in locations and diagnostics.
  public static func parse(_ markdown: String, file: String) -> Lesson {
    var parser = LessonParser(file: file, sourceLines: markdown.split(separator: "\n", omittingEmptySubsequences: false))
    let document = CmarkDocument.parse(markdown)
    if let line = document.tooDeepLines.first {
      parser.diagnostics.append(Diagnostic(
        .error, file: file, line: line,
        "lists, block quotes or emphasis nest more than \(CmarkDocument.maximumNesting) levels deep; "
          + "the deeper content is not read (flatten the nesting)"))
    }
    let fencedBlocks = document.blocks.map(parser.markFenced)
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
      result.problems.append("a step block must be `swift`; found info string `\(abbreviated(info))`")
    }
    var seen: Set<String> = []
    var repeated: Set<String> = []
    for word in words.dropFirst() {
      let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
      let key = parts[0]
      let value = parts.count > 1 ? parts[1] : nil
      if seen.contains(key) {
        if repeated.insert(key).inserted { result.problems.append("attribute '\(abbreviated(key))' is given twice") }
        continue
      }
      // A hostile info string could hold thousands of bad words: report the first few.
      guard result.problems.count < 5 else { break }
      seen.insert(key)
      switch (key, value) {
      case ("step", let id?):
        if isValidID(id) {
          result.id = id
        } else {
          result.problems.append(
            "step id '\(abbreviated(id))' is malformed; use letters, digits, '-', '_' or '.', starting with a letter or digit, "
              + "at most \(Self.maximumIDLength) characters")
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
          result.problems.append("timeout '\(abbreviated(text))' is not a positive number of seconds")
        }
      case ("timeout", nil):
        result.problems.append("`timeout` needs a value: `timeout=<seconds>`")
      default:
        result.problems.append(
          "unknown step attribute '\(abbreviated(word))' (known: step=<id>, hidden, display, timeout=<seconds>)")
      }
    }
    if result.attributes.hidden && result.attributes.display {
      result.problems.append("a step cannot be both `hidden` (runs, not shown) and `display` (shown, not run)")
    }
    return result
  }

  /// The longest step or check id accepted; registered ids are a few words long.
  static let maximumIDLength = 100

  /// Whether `id` is a well-formed step or check id.
  static func isValidID(_ id: String) -> Bool {
    guard id.utf8.count <= maximumIDLength else { return false }
    guard let first = id.unicodeScalars.first, first.properties.isAlphabetic || ("0"..."9").contains(first)
    else { return false }
    return id.unicodeScalars.allSatisfy {
      ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "-_.".unicodeScalars.contains($0)
    }
  }
}

/// `text` cut to 60 characters, so a hostile lesson cannot flood a message with one long word.
func abbreviated(_ text: String) -> String {
  excerpt(text, limit: 60)
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
        let trimmed = Self.withoutContainerMarkers(sourceLines[index])
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

  /// `line` without the indentation, `>` quote markers and list markers (`-`, `*`, `+`, `1.`,
  /// `1)`) that put a block inside a container.
  static func withoutContainerMarkers(_ line: Substring) -> Substring {
    var rest = line
    while true {
      rest = rest.drop(while: { $0 == " " || $0 == "\t" || $0 == ">" })
      if let first = rest.first, "-*+".contains(first), rest.dropFirst().first == " " {
        rest = rest.dropFirst(2)
        continue
      }
      let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
      if !digits.isEmpty, digits.count <= 9, let marker = rest.dropFirst(digits.count).first, marker == "." || marker == ")",
        rest.dropFirst(digits.count + 1).first == " "
      {
        rest = rest.dropFirst(digits.count + 2)
        continue
      }
      return rest
    }
  }

  /// Whether a fenced block's last line is a closing fence as long as its opening one.
  ///
  /// cmark runs an unclosed fence to the end of its container, silently turning the rest of the
  /// lesson (claims and steps included) into code; the parser reports that instead.
  private func fenceIsClosed(_ node: CodeBlockNode) -> Bool {
    guard node.isFenced, node.line >= 1, node.line <= sourceLines.count else { return true }
    let opening = Self.withoutContainerMarkers(sourceLines[node.line - 1])
    guard let fence = opening.first else { return true }
    let length = opening.prefix(while: { $0 == fence }).count
    guard node.endLine > node.line, node.endLine <= sourceLines.count else { return false }
    let closing = Self.withoutContainerMarkers(sourceLines[node.endLine - 1])
    let run = closing.prefix(while: { $0 == fence }).count
    return run >= length && closing.dropFirst(run).allSatisfy { $0 == " " || $0 == "\t" }
  }

  mutating func walk(_ blocks: [MarkdownBlock]) {
    for block in blocks { visit(block) }
  }

  private mutating func visit(_ block: MarkdownBlock) {
    switch block {
    case let .heading(level, content, line):
      if level == 1, title == nil { title = content.plainText.trimmingCharacters(in: .whitespaces) }
      if level == 2 { sections.append(LessonSection(title: content.plainText, line: line)) }
      var current = line
      visit(content, line: &current)
    case let .paragraph(content, line):
      var current = line
      visit(content, line: &current)
    case .codeBlock(let node):
      if !fenceIsClosed(node) {
        error(node.line, "the code block opened at line \(node.line) is never closed: everything after it "
          + "was read as code; add a closing fence")
      }
      visitCode(node)
    case .blockQuote(let children, _):
      walk(children)
    case .list(let node):
      for item in node.items { walk(item) }
    case .html(let text, let line):
      checkHiddenByHTML(text, line: line, isBlock: true)
    case .thematicBreak:
      break
    }
  }

  // MARK: - Raw HTML

  /// Reports claims and steps that raw HTML hides, and HTML blocks that never end.
  ///
  /// cmark passes raw HTML through as one opaque string: a `check:` link or a step fence inside
  /// it is never read as a claim or a step, so a lesson would pass `check` without checking them.
  /// An HTML comment, `<pre>`, `<script>`, `<style>` or `<textarea>` block that is never closed
  /// runs to the end of its container and hides everything after it.
  private mutating func checkHiddenByHTML(_ html: String, line: Int, isBlock: Bool) {
    let lines = html.split(separator: "\n", omittingEmptySubsequences: false)
    var hidden = 0
    for (offset, text) in lines.enumerated() where hidden < 5 {
      if let id = RawHTML.hiddenClaimID(in: text) {
        hidden += 1
        error(line + offset, "a claim (check:\(abbreviated(id))) is inside raw HTML that starts at line \(line), "
          + "so it is never checked; move it out of the HTML\(isBlock ? " (end the HTML block before it)" : "")")
      } else if RawHTML.isStepFence(text) {
        hidden += 1
        error(line + offset, "a step fence is inside raw HTML that starts at line \(line), so the step never runs; "
          + "move it out of the HTML (end the HTML block before it)")
      }
    }
    if isBlock, let (kind, closing) = RawHTML.unclosedBlock(html) {
      error(line, "the \(kind) opened at line \(line) is never closed: everything after it up to the end of "
        + "its container was read as raw HTML; close it with `\(closing)`")
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

  /// Visits inlines; `line` follows the line breaks, as `CmarkDocument` counts them for links.
  private mutating func visit(_ inlines: [MarkdownInline], line: inout Int) {
    for inline in inlines {
      switch inline {
      case let .link(destination, title, content, linkLine) where destination.hasPrefix("check:"):
        visitClaim(id: String(destination.dropFirst("check:".count)), title: title, text: content.plainText, line: linkLine)
        line += content.lineBreaks
      case .link(_, _, let content, _), .emphasis(let content), .strong(let content):
        visit(content, line: &line)
      case .softBreak, .lineBreak:
        line += 1
      case .html(let text):
        checkHiddenByHTML(text, line: line, isBlock: false)
        line += [inline].lineBreaks
      case .image(_, _, let content):
        // The renderer shows an image's description as plain text, so links in it are not claims.
        line += content.lineBreaks
      default:
        break
      }
    }
  }

  private mutating func visitClaim(id: String, title: String, text: String, line: Int) {
    guard StepInfo.isValidID(id) else {
      error(line, "claim check id '\(abbreviated(id))' is malformed; write `[text](check:<id>)` with an id of letters, "
        + "digits, '-', '_' or '.', at most \(StepInfo.maximumIDLength) characters")
      // Still recorded, so the claims stay in step with the `check:` links the renderer counts.
      items.append(.claim(claims.count))
      claims.append(Claim(id: id, text: text, number: nil, tolerance: nil, line: line, section: currentSection))
      return
    }
    var number: ClaimNumber?
    var numberIsBad = false
    do {
      number = try ClaimNumber.parse(text)
    } catch {
      numberIsBad = true
      self.error(line, "claim '\(id)': \(error)")
    }
    var tolerance: ClaimTolerance?
    var sawTolerance = false
    var toleranceText: String?
    for option in title.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) {
      let parts = option.split(separator: "=", maxSplits: 1).map(String.init)
      if parts.count == 2, parts[0] == "tol" {
        if sawTolerance {
          error(line, "claim '\(id)': `tol=` is given twice; keep one")
          break
        }
        sawTolerance = true
        toleranceText = parts[1]
        if let problem = ClaimTolerance.problem(parts[1]) {
          error(line, "claim '\(id)': \(problem)")
        } else {
          tolerance = ClaimTolerance.parse(parts[1])
        }
      } else {
        error(line, "claim '\(id)': unknown option '\(abbreviated(option))' in the link title (known: tol=<n>% or tol=<n>)")
        break
      }
    }
    if let tolerance, let number, let toleranceText,
      let problem = ClaimTolerance.problem(tolerance, claimed: number, written: toleranceText)
    {
      error(line, "claim '\(id)': \(problem)")
    }
    if tolerance != nil, number == nil, !numberIsBad {
      error(line, "claim '\(id)' sets a tolerance but its text \"\(abbreviated(text))\" holds no number; "
        + "remove `tol=` or put the claimed number in the link text")
    }
    items.append(.claim(claims.count))
    claims.append(Claim(id: id, text: text, number: number, tolerance: tolerance, line: line, section: currentSection))
  }
}
