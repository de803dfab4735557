/// Why a model call was rejected.
public enum ModelError: Error, CustomStringConvertible, Equatable {
  case emptyBatch
  case contextTooLong(time: Int, contextLength: Int)
  case shapeMismatch(String)
  case tokenOutOfRange(token: TokenID, index: Int, vocabSize: Int)
  case targetOutOfRange(target: TokenID, index: Int, vocabSize: Int)
  case noForwardPass
  case noTargets
  case staleForwardPass
  case unknownParameter(String)
  case indexOutOfRange(String)
  case invalidThreadCount(Int)

  public var description: String {
    switch self {
    case .emptyBatch:
      return "the batch is empty: need at least one window of at least one token"
    case .contextTooLong(let time, let contextLength):
      return "windows of \(time) tokens exceed the model's context length \(contextLength)"
    case .shapeMismatch(let detail):
      return "shape mismatch: \(detail)"
    case .tokenOutOfRange(let token, let index, let vocabSize):
      return "input token \(token) at index \(index) is outside the vocabulary 0..<\(vocabSize)"
    case .targetOutOfRange(let target, let index, let vocabSize):
      return "target \(target) at index \(index) is outside 0..<\(vocabSize) and is not ignoreIndex (\(ignoreIndex))"
    case .noForwardPass:
      return "backward() needs a forward pass with targets first"
    case .noTargets:
      return "this forward pass had no targets, so there is no loss to differentiate"
    case .staleForwardPass:
      return "the model has run another forward pass since this one; read a pass's outputs before running the model again"
    case .unknownParameter(let name):
      return "no parameter named '\(name)'"
    case .indexOutOfRange(let detail):
      return "index out of range: \(detail)"
    case .invalidThreadCount(let count):
      return "thread count must be at least 1 (got \(count))"
    }
  }
}
