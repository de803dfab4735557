import Foundation
import FoundationXML
import LessonKit
import Testing

@Suite struct ReportTests {
  static let report = CheckReport(lessons: [
    .init(file: "L/00_a.md", title: "A <&> \"quoted\"", results: [
      CheckResult(kind: .claim, id: "x", file: "L/00_a.md", line: 3, status: .passed, claimed: "2,048",
                  computed: "2,048", message: nil, seconds: 0.01),
      CheckResult(kind: .claim, id: "y", file: "L/00_a.md", line: 5, status: .failed, claimed: "5 < 6 & \u{1B}",
                  computed: "7", message: nil, seconds: 0.02),
      CheckResult(kind: .assertion, id: "s", file: "L/00_a.md", line: 9, status: .passed, claimed: nil,
                  computed: nil, message: "fine", seconds: 0),
    ], errors: [])
  ])

  @Test func textEndsWithTheSummaryLine() {
    let lines = Self.report.text(style: .plain).split(separator: "\n")
    #expect(lines.last == "2 passed, 1 failed")
    #expect(lines[0] == "L/00_a.md:3 x pass (claimed 2,048, computed 2,048)")
    #expect(lines[1] == "L/00_a.md:5 y FAIL (claimed 5 < 6 & ␛, computed 7)")
    #expect(lines[2] == "L/00_a.md:9 s pass (fine)")
    #expect(Self.report.exitCode == 1)
  }

  @Test func jsonIsWellFormed() throws {
    let data = Data(Self.report.json().utf8)
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(object["passed"] as? Int == 2)
    #expect(object["failed"] as? Int == 1)
    let lessons = try #require(object["lessons"] as? [[String: Any]])
    #expect((lessons.first?["results"] as? [Any])?.count == 3)
  }

  @Test func junitIsValidXML() throws {
    let parser = XMLParser(data: Data(Self.report.junit().utf8))
    let counter = ElementCounter()
    parser.delegate = counter
    #expect(parser.parse(), "\(String(describing: parser.parserError))")
    #expect(counter.counts["testsuites"] == 1)
    #expect(counter.counts["testcase"] == 3)
    #expect(counter.counts["failure"] == 1)
  }

  @Test func bindErrorsExitTwo() {
    var report = Self.report
    report.lessons.append(.init(file: "b.md", title: "b", results: [], errors: ["b.md:1: error: x"]))
    #expect(report.exitCode == 2)
    #expect(CheckReport().exitCode == 0)
  }
}

/// Counts XML elements by name.
final class ElementCounter: NSObject, XMLParserDelegate {
  var counts: [String: Int] = [:]
  func parser(
    _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
    attributes: [String: String] = [:]
  ) {
    counts[name, default: 0] += 1
  }
}
