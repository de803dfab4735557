// MARK: - Shared state keys

/// A typed name for a value that one step stores in the context and later steps read.
///
/// ```swift
/// let modelKey = StateKey<MiniGPT>("model")
/// context[modelKey] = model
/// ```
public struct StateKey<Value>: Sendable {
  /// The name used in error messages and as the storage key.
  public let name: String

  /// Creates a key; two keys with the same name address the same slot.
  public init(_ name: String) { self.name = name }
}
