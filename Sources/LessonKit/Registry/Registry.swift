// MARK: - Registry

/// Every registered step and derived check, indexed, with the step graph they form.
///
/// Edges come from declarations only: a step that reads a state key runs after the step that
/// writes it, and a claim depends on the step that measures its name. Nothing is written twice
/// by hand, so the graph cannot disagree with itself.
public struct Registry: Sendable {
  /// A step and the bundle it came from.
  public struct StepRegistration: Sendable {
    public let step: Step
    public let bundle: String
  }

  /// A derived check and the bundle it came from.
  public struct CheckRegistration: Sendable {
    public let check: Check
    public let bundle: String
  }

  /// The bundles, in the order given.
  public let bundles: [LessonBundle]
  private let steps: [String: StepRegistration]
  private let checks: [String: CheckRegistration]
  /// Measurement name → the step that records it.
  private let measuredBy: [String: String]
  /// State key name → the step that writes it.
  private let writtenBy: [String: String]
  /// Step id → the steps it reads from, in declaration order.
  private let upstream: [String: [String]]

  /// Indexes `bundles` and checks the graph they form.
  ///
  /// - Throws: `RegistryError` for a duplicate step id, measurement or key writer; a read of a
  ///   key no step writes; a derived check using an unknown measurement; or a cycle.
  public init(bundles: [LessonBundle]) throws {
    var steps: [String: StepRegistration] = [:]
    var checks: [String: CheckRegistration] = [:]
    var measuredBy: [String: String] = [:]
    var writtenBy: [String: String] = [:]
    for bundle in bundles {
      for entry in bundle.entries {
        switch entry {
        case .step(let step):
          if let existing = steps[step.id] {
            throw RegistryError.duplicateID(
              step.id, firstBundle: existing.bundle, secondBundle: bundle.name,
              locations: [existing.step.location, step.location])
          }
          steps[step.id] = StepRegistration(step: step, bundle: bundle.name)
          for name in step.measures {
            if let other = measuredBy[name] {
              throw RegistryError.measuredTwice(name, steps: [other, step.id], location: step.location)
            }
            measuredBy[name] = step.id
          }
          for key in step.writes {
            if let other = writtenBy[key.name] {
              throw RegistryError.writtenTwice(key.name, steps: [other, step.id], location: step.location)
            }
            writtenBy[key.name] = step.id
          }
        case .check(let check):
          if let existing = checks[check.id] {
            throw RegistryError.duplicateID(
              check.id, firstBundle: existing.bundle, secondBundle: bundle.name,
              locations: [existing.check.location, check.location])
          }
          checks[check.id] = CheckRegistration(check: check, bundle: bundle.name)
        }
      }
    }
    for (id, registration) in checks {
      if let step = measuredBy[id] {
        throw RegistryError.checkShadowsMeasurement(id, step: step, location: registration.check.location)
      }
      for name in registration.check.uses where measuredBy[name] == nil {
        throw RegistryError.unknownMeasurement(id, measurement: name, location: registration.check.location)
      }
    }
    var upstream: [String: [String]] = [:]
    for (id, registration) in steps {
      var producers: [String] = []
      for key in registration.step.reads {
        guard let writer = writtenBy[key.name] else {
          throw RegistryError.unwrittenKey(id, key: key.name, location: registration.step.location)
        }
        if writer != id && !producers.contains(writer) { producers.append(writer) }
      }
      upstream[id] = producers
    }
    self.bundles = bundles
    self.steps = steps
    self.checks = checks
    self.measuredBy = measuredBy
    self.writtenBy = writtenBy
    self.upstream = upstream
    try checkForCycles()
  }

  // MARK: - Lookup

  /// The step registered under `id`, if any.
  public func step(_ id: String) -> Step? { steps[id]?.step }

  /// The bundle that registered step `id`.
  public func bundle(ofStep id: String) -> String? { steps[id]?.bundle }

  /// The derived check registered under `id`, if any.
  public func check(_ id: String) -> Check? { checks[id]?.check }

  /// The step that records measurement `name`, if one does.
  public func measuringStep(of name: String) -> String? { measuredBy[name] }

  /// The step that writes state key `name`, if one does.
  public func writer(ofKey name: String) -> String? { writtenBy[name] }

  /// Every registered step id, sorted.
  public var stepIDs: [String] { steps.keys.sorted() }

  /// Every name a claim can bind to (measurements and derived checks), sorted.
  public var claimIDs: [String] { (Array(measuredBy.keys) + Array(checks.keys)).sorted() }

  // MARK: - The graph

  /// The steps `id` reads from directly.
  public func upstream(of id: String) -> [String] { upstream[id] ?? [] }

  /// The steps a claim `id` rests on: the step measuring it, or the steps measuring what a
  /// derived check uses. Empty for an unknown id.
  public func steps(forClaim id: String) -> [String] {
    if let step = measuredBy[id] { return [step] }
    guard let check = checks[id]?.check else { return [] }
    var result: [String] = []
    for name in check.uses { if let step = measuredBy[name], !result.contains(step) { result.append(step) } }
    return result
  }

  /// The steps `id` depends on, transitively, in an order where each comes after its own
  /// dependencies (the step itself excluded).
  public func dependencyOrder(of id: String) -> [String] {
    var ordered: [String] = []
    var seen: Set<String> = [id]
    func visit(_ current: String) {
      for dependency in upstream[current] ?? [] where !seen.contains(dependency) {
        seen.insert(dependency)
        visit(dependency)
        ordered.append(dependency)
      }
    }
    visit(id)
    return ordered
  }

  /// The steps that depend on `id`, transitively (the step itself excluded), sorted.
  public func downstream(of id: String) -> [String] {
    var found: Set<String> = []
    var frontier = [id]
    while let current = frontier.popLast() {
      for (step, inputs) in upstream where inputs.contains(current) && !found.contains(step) {
        found.insert(step)
        frontier.append(step)
      }
    }
    return found.sorted()
  }

  /// The parameters of `stepIDs` and everything they depend on, each once, in first-use order.
  public func parameters(of stepIDs: [String]) -> [ParameterSpec] {
    var result: [ParameterSpec] = []
    var visited: Set<String> = []
    for id in stepIDs {
      for step in dependencyOrder(of: id) + [id] where !visited.contains(step) {
        visited.insert(step)
        for spec in self.step(step)?.parameters ?? [] where !result.contains(where: { $0.name == spec.name }) {
          result.append(spec)
        }
      }
    }
    return result
  }

  private func checkForCycles() throws {
    var state: [String: Bool] = [:]  // false: visiting, true: done
    func visit(_ id: String, path: [String]) throws {
      if let done = state[id] {
        if !done { throw RegistryError.dependencyCycle(path + [id]) }
        return
      }
      state[id] = false
      for dependency in upstream[id] ?? [] { try visit(dependency, path: path + [id]) }
      state[id] = true
    }
    for id in steps.keys.sorted() { try visit(id, path: []) }
  }
}

/// Why a set of bundles cannot form a registry; each case names where to fix it.
public enum RegistryError: Error, Equatable, CustomStringConvertible {
  case duplicateID(String, firstBundle: String, secondBundle: String, locations: [SourceLocation])
  case measuredTwice(String, steps: [String], location: SourceLocation)
  case writtenTwice(String, steps: [String], location: SourceLocation)
  case unwrittenKey(String, key: String, location: SourceLocation)
  case unknownMeasurement(String, measurement: String, location: SourceLocation)
  case checkShadowsMeasurement(String, step: String, location: SourceLocation)
  case dependencyCycle([String])

  public var description: String {
    switch self {
    case let .duplicateID(id, first, second, locations):
      let places = locations.map(\.description).joined(separator: " and ")
      return first == second
        ? "id '\(id)' is registered twice in bundle '\(first)' (\(places)); give each step and check its own id"
        : "id '\(id)' is registered in both bundle '\(first)' and bundle '\(second)' (\(places)); rename one of them"
    case let .measuredTwice(name, steps, location):
      return "\(location): measurement '\(name)' is declared by both step '\(steps[0])' and step '\(steps[1])'; "
        + "a claim must bind to one measurement, so rename one"
    case let .writtenTwice(key, steps, location):
      return "\(location): state '\(key)' is written by both step '\(steps[0])' and step '\(steps[1])'; "
        + "give each step its own key"
    case let .unwrittenKey(id, key, location):
      return "\(location): step '\(id)' reads state '\(key)', which no step writes; add it to the `writes:` of the step that stores it"
    case let .unknownMeasurement(id, name, location):
      return "\(location): check '\(id)' uses measurement '\(name)', which no step declares in `measures:`"
    case let .checkShadowsMeasurement(id, step, location):
      return "\(location): check '\(id)' has the name of a measurement of step '\(step)'; rename the check"
    case let .dependencyCycle(path):
      return "dependency cycle: " + path.joined(separator: " → ")
    }
  }
}
