import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Issue 16's hostile cases that need the file system: links, FIFOs, modes, floods.
@Suite struct HostileLessonFileEndToEndTests {
  static let lesson = """
    # Linked

    ```swift step=selftest-make-range
    let numbers = Array(1...100)
    context[rangeKey] = numbers
    ```

    The sum is [5,050](check:selftest-sum-of-range).

    """

  @Test func aSymlinkToAValidLessonIsChecked() throws {
    let directory = try TemporaryDirectory()
    try Self.lesson.write(toFile: directory.path + "/real.md", atomically: false, encoding: .utf8)
    try FileManager.default.createSymbolicLink(atPath: directory.path + "/link.md", withDestinationPath: "real.md")
    let output = try LessonBinary.runTestbed(["check", directory.path + "/link.md"])
    #expect(output.status == 0, "\(output.stderr)")
    #expect(output.stdout.contains("link.md:8 selftest-sum-of-range pass"), "\(output.stdout)")
  }

  @Test func aFIFOOrDeviceIsRefusedWithoutReading() throws {
    let directory = try TemporaryDirectory()
    let fifo = directory.path + "/pipe.md"
    #expect(mkfifo(fifo, 0o644) == 0)
    try FileManager.default.createSymbolicLink(atPath: directory.path + "/to-null.md", withDestinationPath: "/dev/null")
    for (path, phrase) in [(fifo, "it is a FIFO (named pipe)"), (directory.path + "/to-null.md", "it is a character device")] {
      for command in ["check", "run", "show", "lint"] {
        let output = try LessonBinary.runTestbed([command, path])
        #expect(output.status == 2, "\(command) \(path): \(output.stderr)")
        #expect(output.stderr.contains("\(path):1") && output.stderr.contains(phrase), "\(output.stderr)")
      }
    }
  }

  @Test func aMillionCharacterCheckIdOrToleranceIsEchoedShort() throws {
    let directory = try TemporaryDirectory()
    let huge = String(repeating: "x", count: 1_000_000)
    let path = directory.path + "/flood.md"
    try "# T\n\n[1](check:\(huge))\n\n[2](check:selftest-mean \"tol=\(huge)\")\n".write(toFile: path, atomically: false, encoding: .utf8)
    // check and run refuse the lesson (2); lint reports its problems on stdout (1).
    for (command, status) in [("check", Int32(2)), ("run", 2), ("lint", 1)] {
      let output = try LessonBinary.runTestbed([command, path])
      let text = output.stdout + output.stderr
      #expect(output.status == status, "\(command)")
      #expect(text.utf8.count < 4_000, "\(command): \(text.utf8.count) bytes")
      #expect(text.contains("\(path):3") && text.contains("\(path):5"), "\(command)")
    }
  }
}

/// `lesson sync` writes through the one atomic writer: form, mode and links are respected.
@Suite struct SyncKeepsTheFileEndToEndTests {
  private func makePackage(lesson bytes: [UInt8]) throws -> TemporaryDirectory {
    let root = try TemporaryDirectory()
    let fm = FileManager.default
    try fm.createDirectory(atPath: root.path + "/Sources/Demo", withIntermediateDirectories: true)
    try fm.createDirectory(atPath: root.path + "/Lessons", withIntermediateDirectories: true)
    try "// swift-tools-version: 6.0\n".write(toFile: root.path + "/Package.swift", atomically: true, encoding: .utf8)
    try DriftEndToEndTests.source.write(toFile: root.path + "/Sources/Demo/Demo.swift", atomically: true, encoding: .utf8)
    try Data(bytes).write(to: URL(fileURLWithPath: root.path + "/Lessons/00_drift.md"))
    return root
  }

  private func mode(_ path: String) -> mode_t {
    var info = stat()
    _ = stat(path, &info)
    return info.st_mode & 0o7777
  }

  @Test func syncKeepsTheBOMTheCRLFLineEndingsAndTheMode() throws {
    let drifted = "\u{FEFF}" + DriftEndToEndTests.lesson.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n"
    let root = try makePackage(lesson: Array(drifted.utf8))
    let path = root.path + "/Lessons/00_drift.md"
    #expect(chmod(path, 0o600) == 0)
    let sync = try LessonBinary.runTestbed(["sync", "drift"], in: root.path)
    #expect(sync.status == 0, "\(sync.stderr)")
    let after = try Data(contentsOf: URL(fileURLWithPath: path))
    let expected = drifted.replacingOccurrences(of: "Array(1...99)", with: "Array(1...100)")
    #expect(after == Data(expected.utf8), "\(String(decoding: after, as: UTF8.self).debugDescription)")
    #expect(mode(path) == 0o600)
    #expect(try LessonBinary.runTestbed(["sync", "drift", "--check"], in: root.path).status == 0)
  }

  @Test func syncRefusesAHardLinkedLessonAndLeavesBothNames() throws {
    let root = try makePackage(lesson: Array((DriftEndToEndTests.lesson + "\n").utf8))
    let path = root.path + "/Lessons/00_drift.md"
    #expect(link(path, root.path + "/other-name.md") == 0)
    let sync = try LessonBinary.runTestbed(["sync", "drift"], in: root.path)
    #expect(sync.status == 2)
    #expect(sync.stderr.contains("2 hard links"), "\(sync.stderr)")
    #expect(sync.stderr.contains("break the link first"))
    let other = try String(contentsOfFile: root.path + "/other-name.md", encoding: .utf8)
    #expect(other.contains("Array(1...99)"))
    var info = stat()
    #expect(stat(path, &info) == 0 && info.st_nlink == 2)
  }
}
