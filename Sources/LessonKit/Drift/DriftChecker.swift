import Foundation

// MARK: - Drift

/// The comparison of one step's shown code with its source region.
public struct StepDrift: Sendable {
  public enum State: Sendable, Equatable {
    /// Shown code equals the region.
    case inSync
    /// Shown code differs; `diff` shows how (`-` lesson, `+` source).
    case drifted(diff: [String])
    /// No region with the step's id exists.
    case missingRegion
    /// A hidden step without a region: nothing is shown, so nothing can drift.
    case exempt
  }

  public let step: StepBlock
  public let region: SourceRegion?
  public let state: State
}

/// Compares each step block of a lesson with the source region of the same id.
///
/// Regions are looked up under `Sources/` of the package holding the lesson (the first
/// directory with a `Package.swift` walking up from the lesson file).
public enum DriftChecker {
  /// The drift state of every step in `lesson`.
  public static func check(_ lesson: Lesson, regions: SourceRegionIndex) -> [StepDrift] {
    lesson.steps.map { step in
      guard let region = regions.regions[step.id] else {
        return StepDrift(step: step, region: nil, state: step.attributes.hidden ? .exempt : .missingRegion)
      }
      let shown = CodeNormalizer.normalize(step.code)
      if shown == region.code { return StepDrift(step: step, region: region, state: .inSync) }
      return StepDrift(step: step, region: region, state: .drifted(diff: LineDiff.diff(old: shown, new: region.code)))
    }
  }

  /// The regions of the package holding `lessonFile`, or `nil` when no `Package.swift` is above it.
  public static func regions(forLessonAt lessonFile: String) -> SourceRegionIndex? {
    LessonLocator.packageRoot(above: lessonFile).map { SourceRegionIndex(packageRoot: $0) }
  }
}

// MARK: - Sync

/// Rewrites step blocks from their source regions.
public enum LessonSync {
  /// One rewritten step.
  public struct Change: Sendable {
    public let step: StepBlock
    public let diff: [String]
  }

  /// The lesson text with every drifted step block replaced by its region, and the changes made.
  ///
  /// The new code keeps the container prefix of the opening fence (steps inside lists or quotes).
  public static func synced(_ lesson: Lesson, regions: SourceRegionIndex) -> (text: String, changes: [Change]) {
    var lines = lesson.source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var changes: [Change] = []
    // Bottom-up, so earlier line numbers stay valid while later blocks change length.
    for drift in DriftChecker.check(lesson, regions: regions).reversed() {
      guard case .drifted(let diff) = drift.state, let region = drift.region else { continue }
      let step = drift.step
      let fenceIndex = step.line - 1
      let closeIndex = step.endLine - 1
      guard fenceIndex >= 0, closeIndex > fenceIndex, closeIndex < lines.count else { continue }
      let closing = lines[closeIndex].drop(while: { $0 == " " || $0 == ">" || $0 == "\t" })
      let closed = closing.hasPrefix("```") || closing.hasPrefix("~~~")
      // The container prefix before the fence: spaces for list items, `> ` for quotes; a list
      // marker on the fence line itself ("- ```swift") becomes spaces on continuation lines.
      let indent = String(lines[fenceIndex].prefix(while: { $0 != "`" && $0 != "~" }).map { $0 == ">" ? ">" : " " })
      let newBody = region.code.split(separator: "\n", omittingEmptySubsequences: false)
        .map { $0.isEmpty ? String(indent.reversed().drop(while: { $0 == " " }).reversed()) : indent + $0 }
      let bodyEnd = closed ? closeIndex : closeIndex + 1
      lines.replaceSubrange((fenceIndex + 1)..<bodyEnd, with: newBody)
      changes.insert(Change(step: step, diff: diff), at: 0)
    }
    return (lines.joined(separator: "\n"), changes)
  }
}
