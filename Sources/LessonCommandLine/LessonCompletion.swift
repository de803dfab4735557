import Foundation
import LessonKit

/// Shell completions for a LESSON argument: the short names on the lesson search path and, once
/// the word being completed looks like a path, the `.md` files and folders it can continue to.
@Sendable func lessonNameCompletions(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
  if prefix.contains("/") || prefix.hasPrefix(".") {
    let directory = prefix.contains("/") ? String(prefix[...prefix.lastIndex(of: "/")!]) : ""
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
    return entries.sorted().compactMap { entry in
      let path = directory + entry
      guard path.hasPrefix(prefix) else { return nil }
      var isDirectory: ObjCBool = false
      FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
      if isDirectory.boolValue { return path + "/" }
      return entry.hasSuffix(".md") ? path : nil
    }
  }
  let names = ((try? GlobalOptions.locator(for: words.dropFirst().map { $0 }).lessons()) ?? []).map(\.name)
  return names.filter { $0.hasPrefix(prefix) }
}
