// MARK: - Registered steps

/// A compiled lesson step: the code that runs when a lesson's `swift step=<id>` block is reached.
public struct Step: Sendable {
  /// The id a lesson names in `step=<id>`.
  public let id: String
  /// Steps that must have run before this one; they run first, quietly, when they have not.
  public let dependencies: [String]
  /// The body; it reports through the context.
  public let run: @Sendable (StepContext) throws -> Void
  /// Where the step was registered, for error messages.
  public let location: SourceLocation

  /// Registers a step.
  ///
  /// - Parameters:
  ///   - id: the id used in the lesson's fenced block.
  ///   - dependencies: ids of steps this one reads state from.
  ///   - file: filled in by the compiler: where the step is registered.
  ///   - line: filled in by the compiler.
  ///   - run: the body.
  public init(
    _ id: String, after dependencies: [String] = [], file: String = #filePath, line: Int = #line,
    run: @escaping @Sendable (StepContext) throws -> Void
  ) {
    self.id = id
    self.dependencies = dependencies
    self.location = SourceLocation(file: file, line: line)
    self.run = run
  }
}

/// A compiled check: computes the value that a lesson's `[text](check:<id>)` claim states.
public struct Check: Sendable {
  /// The id a lesson names in `check:<id>`.
  public let id: String
  /// Steps that must have run before the check is evaluated.
  public let dependencies: [String]
  /// Computes the outcome.
  public let evaluate: @Sendable (StepContext) throws -> CheckOutcome
  /// Where the check was registered, for error messages.
  public let location: SourceLocation

  /// Registers a check.
  ///
  /// - Parameters:
  ///   - id: the id used in the claim's link destination.
  ///   - dependencies: ids of steps whose state the check reads.
  ///   - file: filled in by the compiler: where the check is registered.
  ///   - line: filled in by the compiler.
  ///   - evaluate: computes a number or a boolean with a measured detail.
  public init(
    _ id: String, after dependencies: [String] = [], file: String = #filePath, line: Int = #line,
    evaluate: @escaping @Sendable (StepContext) throws -> CheckOutcome
  ) {
    self.id = id
    self.dependencies = dependencies
    self.location = SourceLocation(file: file, line: line)
    self.evaluate = evaluate
  }
}

/// What a check computed.
public enum CheckOutcome: Sendable, Equatable {
  /// A measured number, compared with the number written in the claim.
  case number(Double, detail: String? = nil)
  /// A verdict for a statement claim, with what was measured to reach it.
  case boolean(Bool, detail: String)

  public static func == (lhs: CheckOutcome, rhs: CheckOutcome) -> Bool {
    switch (lhs, rhs) {
    case let (.number(a, da), .number(b, db)): return a.bitPattern == b.bitPattern && da == db
    case let (.boolean(a, da), .boolean(b, db)): return a == b && da == db
    default: return false
    }
  }
}

/// A file and line in Swift source.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
  public let file: String
  public let line: Int

  public init(file: String, line: Int) {
    self.file = file
    self.line = line
  }

  /// `file:line`, relative to the current directory when below it.
  public var description: String { "\(LessonLocator.displayPath(file)):\(line)" }
}
