// MARK: - Registered steps

/// A compiled lesson step: the code that runs when a lesson's `swift step=<id>` block is reached.
///
/// A step declares everything that determines it and everything it produces, so that the
/// engine can order, cache and bind without running anything:
/// - `reads:` the state keys it needs (the steps that write them run first),
/// - `writes:` the state keys it fills for later steps,
/// - `parameters:` the settings a learner may change (`--set`, the `e` key),
/// - `measures:` the names of the measurements it records with `context.measure`; a claim
///   `[5,050](check:sum-of-range)` binds to the measurement of that name.
public struct Step: Sendable {
  /// The id a lesson names in `step=<id>`.
  public let id: String
  /// The state this step needs.
  public let reads: [any DeclaredStateKey]
  /// The state this step provides.
  public let writes: [any DeclaredStateKey]
  /// The settings this step reads.
  public let parameters: [ParameterSpec]
  /// The measurement names this step records, each exactly once per run.
  public let measures: [String]
  /// The body; it reports through the context.
  public let run: @Sendable (StepContext) throws -> Void
  /// Where the step was registered, for error messages.
  public let location: SourceLocation

  /// Registers a step.
  ///
  /// - Parameters:
  ///   - id: the id used in the lesson's fenced block.
  ///   - reads: state keys written by earlier steps.
  ///   - writes: state keys this step stores.
  ///   - parameters: the settings the body reads with `context[parameter]`.
  ///   - measures: the measurement names the body records.
  ///   - file: filled in by the compiler: where the step is registered.
  ///   - line: filled in by the compiler.
  ///   - run: the body.
  public init(
    _ id: String, reads: [any DeclaredStateKey] = [], writes: [any DeclaredStateKey] = [],
    parameters: [any DeclaredParameter] = [], measures: [String] = [], file: String = #filePath, line: Int = #line,
    run: @escaping @Sendable (StepContext) throws -> Void
  ) {
    self.id = id
    self.reads = reads
    self.writes = writes
    self.parameters = parameters.map(\.spec)
    self.measures = measures
    self.location = SourceLocation(file: file, line: line)
    self.run = run
  }
}

/// A derived check: a value computed from measurements that steps recorded, for the rare claim
/// that combines several of them (a ratio of two timings, say). Most claims bind to a measurement
/// directly and need no `Check`.
public struct Check: Sendable {
  /// The id a lesson names in `check:<id>`.
  public let id: String
  /// The measurements it combines.
  public let uses: [String]
  /// Computes the outcome from the measurements named in `uses`.
  public let evaluate: @Sendable (MeasurementValues) throws -> MeasuredValue
  /// Where the check was registered, for error messages.
  public let location: SourceLocation

  /// Registers a derived check.
  public init(
    _ id: String, uses: [String], file: String = #filePath, line: Int = #line,
    evaluate: @escaping @Sendable (MeasurementValues) throws -> MeasuredValue
  ) {
    self.id = id
    self.uses = uses
    self.location = SourceLocation(file: file, line: line)
    self.evaluate = evaluate
  }
}

/// What a measurement holds: a number, or a verdict on a statement with what was measured to
/// reach it.
public enum MeasuredValue: Sendable, Equatable, Codable {
  /// A measured number, compared with the number written in the claim.
  case number(Double, detail: String? = nil)
  /// A verdict for a statement claim, with what was measured to reach it.
  case boolean(Bool, detail: String)

  public static func == (lhs: MeasuredValue, rhs: MeasuredValue) -> Bool {
    switch (lhs, rhs) {
    case let (.number(a, da), .number(b, db)): return a.bitPattern == b.bitPattern && da == db
    case let (.boolean(a, da), .boolean(b, db)): return a == b && da == db
    default: return false
    }
  }

  /// The number, for derived checks.
  public var number: Double? {
    if case .number(let value, _) = self { return value }
    return nil
  }
}

/// The measurements a derived check reads, by name.
public struct MeasurementValues: Sendable {
  let values: [String: MeasuredValue]

  /// The number recorded under `name`.
  ///
  /// - Throws: `StepContextError.notANumber` when it is a statement.
  public func number(_ name: String) throws -> Double {
    guard let value = values[name]?.number else { throw StepContextError.notANumber(name) }
    return value
  }

  /// The measurement recorded under `name`, if any.
  public subscript(name: String) -> MeasuredValue? { values[name] }
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
