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
