// MARK: - Parsed lesson

/// A lesson file, parsed: its title, sections, steps and claims, in document order.
public struct Lesson: Sendable {
  /// The path the lesson was loaded from, as given.
  public let file: String
  /// The Markdown source.
  public let source: String
  /// The first H1, or the file name when the lesson has none.
  public let title: String
  /// All top-level blocks, for rendering.
  public let blocks: [MarkdownBlock]
  /// The H2 sections.
  public let sections: [LessonSection]
  /// Every `swift step=` block, in document order.
  public let steps: [StepBlock]
  /// Every `check:` claim, in document order.
  public let claims: [Claim]
  /// Steps and claims interleaved in document order.
  public let items: [LessonItem]
  /// Problems found while parsing (malformed attributes or claims).
  public let diagnostics: [Diagnostic]
}

/// An H2 section: the unit a learner moves through.
public struct LessonSection: Sendable, Equatable {
  public let title: String
  public let line: Int
}

/// A step or a claim, by index into `Lesson.steps` / `Lesson.claims`.
public enum LessonItem: Sendable, Equatable {
  case step(Int)
  case claim(Int)
}

/// A fenced `swift step=<id>` block.
public struct StepBlock: Sendable, Equatable {
  /// The registered step id.
  public let id: String
  /// The attributes after the id.
  public let attributes: StepAttributes
  /// The code shown to the learner.
  public let code: String
  /// The line of the opening fence.
  public let line: Int
  /// The line of the closing fence.
  public let endLine: Int
  /// The index of the enclosing section, if the step follows an H2.
  public let section: Int?
}

/// The attributes of a step block.
public struct StepAttributes: Sendable, Equatable {
  /// Runs but its code is not shown.
  public var hidden = false
  /// Shown but not run (needs no registration).
  public var display = false
  /// Seconds after which the step is abandoned and reported as failed.
  public var timeout: Double?

  public init(hidden: Bool = false, display: Bool = false, timeout: Double? = nil) {
    self.hidden = hidden
    self.display = display
    self.timeout = timeout
  }
}

/// A claim: an inline link `[claimed text](check:<id> "options")`.
public struct Claim: Sendable, Equatable {
  /// The registered check id.
  public let id: String
  /// The link text, as plain text.
  public let text: String
  /// The number in the text, or `nil` for a statement claim.
  public let number: ClaimNumber?
  /// An explicit `tol=` from the link title.
  public let tolerance: ClaimTolerance?
  /// The line the link starts on.
  public let line: Int
  /// The index of the enclosing section.
  public let section: Int?
}
