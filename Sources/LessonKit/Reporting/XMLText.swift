// MARK: - XML text

/// Text made safe for XML 1.0 elements and attributes (JUnit reports, SVG charts).
enum XMLText {
  /// Escapes the markup characters; characters XML 1.0 forbids become U+FFFD.
  ///
  /// - Parameter keepingLineBreaks: writes tabs, line feeds and carriage returns as character
  ///   references (a JUnit failure message keeps its lines) instead of spaces (an SVG label).
  static func escaped(_ text: String, keepingLineBreaks: Bool) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      case "\t", "\n", "\r": out += keepingLineBreaks ? "&#\(scalar.value);" : " "
      default:
        if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
          out += "\u{FFFD}"
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }
}
