// MARK: - Registry

/// Every registered step and check, looked up by id.
///
/// Steps and checks share one id space, so an id means one thing everywhere.
public struct Registry: Sendable {
  /// A registration and the bundle it came from.
  public struct Registration: Sendable {
    public let entry: BundleEntry
    public let bundle: String
  }

  /// The bundles, in the order given.
  public let bundles: [LessonBundle]
  private let byID: [String: Registration]

  /// Indexes `bundles`.
  ///
  /// - Throws: `RegistryError` for a duplicate id (naming both bundles), a dependency on an
  ///   unknown id or on a check, or a dependency cycle.
  public init(bundles: [LessonBundle]) throws {
    var byID: [String: Registration] = [:]
    for bundle in bundles {
      for entry in bundle.entries {
        if let existing = byID[entry.id] {
          throw RegistryError.duplicateID(
            entry.id, firstBundle: existing.bundle, secondBundle: bundle.name,
            locations: [existing.entry.location, entry.location])
        }
        byID[entry.id] = Registration(entry: entry, bundle: bundle.name)
      }
    }
    for registration in byID.values {
      for dependency in registration.entry.dependencies {
        guard let target = byID[dependency] else {
          throw RegistryError.unknownDependency(
            registration.entry.id, dependency: dependency, bundle: registration.bundle,
            location: registration.entry.location)
        }
        if case .check = target.entry {
          throw RegistryError.dependencyOnCheck(
            registration.entry.id, dependency: dependency, location: registration.entry.location)
        }
      }
    }
    self.bundles = bundles
    self.byID = byID
    try checkForCycles()
  }

  /// The registration for `id`, if any.
  public func registration(_ id: String) -> Registration? { byID[id] }

  /// The step registered under `id`, if `id` names a step.
  public func step(_ id: String) -> Step? {
    if case .step(let step)? = byID[id]?.entry { return step }
    return nil
  }

  /// The check registered under `id`, if `id` names a check.
  public func check(_ id: String) -> Check? {
    if case .check(let check)? = byID[id]?.entry { return check }
    return nil
  }

  /// All registered ids, sorted.
  public var ids: [String] { byID.keys.sorted() }

  /// The steps `id` depends on, transitively, in an order where each comes after its own
  /// dependencies (the id itself excluded).
  public func dependencyOrder(of id: String) -> [String] {
    var ordered: [String] = []
    var seen: Set<String> = []
    func visit(_ current: String) {
      for dependency in byID[current]?.entry.dependencies ?? [] where !seen.contains(dependency) {
        seen.insert(dependency)
        visit(dependency)
        ordered.append(dependency)
      }
    }
    visit(id)
    return ordered
  }

  private func checkForCycles() throws {
    var state: [String: Bool] = [:]  // false: visiting, true: done
    func visit(_ id: String, path: [String]) throws {
      if let done = state[id] {
        if !done { throw RegistryError.dependencyCycle(path + [id]) }
        return
      }
      state[id] = false
      for dependency in byID[id]?.entry.dependencies ?? [] {
        try visit(dependency, path: path + [id])
      }
      state[id] = true
    }
    for id in byID.keys.sorted() { try visit(id, path: []) }
  }
}

/// Why a set of bundles cannot form a registry.
public enum RegistryError: Error, Equatable, CustomStringConvertible {
  case duplicateID(String, firstBundle: String, secondBundle: String, locations: [SourceLocation])
  case unknownDependency(String, dependency: String, bundle: String, location: SourceLocation)
  case dependencyOnCheck(String, dependency: String, location: SourceLocation)
  case dependencyCycle([String])

  public var description: String {
    switch self {
    case let .duplicateID(id, first, second, locations):
      let places = locations.map(\.description).joined(separator: " and ")
      return first == second
        ? "id '\(id)' is registered twice in bundle '\(first)' (\(places)); give each step and check its own id"
        : "id '\(id)' is registered in both bundle '\(first)' and bundle '\(second)' (\(places)); rename one of them"
    case let .unknownDependency(id, dependency, bundle, location):
      return "\(location): '\(id)' (bundle '\(bundle)') runs after '\(dependency)', which is not registered"
    case let .dependencyOnCheck(id, dependency, location):
      return "\(location): '\(id)' runs after '\(dependency)', which is a check; `after:` must name steps"
    case let .dependencyCycle(path):
      return "dependency cycle: " + path.joined(separator: " → ")
    }
  }
}
