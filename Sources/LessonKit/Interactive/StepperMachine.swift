// MARK: - Step-through key handling

/// Where an interactive run waits for a key.
public enum PausePoint: Equatable, Sendable {
  /// Before the step with this index into `Lesson.steps`.
  case beforeStep(Int)
  /// After the last block of a section.
  case endOfSection
  /// A page of a tall section is full.
  case pageFull
}

/// What the interactive run does in answer to a key.
public enum StepperAction: Equatable, Sendable {
  /// Run the step at the pause (Enter).
  case run
  /// Leave the step unrun and go on (`s`).
  case skip
  /// Run this step again, then pause again (`r`).
  case rerun(Int)
  /// Go back to the previous section (`b`).
  case back
  /// Show the sections with their status, then pause again (`l`).
  case list
  /// Go on: the next page, or the next section at a section's end.
  case proceed
  /// Stop; progress is saved (`q`, Ctrl-C as a byte, end of input).
  case quit
  /// Nothing to do; show `hint` and pause again.
  case ignore(hint: String)
}

/// How a section stands for the learner.
public enum SectionStatus: String, Codable, Sendable, Equatable {
  case notRun = "not run"
  case done
  case failed
}

/// The key handling of `lesson run` on a terminal, free of any terminal I/O.
///
/// The run loop asks `handle(_:at:)` what a key means at a pause, performs the action, and
/// reports back with `didRun(step:)` and `enter(section:)`.
public struct StepperMachine: Sendable, Equatable {
  /// Number of sections (pages) of the lesson.
  public let sectionCount: Int
  /// The section on screen.
  public private(set) var section: Int
  /// The step most recently run, the one `r` reruns.
  public private(set) var lastRunStep: Int?

  public init(sectionCount: Int, section: Int = 0) {
    self.sectionCount = max(1, sectionCount)
    self.section = min(max(0, section), self.sectionCount - 1)
  }

  /// The on-screen key hints for a pause.
  public static func hints(at pause: PausePoint, isLastSection: Bool) -> String {
    switch pause {
    case .beforeStep:
      return "⏎ run · s skip · r rerun last · b back · l list · q quit"
    case .endOfSection:
      return (isLastSection ? "⏎ finish" : "⏎ next section") + " · r rerun last · b back · l list · q quit"
    case .pageFull:
      return "── more ── ⏎/space next page · b back · l list · q quit"
    }
  }

  /// What `key` means at `pause`; moves the current section for `back` and `proceed` at a section end.
  public mutating func handle(_ key: Key, at pause: PausePoint) -> StepperAction {
    switch key {
    case .enter:
      switch pause {
      case .beforeStep: return .run
      case .endOfSection: return advance()
      case .pageFull: return .proceed
      }
    case .character(" "):
      switch pause {
      case .beforeStep: return .ignore(hint: "press ⏎ to run the step, s to skip it")
      case .endOfSection: return advance()
      case .pageFull: return .proceed
      }
    case .character("s"), .character("S"):
      if case .beforeStep = pause { return .skip }
      return .ignore(hint: "nothing to skip here; ⏎ goes on")
    case .character("r"), .character("R"):
      guard let lastRunStep else { return .ignore(hint: "no step has run yet") }
      return .rerun(lastRunStep)
    case .character("b"), .character("B"):
      guard section > 0 else { return .ignore(hint: "this is the first section") }
      section -= 1
      return .back
    case .character("l"), .character("L"):
      return .list
    case .character("q"), .character("Q"), .interrupt, .endOfInput:
      return .quit
    default:
      return .ignore(hint: Self.hints(at: pause, isLastSection: section == sectionCount - 1))
    }
  }

  /// Records that `step` ran, so `r` reruns it.
  public mutating func didRun(step: Int) { lastRunStep = step }

  /// Moves to `section` (used when resuming).
  public mutating func enter(section: Int) {
    self.section = min(max(0, section), sectionCount - 1)
  }

  /// At a section's end: the next section, or `proceed` past the last one (the lesson is finished).
  private mutating func advance() -> StepperAction {
    if section < sectionCount - 1 { section += 1 }
    return .proceed
  }
}
