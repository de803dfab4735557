import LessonKit
import Testing

@Suite struct RegistryTests {
  @Test func duplicateIDsAcrossBundlesNameBothBundles() {
    let first = LessonBundle(name: "alpha") { Step("shared") { _ in } }
    let second = LessonBundle(name: "beta") { Check("shared") { _ in .number(1) } }
    do {
      _ = try Registry(bundles: [first, second])
      Issue.record("expected a duplicate-id error")
    } catch {
      let message = String(describing: error)
      #expect(message.contains("'alpha'") && message.contains("'beta'") && message.contains("shared"))
    }
  }

  @Test func duplicateIDInOneBundle() {
    let bundle = LessonBundle(name: "solo") {
      Step("x") { _ in }
      Step("x") { _ in }
    }
    do {
      _ = try Registry(bundles: [bundle])
      Issue.record("expected a duplicate-id error")
    } catch {
      let message = String(describing: error)
      #expect(message.contains("registered twice in bundle 'solo'"))
      #expect(message.contains("RegistryTests.swift:"))
    }
  }

  @Test func unknownDependencyIsRejected() {
    let bundle = LessonBundle(name: "b") { Step("a", after: ["missing"]) { _ in } }
    do {
      _ = try Registry(bundles: [bundle])
      Issue.record("expected an unknown-dependency error")
    } catch {
      let message = String(describing: error)
      #expect(message.contains("RegistryTests.swift:"))
      #expect(message.contains("'a' (bundle 'b') runs after 'missing', which is not registered"))
    }
  }

  @Test func dependencyOnACheckIsRejected() {
    let bundle = LessonBundle(name: "b") {
      Check("c") { _ in .number(1) }
      Step("a", after: ["c"]) { _ in }
    }
    #expect(throws: RegistryError.self) { try Registry(bundles: [bundle]) }
  }

  @Test func cyclesAreRejected() {
    let bundle = LessonBundle(name: "b") {
      Step("a", after: ["b"]) { _ in }
      Step("b", after: ["a"]) { _ in }
    }
    #expect(throws: RegistryError.self) { try Registry(bundles: [bundle]) }
  }

  @Test func dependencyOrderIsTransitiveAndDependenciesFirst() throws {
    let bundle = LessonBundle(name: "b") {
      Step("data") { _ in }
      Step("model", after: ["data"]) { _ in }
      Step("train", after: ["model", "data"]) { _ in }
      Check("loss", after: ["train"]) { _ in .number(0) }
    }
    let registry = try Registry(bundles: [bundle])
    #expect(registry.dependencyOrder(of: "loss") == ["data", "model", "train"])
    #expect(registry.step("model") != nil)
    #expect(registry.check("model") == nil)
    #expect(registry.check("loss") != nil)
  }

  @Test func builderSupportsConditionsAndLoops() throws {
    let includeExtra = true
    let bundle = LessonBundle(name: "b") {
      Step("base") { _ in }
      if includeExtra { Step("extra") { _ in } }
      for i in 0..<3 { Check("c\(i)") { _ in .number(Double(i)) } }
    }
    #expect(bundle.entries.map(\.id) == ["base", "extra", "c0", "c1", "c2"])
  }
}
