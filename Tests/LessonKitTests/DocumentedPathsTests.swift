import Foundation
import Testing

/// Every repository path that README.md and docs/*.md name exists, so a reader following the
/// docs never lands on a moved or deleted file.
@Suite struct DocumentedPathsTests {
  static var packageRoot: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  }

  /// Paths the docs name on purpose although they do not exist in the repository: what the
  /// `lesson new tokenizers` walk-throughs create, in this package and in an author's own.
  static let createdByExamples: Set<String> = [
    "Sources/LessonBundles/Tokenizers/TokenizersLesson.swift",
    "Lessons/00_tokenizers.md", "Sources/TokenizersLesson", "Sources/TokenizersLesson/TokenizersLesson.swift",
    "Sources/tokenizers/main.swift", "Tests/TokenizersLessonTests/",
  ]

  static var documents: [String] {
    let docs = (try? FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("docs").path)) ?? []
    return ["README.md"] + docs.filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
  }

  /// The repository paths in `text`: words starting with a top-level folder of this repository.
  static func paths(in text: String) -> [String] {
    let pattern = #"(?<![A-Za-z0-9_./-])(?:\.\./)?((?:Sources|Tests|Lessons|docs|Tools|scripts|Benchmarks|Fuzz|\.ci)/[A-Za-z0-9_./+<>*-]*)"#
    let regex = try! NSRegularExpression(pattern: pattern)
    return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
      guard let range = Range(match.range(at: 1), in: text) else { return nil }
      var path = String(text[range])
      while let last = path.last, ".,:".contains(last) { path.removeLast() }
      return path
    }
  }

  /// Placeholders (`NN_<name>.md`, `*.md`) and git-ignored outputs (`Fuzz/findings/`) name no file.
  static func isPattern(_ path: String) -> Bool {
    path.contains("<") || path.contains("*") || path.contains("NN_") || path.contains("NAME") || path.hasPrefix("Fuzz/findings")
  }

  @Test(arguments: documents)
  func everyNamedPathExists(document: String) throws {
    let text = try String(contentsOf: Self.packageRoot.appendingPathComponent(document), encoding: .utf8)
    for path in Self.paths(in: text) where !Self.isPattern(path) && !Self.createdByExamples.contains(path) {
      #expect(
        FileManager.default.fileExists(atPath: Self.packageRoot.appendingPathComponent(path).path),
        "\(document) names \(path), which does not exist")
    }
  }

  @Test func theScanFindsPathsAndTheExemptionsAreStillUsed() throws {
    #expect(Self.paths(in: "see `Sources/LessonKit/Parsing/CmarkDocument.swift`, and (../docs/security.md).")
      == ["Sources/LessonKit/Parsing/CmarkDocument.swift", "docs/security.md"])
    #expect(Self.paths(in: "MySources/x and Sources.swift").isEmpty)
    let all = try Self.documents.flatMap { document in
      Self.paths(in: try String(contentsOf: Self.packageRoot.appendingPathComponent(document), encoding: .utf8))
    }
    #expect(Self.createdByExamples.isSubset(of: Set(all)), "drop exemptions no document names any more")
    #expect(all.count > 20, "the docs name many paths; finding few means the scan broke")
  }
}
