import Foundation
import LessonKit
import Testing

/// Runs the drift check on every lesson of this package, so the code a learner reads is the
/// code that runs.
@Suite struct LessonsStayInSyncTests {
  static var packageRoot: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().path
  }

  static var lessonFiles: [String] {
    let locator = LessonLocator(lessonsDirectory: packageRoot + "/Lessons")
    return (try? locator.lessonFiles()) ?? []
  }

  @Test(arguments: lessonFiles)
  func everyShownStepMatchesItsSourceRegion(file: String) throws {
    let lesson = try Lesson.load(path: file)
    let regions = SourceRegionIndex(packageRoot: Self.packageRoot)
    #expect(regions.problems.isEmpty, "\(regions.problems)")
    for drift in DriftChecker.check(lesson, regions: regions) {
      switch drift.state {
      case .inSync, .exempt: break
      case .missingRegion: Issue.record("\(file):\(drift.step.line): step '\(drift.step.id)' has no source region")
      case .drifted(let diff):
        Issue.record("\(file):\(drift.step.line): step '\(drift.step.id)' drifted:\n\(diff.joined(separator: "\n"))")
      }
    }
  }

  @Test func sourceMarkersInThisPackageAreWellFormed() {
    let regions = SourceRegionIndex(packageRoot: Self.packageRoot)
    #expect(regions.problems.isEmpty, "\(regions.problems)")
    #expect(regions.regions["selftest-make-range"] != nil)
  }
}
