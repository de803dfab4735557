import Foundation

/// A throwaway package root with `Package.swift`, a source file and a lesson, for drift tests.
struct TempPackage {
  let root: String

  init(source: String, lesson: String) throws {
    root = NSTemporaryDirectory() + "lessonkit-\(UUID().uuidString)"
    let fm = FileManager.default
    try fm.createDirectory(atPath: root + "/Sources/Demo", withIntermediateDirectories: true)
    try fm.createDirectory(atPath: root + "/Lessons", withIntermediateDirectories: true)
    try "// swift-tools-version: 6.0\n".write(toFile: root + "/Package.swift", atomically: true, encoding: .utf8)
    try source.write(toFile: root + "/Sources/Demo/Demo.swift", atomically: true, encoding: .utf8)
    try lesson.write(toFile: lessonPath, atomically: true, encoding: .utf8)
  }

  var lessonPath: String { root + "/Lessons/00_demo.md" }

  func remove() { try? FileManager.default.removeItem(atPath: root) }
}
