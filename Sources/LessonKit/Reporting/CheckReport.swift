import Foundation

// MARK: - Check reports

/// The results of `lesson check` over one or more lessons.
public struct CheckReport: Sendable {
  /// One lesson's results, or why it could not be loaded or bound.
  public struct LessonResults: Sendable {
    public var file: String
    public var title: String
    public var results: [CheckResult]
    /// Load or bind errors; when present the lesson did not run.
    public var errors: [String]

    public init(file: String, title: String, results: [CheckResult], errors: [String]) {
      self.file = file
      self.title = title
      self.results = results
      self.errors = errors
    }
  }

  public var lessons: [LessonResults] = []

  public init(lessons: [LessonResults] = []) { self.lessons = lessons }

  public var passed: Int { lessons.reduce(0) { $0 + $1.results.filter(\.passed).count } }
  public var failed: Int { lessons.reduce(0) { $0 + $1.results.filter { !$0.passed }.count } }

  /// 0 when everything passed, 1 when something failed, 2 when a lesson could not be loaded
  /// or bound (including a claim whose check returns the other kind of outcome).
  public var exitCode: Int32 {
    let bindFailure = lessons.contains { !$0.errors.isEmpty || $0.results.contains { $0.status == .misbound } }
    if bindFailure { return 2 }
    return failed > 0 ? 1 : 0
  }

  /// The closing line, exactly `N passed, M failed`.
  public var summaryLine: String { "\(passed) passed, \(failed) failed" }

  // MARK: - Text

  /// One line per result, `file:line id result (claimed X, computed Y)`, then the summary line.
  public func text(style: TerminalStyle) -> String {
    var out = ""
    for lesson in lessons {
      for result in lesson.results {
        let word: String
        switch result.status {
        case .passed where result.kind == .setting: word = style.apply(.green, "pass (setting)")
        case .passed: word = style.apply(.green, "pass")
        case .failed: word = style.apply(.red, "FAIL")
        case .misbound: word = style.apply(.red, "BIND-ERROR")
        }
        let location = Sanitizer.clean("\(LessonLocator.displayPath(result.file)):\(result.line)")
        let explanation = result.explanation.isEmpty ? "" : " (\(Sanitizer.clean(result.explanation, singleLine: true)))"
        out += "\(location) \(Sanitizer.clean(result.id)) \(word)\(explanation)\n"
      }
    }
    out += summaryLine + "\n"
    return out
  }

  // MARK: - JSON

  /// A JSON document: totals, exit code, and per-lesson results and errors.
  public func json() -> String {
    func result(_ r: CheckResult) -> [String: Any] {
      var object: [String: Any] = [
        "kind": r.kind.rawValue, "id": r.id, "file": r.file, "line": r.line,
        "status": r.status.rawValue, "passed": r.passed, "seconds": r.seconds,
      ]
      if let claimed = r.claimed { object["claimed"] = claimed }
      if let computed = r.computed { object["computed"] = computed }
      // Full precision for tools; the text report and the learner's view round.
      if let value = r.value, value.isFinite { object["value"] = value }
      if r.cached { object["cached"] = true }
      if let message = r.message { object["message"] = message }
      return object
    }
    let document: [String: Any] = [
      "passed": passed, "failed": failed, "exitCode": Int(exitCode), "summary": summaryLine,
      "lessons": lessons.map { lesson in
        ["file": lesson.file, "title": lesson.title, "errors": lesson.errors, "results": lesson.results.map(result)]
          as [String: Any]
      },
    ]
    guard let data = try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys]),
      let text = String(data: data, encoding: .utf8)
    else { return "{}\n" }
    return text + "\n"
  }

  // MARK: - JUnit

  /// A JUnit XML document: one `testsuite` per lesson, one `testcase` per result.
  public func junit() -> String {
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    let errorCount = lessons.reduce(0) { $0 + $1.errors.count }
    out += "<testsuites name=\"lesson check\" tests=\"\(passed + failed + errorCount)\" failures=\"\(failed)\" errors=\"\(errorCount)\">\n"
    for lesson in lessons {
      let failures = lesson.results.filter { !$0.passed }.count
      let time = lesson.results.reduce(0) { $0 + $1.seconds }
      out += "  <testsuite name=\"\(xml(lesson.title))\" file=\"\(xml(lesson.file))\" "
        + "tests=\(quoted(lesson.results.count + lesson.errors.count)) failures=\(quoted(failures)) "
        + "errors=\(quoted(lesson.errors.count)) time=\"\(String(format: "%.3f", time))\">\n"
      for error in lesson.errors {
        out += "    <testcase name=\"load\" classname=\"\(xml(lesson.file))\">\n"
        out += "      <error message=\"\(xml(error))\"/>\n    </testcase>\n"
      }
      for result in lesson.results {
        out += "    <testcase name=\"\(xml(result.file)):\(result.line) \(xml(result.id))\" "
          + "classname=\"\(xml(lesson.file))\" file=\"\(xml(result.file))\" line=\"\(result.line)\" "
          + "time=\"\(String(format: "%.3f", result.seconds))\""
        if result.passed {
          out += "/>\n"
        } else {
          let tag = result.status == .misbound ? "error" : "failure"
          out += ">\n      <\(tag) message=\"\(xml(result.explanation))\" type=\"\(result.kind.rawValue)\">"
            + "\(xml(result.explanation))</\(tag)>\n    </testcase>\n"
        }
      }
      out += "  </testsuite>\n"
    }
    out += "</testsuites>\n"
    return out
  }

  private func quoted(_ n: Int) -> String { "\"\(n)\"" }

  private func xml(_ text: String) -> String { XMLText.escaped(text, keepingLineBreaks: true) }
}
