import Foundation

// MARK: - Marked source regions

/// A region of real source between `// lesson:begin <id>` and `// lesson:end`.
public struct SourceRegion: Sendable, Equatable {
  public let id: String
  public let file: String
  /// The line of the `lesson:begin` marker.
  public let line: Int
  /// The lines between the markers, with common indentation removed.
  public let code: String
}

/// All marked regions under a package's `Sources/`, plus problems with the markers.
public struct SourceRegionIndex: Sendable {
  public let regions: [String: SourceRegion]
  public let problems: [Diagnostic]

  /// Scans every `.swift` file under `root/Sources`.
  public init(packageRoot root: String) {
    let sources = (root as NSString).appendingPathComponent("Sources")
    var regions: [String: SourceRegion] = [:]
    var problems: [Diagnostic] = []
    let enumerator = FileManager.default.enumerator(atPath: sources)
    var files: [String] = []
    while let relative = enumerator?.nextObject() as? String {
      if relative.hasSuffix(".swift") { files.append((sources as NSString).appendingPathComponent(relative)) }
    }
    for file in files.sorted() {
      guard let text = try? String(contentsOfFile: file, encoding: .utf8), text.contains("lesson:") else { continue }
      let (found, fileProblems) = Self.scan(text, file: file)
      problems += fileProblems
      for region in found {
        if let existing = regions[region.id] {
          problems.append(Diagnostic(
            .error, file: file, line: region.line,
            "source region '\(region.id)' is also marked at \(existing.file):\(existing.line); region ids must be unique"))
        } else {
          regions[region.id] = region
        }
      }
    }
    self.regions = regions
    self.problems = problems
  }

  /// Finds the regions of one file's text.
  static func scan(_ text: String, file: String) -> ([SourceRegion], [Diagnostic]) {
    var regions: [SourceRegion] = []
    var problems: [Diagnostic] = []
    var open: (id: String, line: Int, lines: [Substring])?
    for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.hasPrefix("// lesson:begin") {
        let id = trimmed.dropFirst("// lesson:begin".count).trimmingCharacters(in: .whitespaces)
        if let current = open {
          problems.append(Diagnostic(
            .error, file: file, line: offset + 1,
            "region '\(id)' begins inside region '\(current.id)' (line \(current.line)); close it with // lesson:end first"))
        }
        if id.isEmpty {
          problems.append(Diagnostic(.error, file: file, line: offset + 1, "`// lesson:begin` needs an id"))
        }
        open = (id, offset + 1, [])
      } else if trimmed == "// lesson:end" {
        guard let current = open else {
          problems.append(Diagnostic(.error, file: file, line: offset + 1, "`// lesson:end` without a matching begin"))
          continue
        }
        if !current.id.isEmpty {
          regions.append(SourceRegion(
            id: current.id, file: file, line: current.line,
            code: CodeNormalizer.normalize(current.lines.joined(separator: "\n"))))
        }
        open = nil
      } else if open != nil {
        open?.lines.append(line)
      }
    }
    if let current = open {
      problems.append(Diagnostic(.error, file: file, line: current.line, "region '\(current.id)' has no `// lesson:end`"))
    }
    return (regions, problems)
  }
}

// MARK: - Normalizing code

/// Makes shown code and source regions comparable: common indentation removed, trailing
/// whitespace trimmed, leading and trailing blank lines dropped, tabs as two spaces.
public enum CodeNormalizer {
  public static func normalize(_ code: String) -> String {
    var lines = code.replacingOccurrences(of: "\t", with: "  ")
      .split(separator: "\n", omittingEmptySubsequences: false)
      .map { String($0.reversed().drop(while: { $0 == " " || $0 == "\r" }).reversed()) }
    while lines.first?.isEmpty == true { lines.removeFirst() }
    while lines.last?.isEmpty == true { lines.removeLast() }
    let indent = lines.filter { !$0.isEmpty }.map { $0.prefix(while: { $0 == " " }).count }.min() ?? 0
    return lines.map { $0.isEmpty ? $0 : String($0.dropFirst(indent)) }.joined(separator: "\n")
  }
}
