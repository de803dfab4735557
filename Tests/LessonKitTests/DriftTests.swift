import Foundation
import LessonKit
import Testing

@Suite struct DriftTests {
  static let source = """
    func build() {
        // lesson:begin make-model
        let model = Model(layers: 4)
        model.train()
        // lesson:end
    }
    """

  static func lesson(_ body: String, attributes: String = "") -> String {
    "# Demo\n\n- item\n\n  ```swift step=make-model\(attributes)\n" + body + "  ```\n"
  }

  @Test func regionsAreFoundAndDeindented() throws {
    let package = try TempPackage(source: Self.source, lesson: "# x\n")
    defer { package.remove() }
    let index = SourceRegionIndex(packageRoot: package.root)
    #expect(index.problems.isEmpty)
    #expect(index.regions["make-model"]?.code == "let model = Model(layers: 4)\nmodel.train()")
    #expect(index.regions["make-model"]?.line == 2)
  }

  @Test func matchingCodeIsInSyncWhateverItsIndentation() throws {
    let package = try TempPackage(
      source: Self.source, lesson: Self.lesson("  let model = Model(layers: 4)\n  model.train()   \n"))
    defer { package.remove() }
    let lesson = try Lesson.load(path: package.lessonPath)
    let regions = try #require(DriftChecker.regions(forLessonAt: package.lessonPath))
    #expect(DriftChecker.check(lesson, regions: regions).map(\.state) == [.inSync])
  }

  @Test func changedCodeIsDriftWithADiff() throws {
    let package = try TempPackage(
      source: Self.source, lesson: Self.lesson("  let model = Model(layers: 2)\n  model.train()\n"))
    defer { package.remove() }
    let lesson = try Lesson.load(path: package.lessonPath)
    let regions = try #require(DriftChecker.regions(forLessonAt: package.lessonPath))
    let state = DriftChecker.check(lesson, regions: regions).first?.state
    #expect(state == .drifted(diff: ["- let model = Model(layers: 2)", "+ let model = Model(layers: 4)", "  model.train()"]))
  }

  @Test func syncRewritesTheBlockKeepingTheFenceIndentation() throws {
    let package = try TempPackage(source: Self.source, lesson: Self.lesson("  old()\n"))
    defer { package.remove() }
    let lesson = try Lesson.load(path: package.lessonPath)
    let regions = SourceRegionIndex(packageRoot: package.root)
    let (text, changes) = LessonSync.synced(lesson, regions: regions)
    #expect(changes.map(\.step.id) == ["make-model"])
    #expect(text == Self.lesson("  let model = Model(layers: 4)\n  model.train()\n"))
    let resynced = Lesson.parse(text, file: package.lessonPath)
    #expect(DriftChecker.check(resynced, regions: regions).map(\.state) == [.inSync])
  }

  @Test func missingRegionIsReportedUnlessHidden() throws {
    let package = try TempPackage(source: "// nothing marked\n", lesson: Self.lesson("  x()\n"))
    defer { package.remove() }
    let lesson = try Lesson.load(path: package.lessonPath)
    let regions = SourceRegionIndex(packageRoot: package.root)
    #expect(DriftChecker.check(lesson, regions: regions).map(\.state) == [.missingRegion])
    let hidden = Lesson.parse(Self.lesson("  x()\n", attributes: " hidden"), file: package.lessonPath)
    #expect(DriftChecker.check(hidden, regions: regions).map(\.state) == [.exempt])
  }

  @Test func lintReportsDriftAtTheStepLine() throws {
    let package = try TempPackage(source: Self.source, lesson: Self.lesson("  changed()\n"))
    defer { package.remove() }
    let registry = try Registry(bundles: [LessonBundle(name: "demo") { Step("make-model") { _ in } }])
    let diagnostics = LintCommand.lint(try Lesson.load(path: package.lessonPath), registry: registry)
    let drift = try #require(diagnostics.first { $0.message.contains("differs from its source region") })
    #expect(drift.line == 5)
    #expect(drift.message.contains("+ let model = Model(layers: 4)"))
  }

  @Test func brokenMarkersAreReported() throws {
    let package = try TempPackage(
      source: "// lesson:begin a\n// lesson:begin b\n// lesson:end\n// lesson:end\n// lesson:begin c\n", lesson: "# x\n")
    defer { package.remove() }
    let problems = SourceRegionIndex(packageRoot: package.root).problems.map(\.message)
    #expect(problems.contains { $0.contains("begins inside region 'a'") })
    #expect(problems.contains { $0.contains("without a matching begin") })
    #expect(problems.contains { $0.contains("region 'c' has no `// lesson:end`") })
  }

  @Test func normalizerDropsCommonIndentAndTrailingSpace() {
    #expect(CodeNormalizer.normalize("\n    a  \n      b\n\n    c\n\n") == "a\n  b\n\nc")
  }
}

@Suite struct SyncContainerTests {
  @Test func syncKeepsBlockQuotePrefixes() throws {
    let package = try TempPackage(
      source: "// lesson:begin q\nlet a = 1\n\nlet b = 2\n// lesson:end\n",
      lesson: "# T\n\n> ```swift step=q\n> old()\n> ```\n")
    defer { package.remove() }
    let lesson = try Lesson.load(path: package.lessonPath)
    let regions = SourceRegionIndex(packageRoot: package.root)
    let (text, changes) = LessonSync.synced(lesson, regions: regions)
    #expect(changes.count == 1)
    #expect(text == "# T\n\n> ```swift step=q\n> let a = 1\n>\n> let b = 2\n> ```\n")
    #expect(DriftChecker.check(Lesson.parse(text, file: package.lessonPath), regions: regions).map(\.state) == [.inSync])
  }
}
