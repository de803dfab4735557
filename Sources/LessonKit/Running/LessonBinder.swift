// MARK: - Binding

/// Checks that every step and claim of a lesson names a registration of the right kind.
public enum LessonBinder {
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
      switch registry.registration(step.id)?.entry {
      case .step?: break
      case .check?:
        errors.append(Diagnostic(
          .error, file: lesson.file, line: step.line,
          "step=\(step.id) names a check; a step block needs a registered Step (or mark it `display`)"))
      case nil:
        errors.append(Diagnostic(
          .error, file: lesson.file, line: step.line,
          "step '\(step.id)' is not registered; register `Step(\"\(step.id)\")` in a LessonBundle listed in "
            + "AllBundles, or mark the block `display` to show it without running"))
      }
    }
    // A malformed claim id is already a parse error.
    for claim in lesson.claims where StepInfo.isValidID(claim.id) {
      switch registry.registration(claim.id)?.entry {
      case .check?: break
      case .step?:
        errors.append(Diagnostic(
          .error, file: lesson.file, line: claim.line,
          "check:\(claim.id) names a step; a claim needs a registered Check"))
      case nil:
        errors.append(Diagnostic(
          .error, file: lesson.file, line: claim.line,
          "check '\(claim.id)' is not registered; register `Check(\"\(claim.id)\")` in a LessonBundle listed in AllBundles"))
      }
    }
    return errors
  }
}
