import Foundation
import LessonKit
import Testing

@Suite struct LessonScaffoldTests {
  @Test func namesTypesAndIds() throws {
    let scaffold = try LessonScaffold(name: "byte_pairs", number: 2)
    #expect(scaffold.lessonFileName == "02_byte_pairs.md")
    #expect(scaffold.typeName == "BytePairsLesson")
    #expect(scaffold.bundleFolder == "BytePairs")
    #expect(scaffold.stepID == "byte-pairs-first-step")
    #expect(scaffold.checkID == "byte-pairs-total")
    #expect(scaffold.bundleListLine == "    BytePairsLesson.bundle,")
  }

  @Test(arguments: ["", "Tokenizers", "9lives", "has space", "dash-name", "é", "../escape"])
  func rejectsNamesThatCannotNameALesson(name: String) {
    #expect(throws: ScaffoldError.invalidName(name)) { try LessonScaffold(name: name, number: 1) }
  }

  /// The generated lesson parses with one step and one number claim, binds to a bundle of the
  /// generated shape, passes when run, and lints clean (drift included) against the generated Swift.
  @Test func generatedLessonChecksAndLintsClean() throws {
    let scaffold = try LessonScaffold(name: "demo", number: 3)
    let package = try TempPackage(source: scaffold.swift, lesson: scaffold.markdown)
    defer { package.remove() }
    let lesson = Lesson.parse(scaffold.markdown, file: package.lessonPath)
    #expect(lesson.diagnostics.isEmpty)
    #expect(lesson.title == "Demo")
    #expect(lesson.steps.map(\.id) == [scaffold.stepID])
    #expect(lesson.claims.map(\.id) == ["count", scaffold.checkID])
    #expect(lesson.claims.last?.number?.value == 10)

    // The same shape as the generated Swift: the step computes the total, the check returns it.
    let count = Parameter.integer("count", default: 4, in: 1...1_000, "how many numbers the step adds up")
    let registry = try Registry(bundles: [
      LessonBundle(name: "demo") {
        Step(scaffold.stepID, parameters: [count], measures: [scaffold.checkID]) { context in
          context.measure(scaffold.checkID, Array(1...context[count]).reduce(0, +))
        }
      }
    ])
    let diagnostics = LintCommand.lint(lesson, registry: registry).filter { $0.severity == .error }
    #expect(diagnostics.isEmpty, "\(diagnostics)")
    #expect(ClaimCoverage.uncoveredFigures(in: lesson).isEmpty)

    let runner = LessonRunner(lesson: lesson, registry: registry, context: StepContext())
    let step = try #require(runner.runStep(at: 0))
    #expect(step.failure == nil)
    for index in lesson.claims.indices {
      let claim = runner.evaluateClaim(at: index)
      #expect(claim.status == .passed, "\(claim)")
    }
  }

  @Test func theSwiftRegistersTheLessonsIds() throws {
    let scaffold = try LessonScaffold(name: "demo", number: 3)
    #expect(scaffold.swift.contains("Step(\"\(scaffold.stepID)\", parameters: [count], measures: [\"\(scaffold.checkID)\"])"))
    #expect(scaffold.swift.contains("context.measure(\"\(scaffold.checkID)\", total)"))
    #expect(scaffold.swift.contains("// lesson:begin \(scaffold.stepID)"))
    #expect(scaffold.swift.contains("enum DemoLesson {"))
    #expect(scaffold.swift.contains("LessonBundle(name: \"demo\")"))
  }

  @Test func numbersAfterTheLastLesson() throws {
    let directory = NSTemporaryDirectory() + "scaffold-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    #expect(LessonScaffold.nextNumber(in: directory) == 0)
    for name in ["00_a.md", "07_b.md", "notes.md", "99.md"] {
      try "# x\n".write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
    }
    #expect(LessonScaffold.nextNumber(in: directory) == 8)
  }

  @Test func addsOneLineToTheBundleList() throws {
    let list = """
      public enum AllBundles {
        public static let list: [LessonBundle] = [
          EngineSelfTest.bundle,
          PretrainLesson.bundle,
        ]
      }
      """
    let updated = try LessonScaffold.addingBundleLine("    DemoLesson.bundle,", to: list, path: "AllBundles.swift")
    #expect(updated.components(separatedBy: "\n").count == list.components(separatedBy: "\n").count + 1)
    #expect(updated.contains("    PretrainLesson.bundle,\n    DemoLesson.bundle,\n  ]"))
    // Adding it again changes nothing.
    #expect(try LessonScaffold.addingBundleLine("    DemoLesson.bundle,", to: updated, path: "AllBundles.swift") == updated)
    #expect(throws: ScaffoldError.unrecognizedBundleList("x.swift")) {
      try LessonScaffold.addingBundleLine("    DemoLesson.bundle,", to: "enum X {}", path: "x.swift")
    }
  }

  @Test func writeCreatesFilesAndRefusesToOverwrite() throws {
    let root = NSTemporaryDirectory() + "scaffold-\(UUID().uuidString)"
    let fm = FileManager.default
    try fm.createDirectory(atPath: root + "/Lessons", withIntermediateDirectories: true)
    try fm.createDirectory(atPath: root + "/Sources/LessonBundles", withIntermediateDirectories: true)
    defer { try? fm.removeItem(atPath: root) }
    try "// swift-tools-version: 6.0\n".write(toFile: root + "/Package.swift", atomically: true, encoding: .utf8)
    try "# P\n".write(toFile: root + "/Lessons/00_pretrain.md", atomically: true, encoding: .utf8)
    try "enum AllBundles {\n  static let list: [LessonBundle] = [\n    A.bundle,\n  ]\n}\n"
      .write(toFile: root + "/Sources/LessonBundles/AllBundles.swift", atomically: true, encoding: .utf8)

    let scaffold = try LessonScaffold(name: "demo", number: LessonScaffold.nextNumber(in: root + "/Lessons"))
    let written = try scaffold.write(lessonsDirectory: root + "/Lessons", packageRoot: root)
    #expect(written.lesson.hasSuffix("/Lessons/01_demo.md"))
    #expect(try String(contentsOfFile: written.lesson, encoding: .utf8) == scaffold.markdown)
    #expect(try String(contentsOfFile: written.bundle, encoding: .utf8) == scaffold.swift)
    #expect(try String(contentsOfFile: written.bundleList, encoding: .utf8).contains("    A.bundle,\n    DemoLesson.bundle,\n  ]"))
    let again = try LessonScaffold(name: "demo", number: 2)
    #expect(throws: ScaffoldError.lessonExists(root + "/Lessons/01_demo.md")) {
      try again.write(lessonsDirectory: root + "/Lessons", packageRoot: root)
    }
    let message = NewCommand.nextSteps(scaffold, written)
    #expect(message.contains("swift build"))
    #expect(message.contains("lesson check demo"))
    #expect(message.contains("lesson lint demo"))
  }
}
