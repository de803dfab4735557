import LessonKit
import Testing

@Suite struct RegistryTests {
  @Test func duplicateIDsAcrossBundlesNameBothBundles() {
    let first = LessonBundle(name: "alpha") { Step("shared") { _ in } }
    let second = LessonBundle(name: "beta") { Step("shared") { _ in } }
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

  @Test func aReadOfAKeyNoStepWritesIsRejectedWithTheFix() {
    let bundle = LessonBundle(name: "b") { Step("a", reads: [StateKey<Int>("missing")]) { _ in } }
    do {
      _ = try Registry(bundles: [bundle])
      Issue.record("expected an unwritten-key error")
    } catch {
      let message = String(describing: error)
      #expect(message.contains("RegistryTests.swift:"))
      #expect(message.contains("step 'a' reads state 'missing', which no step writes"))
    }
  }

  @Test func aKeyWrittenTwiceIsRejected() {
    let key = StateKey<Int>("k")
    let bundle = LessonBundle(name: "b") {
      Step("a", writes: [key]) { _ in }
      Step("b", writes: [key]) { _ in }
    }
    #expect(throws: RegistryError.self) { try Registry(bundles: [bundle]) }
  }

  @Test func aCheckNamedLikeAMeasurementIsRejected() {
    let bundle = LessonBundle(name: "b") {
      Step("a", measures: ["m"]) { _ in }
      Check("m", uses: ["m"]) { _ in .number(1) }
    }
    #expect(throws: RegistryError.self) { try Registry(bundles: [bundle]) }
  }

  @Test func cyclesAreRejected() {
    let x = StateKey<Int>("x"), y = StateKey<Int>("y")
    let bundle = LessonBundle(name: "b") {
      Step("a", reads: [y], writes: [x]) { _ in }
      Step("b", reads: [x], writes: [y]) { _ in }
    }
    #expect(throws: RegistryError.self) { try Registry(bundles: [bundle]) }
  }

  @Test func dependencyOrderIsTransitiveAndDependenciesFirst() throws {
    let data = StateKey<Int>("data"), model = StateKey<Int>("model")
    let bundle = LessonBundle(name: "b") {
      Step("data", writes: [data]) { _ in }
      Step("model", reads: [data], writes: [model]) { _ in }
      Step("train", reads: [model, data], measures: ["loss"]) { _ in }
      Check("half-loss", uses: ["loss"]) { values in .number(try values.number("loss") / 2) }
    }
    let registry = try Registry(bundles: [bundle])
    #expect(registry.dependencyOrder(of: "train") == ["data", "model"])
    #expect(registry.steps(forClaim: "loss") == ["train"])
    #expect(registry.steps(forClaim: "half-loss") == ["train"])
    #expect(registry.step("model") != nil)
    #expect(registry.check("model") == nil)
    #expect(registry.check("half-loss") != nil)
    #expect(registry.claimIDs == ["half-loss", "loss"])
  }

  @Test func builderSupportsConditionsAndLoops() throws {
    let includeExtra = true
    let bundle = LessonBundle(name: "b") {
      Step("base") { _ in }
      if includeExtra { Step("extra") { _ in } }
      for i in 0..<3 { Step("s\(i)") { _ in } }
    }
    #expect(bundle.entries.map(\.id) == ["base", "extra", "s0", "s1", "s2"])
  }
}
