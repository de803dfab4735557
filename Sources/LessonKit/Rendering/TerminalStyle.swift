import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - Colour

/// Whether to colour output: `auto` colours only a terminal and honours `NO_COLOR`.
public enum ColorMode: String, Sendable, CaseIterable {
  case auto, always, never
}

/// ANSI styling that is a no-op when colour is off, so piped output holds no escapes.
public struct TerminalStyle: Sendable {
  /// The styles the renderers use.
  public enum Attribute: Sendable {
    case bold, dim, italic, underline, red, green, yellow, blue, magenta, cyan, gray

    var code: String {
      switch self {
      case .bold: return "1"
      case .dim: return "2"
      case .italic: return "3"
      case .underline: return "4"
      case .red: return "31"
      case .green: return "32"
      case .yellow: return "33"
      case .blue: return "34"
      case .magenta: return "35"
      case .cyan: return "36"
      case .gray: return "90"
      }
    }
  }

  /// Whether escapes are emitted.
  public let colored: Bool

  public init(colored: Bool) { self.colored = colored }

  /// A style with colour off.
  public static let plain = TerminalStyle(colored: false)

  /// Decides colour for a stream: `always`/`never` win; `auto` needs a TTY, a `TERM` other than
  /// `dumb`, and no non-empty `NO_COLOR`.
  public static func resolve(
    _ mode: ColorMode, fileDescriptor: Int32 = 1, environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> TerminalStyle {
    switch mode {
    case .always: return TerminalStyle(colored: true)
    case .never: return .plain
    case .auto:
      if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .plain }
      if environment["TERM"] == "dumb" { return .plain }
      return TerminalStyle(colored: isatty(fileDescriptor) == 1)
    }
  }

  /// `text` wrapped in the escapes for `attributes` (unchanged when colour is off).
  public func apply(_ attributes: Attribute..., to text: String) -> String {
    apply(attributes, text)
  }

  /// `text` wrapped in the escapes for one attribute.
  public func apply(_ attribute: Attribute, _ text: String) -> String { apply([attribute], text) }

  /// `text` wrapped in the escapes for `attributes`.
  public func apply(_ attributes: [Attribute], _ text: String) -> String {
    guard colored, !attributes.isEmpty, !text.isEmpty else { return text }
    return "\u{1B}[" + attributes.map(\.code).joined(separator: ";") + "m" + text + "\u{1B}[0m"
  }

  /// A 256-colour background for heat maps; empty when colour is off.
  func background256(_ index: Int) -> String { colored ? "\u{1B}[48;5;\(index)m" : "" }
  /// Resets all attributes; empty when colour is off.
  var reset: String { colored ? "\u{1B}[0m" : "" }
}

// MARK: - Cursor and screen control

/// The escape sequences that move the cursor and clear things: with `TerminalStyle`, the only
/// place escape sequences are written, and only ever sent to a terminal.
public enum TerminalControl {
  /// Back to column 1 and erase the line: where a live progress line is redrawn.
  public static let clearLine = "\r\u{1B}[2K"
  /// Erase the cursor's line and the `count - 1` lines above it, leaving the cursor at column 1
  /// of the topmost: where a live status of several lines is redrawn.
  public static func clearLines(_ count: Int) -> String {
    clearLine + String(repeating: "\u{1B}[1A\u{1B}[2K", count: max(0, count - 1))
  }
  /// Cursor home and erase the screen.
  public static let clearScreen = "\u{1B}[H\u{1B}[2J"
  public static let hideCursor = "\u{1B}[?25l"
  public static let showCursor = "\u{1B}[?25h"
  /// Every colour and weight back to the terminal's default.
  public static let resetAttributes = "\u{1B}[0m"
  /// The cursor to the start of `row` (1-based): where `run` draws its key hints, on the last row.
  public static func toRow(_ row: Int) -> String { "\u{1B}[\(max(1, row));1H" }
  /// `body` drawn on the first row, the cursor then put back where it was.
  public static func onFirstRow(_ body: String) -> String {
    "\u{1B}7\u{1B}[1;1H\u{1B}[2K" + body + "\u{1B}8"
  }
}

// MARK: - Terminal facts

/// Width and TTY facts about the terminal.
public enum Terminal {
  /// The width to wrap at: `COLUMNS` when set, else the terminal's width, else 80; clamped to 20…200.
  public static func width(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
    if let columns = environment["COLUMNS"].flatMap(Int.init), columns > 0 { return min(max(columns, 20), 200) }
    if let size = windowSize(), size.ws_col > 0 { return min(max(Int(size.ws_col), 20), 200) }
    return 80
  }

  /// The window size of the terminal on stdout, or nil when stdout is not one.
  static func windowSize() -> winsize? {
    var size = winsize()
    #if canImport(Glibc)
      let request = UInt(TIOCGWINSZ)
    #else
      let request = TIOCGWINSZ
    #endif
    return ioctl(1, request, &size) == 0 ? size : nil
  }

  /// Whether `fd` is a terminal.
  public static func isTTY(_ fd: Int32) -> Bool { isatty(fd) == 1 }
}

/// The number of terminal columns `text` occupies (wide East Asian and emoji count 2, combining 0).
public func displayWidth(_ text: String) -> Int {
  var width = 0
  for scalar in text.unicodeScalars {
    let v = scalar.value
    if v == 0x1B { continue }
    if scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .enclosingMark
      || v == 0x200D || (0xFE00...0xFE0F).contains(v)
    {
      continue
    }
    if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
      || (0xF900...0xFAFF).contains(v) || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v)
      || (0x1F300...0x1FAFF).contains(v) || (0x20000...0x3FFFD).contains(v)
    {
      width += 2
    } else {
      width += 1
    }
  }
  return width
}

/// `text` without ANSI escape sequences (for measuring styled text).
func stripANSI(_ text: String) -> String {
  var out = String.UnicodeScalarView()
  var inEscape = false
  for scalar in text.unicodeScalars {
    if inEscape {
      if (0x40...0x7E).contains(scalar.value) && scalar != "[" { inEscape = false }
      continue
    }
    if scalar == "\u{1B}" { inEscape = true; continue }
    out.append(scalar)
  }
  return String(out)
}

/// `text` cut to `width` terminal columns, escapes kept, with a visible `…` where it was cut (and
/// the attributes reset after it), so a styled line never wraps on the terminal.
public func clipToWidth(_ text: String, _ width: Int) -> String {
  guard displayWidth(stripANSI(text)) > width else { return text }
  let limit = max(0, width - 1)
  var out = String.UnicodeScalarView()
  var used = 0
  var inEscape = false
  var styled = false
  for character in text {
    let scalars = character.unicodeScalars
    if inEscape || scalars.first == "\u{1B}" {
      // Escape sequences pass through whole; a sequence ends at its final byte 0x40–0x7E.
      for scalar in scalars {
        if scalar == "\u{1B}" { inEscape = true; styled = true } else if inEscape, (0x40...0x7E).contains(scalar.value), scalar != "[" { inEscape = false }
        out.append(scalar)
      }
      continue
    }
    let columns = displayWidth(String(character))
    if used + columns > limit { break }
    out.append(contentsOf: scalars)
    used += columns
  }
  return String(out) + "…" + (styled ? "\u{1B}[0m" : "")
}
