import LessonKit
import Testing

@Suite struct BindingTests {
  let registry: Registry

  init() throws {
    registry = try Registry(bundles: [
      LessonBundle(name: "t") {
        Step("known-step") { _ in }
        measuring("known-check", .number(1))
      }
    ])
  }

  private func errors(_ markdown: String) -> [Diagnostic] {
    LessonBinder.bindingErrors(Lesson.parse(markdown, file: "L/00_x.md"), registry: registry)
  }

  @Test func boundLessonHasNoErrors() {
    #expect(errors("# T\n\n```swift step=known-step\nx\n```\n\n[1](check:known-check)\n").isEmpty)
  }

  @Test func unknownStepNamesFileAndLine() {
    let found = errors("# T\n\n```swift step=nope\nx\n```\n")
    #expect(found.count == 1)
    #expect(found.first?.description.hasPrefix("L/00_x.md:3: error: step 'nope' is not registered") == true)
  }

  @Test func unknownCheckNamesFileAndLine() {
    let found = errors("# T\n\nline\nclaim [5](check:nope)\n")
    #expect(found.first?.description.hasPrefix("L/00_x.md:4: error: check 'nope' is not registered") == true)
  }

  @Test func stepBlockNamingACheckIsAnError() {
    let found = errors("# T\n\n```swift step=known-check\nx\n```\n")
    #expect(found.first?.line == 3)
    #expect(found.first?.message.contains("names a measurement or check, not a step") == true)
  }

  @Test func claimNamingAStepIsAnError() {
    let found = errors("# T\n\n[5](check:known-step)\n")
    #expect(found.first?.line == 3)
    #expect(found.first?.message.contains("names a step") == true)
  }

  @Test func displayStepsNeedNoRegistration() {
    #expect(errors("# T\n\n```swift step=only-shown display\nx\n```\n").isEmpty)
  }

  @Test func duplicateStepBlocksAreErrors() {
    let found = errors("# T\n\n```swift step=known-step\nx\n```\n\n```swift step=known-step\nx\n```\n")
    #expect(found.count == 1)
    #expect(found.first?.line == 7)
    #expect(found.first?.message.contains("first at line 3") == true)
  }

  @Test func parseErrorsAreBindingErrors() {
    let found = errors("# T\n\n```swift step=known-step colour=red\nx\n```\n")
    #expect(found.first?.line == 3)
    #expect(found.first?.message.contains("unknown step attribute") == true)
  }
}
