import Foundation

// MARK: - Command environment

/// Where a command writes and how: streams, colour, width, lessons directory and interactivity.
///
/// The CLI builds `standard(...)`; tests build one that captures output in strings.
public struct CommandEnvironment {
  /// Writes results (stdout).
  public var out: (String) -> Void
  /// Writes diagnostics and progress (stderr).
  public var err: (String) -> Void
  /// Styling for results.
  public var outStyle: TerminalStyle
  /// Styling for diagnostics.
  public var errStyle: TerminalStyle
  /// The width prose is wrapped to.
  public var width: Int
  /// Finds lessons.
  public var locator: LessonLocator
  /// Whether stdin and stdout are terminals (pausing before steps is possible).
  public var isInteractive: Bool
  /// Whether stderr is a terminal (progress lines are redrawn in place).
  public var errIsTTY: Bool
  /// Reads a line of user input (for pauses).
  public var readLine: () -> String?
  /// Where the result cache lives; nil means the standard directory (`$XDG_CACHE_HOME/lesson`).
  public var cacheDirectory: String?
  /// What decides the steps' numbers besides the build: for the built-in course, the matrix
  /// library and the kernels it loaded. Kernel families round matrix products differently, so a
  /// cached result is read back only by runs with the same one, as if it had been computed again.
  public var numericEnvironment = ""

  public init(
    out: @escaping (String) -> Void, err: @escaping (String) -> Void, outStyle: TerminalStyle,
    errStyle: TerminalStyle, width: Int, locator: LessonLocator, isInteractive: Bool, errIsTTY: Bool,
    readLine: @escaping () -> String? = { Swift.readLine() }
  ) {
    self.out = out
    self.err = err
    self.outStyle = outStyle
    self.errStyle = errStyle
    self.width = width
    self.locator = locator
    self.isInteractive = isInteractive
    self.errIsTTY = errIsTTY
    self.readLine = readLine
  }

  /// The process's real streams, with colour decided per stream from `color`.
  ///
  /// Also installs the SIGINT/SIGTERM handlers (`Interrupts`): the process is a CLI run.
  public static func standard(color: ColorMode, locator: LessonLocator) -> CommandEnvironment {
    Interrupts.install()
    return CommandEnvironment(
      out: StandardStreams.out,
      err: StandardStreams.err,
      outStyle: TerminalStyle.resolve(color, fileDescriptor: 1),
      errStyle: TerminalStyle.resolve(color, fileDescriptor: 2),
      width: Terminal.width(),
      locator: locator,
      isInteractive: Terminal.isTTY(0) && Terminal.isTTY(1),
      errIsTTY: Terminal.isTTY(2))
  }

  /// Writes an error message to stderr.
  ///
  /// A message already shaped `file:line: error: …` (a `LessonLoadError`) keeps that shape
  /// rather than gaining a second `error:`.
  public func error(_ message: String) {
    if let marker = message.range(of: ": error: "), message[..<marker.lowerBound].contains(":") {
      let location = Sanitizer.clean(String(message[..<marker.lowerBound]), singleLine: true)
      let rest = Sanitizer.clean(String(message[marker.upperBound...]))
      err(location + ": " + errStyle.apply([.red, .bold], "error:") + " " + rest + "\n")
      return
    }
    err(errStyle.apply([.red, .bold], "error: ") + Sanitizer.clean(message) + "\n")
  }

  /// A plain note on stderr (what a command is doing, where it wrote a file).
  public func note(_ message: String) {
    err(Sanitizer.clean(message) + "\n")
  }

  /// Writes a diagnostic to stderr or stdout, coloured by severity.
  func diagnostic(_ d: Diagnostic, toOut: Bool = false) {
    let style = toOut ? outStyle : errStyle
    let severity = style.apply(d.severity == .error ? [.red, .bold] : [.yellow, .bold], d.severity.rawValue + ":")
    let line = "\(LessonLocator.displayPath(d.file)):\(d.line): \(severity) \(Sanitizer.clean(d.message))\n"
    if toOut { out(line) } else { err(line) }
  }

  /// The progress display on stderr: redrawn in place on a terminal, plain lines when piped.
  public func progressDisplay() -> ProgressDisplay {
    ProgressDisplay(isTTY: errIsTTY, width: width, write: err)
  }
}
