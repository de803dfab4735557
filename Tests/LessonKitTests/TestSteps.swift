import LessonKit

/// A step named `NAME-step` that records one measurement `NAME`: the smallest way for a test
/// lesson to hold a claim.
func measuring(_ name: String, _ value: MeasuredValue, file: String = #filePath, line: Int = #line) -> Step {
  Step("\(name)-step", measures: [name], file: file, line: line) { context in
    switch value {
    case .number(let number, let detail): context.measure(name, number, detail: detail)
    case .boolean(let verdict, let detail): context.measure(name, verdict, detail: detail)
    }
  }
}

/// Options for a hermetic `lesson check`: no result cache in the user's home.
func uncached(_ lessons: [String] = []) -> CheckOptions {
  CheckOptions(lessons: lessons, run: RunConfiguration(useCache: false))
}
