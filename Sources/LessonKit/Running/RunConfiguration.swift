import Foundation

// MARK: - What one run is configured with

/// The settings `run`, `check` and `build` share: seed, parameter overrides, cache and plots.
public struct RunConfiguration: Sendable {
  /// The lesson seed.
  public var seed: UInt64
  /// `--set NAME=VALUE` assignments, validated against the lesson's parameters.
  public var assignments: [String]
  /// Replay and store step results in the result cache (`--no-cache` turns it off).
  public var useCache: Bool
  /// Directory for the steps' SVG charts, or nil.
  public var plotDirectory: String?

  public init(seed: UInt64 = 1337, assignments: [String] = [], useCache: Bool = true, plotDirectory: String? = nil) {
    self.seed = seed
    self.assignments = assignments
    self.useCache = useCache
    self.plotDirectory = plotDirectory
  }

  /// The parameter values this configuration gives `lesson`.
  ///
  /// - Throws: `ParameterError` for an unknown name or a value out of range.
  public func settings(for lesson: Lesson, registry: Registry) throws -> ParameterSettings {
    try ParameterSettings(assignments: assignments, specs: LessonBinder.parameters(of: lesson, registry: registry))
  }

  /// A runner for `lesson` with this configuration's settings and cache.
  ///
  /// - Throws: `ParameterError` for a bad `--set`.
  public func makeRunner(
    _ lesson: Lesson, registry: Registry, env: CommandEnvironment, settings: ParameterSettings? = nil,
    progress: @escaping ([String]) -> Void
  ) throws -> LessonRunner {
    let context = StepContext(
      seed: seed, settings: try settings ?? self.settings(for: lesson, registry: registry), plotDirectory: plotDirectory,
      progress: progress)
    context.progressIsLive = env.errIsTTY
    return LessonRunner(lesson: lesson, registry: registry, context: context, cache: useCache ? env.resultCache() : nil)
  }
}

extension CommandEnvironment {
  /// The result cache in the standard directory, tagged with the user's key, warning on stderr.
  public func resultCache() -> ResultCache {
    let err = self.err
    let build = numericEnvironment.isEmpty ? BuildIdentity.current : BuildIdentity.current + " with " + numericEnvironment
    return ResultCache(
      directory: cacheDirectory ?? ResultCache.standardDirectory(), build: build,
      keyFile: CacheSigningKey.standardPath(), warn: { err($0) })
  }
}
