// MARK: - Styled text and wrapping

/// A run of text with one style.
public struct Fragment: Sendable {
  public var text: String
  public var attributes: [TerminalStyle.Attribute]

  public init(text: String, attributes: [TerminalStyle.Attribute]) {
    self.text = text
    self.attributes = attributes
  }
}

/// Word-wraps styled fragments to a width, keeping styles per word.
public enum TextWrapper {
  /// A word or a forced line break.
  private enum Token {
    case word([Fragment])
    case lineBreak
  }

  /// Lines of styled text no wider than `width` (a single over-long word overflows).
  public static func wrap(_ fragments: [Fragment], width: Int, style: TerminalStyle) -> [String] {
    var tokens: [Token] = []
    var word: [Fragment] = []
    func endWord() {
      if !word.isEmpty { tokens.append(.word(word)) }
      word = []
    }
    for fragment in fragments {
      for character in fragment.text {
        if character == " " {
          endWord()
        } else if character == "\n" {
          endWord()
          tokens.append(.lineBreak)
        } else if let last = word.last, last.attributes == fragment.attributes {
          word[word.count - 1].text.append(character)
        } else {
          word.append(Fragment(text: String(character), attributes: fragment.attributes))
        }
      }
    }
    endWord()

    var lines: [String] = []
    var line = ""
    var lineWidth = 0
    for token in tokens {
      switch token {
      case .lineBreak:
        lines.append(line)
        line = ""
        lineWidth = 0
      case .word(let fragments):
        let wordWidth = fragments.reduce(0) { $0 + displayWidth($1.text) }
        if lineWidth > 0, lineWidth + 1 + wordWidth > width {
          lines.append(line)
          line = ""
          lineWidth = 0
        }
        if lineWidth > 0 {
          line += " "
          lineWidth += 1
        }
        line += fragments.map { style.apply($0.attributes, $0.text) }.joined()
        lineWidth += wordWidth
      }
    }
    if !line.isEmpty || lines.isEmpty { lines.append(line) }
    return lines
  }
}
