// MARK: - Swift syntax highlighting

/// Splits Swift code into comments, strings, numbers, keywords, type names and attributes, and
/// wraps each in a `<span class>` the page's style colours; everything is escaped.
///
/// A lexer, not a parser: it only has to colour the code the lessons show, and it never drops or
/// reorders a character (removing the spans gives back the code exactly).
enum SwiftHighlighter {
  static let keywords: Set<String> = [
    "as", "associatedtype", "break", "case", "catch", "class", "continue", "default", "defer", "do", "else",
    "enum", "extension", "fallthrough", "false", "fileprivate", "for", "func", "guard", "if", "import", "in",
    "init", "inout", "internal", "is", "let", "nil", "private", "protocol", "public", "repeat", "rethrows",
    "return", "self", "Self", "static", "struct", "subscript", "super", "switch", "throw", "throws", "true",
    "try", "typealias", "var", "where", "while", "async", "await", "some", "any", "mutating", "final",
    "override", "lazy", "weak", "open", "operator",
  ]

  /// The highlighted HTML for `code`.
  static func html(_ code: String) -> String {
    let scalars = Array(code.unicodeScalars)
    var out = ""
    var i = 0
    func emit(_ cls: String?, _ start: Int, _ end: Int) {
      let text = HTMLText.escaped(String(String.UnicodeScalarView(scalars[start..<end])))
      if let cls { out += "<span class=\"sw-\(cls)\">\(text)</span>" } else { out += text }
    }
    func at(_ offset: Int) -> Unicode.Scalar? { i + offset < scalars.count ? scalars[i + offset] : nil }
    func isIdentifierStart(_ s: Unicode.Scalar) -> Bool { s == "_" || s.properties.isAlphabetic }
    func isIdentifierPart(_ s: Unicode.Scalar) -> Bool { isIdentifierStart(s) || ("0"..."9").contains(s) }
    while i < scalars.count {
      let start = i
      let c = scalars[i]
      if c == "/", at(1) == "/" {
        while i < scalars.count, scalars[i] != "\n" { i += 1 }
        emit("com", start, i)
      } else if c == "/", at(1) == "*" {
        i += 2
        while i < scalars.count, !(scalars[i] == "*" && at(1) == "/") { i += 1 }
        i = min(scalars.count, i + 2)
        emit("com", start, i)
      } else if c == "\"" {
        let triple = at(1) == "\"" && at(2) == "\""
        i += triple ? 3 : 1
        while i < scalars.count {
          if scalars[i] == "\\" { i += 2; continue }
          if triple {
            if scalars[i] == "\"", at(1) == "\"", at(2) == "\"" { i += 3; break }
          } else if scalars[i] == "\"" || scalars[i] == "\n" {
            i += 1
            break
          }
          i += 1
        }
        i = min(i, scalars.count)
        emit("str", start, i)
      } else if ("0"..."9").contains(c) {
        while i < scalars.count, isIdentifierPart(scalars[i]) || scalars[i] == "."
          && i + 1 < scalars.count && ("0"..."9").contains(scalars[i + 1]) { i += 1 }
        emit("num", start, i)
      } else if c == "@" || c == "#", let next = at(1), isIdentifierStart(next) {
        i += 1
        while i < scalars.count, isIdentifierPart(scalars[i]) { i += 1 }
        emit("attr", start, i)
      } else if isIdentifierStart(c) {
        while i < scalars.count, isIdentifierPart(scalars[i]) { i += 1 }
        let word = String(String.UnicodeScalarView(scalars[start..<i]))
        if keywords.contains(word) {
          emit("kw", start, i)
        } else if let first = word.unicodeScalars.first, first.properties.isUppercase {
          emit("typ", start, i)
        } else if i < scalars.count, scalars[i] == "(" {
          emit("call", start, i)
        } else {
          emit(nil, start, i)
        }
      } else {
        i += 1
        while i < scalars.count, !isIdentifierStart(scalars[i]), !("0"..."9").contains(scalars[i]),
          !"\"/@#".unicodeScalars.contains(scalars[i]) { i += 1 }
        emit(nil, start, i)
      }
    }
    return out
  }
}
