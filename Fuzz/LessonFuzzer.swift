import Foundation

// MARK: - libFuzzer entry point

/// The libFuzzer harness: feeds one input through every stage that reads lesson text.
///
/// It is compiled together with the LessonKit sources into one module (see `scripts/fuzz.sh`),
/// so it reaches the internal parsers too; it is never part of the normal build.
@_cdecl("LLVMFuzzerTestOneInput")
public func lessonFuzzerTestOneInput(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let data = Data(bytes: bytes, count: count)
  LessonFuzzTarget.exercise(data)
  return 0
}

// MARK: - Stages

/// The stages one input goes through, in the order the `lesson` commands use them.
enum LessonFuzzTarget {
  /// Steps and checks the binder can find: some ids in the input will name them.
  static let registry: Registry? = try? Registry(bundles: [
    LessonBundle(name: "fuzz") {
      Step("a", writes: [StateKey<Int>("fuzz.a")], measures: ["c", "n"]) { _ in }
      Step("b", reads: [StateKey<Int>("fuzz.a")], parameters: [Parameter.integer("steps", default: 1, in: 1...9, "s")], measures: ["t"]) { _ in }
      Step("make-batch") { _ in }
      Check("ratio", uses: ["c", "n"]) { values in .number(try values.number("c") / values.number("n")) }
    }
  ])

  static func exercise(_ data: Data) {
    // Loading: the same decoding, size limit and BOM handling as `Lesson.load`.
    let text: String
    do {
      text = try Lesson.decode(data, file: "fuzz.md")
    } catch {
      _ = String(describing: error)
      return
    }
    // Parsing and binding.
    let lesson = Lesson.parse(text, file: "fuzz.md")
    if let registry {
      for diagnostic in LessonBinder.bindingErrors(lesson, registry: registry) { _ = diagnostic.description }
    }
    // Rendering, plain and coloured, narrow and wide, with claims shown checked and unchecked.
    // The renderer must meet exactly the parser's claims and steps, in order: `lesson run`
    // evaluates claims and runs steps by the index the renderer hands out.
    for (style, width) in [(TerminalStyle.plain, 80), (TerminalStyle(colored: true), 20)] {
      var written = 0
      var claimsSeen = 0
      var stepsSeen = 0
      let renderer = ProseRenderer(lesson: lesson, style: style, width: width) { written &+= $0.utf8.count }
      renderer.onStep = { [unowned renderer] index, step in
        precondition(index == stepsSeen && step == lesson.steps[index], "renderer and parser disagree on steps")
        stepsSeen += 1
        renderer.renderStepCode(step)
      }
      renderer.claimDisplay = { index in
        precondition(index == claimsSeen && index < lesson.claims.count, "renderer and parser disagree on claims")
        claimsSeen += 1
        if style.colored {
          let claim = lesson.claims[index]
          let passed = claim.number.map { ClaimComparison.matches($0, computed: 1, tolerance: claim.tolerance) } ?? true
          return .checked(CheckResult(
            kind: .claim, id: claim.id, file: lesson.file, line: claim.line, status: passed ? .passed : .failed,
            claimed: claim.text, computed: "1", message: passed ? nil : "\u{1B}[2Jnot inert", seconds: 0))
        }
        return .unchecked
      }
      renderer.render()
      precondition(claimsSeen == lesson.claims.count, "the renderer skipped claims the parser found")
      precondition(stepsSeen == lesson.steps.count, "the renderer skipped steps the parser found")
    }
    // Claim numbers and tolerances, on every line of the input.
    for line in text.split(separator: "\n").prefix(64) {
      let candidate = String(line.prefix(512))
      if let number = try? ClaimNumber.parse(candidate) {
        _ = ClaimComparison.allowedDistance(for: number, tolerance: nil)
        _ = ClaimComparison.format(number.value)
      }
      _ = ClaimTolerance.parse(candidate)
      _ = StepInfo.parse(candidate)
    }
    // The result cache's entry reader: any bytes must be refused with a reason or read whole.
    let fuzzKey = CacheSigningKey(bytes: [UInt8](repeating: UInt8(ascii: "k"), count: CacheSigningKey.length))
    if let entry = try? CacheEntryFormat.decode([UInt8](data), key: "k", build: "b", signingKey: fuzzKey) {
      precondition(entry.key == "k" && entry.build == "b", "a foreign entry was accepted")
    }
    // `--set` values, as a parameter of each kind would read them.
    for spec in [Parameter.integer("i", default: 1, in: 1...9, "").spec, Parameter.real("r", default: 1, in: 0...2, "").spec] {
      if let value = try? spec.parse(String(text.prefix(256))) { precondition(spec.accepts(value)) }
    }
    // Source regions, as if the input were a Swift file, and drift against them.
    let (regions, _) = SourceRegionIndex.scan(text, file: "fuzz.swift")
    _ = regions.map { CodeNormalizer.normalize($0.code) }
  }
}
