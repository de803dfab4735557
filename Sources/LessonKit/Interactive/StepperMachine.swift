// MARK: - Step-through key handling

/// Where an interactive run waits for a key.
public enum PausePoint: Equatable, Sendable {
  /// At the step with this index into `Lesson.steps`, its code on screen.
  case beforeStep(Int)
  /// After the last block of a section, on screen.
  case endOfSection
  /// More of the section lies below the screen (the step or the section's end is not in view).
  case pageFull
}

/// How far a scroll key moves the view of a section.
public enum Scroll: Equatable, Sendable {
  case lineUp, lineDown, pageUp, pageDown
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
  /// Show the section list (`l`), with `mode`'s selection; arrows move it.
  case list
  /// Open the section chosen in the list (`machine.section` is it now).
  case jump(Int)
  /// Go on: the next page, or the next section at a section's end.
  case proceed
  /// Move the view within the section (PgUp/PgDn, `k`/`j`, ↑/↓).
  case scroll(Scroll)
  /// Show every key (`?`).
  case help
  /// Give this setting this value (the edit line accepted it), then rerun what depends on it.
  case set(ParameterSpec, ParameterValue)
  /// Put every setting back to the lesson's own values (`0`).
  case restoreDefaults
  /// Draw the screen again: the edit line changed, an overlay closed, or the window was resized.
  case redraw
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

/// A setting being typed on the edit line (`e`).
public struct KnobEdit: Equatable, Sendable {
  /// The settings of the step at hand; Tab moves between them.
  public var knobs: [ParameterSpec]
  /// Which of `knobs` is being edited.
  public var index: Int
  /// What has been typed so far.
  public var text: String
  /// Why the last Enter was refused (the value is outside the range, say).
  public var error: String?

  public var knob: ParameterSpec { knobs[index] }

  /// The longest value the edit line takes: a setting's value is short; a paste is not.
  public static let maximumLength = 40
}

/// What the keys act on: the section itself, or an overlay over it.
public enum StepperMode: Equatable, Sendable {
  case reading
  /// The section list, with the highlighted row.
  case list(selected: Int)
  case help
  case editing(KnobEdit)
}

/// The key handling of `lesson run` on a terminal, free of any terminal I/O.
///
/// The run loop asks `handle(_:at:knobs:)` what a key means at a pause, performs the action, and
/// reports back with `didRun(step:)` and `enter(section:)`.
public struct StepperMachine: Sendable, Equatable {
  /// Number of sections (pages) of the lesson.
  public let sectionCount: Int
  /// The section on screen.
  public private(set) var section: Int
  /// The step most recently run, the one `r` reruns.
  public private(set) var lastRunStep: Int?
  /// Whether an overlay (list, help, edit line) has the keys.
  public private(set) var mode: StepperMode = .reading

  public init(sectionCount: Int, section: Int = 0) {
    self.sectionCount = max(1, sectionCount)
    self.section = min(max(0, section), self.sectionCount - 1)
  }

  /// The on-screen key hints for a pause.
  public static func hints(at pause: PausePoint, isLastSection: Bool) -> String {
    switch pause {
    case .beforeStep:
      return "⏎ run · s skip · r rerun · b back · l list · ? keys · q quit"
    case .endOfSection:
      return (isLastSection ? "⏎ finish" : "⏎ next section") + " · r rerun · b back · l list · ? keys · q quit"
    case .pageFull:
      return "── more ── ⏎/space next page · PgUp back · l list · ? keys · q quit"
    }
  }

  /// The hints of the edit line and of the section list.
  public static let editHints = "⏎ set · Tab next setting · ⌫ delete · Esc cancel"
  public static let listHints = "↑/↓ or k/j choose · 1-9 number · ⏎ open · Esc back"

  /// Every key, for the `?` screen: key, then what it does.
  public static let keyTable: [(String, String)] = [
    ("⏎", "run the step on screen; at a section's end, the next section; else the next page"),
    ("space", "the next page, or the next section at its end"),
    ("s", "skip the step (claims resting on it stay unchecked)"),
    ("r", "rerun the last step that ran"),
    ("e", "change a setting of the step on screen (range shown); it and what depends on it rerun"),
    ("0", "put every setting back to the lesson's own values"),
    ("PgUp PgDn", "scroll the section a page"),
    ("k j ↑ ↓", "scroll the section a line"),
    ("b", "back to the previous section"),
    ("l", "list the sections and open one"),
    ("?", "this list of keys"),
    ("q", "quit; `lesson run --resume` continues where you stopped"),
    ("Ctrl-C", "interrupt, even while a step runs"),
  ]

  /// What `key` means at `pause`. `knobs` are the settings `e` may change here (the step on
  /// screen's parameters); the section moves for `back`, `jump` and `proceed` at a section end.
  public mutating func handle(_ key: Key, at pause: PausePoint, knobs: [ParameterSpec] = []) -> StepperAction {
    if key == .interrupt || key == .endOfInput { return .quit }
    switch mode {
    case .reading: return read(key, at: pause, knobs: knobs)
    case .help:
      if key != .resize { mode = .reading }
      return .redraw
    case .list(let selected): return choose(key, selected: selected)
    case .editing(let edit): return type(key, into: edit)
    }
  }

  private mutating func read(_ key: Key, at pause: PausePoint, knobs: [ParameterSpec]) -> StepperAction {
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
      mode = .list(selected: section)
      return .list
    case .character("e"), .character("E"):
      guard !knobs.isEmpty else { return .ignore(hint: "no setting to change here: e works on a step that shows ⚙") }
      mode = .editing(KnobEdit(knobs: knobs, index: 0, text: "", error: nil))
      return .redraw
    case .character("0"):
      return .restoreDefaults
    case .character("?"):
      mode = .help
      return .help
    case .pageUp: return .scroll(.pageUp)
    case .pageDown: return .scroll(.pageDown)
    case .up, .character("k"): return .scroll(.lineUp)
    case .down, .character("j"): return .scroll(.lineDown)
    case .character("q"), .character("Q"):
      return .quit
    case .resize:
      return .redraw
    default:
      return .ignore(hint: Self.hints(at: pause, isLastSection: section == sectionCount - 1))
    }
  }

  /// Keys in the section list: move the highlight, pick by number, open, or close it.
  private mutating func choose(_ key: Key, selected: Int) -> StepperAction {
    switch key {
    case .up, .character("k"), .left:
      mode = .list(selected: max(0, selected - 1))
      return .list
    case .down, .character("j"), .right, .tab:
      mode = .list(selected: min(sectionCount - 1, selected + 1))
      return .list
    case .character(let digit) where digit.isASCII && digit.isNumber:
      let number = Int(String(digit)) ?? 0
      guard (1...sectionCount).contains(number) else { return .list }
      mode = .list(selected: number - 1)
      return .list
    case .enter:
      mode = .reading
      section = selected
      return .jump(selected)
    case .escape, .character("q"), .character("l"), .character("L"), .backspace:
      mode = .reading
      return .redraw
    default:
      return .list
    }
  }

  /// Keys on the edit line: type, delete, switch setting, accept (validated) or cancel.
  private mutating func type(_ key: Key, into edit: KnobEdit) -> StepperAction {
    var edit = edit
    switch key {
    case .character(let character):
      guard edit.text.count < KnobEdit.maximumLength else { return .redraw }
      edit.text.append(character)
      edit.error = nil
    case .backspace:
      if !edit.text.isEmpty { edit.text.removeLast() }
      edit.error = nil
    case .tab, .down, .up:
      let step = key == .up ? edit.knobs.count - 1 : 1
      edit.index = (edit.index + step) % edit.knobs.count
      edit.text = ""
      edit.error = nil
    case .escape:
      mode = .reading
      return .redraw
    case .enter:
      do {
        let value = try edit.knob.parse(edit.text)
        mode = .reading
        return .set(edit.knob, value)
      } catch {
        edit.error = "\(edit.knob.name) takes \(edit.knob.range)"
      }
    default:
      break
    }
    mode = .editing(edit)
    return .redraw
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
