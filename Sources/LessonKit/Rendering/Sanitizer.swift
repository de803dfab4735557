// MARK: - Neutralizing control characters

/// Makes lesson and step text safe to print: a lesson cannot drive the terminal.
///
/// C0 controls (ESC included) become their visible Control Pictures (`␛`), DEL becomes `␡`,
/// C1 controls and bidirectional overrides become `�`. Newlines survive unless `singleLine`;
/// tabs become spaces unless `keepingTabs` (text meant to be saved, such as generated samples).
///
/// The same rule covers text from checkpoints and corpora: `lesson sample` prints the generated
/// text through `clean`, so a vocabulary holding ESC or BEL cannot retitle the terminal.
public enum Sanitizer {
  /// The neutralized form of `text`.
  public static func clean(_ text: String, singleLine: Bool = false, keepingTabs: Bool = false) -> String {
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      switch scalar.value {
      case 0x0A:
        if singleLine { out.append(contentsOf: " ".unicodeScalars) } else { out.append(scalar) }
      case 0x09:
        if keepingTabs { out.append(scalar) } else { out.append(contentsOf: "  ".unicodeScalars) }
      case 0x00...0x1F:
        out.append(Unicode.Scalar(0x2400 + scalar.value) ?? "\u{FFFD}")
      case 0x7F:
        out.append("\u{2421}")
      case 0x80...0x9F, 0x202A...0x202E, 0x2066...0x2069:
        out.append("\u{FFFD}")
      default:
        out.append(scalar)
      }
    }
    return String(out)
  }

  /// Makes whitespace visible, for bar labels and decoded tokens: ` ` → `␣`, newline → `⏎`, tab → `⇥`.
  public static func visibleWhitespace(_ text: String) -> String {
    var out = ""
    for character in text {
      switch character {
      case " ": out += "␣"
      case "\n", "\r\n": out += "⏎"
      case "\t": out += "⇥"
      default: out.append(character)
      }
    }
    return clean(out, singleLine: true)
  }
}
