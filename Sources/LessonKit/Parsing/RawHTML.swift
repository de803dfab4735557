// MARK: - What raw HTML can hide

/// Recognises lesson syntax that cmark would swallow into raw HTML, where nothing reads it.
///
/// cmark hands an HTML block or inline tag over as one string. A claim written inside it (by
/// mistake, or behind an unclosed `<!--`) would be shown as dim text and never checked, so the
/// parser reports it; see `LessonParser.checkHiddenByHTML`.
enum RawHTML {
  /// The check id of a claim-like link in one line of HTML text: `[..](check:id)`, `<check:id>`,
  /// or an `href="check:id"` attribute.
  static func hiddenClaimID(in line: Substring) -> String? {
    guard line.contains("check:") else { return nil }
    if let match = line.firstMatch(of: /\]\(\s*<?check:([^)\s>"']*)/) { return String(match.1) }
    if let match = line.firstMatch(of: /<check:([^>\s]*)>/) { return String(match.1) }
    if let match = line.firstMatch(of: /(?i:href|src)\s*=\s*["']?check:([^"'\s>]*)/) { return String(match.1) }
    return nil
  }

  /// Whether a line of HTML text opens a step block (```` ```swift step=… ````).
  static func isStepFence(_ line: Substring) -> Bool {
    let rest = line.drop(while: { $0 == " " || $0 == "\t" || $0 == ">" })
    guard rest.hasPrefix("```") || rest.hasPrefix("~~~") else { return false }
    return rest.split(whereSeparator: { $0 == " " || $0 == "\t" }).contains { $0.hasPrefix("step=") || $0 == "step" }
  }

  /// The HTML blocks that end only at an explicit closing marker, as CommonMark defines them
  /// (kinds 1 to 5), with the marker; other kinds end at a blank line.
  private static let closedKinds: [(opening: String, kind: String, closing: String)] = [
    ("<!--", "HTML comment", "-->"),
    ("<![CDATA[", "CDATA section", "]]>"),
    ("<?", "HTML processing instruction", "?>"),
    ("<pre", "<pre> block", "</pre>"),
    ("<script", "<script> block", "</script>"),
    ("<style", "<style> block", "</style>"),
    ("<textarea", "<textarea> block", "</textarea>"),
  ]

  /// The kind and closing marker of an HTML block whose closing marker never comes: cmark then
  /// runs it to the end of its container (often the rest of the lesson).
  static func unclosedBlock(_ html: String) -> (kind: String, closing: String)? {
    let text = html.drop(while: { $0 == " " }).lowercased()
    for (opening, kind, closing) in closedKinds where text.hasPrefix(opening) {
      if opening.hasPrefix("<"), opening.count > 2, !opening.hasPrefix("<!"), !opening.hasPrefix("<?") {
        // A tag name must end there: `<preface>` is not `<pre>`.
        let next = text.dropFirst(opening.count).first
        guard next == nil || next == ">" || next == " " || next == "\t" || next == "\n" else { return nil }
      }
      // Search after the opening's first two characters, so `<!-->` counts as closed, as in cmark.
      return text.dropFirst(2).contains(closing) ? nil : (kind, closing)
    }
    if text.hasPrefix("<!"), let letter = text.dropFirst(2).first, letter.isASCII, letter.isLetter {
      return text.contains(">") ? nil : ("HTML declaration", ">")
    }
    return nil
  }
}
