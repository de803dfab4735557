import Foundation
import FoundationXML
import Testing

@Suite struct CheckEndToEndTests {
  let selftest = "Lessons/00_selftest.md"
  let oneFalse = "Lessons/01_onefalse.md"

  @Test func passingLessonExitsZero() throws {
    let output = try LessonBinary.runTestbed(["check", selftest])
    #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
    #expect(output.lastLine == "9 passed, 0 failed")
    #expect(output.stdout.contains("Lessons/00_selftest.md:14 selftest-sum-of-range pass (claimed 5,050, computed 5,050)"))
  }

  @Test func oneFalseClaimExitsOne() throws {
    let output = try LessonBinary.runTestbed(["check", oneFalse])
    #expect(output.status == 1)
    #expect(output.lastLine == "2 passed, 1 failed")
    #expect(output.stdout.contains("Lessons/01_onefalse.md:4 selftest-sum-of-range FAIL (claimed 5,000, computed 5,050)"))
  }

  @Test func shortNamesAndEveryLesson() throws {
    let byName = try LessonBinary.runTestbed(["check", "onefalse"])
    #expect(byName.lastLine == "2 passed, 1 failed")
    let all = try LessonBinary.runTestbed(["check"])
    #expect(all.status == 1)
    #expect(all.lastLine == "11 passed, 1 failed")
  }

  @Test func pipedOutputHoldsNoEscapes() throws {
    for arguments in [["check", selftest], ["run", selftest], ["show", selftest], ["list"], ["lint", selftest]] {
      let output = try LessonBinary.runTestbed(arguments)
      #expect(!output.stdout.contains("\u{1B}"), "escape in `lesson \(arguments.joined(separator: " "))`")
      #expect(!output.stderr.contains("\u{1B}"))
    }
  }

  @Test func colourAlwaysDoesColour() throws {
    let output = try LessonBinary.runTestbed(["check", selftest, "--color", "always"])
    #expect(output.stdout.contains("\u{1B}["))
  }

  @Test func jsonReportIsWellFormed() throws {
    let output = try LessonBinary.runTestbed(["check", selftest, oneFalse, "--format", "json"])
    #expect(output.status == 1)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
    #expect(object["passed"] as? Int == 11)
    #expect(object["failed"] as? Int == 1)
    let lessons = try #require(object["lessons"] as? [[String: Any]])
    #expect(lessons.count == 2)
    #expect(lessons.first?["title"] as? String == "Engine self-test")
  }

  @Test func junitReportIsValidXML() throws {
    let output = try LessonBinary.runTestbed(["check", selftest, oneFalse, "--format", "junit"])
    #expect(output.status == 1)
    let parser = XMLParser(data: Data(output.stdout.utf8))
    let counter = ElementCounter()
    parser.delegate = counter
    #expect(parser.parse(), "\(String(describing: parser.parserError))")
    #expect(counter.counts["testsuite"] == 2)
    #expect(counter.counts["testcase"] == 12)
    #expect(counter.counts["failure"] == 1)
  }

  @Test func unknownIdsExitTwoWithFileAndLine() throws {
    let output = try LessonBinary.runTestbed(["check", "Broken/00_unknown.md"])
    #expect(output.status == 2)
    #expect(output.stderr.contains("Broken/00_unknown.md:3: error: step 'selftest-no-such-step' is not registered"))
    #expect(output.stderr.contains("Broken/00_unknown.md:7: error: check 'selftest-no-such-check' is not registered"))
    #expect(output.lastLine == "0 passed, 0 failed")
  }

  @Test func numberClaimOnBooleanCheckIsABindError() throws {
    let output = try LessonBinary.runTestbed(["check", "Broken/01_misbound.md"])
    #expect(output.status == 2)
    #expect(output.stdout.contains("Broken/01_misbound.md:4 selftest-all-positive BIND-ERROR"))
    #expect(output.stdout.contains("move the number out of the link text"))
  }

  @Test func missingLessonExitsTwo() throws {
    let output = try LessonBinary.runTestbed(["check", "no-such-lesson"])
    #expect(output.status == 2)
    #expect(output.stderr.contains("no lesson named 'no-such-lesson'"))
  }

  @Test func failingStepIsReported() throws {
    let output = try LessonBinary.runTestbed(["check", "Extra/failing-step.md"])
    #expect(output.status == 1)
    // The failure names the step's Swift file:line, for the author to find the throwing code.
    #expect(output.stdout.contains(
      "Extra/failing-step.md:3 selftest-fail FAIL (step failed: deliberate failure from selftest-fail (thrown by step 'selftest-fail' at "))
    #expect(output.stdout.contains("EngineSelfTest.swift:"))
    #expect(output.lastLine == "1 passed, 1 failed")
  }

  @Test func seedOption() throws {
    #expect(try LessonBinary.runTestbed(["check", "Extra/seed.md"]).status == 1)
    #expect(try LessonBinary.runTestbed(["check", "Extra/seed.md", "--seed", "7"]).status == 0)
  }

  @Test func onlyRunsOneClaimWithItsDependencies() throws {
    let output = try LessonBinary.runTestbed(["check", selftest, "--only", "selftest-sum-of-squares"])
    #expect(output.status == 0)
    let lines = output.stdout.split(separator: "\n")
    #expect(lines.count == 3)
    #expect(lines.dropLast().allSatisfy { $0.contains("selftest-sum-of-squares pass") })
    #expect(output.lastLine == "2 passed, 0 failed")
  }

  @Test func fromStartsMidway() throws {
    let output = try LessonBinary.runTestbed(["check", selftest, "--from", "selftest-squares"])
    #expect(output.status == 0)
    #expect(!output.stdout.contains("selftest-mean"))
    #expect(output.stdout.contains("selftest-third pass"))
    #expect(output.lastLine == "4 passed, 0 failed")
  }

  @Test func unknownSelectorExitsTwo() throws {
    let output = try LessonBinary.runTestbed(["check", selftest, "--only", "nope"])
    #expect(output.status == 2)
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

@Suite struct SelectionEndToEndTests {
  @Test func onlyAStepReportsItsAssertionsAfterQuietDependencies() throws {
    let output = try LessonBinary.runTestbed(["check", "selftest", "--only", "selftest-squares"])
    #expect(output.status == 0)
    #expect(output.stdout == "Lessons/00_selftest.md:20 selftest-squares pass (squares are non-negative)\n1 passed, 0 failed\n")
  }
}
