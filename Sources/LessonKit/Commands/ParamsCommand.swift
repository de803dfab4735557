import Foundation

// MARK: - lesson params

/// `lesson params LESSON`: the settings a learner may change with `--set`, and what each moves.
public enum ParamsCommand {
  /// Prints the lesson's parameters; 0, or 2 when the lesson cannot be loaded or bound.
  public static func run(
    _ env: CommandEnvironment, lesson argument: String?, json: Bool, registry makeRegistry: () throws -> Registry
  ) -> Int32 {
    guard let (registry, path) = env.prepare(lesson: argument, registry: makeRegistry),
      let lesson = env.usable(LoadedLesson.load(path, registry: registry))
    else { return 2 }
    let rows = describe(lesson, registry: registry)
    if json {
      let objects: [[String: Any]] = rows.map { row in
        var object: [String: Any] = [
          "name": row.spec.name, "meaning": row.spec.meaning, "default": row.spec.defaultValue.description,
          "accepts": row.spec.range, "steps": row.steps, "claims": row.claims,
        ]
        switch row.spec.domain {
        case .integers(let range):
          object["type"] = "integer"
          object["minimum"] = range.lowerBound
          object["maximum"] = range.upperBound
        case .reals(let range):
          object["type"] = "real"
          object["minimum"] = range.lowerBound
          object["maximum"] = range.upperBound
        case .flag: object["type"] = "flag"
        case .choices(let choices):
          object["type"] = "choice"
          object["choices"] = choices
        }
        return object
      }
      let document: [String: Any] = ["lesson": lesson.file, "parameters": objects]
      if let data = try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys]) {
        env.out(String(decoding: data, as: UTF8.self) + "\n")
      }
      return 0
    }
    if rows.isEmpty {
      env.out("\(Sanitizer.clean(lesson.title, singleLine: true)) has no parameters\n")
      return 0
    }
    let table = TableRenderer.render(
      title: nil, headers: ["NAME", "DEFAULT", "ACCEPTS", "MEANING", "CLAIMS"],
      rows: rows.map { [$0.spec.name, $0.spec.defaultValue.description, $0.spec.range, $0.spec.meaning, String($0.claims.count)] }
        .map { $0.map { Sanitizer.clean($0, singleLine: true) } },
      style: env.outStyle)
    env.out(table.joined(separator: "\n") + "\n")
    env.out(env.outStyle.apply(.dim, "change one with: lesson run|check \(LessonLocator.shortName(ofFile: (lesson.file as NSString).lastPathComponent) ?? lesson.file) --set NAME=VALUE") + "\n")
    return 0
  }

  /// One parameter, the steps declaring it, and the claims whose value it can move.
  struct Row {
    var spec: ParameterSpec
    var steps: [String]
    var claims: [String]
  }

  static func describe(_ lesson: Lesson, registry: Registry) -> [Row] {
    let parameters = LessonBinder.parameters(of: lesson, registry: registry)
    let claimSteps = lesson.claims.map { (claim: $0.id, steps: registry.steps(forClaim: $0.id)) }
    return parameters.map { spec in
      let declaring = registry.stepIDs.filter { registry.step($0)?.parameters.contains(spec) ?? false }
      let affected = Set(declaring + declaring.flatMap(registry.downstream(of:)))
      var claims: [String] = []
      for (claim, steps) in claimSteps where steps.contains(where: affected.contains) && !claims.contains(claim) {
        claims.append(claim)
      }
      for claim in lesson.claims where claim.id == spec.name && !claims.contains(claim.id) { claims.append(claim.id) }
      return Row(spec: spec, steps: declaring, claims: claims)
    }
  }
}

// MARK: - lesson cache

/// `lesson cache` (size and entries) and `lesson cache clear`.
public enum CacheCommand {
  public static func run(_ env: CommandEnvironment, clear: Bool) -> Int32 {
    let cache = env.resultCache()
    if clear {
      let removed = cache.clear()
      env.out("removed \(removed) cache entr\(removed == 1 ? "y" : "ies") from \(cache.directory)\n")
      return 0
    }
    let entries = cache.entries()
    let bytes = entries.reduce(0) { $0 + $1.bytes }
    env.out("\(cache.directory): \(entries.count) entr\(entries.count == 1 ? "y" : "ies"), "
      + "\(megabytes(bytes)) of at most \(megabytes(cache.limitBytes))\n")
    let formatter = ISO8601DateFormatter()
    for entry in entries.prefix(20) {
      env.out("  \(megabytes(entry.bytes))  \(formatter.string(from: entry.lastUsed))  \((entry.path as NSString).lastPathComponent)\n")
    }
    if entries.count > 20 { env.out("  … \(entries.count - 20) more\n") }
    return 0
  }

  private static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
}
