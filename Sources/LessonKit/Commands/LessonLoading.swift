// MARK: - Loading and binding for commands

/// A lesson loaded and bound, or the errors that prevented it.
struct LoadedLesson {
  var path: String
  var lesson: Lesson?
  var errors: [Diagnostic]
  var loadError: String?

  var isUsable: Bool { lesson != nil && errors.isEmpty && loadError == nil }

  /// Loads `path` and, when a registry is given, binds it.
  static func load(_ path: String, registry: Registry?) -> LoadedLesson {
    do {
      let lesson = try Lesson.load(path: path)
      let errors = registry.map { LessonBinder.bindingErrors(lesson, registry: $0) }
        ?? lesson.diagnostics.filter { $0.severity == .error }
      return LoadedLesson(path: path, lesson: lesson, errors: errors, loadError: nil)
    } catch {
      return LoadedLesson(path: path, lesson: nil, errors: [], loadError: String(describing: error))
    }
  }
}

extension CommandEnvironment {
  /// What every lesson command does first: builds the registry and resolves its LESSON arguments
  /// (none = every lesson). Nil after saying why; the command then exits 2.
  func prepare(
    lessons arguments: [String], registry makeRegistry: () throws -> Registry
  ) -> (registry: Registry, paths: [String])? {
    do {
      return (try makeRegistry(), try locator.resolveAll(arguments))
    } catch {
      self.error(String(describing: error))
      return nil
    }
  }

  /// As `prepare(lessons:registry:)` for one LESSON argument (nil = the first lesson).
  func prepare(lesson argument: String?, registry makeRegistry: () throws -> Registry) -> (registry: Registry, path: String)? {
    do {
      return (try makeRegistry(), try locator.resolve(argument))
    } catch {
      self.error(String(describing: error))
      return nil
    }
  }

  /// The lesson of `loaded` when it loaded and bound; nil after printing why it did not.
  func usable(_ loaded: LoadedLesson, diagnosticsToOut: Bool = false) -> Lesson? {
    guard let lesson = loaded.lesson, loaded.isUsable else {
      if let loadError = loaded.loadError { self.error(loadError) }
      for error in loaded.errors { diagnostic(error, toOut: diagnosticsToOut) }
      return nil
    }
    return lesson
  }
}
