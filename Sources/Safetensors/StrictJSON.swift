/// Strict JSON for safetensors headers and stored vocabularies.
///
/// Foundation's JSONSerialization would silently keep one of two duplicate keys and turn
/// integers into NSNumber; a checkpoint reader should instead reject both surprises, so the
/// header gets its own parser. Numbers are kept as their source text.
public indirect enum StrictJSON: Equatable {
  case object([(key: String, value: StrictJSON)])
  case array([StrictJSON])
  case string(String)
  case number(String)
  case bool(Bool)
  case null

  public static func == (lhs: StrictJSON, rhs: StrictJSON) -> Bool {
    switch (lhs, rhs) {
    case (.object(let a), .object(let b)):
      return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    case (.array(let a), .array(let b)): return a == b
    case (.string(let a), .string(let b)): return a == b
    case (.number(let a), .number(let b)): return a == b
    case (.bool(let a), .bool(let b)): return a == b
    case (.null, .null): return true
    default: return false
    }
  }

  // MARK: - Parsing

  /// Parses `bytes` as one JSON value followed only by whitespace.
  public static func parse(_ bytes: ArraySlice<UInt8>) throws -> StrictJSON {
    var parser = Parser(bytes: bytes)
    let value = try parser.parseValue(depth: 0)
    parser.skipWhitespace()
    guard parser.index == bytes.endIndex else { throw parser.error("unexpected text after the JSON object") }
    return value
  }

  private struct Parser {
    let bytes: ArraySlice<UInt8>
    var index: Int

    init(bytes: ArraySlice<UInt8>) {
      self.bytes = bytes
      self.index = bytes.startIndex
    }

    func error(_ reason: String) -> SafetensorsError {
      .malformedHeader("\(reason) at header byte \(index - bytes.startIndex)")
    }

    mutating func skipWhitespace() {
      while index < bytes.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws {
      skipWhitespace()
      guard index < bytes.endIndex, bytes[index] == byte else { throw error("expected \(what)") }
      index += 1
    }

    mutating func parseValue(depth: Int) throws -> StrictJSON {
      guard depth < 16 else { throw error("nesting too deep") }
      skipWhitespace()
      guard index < bytes.endIndex else { throw error("unexpected end of header") }
      switch bytes[index] {
      case UInt8(ascii: "{"): return try parseObject(depth: depth)
      case UInt8(ascii: "["): return try parseArray(depth: depth)
      case UInt8(ascii: "\""): return .string(try parseString())
      case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
      case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
      case UInt8(ascii: "n"): try parseLiteral("null"); return .null
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
      default: throw error("unexpected character")
      }
    }

    mutating func parseObject(depth: Int) throws -> StrictJSON {
      index += 1
      var members: [(key: String, value: StrictJSON)] = []
      var seen = Set<String>()
      skipWhitespace()
      if index < bytes.endIndex, bytes[index] == UInt8(ascii: "}") {
        index += 1
        return .object(members)
      }
      while true {
        skipWhitespace()
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a key") }
        let key = try parseString()
        guard seen.insert(key).inserted else { throw error("duplicate key \"\(key)\"") }
        try expect(UInt8(ascii: ":"), "':'")
        members.append((key, try parseValue(depth: depth + 1)))
        skipWhitespace()
        guard index < bytes.endIndex else { throw error("unterminated object") }
        if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
        if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
        throw error("expected ',' or '}'")
      }
    }

    mutating func parseArray(depth: Int) throws -> StrictJSON {
      index += 1
      var elements: [StrictJSON] = []
      skipWhitespace()
      if index < bytes.endIndex, bytes[index] == UInt8(ascii: "]") {
        index += 1
        return .array(elements)
      }
      while true {
        elements.append(try parseValue(depth: depth + 1))
        skipWhitespace()
        guard index < bytes.endIndex else { throw error("unterminated array") }
        if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
        if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
        throw error("expected ',' or ']'")
      }
    }

    mutating func parseLiteral(_ word: String) throws {
      for byte in word.utf8 {
        guard index < bytes.endIndex, bytes[index] == byte else { throw error("invalid literal") }
        index += 1
      }
    }

    mutating func parseNumber() throws -> String {
      let start = index
      while index < bytes.endIndex,
            "+-.eE0123456789".utf8.contains(bytes[index]) { index += 1 }
      let text = String(decoding: bytes[start..<index], as: UTF8.self)
      guard Double(text) != nil else { throw error("invalid number \(text)") }
      return text
    }

    mutating func parseString() throws -> String {
      index += 1  // opening quote
      var raw: [UInt8] = []
      while true {
        guard index < bytes.endIndex else { throw error("unterminated string") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""):
          guard let text = String(validating: raw, as: UTF8.self) else { throw error("string is not UTF-8") }
          return text
        case UInt8(ascii: "\\"):
          guard index < bytes.endIndex else { throw error("unterminated escape") }
          let escape = bytes[index]
          index += 1
          switch escape {
          case UInt8(ascii: "\""): raw.append(0x22)
          case UInt8(ascii: "\\"): raw.append(0x5C)
          case UInt8(ascii: "/"): raw.append(0x2F)
          case UInt8(ascii: "b"): raw.append(0x08)
          case UInt8(ascii: "f"): raw.append(0x0C)
          case UInt8(ascii: "n"): raw.append(0x0A)
          case UInt8(ascii: "r"): raw.append(0x0D)
          case UInt8(ascii: "t"): raw.append(0x09)
          case UInt8(ascii: "u"): raw.append(contentsOf: try parseUnicodeEscape())
          default: throw error("invalid escape")
          }
        case 0..<0x20:
          throw error("control character in string")
        default:
          raw.append(byte)
        }
      }
    }

    /// The UTF-8 bytes of a `\uXXXX` escape (the `\u` already read), joining surrogate pairs.
    mutating func parseUnicodeEscape() throws -> [UInt8] {
      var value = try parseHex4()
      if (0xD800..<0xDC00).contains(value) {
        guard index + 1 < bytes.endIndex, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
        else { throw error("unpaired surrogate") }
        index += 2
        let low = try parseHex4()
        guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
        value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
      }
      guard let scalar = Unicode.Scalar(value) else { throw error("invalid \\u escape") }
      return Array(String(scalar).utf8)
    }

    mutating func parseHex4() throws -> UInt32 {
      guard index + 4 <= bytes.endIndex,
            let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
      else { throw error("invalid \\u escape") }
      index += 4
      return value
    }
  }

  // MARK: - Writing

  /// Compact JSON text, members in their stored order.
  public var serialized: String {
    switch self {
    case .object(let members):
      return "{" + members.map { Self.quoted($0.key) + ":" + $0.value.serialized }.joined(separator: ",") + "}"
    case .array(let elements):
      return "[" + elements.map(\.serialized).joined(separator: ",") + "]"
    case .string(let text): return Self.quoted(text)
    case .number(let text): return text
    case .bool(let flag): return flag ? "true" : "false"
    case .null: return "null"
    }
  }

  static func quoted(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result + "\""
  }
}
