import LessonKit
import Testing

@Suite struct ParserTests {
  static let sample = """
    # The Title

    Intro with a claim: [2,048](check:examples-per-step) examples.

    ## First section

    ```swift step=build-model timeout=30
    let model = MiniGPT()
    ```

    Text that runs over
    two lines and then [about 0.8M](check:non-embedding-params "tol=5%") here.

    ## Second section

    - a list item with [a statement](check:mask-is-causal)

    ```swift step=shown display
    print(1)
    ```

    ```swift step=setup hidden
    setup()
    ```

    ```python
    not a step
    ```
    """

  @Test func titleAndSections() {
    let lesson = Lesson.parse(Self.sample, file: "x.md")
    #expect(lesson.title == "The Title")
    #expect(lesson.sections.map(\.title) == ["First section", "Second section"])
    #expect(lesson.sections.map(\.line) == [5, 14])
    #expect(lesson.diagnostics.isEmpty)
  }

  @Test func stepsWithAttributesAndLines() {
    let lesson = Lesson.parse(Self.sample, file: "x.md")
    #expect(lesson.steps.map(\.id) == ["build-model", "shown", "setup"])
    #expect(lesson.steps[0].line == 7)
    #expect(lesson.steps[0].endLine == 9)
    #expect(lesson.steps[0].attributes == StepAttributes(timeout: 30))
    #expect(lesson.steps[0].code == "let model = MiniGPT()\n")
    #expect(lesson.steps[0].section == 0)
    #expect(lesson.steps[1].attributes.display)
    #expect(lesson.steps[2].attributes.hidden)
    #expect(lesson.steps[2].section == 1)
  }

  @Test func claimsWithLinesTextAndOptions() {
    let lesson = Lesson.parse(Self.sample, file: "x.md")
    #expect(lesson.claims.map(\.id) == ["examples-per-step", "non-embedding-params", "mask-is-causal"])
    #expect(lesson.claims.map(\.line) == [3, 12, 16])
    #expect(lesson.claims[0].number?.value == 2048)
    #expect(lesson.claims[1].text == "about 0.8M")
    #expect(lesson.claims[1].tolerance == .relative(0.05))
    #expect(lesson.claims[1].number?.isApproximate == true)
    #expect(lesson.claims[2].number == nil)
    #expect(lesson.claims[0].section == nil)
  }

  @Test func itemsFollowDocumentOrder() {
    let lesson = Lesson.parse(Self.sample, file: "x.md")
    #expect(lesson.items == [.claim(0), .step(0), .claim(1), .claim(2), .step(1), .step(2)])
  }

  @Test func claimLineCountsBreaksInsideEmphasis() {
    let lesson = Lesson.parse("# T\n\nOne *two\nthree* four\nfive [1](check:a)\n", file: "x.md")
    #expect(lesson.claims.first?.line == 5)
  }

  @Test(arguments: [
    ("```swift step=a bogus\nx\n```", "unknown step attribute 'bogus'"),
    ("```swift step=a timeout=-1\nx\n```", "timeout '-1' is not a positive number"),
    ("```swift step=a timeout\nx\n```", "`timeout` needs a value"),
    ("```swift step=a hidden=yes\nx\n```", "takes no value"),
    ("```swift step=a hidden hidden\nx\n```", "given twice"),
    ("```swift step=a hidden display\nx\n```", "cannot be both"),
    ("```swift step=bad/id\nx\n```", "malformed"),
    ("```python step=a\nx\n```", "must be `swift`"),
    ("text [1 and 2](check:a)", "holds 2 numbers"),
    ("text [yes](check:a \"tol=5%\")", "holds no number"),
    ("text [5](check:a \"tol=five\")", "tolerance 'five' is malformed"),
    ("text [5](check:a \"color=red\")", "unknown option 'color=red'"),
  ])
  func malformedInputIsReportedWithFileAndLine(markdown: String, fragment: String) {
    let lesson = Lesson.parse("# T\n\n" + markdown + "\n", file: "lessons/x.md")
    #expect(lesson.diagnostics.count >= 1)
    let diagnostic = lesson.diagnostics.first { $0.message.contains(fragment) }
    #expect(diagnostic != nil, "no diagnostic containing \(fragment): \(lesson.diagnostics)")
    #expect(diagnostic?.line == 3)
    #expect(diagnostic?.description.hasPrefix("lessons/x.md:3: error:") == true)
  }

  @Test func missingTitleFallsBackToFileName() {
    let lesson = Lesson.parse("## Only a section\n", file: "dir/03_thing.md")
    #expect(lesson.title == "03_thing.md")
  }

  @Test func plainSwiftBlocksAreNotSteps() {
    let lesson = Lesson.parse("# T\n\n```swift\nlet x = 1\n```\n", file: "x.md")
    #expect(lesson.steps.isEmpty)
    #expect(lesson.diagnostics.isEmpty)
  }

  @Test func ordinaryLinksAreNotClaims() {
    let lesson = Lesson.parse("# T\n\nSee [docs](https://example.com).\n", file: "x.md")
    #expect(lesson.claims.isEmpty)
  }
}
