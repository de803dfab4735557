import AtomicFiles

/// Why a safetensors file could not be written or read; each message names the file's problem in plain words.
///
/// Only the format's own rules live here; what the tensors mean to a model is the model checkpoint's business.
public enum SafetensorsError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file ends before the 8-byte header length.
  case tooShortForHeader(byteCount: Int)
  /// The declared header length does not fit the file (a truncated or foreign file).
  case headerLengthOutOfRange(declared: UInt64, available: Int)
  /// The declared header length exceeds the sanity cap.
  case headerTooLarge(declared: UInt64, limit: Int)
  /// The header is not a JSON object of the safetensors shape.
  case malformedHeader(String)
  /// A tensor uses a dtype other than F32.
  case unsupportedDType(tensor: String, dtype: String)
  /// A tensor's byte span disagrees with its shape.
  case sizeMismatch(tensor: String, shape: [Int], expectedBytes: Int, actualBytes: Int)
  /// A tensor's bytes lie outside the data section.
  case offsetsOutOfRange(tensor: String, begin: UInt64, end: UInt64, dataBytes: Int)
  /// Two tensors share bytes.
  case overlappingTensors(String, String)
  /// Bytes of the data section that belong to no tensor (a truncated header or a damaged file).
  case uncoveredBytes(begin: Int, end: Int)
  /// The same tensor name twice.
  case duplicateTensor(String)
  /// A tensor whose value count does not match its shape (when building a file).
  case valueCountMismatch(tensor: String, shape: [Int], values: Int)
  /// A tensor with an empty name, negative dimension or a name reserved by the format.
  case invalidTensor(tensor: String, reason: String)
  /// A tensor the caller asked for is absent.
  case missingTensor(String)
  /// Tensors the reader requires that the file lacks.
  case missingTensors([String])
  /// Tensors in the file that the reader does not expect (a file written for something else?).
  case unexpectedTensors([String])
  /// A tensor whose shape differs from the one the reader requires.
  case shapeMismatch(tensor: String, expected: [Int], found: [Int])
  /// The file system refused an operation.
  case io(path: String, operation: String, reason: String)

  public var description: String {
    switch self {
    case .tooShortForHeader(let count):
      return "not a safetensors file: it has \(count) bytes, fewer than the 8-byte header length that starts every safetensors file (truncated or empty?)"
    case .headerLengthOutOfRange(let declared, let available):
      return "truncated or not a safetensors file: the header claims \(declared) bytes but only \(available) follow the length field"
    case .headerTooLarge(let declared, let limit):
      return "not a safetensors file: the header claims \(declared) bytes, above the \(limit)-byte limit"
    case .malformedHeader(let reason):
      return "not a safetensors file: the header is malformed (\(excerpt(reason, limit: 300)))"
    case .unsupportedDType(let tensor, let dtype):
      return "tensor \"\(excerpt(tensor))\" has dtype \(excerpt(dtype)); only F32 checkpoints are supported (convert with tensor.float() before saving)"
    case .sizeMismatch(let tensor, let shape, let expected, let actual):
      return "tensor \"\(excerpt(tensor))\" has shape \(Self.shape(shape)), which needs \(expected) bytes of F32, but its data offsets span \(actual) bytes"
    case .offsetsOutOfRange(let tensor, let begin, let end, let dataBytes):
      return "truncated file: tensor \"\(excerpt(tensor))\" claims bytes \(begin)..<\(end) of the data section, which has only \(dataBytes) bytes"
    case .overlappingTensors(let first, let second):
      return "corrupt file: tensors \"\(excerpt(first))\" and \"\(excerpt(second))\" overlap in the data section"
    case .uncoveredBytes(let begin, let end):
      return "corrupt file: data bytes \(begin)..<\(end) belong to no tensor"
    case .duplicateTensor(let name):
      return "tensor name \"\(excerpt(name))\" appears twice"
    case .valueCountMismatch(let tensor, let shape, let values):
      return "tensor \"\(excerpt(tensor))\" has shape \(Self.shape(shape)) but \(values) values"
    case .invalidTensor(let tensor, let reason):
      return "invalid tensor \"\(excerpt(tensor))\": \(excerpt(reason, limit: 300))"
    case .missingTensor(let name):
      return "the file has no tensor named \"\(excerpt(name))\""
    case .missingTensors(let names):
      return "the file lacks \(names.count) required tensor\(names.count == 1 ? "" : "s"): \(Self.list(names))"
    case .unexpectedTensors(let names):
      return "the file has \(names.count) unexpected tensor\(names.count == 1 ? "" : "s") (is it from another model?): \(Self.list(names))"
    case .shapeMismatch(let tensor, let expected, let found):
      return "tensor \"\(excerpt(tensor))\" has shape \(Self.shape(found)) in the file but \(Self.shape(expected)) is required (was it trained with another configuration?)"
    case .io(let path, let operation, let reason):
      return "cannot \(operation) \(path): \(reason)"
    }
  }

  /// A shape as `[3, 4]`; a hostile header's thousand-dimension shape shows its first eight.
  private static func shape(_ dimensions: [Int]) -> String {
    let shown = dimensions.prefix(8).map(String.init).joined(separator: ", ")
    return "[" + shown + (dimensions.count > 8 ? ", … (\(dimensions.count) dimensions)" : "") + "]"
  }

  /// At most five names, quoted, then a count of the rest.
  private static func list(_ names: [String]) -> String {
    let shown = names.prefix(5).map { "\"\(excerpt($0))\"" }.joined(separator: ", ")
    return names.count > 5 ? shown + " and \(names.count - 5) more" : shown
  }
}
