import Foundation
import LessonKit
import Testing

@Suite struct ProgressCommandTests {
  /// Two lessons, one with saved progress, in a temporary tree with its own progress store.
  func setUp() throws -> (env: CommandEnvironment, store: LessonProgressStore, lessons: String, output: () -> String) {
    let root = NSTemporaryDirectory() + "progress-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: root + "/Lessons", withIntermediateDirectories: true)
    try "# Alpha\n\n## One\n\n[3](check:a)\n\n## Two\n\n[4](check:b)\n".write(
      toFile: root + "/Lessons/00_alpha.md", atomically: true, encoding: .utf8)
    try "# Beta\n\n[5](check:c)\n".write(toFile: root + "/Lessons/01_beta.md", atomically: true, encoding: .utf8)
    final class Box: @unchecked Sendable { var text = "" }
    let box = Box()
    let env = CommandEnvironment(
      out: { box.text += $0 }, err: { box.text += $0 }, outStyle: .plain, errStyle: .plain, width: 100,
      locator: LessonLocator(lessonsDirectory: root + "/Lessons"), isInteractive: false, errIsTTY: false)
    return (env, LessonProgressStore(directory: root + "/state"), root + "/Lessons", { box.text })
  }

  @Test func showsSectionsAndClaimsAndResetForgetsThem() throws {
    let (env, store, lessons, output) = try setUp()
    var progress = LessonProgress(lesson: lessons + "/00_alpha.md", title: "Alpha", sectionCount: 2, section: 1)
    progress.sectionStatus = [.done, .notRun]
    progress.claims = [0: true]
    let count = Parameter.integer("count", default: 4, in: 1...10, "how many")
    progress.settings = try ParameterSettings(assignments: ["count=7"], specs: [count.spec])
    try store.save(progress)
    #expect(ProgressCommand.run(env, store: store) == 0)
    let rows = output().split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    #expect(rows.contains { $0.hasPrefix("alpha") && $0.hasSuffix("1/2 sections, 1/2 claims passed  count=7") }, "\(rows)")
    #expect(rows.contains { $0.hasPrefix("beta") && $0.hasSuffix("not started") }, "\(rows)")

    #expect(ProgressCommand.reset(env, lesson: "alpha", store: store) == 0)
    #expect(store.load(lesson: lessons + "/00_alpha.md") == .none)
    #expect(output().contains("alpha: progress reset"))
    #expect(ProgressCommand.reset(env, lesson: "alpha", store: store) == 0)
    #expect(output().contains("alpha: no saved progress"))
    #expect(ProgressCommand.reset(env, lesson: "gamma", store: store) == 2)
  }

  /// The overview points at the first lesson not yet done, resuming it when it was started.
  @Test func theOverviewSaysWhereToGoOn() throws {
    let (env, store, lessons, output) = try setUp()
    var progress = LessonProgress(lesson: lessons + "/00_alpha.md", title: "Alpha", sectionCount: 2, finished: true)
    progress.sectionStatus = [.done, .done]
    try store.save(progress)
    try store.save(LessonProgress(lesson: lessons + "/01_beta.md", title: "Beta", sectionCount: 1))
    #expect(ProgressCommand.overview(env, abstract: "Run lessons.", store: store) == 0)
    #expect(output().hasPrefix("Run lessons.\n"))
    #expect(output().contains("done (0/2 claims passed)"), "\(output())")
    #expect(output().contains("Start with `lesson run --resume beta`"), "\(output())")
  }
}
