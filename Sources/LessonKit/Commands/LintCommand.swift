import Foundation

// MARK: - lesson lint

/// `lesson lint`: static checks with file:line messages, running nothing.
///
/// Errors: malformed attributes or claims, unknown or wrongly-kinded ids, duplicate step ids,
/// drift between a step and its source region, steps without a region (unless `hidden`),
/// broken region markers. Warnings: a lesson without an H1, registrations that no lesson uses
/// (reported for the bundles the linted lessons draw on). With `claims`, also every figure in the
/// prose that no claim covers (an error; see ``ClaimCoverage``).
public enum LintCommand {
  /// Lints the lessons; returns 0 (clean or warnings only), 1 (errors) or 2 (cannot load).
  public static func run(
    _ env: CommandEnvironment, lessons arguments: [String], claims: Bool = false,
    registry makeRegistry: () throws -> Registry
  ) -> Int32 {
    let registry: Registry
    let paths: [String]
    do {
      registry = try makeRegistry()
      paths = try env.locator.resolveAll(arguments)
    } catch {
      env.error(String(describing: error))
      return 2
    }
    var diagnostics: [Diagnostic] = []
    var loadFailed = false
    var lessons: [Lesson] = []
    var reportedRoots: Set<String> = []
    for path in paths {
      let lesson: Lesson
      do {
        lesson = try Lesson.load(path: path)
      } catch {
        env.error(String(describing: error))
        loadFailed = true
        continue
      }
      lessons.append(lesson)
      diagnostics += lint(lesson, registry: registry, reportedRoots: &reportedRoots)
      if claims {
        diagnostics += ClaimCoverage.uncoveredFigures(in: lesson).map(\.diagnostic)
        env.out(claimKinds(lesson, registry: registry) + "\n")
      }
    }
    diagnostics += unusedRegistrations(linted: lessons, registry: registry, locator: env.locator)

    for diagnostic in diagnostics { env.diagnostic(diagnostic, toOut: true) }
    let errors = diagnostics.filter { $0.severity == .error }.count
    let warningCount = diagnostics.count - errors
    env.out("\(errors) error\(errors == 1 ? "" : "s"), \(warningCount) warning\(warningCount == 1 ? "" : "s")\n")
    if loadFailed { return 2 }
    return errors > 0 ? 1 : 0
  }

  /// `FILE: N claims: A measured, B derived, C settings (S statements among them)`.
  static func claimKinds(_ lesson: Lesson, registry: Registry) -> String {
    let parameters = LessonBinder.parameters(of: lesson, registry: registry)
    var measured = 0, derived = 0, settings = 0, unbound = 0
    for claim in lesson.claims {
      switch LessonBinder.binding(of: claim.id, parameters: parameters, registry: registry) {
      case .measurement: measured += 1
      case .derived: derived += 1
      case .setting: settings += 1
      case .unbound: unbound += 1
      }
    }
    let statements = lesson.claims.filter { $0.number == nil }.count
    var text = "\(LessonLocator.displayPath(lesson.file)): \(lesson.claims.count) claims: \(measured) measured, "
      + "\(derived) derived, \(settings) lesson setting\(settings == 1 ? "" : "s")"
    if unbound > 0 { text += ", \(unbound) unbound" }
    return text + " (\(statements) of them statements)"
  }

  /// The diagnostics for one lesson (parse, binding and drift).
  public static func lint(_ lesson: Lesson, registry: Registry) -> [Diagnostic] {
    var roots: Set<String> = []
    return lint(lesson, registry: registry, reportedRoots: &roots)
  }

  static func lint(_ lesson: Lesson, registry: Registry, reportedRoots: inout Set<String>) -> [Diagnostic] {
    var diagnostics = lesson.diagnostics.filter { $0.severity == .warning }
    diagnostics += LessonBinder.bindingErrors(lesson, registry: registry)
    if !lesson.blocks.contains(where: { if case .heading(1, _, _) = $0 { return true } else { return false } }) {
      diagnostics.append(Diagnostic(.warning, file: lesson.file, line: 1, "the lesson has no `# Title` heading"))
    }
    diagnostics += driftDiagnostics(lesson, reportedRoots: &reportedRoots)
    return diagnostics.sorted { ($0.file, $0.line) < ($1.file, $1.line) }
  }

  /// Drift, missing regions and broken markers for one lesson.
  static func driftDiagnostics(_ lesson: Lesson, reportedRoots: inout Set<String>) -> [Diagnostic] {
    guard !lesson.steps.isEmpty else { return [] }
    guard let root = LessonLocator.packageRoot(above: lesson.file) else {
      return [Diagnostic(
        .error, file: lesson.file, line: lesson.steps[0].line,
        "no Package.swift above the lesson, so its steps cannot be compared with source regions")]
    }
    let regions = SourceRegionIndex(packageRoot: root)
    var diagnostics: [Diagnostic] = []
    if !reportedRoots.contains(root) {
      reportedRoots.insert(root)
      diagnostics += regions.problems
    }
    for drift in DriftChecker.check(lesson, regions: regions) {
      switch drift.state {
      case .inSync, .exempt:
        break
      case .missingRegion:
        diagnostics.append(Diagnostic(
          .error, file: lesson.file, line: drift.step.line,
          "step '\(drift.step.id)' has no source region; mark the code it shows in Sources/ with "
            + "`// lesson:begin \(drift.step.id)` … `// lesson:end` (or make the block a plain ```swift block)"))
      case .drifted(let diff):
        let location = drift.region.map { "\(LessonLocator.displayPath($0.file)):\($0.line)" } ?? "?"
        diagnostics.append(Diagnostic(
          .error, file: lesson.file, line: drift.step.line,
          "step '\(drift.step.id)' differs from its source region at \(location) "
            + "(run `lesson sync` to copy the source into the lesson):\n"
            + diff.map { "    " + $0 }.joined(separator: "\n")))
      }
    }
    return diagnostics
  }

  /// Registrations in the bundles the linted lessons use that no lesson in the lessons
  /// directory (or the linted set) references, directly or as a dependency.
  static func unusedRegistrations(linted: [Lesson], registry: Registry, locator: LessonLocator) -> [Diagnostic] {
    var all = linted
    let lintedFiles = Set(linted.map { URL(fileURLWithPath: $0.file).standardizedFileURL.path })
    for file in (try? locator.lessonFiles()) ?? []
    where !lintedFiles.contains(URL(fileURLWithPath: file).standardizedFileURL.path) {
      if let lesson = try? Lesson.load(path: file) { all.append(lesson) }
    }
    var usedSteps: Set<String> = []
    var usedClaims: Set<String> = []
    for lesson in all {
      let steps = lesson.steps.map(\.id) + lesson.claims.flatMap { registry.steps(forClaim: $0.id) }
      for id in steps {
        usedSteps.insert(id)
        usedSteps.formUnion(registry.dependencyOrder(of: id))
      }
      for claim in lesson.claims {
        usedClaims.insert(claim.id)
        usedClaims.formUnion(registry.check(claim.id)?.uses ?? [])
      }
    }
    let lintedSteps = linted.flatMap { $0.steps.map(\.id) + $0.claims.flatMap { registry.steps(forClaim: $0.id) } }
    let touchedBundles = Set(lintedSteps.compactMap { registry.bundle(ofStep: $0) })
    var warnings: [Diagnostic] = []
    for bundle in registry.bundles where touchedBundles.contains(bundle.name) {
      for entry in bundle.entries {
        switch entry {
        case .step(let step):
          if !usedSteps.contains(step.id) {
            warnings.append(Diagnostic(
              .warning, file: step.location.file, line: step.location.line,
              "step '\(step.id)' (bundle '\(bundle.name)') is registered but no lesson uses it"))
          }
          for name in step.measures where !usedClaims.contains(name) {
            warnings.append(Diagnostic(
              .warning, file: step.location.file, line: step.location.line,
              "measurement '\(name)' of step '\(step.id)' is declared but no claim uses it; drop it from `measures:`"))
          }
        case .check(let check) where !usedClaims.contains(check.id):
          warnings.append(Diagnostic(
            .warning, file: check.location.file, line: check.location.line,
            "check '\(check.id)' (bundle '\(bundle.name)') is registered but no lesson uses it"))
        case .check:
          break
        }
      }
    }
    return warnings
  }
}
