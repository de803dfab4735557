// MARK: - Binding

/// Checks that every step and claim of a lesson names a registration of the right kind.
public enum LessonBinder {
  /// The ids of the lesson's step blocks that run (not `display`) and are registered.
  static func runnableSteps(of lesson: Lesson, registry: Registry) -> [String] {
    lesson.steps.filter { !$0.attributes.display && registry.step($0.id) != nil }.map(\.id)
  }

  /// The lesson's parameters: those of its steps, the steps its claims rest on, and all they
  /// depend on, each once, in document order.
  public static func parameters(of lesson: Lesson, registry: Registry) -> [ParameterSpec] {
    let claimSteps = lesson.claims.flatMap { registry.steps(forClaim: $0.id) }
    return registry.parameters(of: runnableSteps(of: lesson, registry: registry) + claimSteps)
  }

  /// What the claim id binds to: a measurement, a derived check, or one of `parameters`.
  public static func binding(of id: String, parameters: [ParameterSpec], registry: Registry) -> LessonRunner.ClaimBinding {
    if let step = registry.measuringStep(of: id) { return .measurement(step: step) }
    if registry.check(id) != nil { return .derived(steps: registry.steps(forClaim: id)) }
    if let spec = parameters.first(where: { $0.name == id }) { return .setting(spec) }
    if id == ParameterSpec.seed.name { return .setting(.seed) }
    return .unbound
  }

  /// The errors that stop `lesson` from running `lesson` with `registry`, each with file:line.
  ///
  /// Parse errors (malformed attributes or claims) are included.
  public static func bindingErrors(_ lesson: Lesson, registry: Registry) -> [Diagnostic] {
    var errors = lesson.diagnostics.filter { $0.severity == .error }
    if lesson.steps.isEmpty && lesson.claims.isEmpty && errors.isEmpty {
      errors.append(Diagnostic(
        .error, file: lesson.file, line: 1,
        "the lesson holds no steps (```swift step=<id>) and no claims ([text](check:<id>)); "
          + "there is nothing to run or check"))
    }
    var firstLine: [String: Int] = [:]
    for step in lesson.steps {
      if let earlier = firstLine[step.id] {
        errors.append(Diagnostic(
          .error, file: lesson.file, line: step.line,
          "step '\(step.id)' appears twice (first at line \(earlier)); each step block needs its own id"))
      } else {
        firstLine[step.id] = step.line
      }
      if step.attributes.display { continue }
      if registry.step(step.id) == nil {
        let what = registry.claimIDs.contains(step.id) ? "names a measurement or check, not a step" : "is not registered"
        errors.append(Diagnostic(
          .error, file: lesson.file, line: step.line,
          "step '\(step.id)' \(what); register `Step(\"\(step.id)\")` in a LessonBundle the lesson command is built with, "
            + "or mark the block `display` to show it without running"))
      }
    }
    // Parameter names must mean one thing within the lesson.
    var specs: [String: (ParameterSpec, String)] = [:]
    for id in runnableSteps(of: lesson, registry: registry) {
      for dependency in registry.dependencyOrder(of: id) + [id] {
        for spec in registry.step(dependency)?.parameters ?? [] {
          if let (existing, owner) = specs[spec.name], existing != spec {
            errors.append(Diagnostic(
              .error, file: lesson.file, line: lesson.steps.first(where: { $0.id == id })?.line ?? 1,
              "parameter '\(spec.name)' is declared differently by steps '\(owner)' and '\(dependency)' "
                + "(\(registry.step(dependency)!.location)); share one `Parameter` declaration or rename one"))
          } else if specs[spec.name] == nil {
            specs[spec.name] = (spec, dependency)
          }
        }
      }
    }
    let parameters = Self.parameters(of: lesson, registry: registry)
    // A malformed claim id is already a parse error.
    for claim in lesson.claims where StepInfo.isValidID(claim.id) {
      if case .unbound = binding(of: claim.id, parameters: parameters, registry: registry) {
        let guess = registry.step(claim.id) != nil
          ? " (it names a step; a claim names what a step measures)"
          : Suggestion.closest(to: claim.id, among: registry.claimIDs + parameters.map(\.name))
            .map { " (did you mean '\($0)'?)" } ?? ""
        errors.append(Diagnostic(
          .error, file: lesson.file, line: claim.line,
          "check '\(claim.id)' is not registered\(guess); record it in a step with `context.measure(\"\(claim.id)\", …)` "
            + "and list it in that step's `measures:`, or name a lesson parameter to restate a setting"))
      }
      if registry.measuringStep(of: claim.id) != nil, parameters.contains(where: { $0.name == claim.id }) {
        errors.append(Diagnostic(
          .error, file: lesson.file, line: claim.line,
          "'\(claim.id)' names both a measurement and a lesson parameter; rename one so the claim means one thing"))
      }
    }
    return errors
  }
}
