import Foundation
import Testing

/// The engine knows nothing about language models: no file of `Sources/LessonKit` imports the
/// numeric library or speaks of losses, tokens per second or temperatures, in code or comments.
/// (Lessons about models are the bundles' business; the engine serves any subject.)
@Suite struct EngineBoundaryTests {
  static var engineSources: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Sources/LessonKit")
  }

  static func swiftFiles() throws -> [URL] {
    let walker = try #require(FileManager.default.enumerator(at: engineSources, includingPropertiesForKeys: nil))
    return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
  }

  @Test func theEngineNeverSpeaksOfLanguageModels() throws {
    let files = try Self.swiftFiles()
    #expect(files.count > 50, "found \(files.count) files under \(Self.engineSources.path)")
    let forbidden = try NSRegularExpression(
      pattern: #"^\s*import\s+(Pretraining|LessonWidgets|ModelCommands)\b|\blosse?s?\b|tokens/s|\btemperatures?\b"#,
      options: [.caseInsensitive, .anchorsMatchLines])
    var found: [String] = []
    for file in files {
      let text = try String(contentsOf: file, encoding: .utf8)
      for match in forbidden.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
        let line = text[..<Range(match.range, in: text)!.lowerBound].split(separator: "\n", omittingEmptySubsequences: false).count
        found.append("\(file.lastPathComponent):\(line): \((text as NSString).substring(with: match.range))")
      }
    }
    #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
  }
}
