import Foundation

// MARK: - Shared state keys

/// A typed name for a value that one step writes and later steps read.
///
/// The keys are the lesson's one dependency system: a step lists the keys it `reads:` and
/// `writes:`, and a reader runs after the step that writes its key.
///
/// ```swift
/// static let model = StateKey<TrainedModel>("pretrain.model")
/// Step("train", writes: [model]) { context in context[model] = … }
/// Step("sample", reads: [model]) { context in let m = try context.require(model) … }
/// ```
///
/// When the value is `CacheableState`, the result cache stores it with the writer's results, so
/// a later run (a resume, a changed setting downstream) reads it back instead of rerunning the
/// writer. Other values are rebuilt by rerunning the writer when a reader needs them.
public struct StateKey<Value>: Sendable, DeclaredStateKey {
  /// The name used in error messages and as the storage key.
  public let name: String
  /// Encodes and decodes the value for the cache, when it is `CacheableState`.
  public let codec: StateCodec?

  /// A key whose value is rebuilt (its writer reruns) whenever a reader needs it in a new run.
  public init(_ name: String) {
    self.name = name
    self.codec = nil
  }
}

extension StateKey where Value: CacheableState {
  /// A key whose value the result cache stores with its writer's results.
  public init(_ name: String) {
    self.name = name
    self.codec = StateCodec(
      encode: { value in
        guard let value = value as? Value else { throw CacheableStateError.wrongType(expected: "\(Value.self)") }
        return try value.cacheEncoded()
      },
      decode: { data in try Value(cacheEncoded: data) })
  }
}

/// A state key of any value type, as steps list them.
public protocol DeclaredStateKey: Sendable {
  var name: String { get }
  var codec: StateCodec? { get }
}

/// A value the result cache can store on disk and read back.
///
/// Decoding must validate: a corrupt or foreign entry is refused by its tag (an HMAC under the
/// user's key) first, but `init(cacheEncoded:)` must still throw rather than trap on bytes it
/// cannot read.
public protocol CacheableState {
  func cacheEncoded() throws -> Data
  init(cacheEncoded data: Data) throws
}

/// `Codable` values are cacheable as JSON (non-finite numbers allowed).
extension CacheableState where Self: Codable {
  public func cacheEncoded() throws -> Data { try CacheJSON.encoder.encode(self) }
  public init(cacheEncoded data: Data) throws { self = try CacheJSON.decoder.decode(Self.self, from: data) }
}

/// Type-erased encoding of one key's value.
public struct StateCodec: Sendable {
  let encode: @Sendable (Any) throws -> Data
  let decode: @Sendable (Data) throws -> Any
}

/// Why a cached state value could not be encoded.
public enum CacheableStateError: Error, CustomStringConvertible {
  case wrongType(expected: String)
  public var description: String {
    switch self {
    case .wrongType(let expected): return "the stored value is not a \(expected)"
    }
  }
}

/// The JSON coders of the cache: sorted keys (stable bytes), and non-finite numbers spelled out
/// so that a NaN a step measured survives a round trip.
enum CacheJSON {
  static let encoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return encoder
  }()
  static let decoder: JSONDecoder = {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return decoder
  }()
}

/// Arrays of plain values (token ids, probabilities) are cacheable as JSON.
extension Array: CacheableState where Element: Codable {}
