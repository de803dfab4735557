// MARK: - Keys

/// One key press, decoded from the bytes a terminal sends in raw mode.
public enum Key: Equatable, Sendable {
  /// A printable character (letters, digits, punctuation, space, any non-ASCII character).
  case character(Character)
  case enter, backspace, tab, escape
  case left, right, up, down
  case pageUp, pageDown
  /// The terminal changed size (SIGWINCH): redraw for the new width and height.
  case resize
  /// Ctrl-C arriving as a byte (when the terminal does not turn it into SIGINT).
  case interrupt
  /// Ctrl-D, or the end of the input stream.
  case endOfInput
  /// Anything else: other control bytes and unknown escape sequences.
  case other
}

/// Turns raw terminal input bytes into keys; pure, so it is tested without a terminal.
public enum KeyDecoder {
  /// The keys in `bytes`, one chunk as one `read(2)` returned it.
  ///
  /// Escape sequences (`ESC [ C` for →, `ESC O D` for ←, …) arrive whole in one read in practice;
  /// a lone `ESC` is the Escape key. Invalid UTF-8 decodes to `.other`.
  public static func decode(_ bytes: [UInt8]) -> [Key] {
    var keys: [Key] = []
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      switch byte {
      case 0x0D, 0x0A:
        keys.append(.enter)
        // A CR LF pair is one Enter.
        if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
        index += 1
      case 0x7F, 0x08:
        keys.append(.backspace)
        index += 1
      case 0x09:
        keys.append(.tab)
        index += 1
      case 0x03:
        keys.append(.interrupt)
        index += 1
      case 0x04:
        keys.append(.endOfInput)
        index += 1
      case 0x1B:
        let (key, length) = escapeSequence(bytes, at: index)
        keys.append(key)
        index += length
      case 0x00..<0x20:
        keys.append(.other)
        index += 1
      default:
        let length = utf8Length(byte)
        guard length > 0, index + length <= bytes.count else {
          keys.append(.other)
          index += 1
          continue
        }
        let text = String(validating: bytes[index..<(index + length)], as: UTF8.self)
        if let character = text?.first {
          keys.append(.character(character))
        } else {
          keys.append(.other)
        }
        index += length
      }
    }
    return keys
  }

  /// The key an `ESC`-prefixed sequence starting at `start` stands for, and its length in bytes.
  private static func escapeSequence(_ bytes: [UInt8], at start: Int) -> (Key, Int) {
    guard start + 1 < bytes.count else { return (.escape, 1) }
    let introducer = bytes[start + 1]
    guard introducer == UInt8(ascii: "[") || introducer == UInt8(ascii: "O") else { return (.escape, 1) }
    // CSI: parameter bytes 0x30–0x3F, then intermediates 0x20–0x2F, then one final byte 0x40–0x7E.
    var index = start + 2
    while index < bytes.count, (0x20...0x3F).contains(bytes[index]) { index += 1 }
    guard index < bytes.count else { return (.other, bytes.count - start) }
    let final = bytes[index]
    let length = index - start + 1
    switch final {
    case UInt8(ascii: "A"): return (.up, length)
    case UInt8(ascii: "B"): return (.down, length)
    case UInt8(ascii: "C"): return (.right, length)
    case UInt8(ascii: "D"): return (.left, length)
    // `ESC [ 5 ~` and `ESC [ 6 ~`: Page Up and Page Down.
    case UInt8(ascii: "~") where bytes[(start + 2)..<index] == [UInt8(ascii: "5")]: return (.pageUp, length)
    case UInt8(ascii: "~") where bytes[(start + 2)..<index] == [UInt8(ascii: "6")]: return (.pageDown, length)
    default: return (.other, length)
    }
  }

  /// The length of the UTF-8 sequence a lead byte opens, or 0 for a continuation or invalid byte.
  private static func utf8Length(_ lead: UInt8) -> Int {
    switch lead {
    case 0x20..<0x80: return 1
    case 0xC2..<0xE0: return 2
    case 0xE0..<0xF0: return 3
    case 0xF0..<0xF5: return 4
    default: return 0
    }
  }
}
