import Foundation

// MARK: - HTML text

/// Makes lesson, step and corpus text inert in an HTML page.
///
/// Controls and bidirectional overrides are neutralized first (`Sanitizer`, as on the terminal),
/// then markup characters are escaped (`XMLText`), so no lesson can open a tag, end an attribute
/// or reorder what the reader sees.
enum HTMLText {
  /// `text` for element content; line breaks survive (as character references).
  static func escaped(_ text: String) -> String {
    XMLText.escaped(Sanitizer.clean(text), keepingLineBreaks: true)
  }

  /// `text` for a quoted attribute value, on one line.
  static func attribute(_ text: String) -> String {
    XMLText.escaped(Sanitizer.clean(text, singleLine: true), keepingLineBreaks: false)
  }

  /// JSON text made safe inside `<script type="application/json">`: `<`, `>` and `&` can only occur
  /// in JSON strings, where `\u003c`-style escapes mean the same, so `</script>` cannot end the island.
  static func jsonIsland(_ json: String) -> String {
    var out = ""
    out.reserveCapacity(json.utf8.count)
    for scalar in json.unicodeScalars {
      switch scalar {
      case "<": out += "\\u003c"
      case ">": out += "\\u003e"
      case "&": out += "\\u0026"
      case "\u{2028}": out += "\\u2028"
      case "\u{2029}": out += "\\u2029"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// A script body that cannot close its `<script>` element early.
  static func script(_ code: String) -> String {
    code.replacingOccurrences(of: "</", with: "<\\/")
  }

  /// A fragment identifier from free text: lowercase letters, digits and hyphens.
  static func slug(_ text: String) -> String {
    var out = ""
    for scalar in text.lowercased().unicodeScalars {
      if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
        out.unicodeScalars.append(scalar)
      } else if !out.isEmpty, out.last != "-" {
        out += "-"
      }
    }
    while out.last == "-" { out.removeLast() }
    return out.isEmpty ? "section" : String(out.prefix(60))
  }

  /// Whether a link or image address may be used as one: web, mail or a relative path.
  ///
  /// `javascript:`, `data:`, `vbscript:` and anything else with a scheme are refused (shown as text).
  static func isSafeURL(_ url: String) -> Bool {
    let lower = url.lowercased().trimmingCharacters(in: .whitespaces)
    if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("mailto:") { return true }
    guard let colon = lower.firstIndex(of: ":") else { return !lower.hasPrefix("//") }
    // A colon after a slash, `?` or `#` belongs to a path or query, not to a scheme.
    return lower[..<colon].contains { $0 == "/" || $0 == "?" || $0 == "#" }
  }
}
