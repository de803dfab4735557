import Foundation
import LessonKit
import Testing

@Suite struct KeyDecoderTests {
  @Test func decodesKeysArrowsAndUTF8() {
    #expect(KeyDecoder.decode(Array("ab".utf8)) == [.character("a"), .character("b")])
    #expect(KeyDecoder.decode([0x0D]) == [.enter])
    #expect(KeyDecoder.decode([0x0D, 0x0A]) == [.enter])
    #expect(KeyDecoder.decode([0x7F, 0x09, 0x03, 0x04]) == [.backspace, .tab, .interrupt, .endOfInput])
    #expect(KeyDecoder.decode([0x1B, 0x5B, 0x43, 0x1B, 0x5B, 0x44]) == [.right, .left])
    #expect(KeyDecoder.decode([0x1B, 0x4F, 0x41]) == [.up])
    #expect(KeyDecoder.decode([0x1B]) == [.escape])
    #expect(KeyDecoder.decode(Array("é→".utf8)) == [.character("é"), .character("→")])
    // Unknown sequences and broken UTF-8 decode to `.other`, never trap.
    #expect(KeyDecoder.decode([0x1B, 0x5B, 0x31, 0x3B, 0x35, 0x48]) == [.other])
    #expect(KeyDecoder.decode([0xE2, 0x86]) == [.other, .other])
    #expect(KeyDecoder.decode([0x1B, 0x5B]) == [.other])
    #expect(KeyDecoder.decode(Array("\u{1B}[5~\u{1B}[6~\u{1B}[3~".utf8)) == [.pageUp, .pageDown, .other])
  }
}

@Suite struct StepperMachineTests {
  @Test func keysAtAStep() {
    var machine = StepperMachine(sectionCount: 3, section: 1)
    #expect(machine.handle(.enter, at: .beforeStep(2)) == .run)
    #expect(machine.handle(.character("s"), at: .beforeStep(2)) == .skip)
    #expect(machine.handle(.character("q"), at: .beforeStep(2)) == .quit)
    #expect(machine.handle(.interrupt, at: .beforeStep(2)) == .quit)
    #expect(machine.handle(.endOfInput, at: .beforeStep(2)) == .quit)
    guard case .ignore = machine.handle(.character("x"), at: .beforeStep(2)) else {
      Issue.record("an unknown key must be ignored with a hint")
      return
    }
  }

  @Test func rerunNeedsAStepThatRan() {
    var machine = StepperMachine(sectionCount: 2)
    guard case .ignore(let hint) = machine.handle(.character("r"), at: .beforeStep(0)) else {
      Issue.record("r before any step ran must be ignored")
      return
    }
    #expect(hint.contains("no step has run"))
    machine.didRun(step: 0)
    #expect(machine.handle(.character("r"), at: .beforeStep(1)) == .rerun(0))
    #expect(machine.handle(.character("r"), at: .endOfSection) == .rerun(0))
  }

  @Test func backStopsAtTheFirstSection() {
    var machine = StepperMachine(sectionCount: 3, section: 1)
    #expect(machine.handle(.character("b"), at: .beforeStep(0)) == .back)
    #expect(machine.section == 0)
    guard case .ignore = machine.handle(.character("b"), at: .beforeStep(0)) else {
      Issue.record("b in the first section must be ignored")
      return
    }
    #expect(machine.section == 0)
  }

  @Test func enterAtASectionEndAdvancesButNotPastTheLast() {
    var machine = StepperMachine(sectionCount: 2)
    #expect(machine.handle(.enter, at: .endOfSection) == .proceed)
    #expect(machine.section == 1)
    #expect(machine.handle(.character(" "), at: .endOfSection) == .proceed)
    #expect(machine.section == 1)
    #expect(machine.handle(.character(" "), at: .pageFull) == .proceed)
    guard case .ignore = machine.handle(.character("s"), at: .endOfSection) else {
      Issue.record("s at a section end has nothing to skip")
      return
    }
  }

  private let count = Parameter.integer("count", default: 100, in: 1...100_000, "how many").spec
  private let lr = Parameter.real("lr", default: 3e-4, in: 1e-6...0.1, "learning rate").spec

  @Test func eEditsASettingWithItsRangeValidated() {
    var machine = StepperMachine(sectionCount: 2)
    guard case .ignore(let hint) = machine.handle(.character("e"), at: .beforeStep(0)) else {
      Issue.record("e without settings must be ignored")
      return
    }
    #expect(hint.contains("no setting"))
    #expect(machine.handle(.character("e"), at: .beforeStep(0), knobs: [count, lr]) == .redraw)
    #expect(machine.handle(.character("0"), at: .beforeStep(0)) == .redraw)
    // Outside the range: refused, still editing, the range named.
    #expect(machine.handle(.enter, at: .beforeStep(0)) == .redraw)
    guard case .editing(let refused) = machine.mode else {
      Issue.record("a refused value keeps the edit line open")
      return
    }
    #expect(refused.error == "count takes an integer from 1 to 100000")
    #expect(machine.handle(.backspace, at: .beforeStep(0)) == .redraw)
    // Tab moves to the next setting; keys typed there are its value.
    #expect(machine.handle(.tab, at: .beforeStep(0)) == .redraw)
    for character in "3e-2" { _ = machine.handle(.character(character), at: .beforeStep(0)) }
    #expect(machine.handle(.enter, at: .beforeStep(0)) == .set(lr, .real(0.03)))
    #expect(machine.mode == .reading)
    // Typed text never reaches the reading keys: q on the edit line is a character.
    _ = machine.handle(.character("e"), at: .beforeStep(0), knobs: [count])
    #expect(machine.handle(.character("q"), at: .beforeStep(0)) == .redraw)
    #expect(machine.handle(.escape, at: .beforeStep(0)) == .redraw)
    #expect(machine.mode == .reading)
    #expect(machine.handle(.character("0"), at: .beforeStep(0)) == .restoreDefaults)
    // Ctrl-C quits from anywhere.
    _ = machine.handle(.character("e"), at: .beforeStep(0), knobs: [count])
    #expect(machine.handle(.interrupt, at: .beforeStep(0)) == .quit)
  }

  @Test func theListMovesAndJumps() {
    var machine = StepperMachine(sectionCount: 3)
    #expect(machine.handle(.character("l"), at: .beforeStep(0)) == .list)
    #expect(machine.mode == .list(selected: 0))
    #expect(machine.handle(.down, at: .beforeStep(0)) == .list)
    #expect(machine.handle(.down, at: .beforeStep(0)) == .list)
    #expect(machine.handle(.down, at: .beforeStep(0)) == .list)
    #expect(machine.mode == .list(selected: 2))
    #expect(machine.handle(.character("k"), at: .beforeStep(0)) == .list)
    #expect(machine.handle(.enter, at: .beforeStep(0)) == .jump(1))
    #expect(machine.section == 1)
    #expect(machine.mode == .reading)
    _ = machine.handle(.character("l"), at: .endOfSection)
    #expect(machine.handle(.character("3"), at: .endOfSection) == .list)
    #expect(machine.handle(.character("9"), at: .endOfSection) == .list)
    #expect(machine.mode == .list(selected: 2))
    #expect(machine.handle(.escape, at: .endOfSection) == .redraw)
    #expect(machine.section == 1)
  }

  @Test func scrollHelpAndResize() {
    var machine = StepperMachine(sectionCount: 1)
    #expect(machine.handle(.pageUp, at: .pageFull) == .scroll(.pageUp))
    #expect(machine.handle(.pageDown, at: .beforeStep(0)) == .scroll(.pageDown))
    #expect(machine.handle(.character("k"), at: .endOfSection) == .scroll(.lineUp))
    #expect(machine.handle(.character("j"), at: .endOfSection) == .scroll(.lineDown))
    #expect(machine.handle(.resize, at: .beforeStep(0)) == .redraw)
    #expect(machine.handle(.character("?"), at: .beforeStep(0)) == .help)
    #expect(machine.handle(.resize, at: .beforeStep(0)) == .redraw)
    #expect(machine.mode == .help)
    #expect(machine.handle(.character("x"), at: .beforeStep(0)) == .redraw)
    #expect(machine.mode == .reading)
    // Every key the machine knows is on the help screen.
    let keys = StepperMachine.keyTable.map(\.0).joined(separator: " ")
    for key in ["⏎", "s", "r", "e", "0", "PgUp", "k", "b", "l", "?", "q"] { #expect(keys.contains(key)) }
  }

  @Test func hintsNameTheKeys() {
    let hints = StepperMachine.hints(at: .beforeStep(0), isLastSection: false)
    for key in ["run", "s skip", "r rerun", "b back", "l list", "q quit"] { #expect(hints.contains(key)) }
    #expect(StepperMachine.hints(at: .endOfSection, isLastSection: true).contains("finish"))
  }
}

@Suite struct LessonPagesTests {
  @Test func introJoinsTheFirstSectionAndIndicesFollowTheDocument() {
    let text = """
      # Title

      Intro [1](check:a).

      ## One

      ```swift step=s1
      x
      ```

      [2](check:b) and [3](check:c).

      ## Two

      > ```swift step=s2
      > y
      > ```

      - item [4](check:d)
      """
    let lesson = Lesson.parse(text, file: "x.md")
    let pages = LessonPages(lesson)
    #expect(pages.count == 2)
    #expect(pages.pages[0].title == "One")
    #expect(pages.pages[0].steps == 0..<1)
    #expect(pages.pages[0].claims == 0..<3)
    #expect(pages.pages[1].title == "Two")
    #expect(pages.pages[1].steps == 1..<2)
    #expect(pages.pages[1].claims == 3..<4)
    #expect(pages.page(ofStep: 1) == 1)
  }

  @Test func aPageRendersItsOwnStepsAndClaims() {
    let lesson = Lesson.parse("# T\n\n## A\n\n[1](check:a)\n\n## B\n\nSee [2](check:b).\n", file: "x.md")
    let pages = LessonPages(lesson)
    var out = ""
    var seen: [Int] = []
    let renderer = ProseRenderer(lesson: lesson, style: .plain, width: 60) { out += $0 }
    renderer.claimDisplay = { index in
      seen.append(index)
      return .unchecked
    }
    let page = pages.pages[1]
    renderer.render(page.blocks, firstStep: page.firstStep, firstClaim: page.firstClaim)
    #expect(seen == [1])
    #expect(out.contains("See 2"))
    #expect(!out.contains("T\n"))
  }

  @Test func aLessonWithoutSectionsIsOnePage() {
    let pages = LessonPages(Lesson.parse("# Only\n\ntext\n", file: "x.md"))
    #expect(pages.count == 1)
    #expect(pages.pages[0].title == "Only")
  }
}

@Suite struct LessonProgressStoreTests {
  private func temporaryStore() throws -> (LessonProgressStore, String) {
    let directory = NSTemporaryDirectory() + "lesson-state-\(UUID().uuidString)"
    return (LessonProgressStore(directory: directory + "/lesson"), directory)
  }

  @Test func roundTrip() throws {
    let (store, directory) = try temporaryStore()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var progress = LessonProgress(lesson: "/tmp/x/00_demo.md", title: "Demo", sectionCount: 3, section: 1, step: 4)
    progress.sectionStatus[0] = .done
    progress.claims = [0: true, 1: false, 2: true]
    progress.steps = ["a": "done", "b": "skipped"]
    progress.updated = Date(timeIntervalSince1970: 1_700_000_000)
    try store.save(progress)
    #expect(store.load(lesson: "/tmp/x/00_demo.md") == .progress(progress))
    #expect(store.path(forLesson: "/tmp/x/00_demo.md").hasPrefix(store.directory + "/00_demo-"))
    // Atomic replacement leaves no temporary files behind.
    #expect(try FileManager.default.contentsOfDirectory(atPath: store.directory).count == 1)
    #expect(progress.claimsPassed == 2)
  }

  @Test func missingAndCorruptFiles() throws {
    let (store, directory) = try temporaryStore()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    #expect(store.load(lesson: "/tmp/x/a.md") == .none)
    try FileManager.default.createDirectory(atPath: store.directory, withIntermediateDirectories: true)
    let path = store.path(forLesson: "/tmp/x/a.md")
    for garbage in ["{\"version\": 1, \"sect", "not json at all", "[]", "{\"version\": 99}"] {
      try garbage.write(toFile: path, atomically: true, encoding: .utf8)
      guard case .corrupt(let reported, let reason) = store.load(lesson: "/tmp/x/a.md") else {
        Issue.record("\(garbage) must load as corrupt")
        continue
      }
      #expect(reported == path)
      #expect(!reason.isEmpty)
    }
    var progress = LessonProgress(lesson: "/tmp/x/a.md", title: "A", sectionCount: 2)
    progress.version = 2
    try store.save(progress)
    guard case .corrupt(_, let reason) = store.load(lesson: "/tmp/x/a.md") else {
      Issue.record("another format version must load as corrupt")
      return
    }
    #expect(reason.contains("version 2"))
  }

  @Test func directoryFollowsXDG() {
    #expect(LessonProgressStore.standard(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]).directory == "/s/lesson")
    #expect(LessonProgressStore.standard(environment: ["HOME": "/h"]).directory == "/h/.local/state/lesson")
    // A relative XDG_STATE_HOME is invalid per the spec and ignored.
    #expect(LessonProgressStore.standard(environment: ["XDG_STATE_HOME": "rel", "HOME": "/h"]).directory == "/h/.local/state/lesson")
  }

  @Test func lessonsWithOneNameInTwoDirectoriesKeepApart() {
    let store = LessonProgressStore(directory: "/s")
    #expect(store.path(forLesson: "/a/00_x.md") != store.path(forLesson: "/b/00_x.md"))
    #expect(store.path(forLesson: "/a/00_x.md") == store.path(forLesson: "/a/../a/00_x.md"))
  }
}
