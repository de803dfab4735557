import BuiltInCourse
import Foundation
import LessonCommandLine
import LessonKit
import Testing

@Suite struct FrontDoorTests {
  let commands: Set<String> = ["run", "check", "list", "help"]
  let lessons = ["pretrain", "sft"]

  func route(_ arguments: [String]) -> FrontDoor.Route {
    FrontDoor.route(arguments, subcommands: commands, findLesson: { lessons.contains($0) }, lessonNames: { lessons })
  }

  @Test func aLessonNameRunsThatLesson() {
    #expect(route(["pretrain"]) == .parse(["run", "pretrain"]))
    #expect(route(["--color", "never", "sft", "--seed", "3"]) == .parse(["run", "--color", "never", "sft", "--seed", "3"]))
  }

  @Test func nothingAtAllIsTheOverviewAndSubcommandsParseAsGiven() {
    #expect(route([]) == .parse([]))
    #expect(route(["--color", "never"]) == .parse(["--color", "never"]))
    #expect(route(["--lessons", "X", "list"]) == .parse(["list", "--lessons", "X"]))
    #expect(route(["--help"]) == .parse(["--help"]))
  }

  /// A mistyped word is neither run as a lesson nor swallowed: it names the closest command or lesson.
  @Test func anUnknownWordSuggestsTheClosest() {
    #expect(route(["chek"]) == .unknown("chek", suggestion: "check"))
    #expect(route(["pretrian"]) == .unknown("pretrian", suggestion: "pretrain"))
    #expect(route(["zzzzzz"]) == .unknown("zzzzzz", suggestion: nil))
    #expect(route(["--color", "never", "lsit"]) == .unknown("lsit", suggestion: "list"))
  }

  @Test func aCPUWithoutTheVectorISAIsRefusedInOneLine() throws {
    #expect(CPUCheck.refusal(hasAVX2AndFMA: true) == nil)
    let refusal = try #require(CPUCheck.refusal(hasAVX2AndFMA: false))
    #expect(refusal.hasPrefix("error: ") && refusal.contains("AVX2") && !refusal.contains("\n"))
  }
}

/// Every lesson of the built-in course is compiled into the binary, byte for byte.
@Suite struct BuiltInCourseTests {
  static let lessons = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../Lessons").standardizedFileURL.path

  @Test func everyLessonFileIsEmbeddedUnchanged() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.lessons)
      .filter { LessonLocator.shortName(ofFile: $0) != nil }.sorted()
    #expect(BuiltInCourse.lessons.map(\.fileName) == files,
      "add each Lessons/NN_name.md to BuiltInCourse (an embedInCode line in Package.swift and an entry in Lessons/BuiltInCourse.swift)")
    for lesson in BuiltInCourse.lessons {
      let onDisk = FileManager.default.contents(atPath: Self.lessons + "/" + lesson.fileName).map { [UInt8]($0) }
      #expect(onDisk == lesson.bytes, "\(lesson.fileName) differs from its embedded copy")
    }
  }
}
