import Foundation
import LessonKit
import Testing

@Suite struct LocatorTests {
  /// A temporary tree: root/Package.swift, root/Lessons/{00_pretrain,01_attention}.md, root/deep/er.
  private func makeTree() throws -> String {
    let root = NSTemporaryDirectory() + "locator-\(UUID().uuidString)"
    let fm = FileManager.default
    try fm.createDirectory(atPath: root + "/Lessons", withIntermediateDirectories: true)
    try fm.createDirectory(atPath: root + "/deep/er", withIntermediateDirectories: true)
    try "".write(toFile: root + "/Package.swift", atomically: true, encoding: .utf8)
    for name in ["01_attention.md", "00_pretrain.md", "notes.md", "README.txt"] {
      try "# \(name)\n".write(toFile: root + "/Lessons/" + name, atomically: true, encoding: .utf8)
    }
    return root
  }

  @Test func findsLessonsWalkingUp() throws {
    let root = try makeTree()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let locator = LessonLocator(lessonsDirectory: nil, currentDirectory: root + "/deep/er")
    let directory = try #require(locator.directory)
    #expect(directory.hasSuffix("/Lessons"))
    #expect(try locator.lessonFiles().map { ($0 as NSString).lastPathComponent } == ["00_pretrain.md", "01_attention.md"])
  }

  @Test(arguments: ["pretrain", "00_pretrain", "00_pretrain.md", "00"])
  func resolvesShortNames(argument: String) throws {
    let root = try makeTree()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let locator = LessonLocator(lessonsDirectory: root + "/Lessons")
    #expect(try locator.resolve(argument).hasSuffix("Lessons/00_pretrain.md"))
  }

  @Test func defaultIsTheFirstLesson() throws {
    let root = try makeTree()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let locator = LessonLocator(lessonsDirectory: root + "/Lessons")
    #expect(try locator.resolve(nil).hasSuffix("00_pretrain.md"))
    #expect(try locator.resolveAll([]).count == 2)
  }

  @Test func unknownNameListsWhatExists() throws {
    let root = try makeTree()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let locator = LessonLocator(lessonsDirectory: root + "/Lessons")
    do {
      _ = try locator.resolve("sft")
      Issue.record("expected an error")
    } catch {
      #expect(String(describing: error).contains("available: pretrain, attention"))
    }
  }

  @Test func packageRootIsFoundAboveTheLesson() throws {
    let root = try makeTree()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let found = try #require(LessonLocator.packageRoot(above: root + "/Lessons/00_pretrain.md"))
    #expect(URL(fileURLWithPath: found).standardizedFileURL == URL(fileURLWithPath: root).standardizedFileURL)
  }

  @Test func shortNames() {
    #expect(LessonLocator.shortName(ofFile: "00_pretrain.md") == "pretrain")
    #expect(LessonLocator.shortName(ofFile: "pretrain.md") == nil)
    #expect(LessonLocator.shortName(ofFile: "0a_x.md") == nil)
  }
}

@Suite struct CommandTests {
  /// Runs `check` in-process against a lesson written to a temporary directory.
  @Test func checkCommandWritesOneLinePerResultAndTheSummary() throws {
    let root = NSTemporaryDirectory() + "command-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: root + "/Lessons", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: root) }
    try "# T\n\n[3](check:three) and [4](check:three).\n"
      .write(toFile: root + "/Lessons/00_t.md", atomically: true, encoding: .utf8)
    var out = ""
    var err = ""
    let env = CommandEnvironment(
      out: { out += $0 }, err: { err += $0 }, outStyle: .plain, errStyle: .plain, width: 80,
      locator: LessonLocator(lessonsDirectory: root + "/Lessons"), isInteractive: false, errIsTTY: false)
    let registry = { try Registry(bundles: [LessonBundle(name: "t") { measuring("three", .number(3)) }]) }
    let status = CheckCommand.run(env, options: uncached(["t"]), registry: registry)
    #expect(status == 1)
    let lines = out.split(separator: "\n").map(String.init)
    #expect(lines.count == 3)
    #expect(lines[0].hasSuffix("00_t.md:3 three pass (claimed 3, computed 3)"))
    #expect(lines[1].hasSuffix("00_t.md:3 three FAIL (claimed 4, computed 3)"))
    #expect(lines[2] == "1 passed, 1 failed")
    #expect(err.isEmpty)
  }

  @Test func invalidRegistryExitsTwo() {
    var err = ""
    let env = CommandEnvironment(
      out: { _ in }, err: { err += $0 }, outStyle: .plain, errStyle: .plain, width: 80,
      locator: LessonLocator(lessonsDirectory: "/nonexistent"), isInteractive: false, errIsTTY: false)
    let broken = {
      try Registry(bundles: [LessonBundle(name: "a") { Step("x") { _ in } }, LessonBundle(name: "b") { Step("x") { _ in } }])
    }
    #expect(CheckCommand.run(env, options: uncached(), registry: broken) == 2)
    #expect(err.contains("bundle 'a' and bundle 'b'"))
  }
}

@Suite struct SearchPathTests {
  private func folder(_ lessons: [String: String]) throws -> String {
    let root = NSTemporaryDirectory() + "search-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    for (name, text) in lessons { try text.write(toFile: root + "/" + name, atomically: true, encoding: .utf8) }
    return root
  }

  /// `--lessons`, then LESSON_PATH, then the built-in lessons; an earlier folder's lesson hides a
  /// later one with the same short name.
  @Test func foldersAreSearchedInOrderAndEarlierNamesWin() throws {
    let author = try folder(["00_pretrain.md": "# mine\n", "05_extra.md": "# extra\n"])
    let shared = try folder(["03_shared.md": "# shared\n"])
    let builtIn = try folder(["00_pretrain.md": "# built in\n", "01_sft.md": "# sft\n"])
    let locator = LessonLocator(
      lessonsDirectories: [author], searchPath: "/nonexistent:\(shared)", builtIn: builtIn, currentDirectory: "/")
    let found = try locator.lessons()
    #expect(found.map(\.name) == ["pretrain", "extra", "shared", "sft"])
    #expect(found.map(\.origin) == [.option, .option, .environment, .builtIn])
    #expect(try locator.resolve("pretrain") == author + "/00_pretrain.md")
    #expect(try locator.resolve("sft") == builtIn + "/01_sft.md")
    #expect(locator.directory == author)
  }

  @Test func aMissingLessonsFolderIsNamed() throws {
    let locator = LessonLocator(lessonsDirectories: ["/nonexistent/lessons"], currentDirectory: "/")
    #expect(throws: LessonLoadError.self) { try locator.lessons() }
    do {
      _ = try locator.lessons()
    } catch {
      #expect(String(describing: error) == "--lessons /nonexistent/lessons: no such directory; give a folder that holds NN_<name>.md lessons")
    }
  }

  /// The built-in lessons are unpacked byte for byte into a folder named by their contents; a
  /// changed copy is put back; different contents get a different folder.
  @Test func builtInLessonsAreUnpackedByContent() throws {
    let cache = try folder([:])
    let lessons = [BuiltInLesson(fileName: "00_a.md", bytes: Array("# A ✓\n".utf8))]
    var warnings: [String] = []
    let first = try #require(BuiltInLessonFolder.materialize(lessons, cacheRoot: cache) { warnings.append($0) })
    #expect(FileManager.default.contents(atPath: first + "/00_a.md").map { [UInt8]($0) } == lessons[0].bytes)
    try "tampered\n".write(toFile: first + "/00_a.md", atomically: true, encoding: .utf8)
    #expect(BuiltInLessonFolder.materialize(lessons, cacheRoot: cache) { warnings.append($0) } == first)
    #expect(FileManager.default.contents(atPath: first + "/00_a.md").map { [UInt8]($0) } == lessons[0].bytes)
    let other = [BuiltInLesson(fileName: "00_a.md", bytes: Array("# B\n".utf8))]
    #expect(BuiltInLessonFolder.materialize(other, cacheRoot: cache) { warnings.append($0) } != first)
    #expect(warnings.isEmpty)
  }

  @Test func anUnwritableCacheWarnsAndServesNoBuiltIns() throws {
    var warnings: [String] = []
    let lessons = [BuiltInLesson(fileName: "00_a.md", bytes: Array("# A\n".utf8))]
    #expect(BuiltInLessonFolder.materialize(lessons, cacheRoot: "/dev/null/cache") { warnings.append($0) } == nil)
    #expect(warnings.count == 1 && warnings[0].contains("XDG_CACHE_HOME"))
  }
}
