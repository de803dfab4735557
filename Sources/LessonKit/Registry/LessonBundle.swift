// MARK: - Bundles

/// One registration inside a bundle: a step or a check.
public enum BundleEntry: Sendable {
  case step(Step)
  case check(Check)

  /// The registered id.
  public var id: String {
    switch self {
    case .step(let step): return step.id
    case .check(let check): return check.id
    }
  }

  /// Where the entry was registered.
  public var location: SourceLocation {
    switch self {
    case .step(let step): return step.location
    case .check(let check): return check.location
    }
  }

}

/// Groups the steps and checks of one lesson under a name used in error messages.
public struct LessonBundle: Sendable {
  /// The bundle's name, e.g. `pretrain`.
  public let name: String
  /// Its registrations, in declaration order.
  public let entries: [BundleEntry]

  /// Builds a bundle from `Step` and `Check` declarations.
  public init(name: String, @LessonBundleBuilder _ content: () -> [BundleEntry]) {
    self.name = name
    self.entries = content()
  }
}

/// Lets a bundle list `Step(...)` and `Check(...)` one per line.
@resultBuilder
public enum LessonBundleBuilder {
  public static func buildExpression(_ step: Step) -> [BundleEntry] { [.step(step)] }
  public static func buildExpression(_ check: Check) -> [BundleEntry] { [.check(check)] }
  public static func buildExpression(_ entries: [BundleEntry]) -> [BundleEntry] { entries }
  public static func buildBlock(_ parts: [BundleEntry]...) -> [BundleEntry] { parts.flatMap { $0 } }
  public static func buildOptional(_ part: [BundleEntry]?) -> [BundleEntry] { part ?? [] }
  public static func buildEither(first part: [BundleEntry]) -> [BundleEntry] { part }
  public static func buildEither(second part: [BundleEntry]) -> [BundleEntry] { part }
  public static func buildArray(_ parts: [[BundleEntry]]) -> [BundleEntry] { parts.flatMap { $0 } }
}
