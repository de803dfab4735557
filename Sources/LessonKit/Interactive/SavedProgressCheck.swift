import AtomicFiles

// MARK: - Saved progress against its lesson

extension LessonProgress {
  /// The step states a progress file may record.
  static let stepStates: Set<String> = ["done", "failed", "skipped"]

  /// Why this progress cannot be the progress of `lesson` (with `sectionCount` pages), or `nil`.
  ///
  /// The file lives outside the lesson and anyone can edit it: a claim index past the lesson's
  /// claims, a step id the lesson does not have, or an unknown state would otherwise be counted
  /// in the totals `run --resume` prints (or index past the lesson's steps).
  public func problem(for lesson: Lesson, sectionCount: Int) -> String? {
    if sectionStatus.count != sectionCount || section >= sectionCount {
      return "it has \(sectionStatus.count) sections (at section \(section + 1)), the lesson has \(sectionCount)"
    }
    if let step, step >= lesson.steps.count {
      return "it pauses at step #\(step + 1), the lesson has \(lesson.steps.count) steps"
    }
    if let bad = claims.keys.sorted().first(where: { !lesson.claims.indices.contains($0) }) {
      return "it records claim #\(bad + 1), the lesson has \(lesson.claims.count) claims"
    }
    let ids = Set(lesson.steps.map(\.id))
    if let bad = steps.keys.sorted().first(where: { !ids.contains($0) }) {
      return "it records step '\(excerpt(bad, limit: 40))', which the lesson does not have"
    }
    if let (id, state) = steps.sorted(by: { $0.key < $1.key }).first(where: { !Self.stepStates.contains($0.value) }) {
      return "it records step '\(excerpt(id, limit: 40))' as '\(excerpt(state, limit: 40))' "
        + "(known: \(Self.stepStates.sorted().joined(separator: ", ")))"
    }
    return nil
  }
}
