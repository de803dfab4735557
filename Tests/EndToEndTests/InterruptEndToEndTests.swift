import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Ctrl-C and SIGTERM during `lesson run` and `lesson check` end the process in order:
/// exit status 130 or 143 (not death by signal), with a message.
@Suite struct InterruptEndToEndTests {
  /// Starts `lesson-testbed arguments…` (its fixtures use the self-test bundle), waits until its stderr shows `marker`, sends `signal`, and
  /// returns how it ended and what it wrote to stderr.
  private func interrupt(
    _ arguments: [String], after marker: String, with signal: Int32
  ) throws -> (status: Int32, signaled: Bool, stderr: String) {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lesson-int-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let errURL = scratch.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: LessonBinary.testbedPath)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: LessonBinary.fixtures)
    process.standardOutput = FileHandle.nullDevice
    process.standardError = try FileHandle(forWritingTo: errURL)
    process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
    try process.run()
    // The sleeping step announces itself; it sleeps 30 s, so there is time to interrupt it.
    // Generous: a sanitized debug binary (make sanitize) takes tens of seconds to hash itself
    // for the cache's build identity before the step starts; the wait ends as soon as it does.
    let deadline = Date().addingTimeInterval(180)
    var stderr = ""
    while Date() < deadline, !stderr.contains(marker) {
      Thread.sleep(forTimeInterval: 0.05)
      stderr = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
    }
    #expect(stderr.contains(marker), "the step never started: \(stderr)")
    kill(process.processIdentifier, signal)
    process.waitUntilExit()
    stderr = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
    return (process.terminationStatus, process.terminationReason == .uncaughtSignal, stderr)
  }

  @Test(arguments: [
    (["run", "--no-pause", "Extra/sleeping.md"], SIGINT, Int32(130), "SIGINT"),
    (["run", "--no-pause", "Extra/sleeping.md"], SIGTERM, Int32(143), "SIGTERM"),
    (["check", "Extra/sleeping.md"], SIGINT, Int32(130), "SIGINT"),
    (["check", "Extra/sleeping.md"], SIGTERM, Int32(143), "SIGTERM"),
    (["check", "Extra/sleeping.md"], SIGHUP, Int32(129), "SIGHUP"),
    // The site is written only after every step: an interrupted build leaves no folder behind.
    (["build", "--html", NSTemporaryDirectory() + "lesson-interrupted-site", "Extra/sleeping.md"], SIGTERM, Int32(143), "SIGTERM"),
  ])
  func interruptsExitWithTheConventionalStatus(_ arguments: [String], _ signal: Int32, _ status: Int32, _ name: String) throws {
    let result = try interrupt(arguments, after: "selftest-sleep: sleeping", with: signal)
    #expect(!result.signaled, "killed by signal \(result.status) instead of exiting")
    #expect(result.status == status)
    #expect(result.stderr.contains("interrupted (\(name))"))
    if let site = arguments.firstIndex(of: "--html").map({ arguments[$0 + 1] }) {
      #expect(!FileManager.default.fileExists(atPath: site), "an interrupted build left \(site)")
    }
  }
}
