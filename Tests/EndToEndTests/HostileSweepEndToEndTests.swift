import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The second hostile sweep (issue 16), against the built binary: what it found, kept as cases.
/// Every case ends with exit 0, 1 or 2 (or 128 + a signal it was sent), a short message with no
/// raw control characters, and no file replaced, removed or re-moded that should not be.
@Suite struct HostileSweepEndToEndTests {
  /// `output` ended cleanly with one of `statuses`, said something short and printable.
  static func expectClean(_ output: LessonBinary.Output, _ statuses: Set<Int32>, _ what: String,
                          sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!output.signaled, "\(what): killed by signal \(output.status)", sourceLocation: sourceLocation)
    #expect(statuses.contains(output.status), "\(what): status \(output.status): \(output.stderr.prefix(400))",
            sourceLocation: sourceLocation)
    #expect(output.stderr.utf8.count < 4_000, "\(what): \(output.stderr.utf8.count) bytes on stderr", sourceLocation: sourceLocation)
    #expect(!output.stderr.contains("\u{1B}") && !output.stdout.contains("\u{1B}"), "\(what): raw ESC",
            sourceLocation: sourceLocation)
  }

  private func mode(_ path: String) -> mode_t {
    var info = stat()
    _ = stat(path, &info)
    return info.st_mode & 0o7777
  }

  // MARK: - Flags swift-argument-parser refuses

  /// A value the parser cannot read is bad input like any other: exit 2 (not EX_USAGE, 64), and
  /// the value it echoes is cut short and shown with its control characters made visible.
  @Test(arguments: [
    ["check", "selftest", "--color", "bogus"],
    ["check", "selftest", "--color", "\u{1B}]2;pwned\u{07}"],
    ["params", "selftest", "--format", "xml"],
    ["params", "selftest", "--set", "count=3"],
    ["corpus", "extra-argument"],
    ["train", "--steps", "1e3"],
    ["train", "--eval-every", "-1"],
    ["train", "--seed", "99999999999999999999"],
    ["sample", "--checkpoint", "x", "--seed", "-1"],
    ["sample", "--checkpoint", "x", "--count", "-1"],
    ["bench", "--seed", "-5"],
    ["train", "--steps", String(repeating: "9", count: 100_000)],
    ["check", "--no-such-flag-" + String(repeating: "x", count: 100_000)],
  ])
  func unparsableFlagsExitTwoWithAShortPrintableMessage(_ arguments: [String]) throws {
    let output = try LessonBinary.runTestbed(arguments)
    Self.expectClean(output, [2], "\(arguments.map { $0.prefix(40) })")
    #expect(output.stderr.contains("Error:") || output.stderr.contains("error:"), "\(output.stderr.prefix(300))")
    #expect(output.stdout.isEmpty)
  }

  @Test func helpStillExitsZeroOnStdout() throws {
    let output = try LessonBinary.runTestbed(["check", "--help"])
    #expect(output.status == 0)
    #expect(output.stdout.contains("USAGE: lesson check"), "\(output.stdout.prefix(300))")
  }

  // MARK: - Author steps that throw, trap or never return

  /// An overflow in a step kills nothing: the step fails with its Swift file:line, and the claim
  /// measured by an independent step is still checked.
  @Test(arguments: [["check", "Extra/trapping.md"], ["run", "--no-pause", "Extra/trapping.md"]])
  func aTrappingStepIsReportedWithItsFileAndLineAndTheRunGoesOn(_ arguments: [String]) throws {
    let output = try LessonBinary.runTestbed(arguments)
    Self.expectClean(output, [1], "\(arguments)")
    let text = output.stdout + output.stderr
    #expect(text.contains("trapped: a Swift runtime error"), "\(text)")
    #expect(text.contains("(step 'selftest-trap' at ") && text.contains("EngineSelfTest.swift:"), "\(text)")
    if arguments.first == "check" {
      #expect(output.stdout.contains("Extra/trapping.md:3 selftest-trap FAIL"), "\(output.stdout)")
      #expect(output.stdout.contains("Extra/trapping.md:7 selftest-seed pass"), "\(output.stdout)")
      #expect(output.lastLine == "1 passed, 1 failed")
    }
  }

  /// A trap on a thread the step started itself (a `Thread` it waits for; a dispatch queue's
  /// thread while the step's own thread works on) is that step's failure, with the step's Swift
  /// file:line; the independent claim is still checked, and the process exits 1 rather than
  /// dying by the signal. The second step would sleep 30 s: its thread is stopped, not waited
  /// for (had the park failed, the message would say it "could not be stopped", and every later
  /// step would be "not run").
  @Test(arguments: [["check", "Extra/thread-trapping.md"], ["run", "--no-pause", "Extra/thread-trapping.md"]])
  func aTrapOnAThreadTheStepStartedFailsThatStepAndTheRunGoesOn(_ arguments: [String]) throws {
    let output = try LessonBinary.runTestbed(arguments)
    Self.expectClean(output, [1], "\(arguments)")
    let text = output.stdout + output.stderr
    for step in ["selftest-thread-trap", "selftest-queue-trap"] {
      #expect(text.contains("on a thread the step started (step '\(step)' at "), "\(step): \(text)")
    }
    #expect(text.contains("trapped: a Swift runtime error"), "\(text)")
    #expect(text.contains("EngineSelfTest.swift:"), "\(text)")
    #expect(!text.contains("could not be stopped") && !text.contains("not run"), "\(text)")
    if arguments.first == "check" {
      #expect(output.stdout.contains("Extra/thread-trapping.md:3 selftest-thread-trap FAIL"), "\(output.stdout)")
      #expect(output.stdout.contains("Extra/thread-trapping.md:7 selftest-queue-trap FAIL"), "\(output.stdout)")
      #expect(output.stdout.contains("Extra/thread-trapping.md:11 selftest-seed pass"), "\(output.stdout)")
      #expect(output.lastLine == "1 passed, 2 failed", "\(output.stdout)")
    }
  }

  @Test func aStepThatNeverReturnsNamesItsFileAndLine() throws {
    let output = try LessonBinary.runTestbed(["check", "bad-lessons/step-times-out.md"])
    Self.expectClean(output, [1], "timeout")
    #expect(output.stdout.contains("timed out after 0.3 s (step 'selftest-sleep' at "), "\(output.stdout)")
  }

  // MARK: - The result cache

  /// Past a file-size limit (`ulimit -f`), writing the cache fails instead of SIGXFSZ killing
  /// the process: one warning, the check still passes.
  @Test func aFileSizeLimitDegradesTheCacheWithOneWarning() throws {
    let directory = try TemporaryDirectory()
    // stdout goes to /dev/null: the limit would stop the report too (see the next test).
    let output = try LessonBinary.runBinary(
      "/bin/sh", ["-c", "ulimit -f 1; exec \"$0\" check selftest > /dev/null", LessonBinary.testbedPath],
      environment: ["XDG_CACHE_HOME": directory.path + "/cache"])
    Self.expectClean(output, [0], "ulimit -f 1")
    #expect(output.stderr.components(separatedBy: "warning:").count == 2, "\(output.stderr)")
    #expect(output.stderr.contains("File too large"), "\(output.stderr)")
  }

  /// Output that cannot be written (a full disk) ends the command with exit 1 and one line that
  /// says so, not a trap inside Foundation's FileHandle.
  @Test(arguments: [["check", "selftest"], ["show", "selftest"], ["check", "--help"]])
  func aFullStdoutExitsOneWithAMessage(_ arguments: [String]) throws {
    let output = try LessonBinary.runBinary(
      "/bin/sh", ["-c", "exec \"$0\" \"$@\" > /dev/full", LessonBinary.testbedPath] + arguments)
    Self.expectClean(output, [1], "\(arguments) > /dev/full")
    #expect(output.stderr.contains("error: cannot write the output: No space left on device"), "\(output.stderr)")
    #expect(!output.stderr.contains("Fatal error"))
  }

  /// A cache home that is a file, or a device, is named in plain words, not Foundation's dump.
  @Test(arguments: ["file", "/dev/null"])
  func aCacheHomeThatIsNotADirectoryIsNamedPlainly(_ kind: String) throws {
    let directory = try TemporaryDirectory()
    var home = kind
    if kind == "file" {
      home = directory.path + "/cache"
      try "x".write(toFile: home, atomically: false, encoding: .utf8)
    }
    let output = try LessonBinary.runTestbed(["check", "selftest"], environment: ["XDG_CACHE_HOME": home])
    Self.expectClean(output, [0], home)
    #expect(output.stderr.contains("Not a directory"), "\(output.stderr)")
    #expect(!output.stderr.contains("NSCocoaErrorDomain") && !output.stderr.contains("UserInfo"), "\(output.stderr)")
  }

  /// A cache directory copied to another user (another state directory, so another key) is
  /// foreign: every step is recomputed with a warning and the check passes as cold; that user's
  /// own entries then replay. The key is private and outside the cache directory.
  @Test func aCacheCopiedToAnotherUserIsRecomputedWithAWarning() throws {
    let directory = try TemporaryDirectory()
    let cache = directory.path + "/cache"
    let log = directory.path + "/ran.log"
    func check(as user: String) throws -> (LessonBinary.Output, [String]) {
      try? FileManager.default.removeItem(atPath: log)
      let output = try LessonBinary.runTestbed(["check", "selftest"], environment: [
        "XDG_CACHE_HOME": cache, "XDG_STATE_HOME": directory.path + "/" + user, "LESSON_SELFTEST_RUN_LOG": log,
      ])
      return (output, ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init))
    }
    let (cold, ranCold) = try check(as: "alice")
    Self.expectClean(cold, [0], "alice, cold")
    #expect(ranCold.contains("selftest-make-range"))
    #expect(mode(directory.path + "/alice/lesson/cache-key") == 0o600)
    let (foreign, ranForeign) = try check(as: "bob")
    Self.expectClean(foreign, [0], "bob, alice's cache")
    #expect(ranForeign.sorted() == ranCold.sorted(), "bob replayed alice's entries: \(ranForeign)")
    #expect(foreign.stderr.contains("its tag does not match"), "\(foreign.stderr)")
    #expect(foreign.lastLine == cold.lastLine)
    let (warm, ranWarm) = try check(as: "bob")
    Self.expectClean(warm, [0], "bob, warm")
    #expect(ranWarm.isEmpty, "\(ranWarm)")
    #expect(!warm.stderr.contains("warning"), "\(warm.stderr)")
  }

  /// A key file others can read is refused with one warning saying how to fix it; the check
  /// runs uncached and passes.
  @Test func aKeyFileOthersCanReadDegradesTheCacheWithOneWarning() throws {
    let directory = try TemporaryDirectory()
    let key = directory.path + "/state/lesson/cache-key"
    try FileManager.default.createDirectory(atPath: directory.path + "/state/lesson", withIntermediateDirectories: true)
    #expect(FileManager.default.createFile(
      atPath: key, contents: Data(repeating: 1, count: 32), attributes: [.posixPermissions: 0o644]))
    let output = try LessonBinary.runTestbed(["check", "selftest"], environment: [
      "XDG_CACHE_HOME": directory.path + "/cache", "XDG_STATE_HOME": directory.path + "/state",
    ])
    Self.expectClean(output, [0], "world-readable key")
    #expect(output.stderr.components(separatedBy: "warning:").count == 2, "\(output.stderr)")
    #expect(output.stderr.contains("chmod 600 \(key)"), "\(output.stderr)")
    #expect(mode(key) == 0o644, "the key file was changed")
  }

  /// Entries replaced by a link loop, a link to /dev/zero, a 10 GB sparse file or the bare magic
  /// line are each ignored with a warning and recomputed; the checks pass as cold.
  @Test(arguments: ["loop", "device", "sparse", "magic"])
  func oddCacheEntriesAreRecomputed(_ how: String) throws {
    let scratch = CacheEndToEndTests.Scratch()
    let (cold, _) = try scratch.run(["check", "selftest"])
    #expect(cold.status == 0)
    for entry in scratch.entries {
      try FileManager.default.removeItem(atPath: entry)
      switch how {
      case "loop": try FileManager.default.createSymbolicLink(atPath: entry, withDestinationPath: entry)
      case "device": try FileManager.default.createSymbolicLink(atPath: entry, withDestinationPath: "/dev/zero")
      case "sparse":
        #expect(FileManager.default.createFile(atPath: entry, contents: nil))
        #expect(truncate(entry, 10 << 30) == 0)
      default: try Data("LESSON-CACHE 1\n".utf8).write(to: URL(fileURLWithPath: entry))
      }
    }
    let (warm, ran) = try scratch.run(["check", "selftest"])
    Self.expectClean(warm, [0], how)
    #expect(warm.stdout == cold.stdout)
    #expect(Set(ran) == Set(CacheEndToEndTests.allSteps), "\(how): \(ran)")
    #expect(warm.stderr.contains("warning:"), "\(warm.stderr)")
  }

  // MARK: - HTML output

  /// The page of a lesson with `<script>` in its title, prose, code, a claim and every kind of
  /// step output (text, scalar, tensor, table, chart) carries all of it as text: not one of the
  /// lesson's scripts, handlers or `javascript:` links survives as markup. (BrowserTests runs the
  /// same lesson in Chromium; this needs no browser.)
  @Test func aHostileLessonBuildsToAPageWithoutItsMarkup() throws {
    let directory = try TemporaryDirectory()
    let lesson = LessonBinary.packageRoot.path + "/Tests/BrowserTests/Fixtures/hostile.md"
    let output = try LessonBinary.runTestbed(["build", "--html", directory.path + "/site", lesson])
    Self.expectClean(output, [0], "build")
    let page = try String(contentsOfFile: directory.path + "/site/hostile.html", encoding: .utf8)
    for markup in ["<script>window.__pwned", "onerror=\"window", "href=\"javascript:", "<img src=x"] {
      #expect(!page.contains(markup), "the page holds \(markup)")
    }
    // Present as text: escaped, once per place the lesson put it.
    #expect(page.contains("&lt;script&gt;window.__pwned = 8&lt;/script&gt;"))
    #expect(page.contains("&lt;script&gt;window.__pwned = 1&lt;/script&gt;"))
  }

  // MARK: - Lesson paths

  @Test func aLessonLinkLoopOrAnUnreadableProcFileIsNamedForWhatItIs() throws {
    let directory = try TemporaryDirectory()
    try FileManager.default.createSymbolicLink(atPath: directory.path + "/a.md", withDestinationPath: "b.md")
    try FileManager.default.createSymbolicLink(atPath: directory.path + "/b.md", withDestinationPath: "a.md")
    let loop = try LessonBinary.runTestbed(["check", directory.path + "/a.md"])
    Self.expectClean(loop, [2], "loop")
    #expect(loop.stderr.contains("Too many levels of symbolic links"), "\(loop.stderr)")
    #expect(!loop.stderr.contains("no lesson named"))
    let proc = try LessonBinary.runTestbed(["check", "/proc/self/mem"])
    Self.expectClean(proc, [2], "/proc/self/mem")
    #expect(proc.stderr.contains("/proc/self/mem:1: error: cannot read lesson: Input/output error"), "\(proc.stderr)")
  }

  // MARK: - Progress

  /// The progress file of the self-test lesson under `state` (the store's naming rule).
  private func progressFile(state: String) -> String {
    let lesson = URL(fileURLWithPath: LessonBinary.fixtures + "/Lessons/00_selftest.md").standardizedFileURL.path
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in lesson.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return state + "/lesson/00_selftest-" + String(hash, radix: 16) + ".json"
  }

  /// `progress --reset` removes one name: a directory someone put where the progress file goes
  /// is refused with what is in it kept, and a FIFO there is neither read nor waited on.
  @Test func progressNeverDeletesADirectoryOrBlocksOnAFIFO() throws {
    let directory = try TemporaryDirectory()
    let state = directory.path + "/state"
    let file = progressFile(state: state)
    try FileManager.default.createDirectory(atPath: file + "/kept", withIntermediateDirectories: true)
    try "mine".write(toFile: file + "/kept/notes.txt", atomically: false, encoding: .utf8)
    let reset = try LessonBinary.runTestbed(["progress", "--reset", "selftest"], environment: ["XDG_STATE_HOME": state])
    Self.expectClean(reset, [1], "reset of a directory")
    #expect(reset.stderr.contains("it is a directory, not a progress file"), "\(reset.stderr)")
    #expect(FileManager.default.fileExists(atPath: file + "/kept/notes.txt"))
    try FileManager.default.removeItem(atPath: file)
    #expect(mkfifo(file, 0o644) == 0)
    let listed = try LessonBinary.runTestbed(["progress"], environment: ["XDG_STATE_HOME": state])
    Self.expectClean(listed, [0], "progress with a FIFO")
    #expect(listed.stdout.contains("unreadable progress"), "\(listed.stdout)")
  }

  // MARK: - lesson new

  @Test func aHugeLessonNameIsEchoedShort() throws {
    let directory = try TemporaryDirectory()
    let output = try LessonBinary.runTestbed(
      ["new", String(repeating: "A", count: 100_000), "--package", directory.path + "/pkg"], in: directory.path)
    Self.expectClean(output, [1, 2], "new")
    #expect(output.stderr.contains("cannot name a lesson"), "\(output.stderr.prefix(300))")
    #expect(!FileManager.default.fileExists(atPath: directory.path + "/pkg"))
  }

  // MARK: - Another user

  /// As a user who may not write it, a 0444 export target or checkpoint is refused, kept
  /// byte for byte and mode for mode (as root, `access` would say yes to anything).
  @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
  func aReadOnlyTargetIsRefusedForAnotherUser() throws {
    let directory = try TemporaryDirectory()
    #expect(chmod(directory.path, 0o777) == 0)
    let checkpoint = directory.path + "/model.safetensors"
    let train = try LessonBinary.run(["train", "--steps", "1", "--eval-batches", "1", "--out", checkpoint] + NumericCommandTests.tiny)
    #expect(train.status == 0, "\(train.stderr)")
    let target = directory.path + "/readonly.safetensors"
    try "keep".write(toFile: target, atomically: false, encoding: .utf8)
    #expect(chown(target, 65534, 65534) == 0 && chmod(target, 0o444) == 0)
    let asNobody = ["--reuid=65534", "--regid=65534", "--clear-groups", LessonBinary.path]
    for arguments in [["export", "--format", "nanogpt", checkpoint, target],
                      ["train", "--steps", "1", "--out", target] + NumericCommandTests.tiny] {
      let output = try LessonBinary.runBinary("/usr/bin/setpriv", asNobody + arguments, in: directory.path,
                                              environment: ["XDG_CACHE_HOME": directory.path + "/cache"])
      Self.expectClean(output, [2], "\(arguments.prefix(2))")
      #expect(output.stderr.contains("it is read-only for you (mode 444)"), "\(output.stderr)")
      #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep")
      #expect(mode(target) == 0o444)
    }
  }
}
