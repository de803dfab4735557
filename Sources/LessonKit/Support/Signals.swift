import AtomicFiles
import Dispatch
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - Interrupts

/// The signals `lesson` turns into an orderly exit.
public enum InterruptSignal: Int32, Sendable, CaseIterable, CustomStringConvertible {
  case hangUp = 1  // SIGHUP, the terminal went away
  case interrupt = 2  // SIGINT, Ctrl-C
  case terminate = 15  // SIGTERM

  /// The conventional exit status after the signal: 128 + its number (129, 130, 143).
  public var exitStatus: Int32 { 128 + rawValue }

  public var description: String {
    switch self {
    case .hangUp: return "SIGHUP"
    case .interrupt: return "SIGINT"
    case .terminate: return "SIGTERM"
    }
  }
}

/// Ctrl-C, SIGTERM and SIGHUP handling shared by every command: the terminal is restored,
/// completed work is kept, and the process exits 130, 143 or 129.
///
/// `install()` replaces the default handlers (which kill the process on the spot) with
/// dispatch sources, so the reaction runs on an ordinary thread, not in a signal handler. On a
/// signal:
/// - inside `deferringExit { … }`, the signal is only recorded: long work (training) polls
///   `pending` at a safe point, saves what it has and returns; the exit follows when the scope
///   ends. A second signal does not wait.
/// - otherwise the cleanups run (newest first), the terminal is restored, and the process exits.
///
/// Cleanups are for undoing terminal state (raw mode, hidden cursor, a live progress line).
/// Files need none of their own: every write is atomic (temporary file, then rename), and the
/// exit removes the temporary file of a write the signal cut short (`AtomicFile.removeTemporaryFiles`).
public enum Interrupts {
  /// Identifies a registered cleanup, for `removeCleanup(_:)`.
  public struct CleanupToken: Hashable, Sendable {
    fileprivate let value: Int
  }

  /// Installs the SIGINT, SIGTERM and SIGHUP handlers and remembers the terminal's mode; idempotent.
  public static func install() {
    state.withLock { state in
      guard state.sources.isEmpty else { return }
      state.savedTerminal = TerminalMode.capture()
      // Past a file-size limit (`ulimit -f`) a write should fail with EFBIG, which the writers
      // report (the cache then runs uncached), rather than kill the process with SIGXFSZ.
      Foundation.signal(SIGXFSZ, SIG_IGN)
      for signal in InterruptSignal.allCases {
        Foundation.signal(signal.rawValue, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signal.rawValue, queue: queue)
        source.setEventHandler { received(signal) }
        source.resume()
        state.sources.append(source)
      }
    }
  }

  /// The first signal received, if any; long computations poll it at safe points.
  public static var pending: InterruptSignal? { state.withLock { $0.pending } }

  /// Registers `cleanup` to run before an interrupted process exits (newest first).
  @discardableResult
  public static func addCleanup(_ cleanup: @escaping @Sendable () -> Void) -> CleanupToken {
    state.withLock { state in
      state.nextToken += 1
      let token = CleanupToken(value: state.nextToken)
      state.cleanups.append((token, cleanup))
      return token
    }
  }

  /// Unregisters a cleanup (its state has been undone normally).
  public static func removeCleanup(_ token: CleanupToken) {
    state.withLock { state in state.cleanups.removeAll { $0.token == token } }
  }

  /// Runs `body` with exits deferred: a signal is only recorded, for `body` to notice through
  /// `pending` and wind down; after `body` returns or throws, a recorded signal exits.
  public static func deferringExit<Result>(_ body: () throws -> Result) rethrows -> Result {
    state.withLock { $0.deferDepth += 1 }
    defer {
      let signal = state.withLock { state -> InterruptSignal? in
        state.deferDepth -= 1
        return state.deferDepth == 0 ? state.pending : nil
      }
      if let signal { exit(after: signal) }
    }
    return try body()
  }

  /// Exits now, as for `signal`, when one is pending: cleanups, terminal restored, 128 + signo.
  public static func exitIfPending() {
    if let signal = pending { exit(after: signal) }
  }

  // MARK: - Reaction

  private static let queue = DispatchQueue(label: "lesson.interrupts")

  private static func received(_ signal: InterruptSignal) {
    let (exitNow, which) = state.withLock { state -> (Bool, InterruptSignal) in
      let first = state.pending == nil
      if first { state.pending = signal }
      // A second signal while deferring means the user does not want to wait.
      return (state.deferDepth == 0 || !first, state.pending ?? signal)
    }
    if exitNow { exit(after: which) }
  }

  /// Runs the cleanups, restores the terminal, says why, and ends the process.
  private static func exit(after signal: InterruptSignal) -> Never {
    let (cleanups, terminal) = state.withLock { state in
      let cleanups = state.cleanups
      state.cleanups = []
      return (cleanups, state.savedTerminal)
    }
    for (_, cleanup) in cleanups.reversed() { cleanup() }
    // A second signal can land mid-write (a checkpoint being saved after the first one).
    AtomicFile.removeTemporaryFiles()
    terminal?.restore()
    let message = "\ninterrupted (\(signal)); work completed so far is kept\n"
    FileHandle.standardError.write(Data(message.utf8))
    fflush(nil)
    // `_exit`: the main thread may be inside a step; atexit handlers and static destructors
    // must not run underneath it.
    _exit(signal.exitStatus)
  }

  // MARK: - State

  private struct State {
    var sources: [any DispatchSourceSignal] = []
    var pending: InterruptSignal?
    var deferDepth = 0
    var cleanups: [(token: CleanupToken, run: @Sendable () -> Void)] = []
    var nextToken = 0
    var savedTerminal: TerminalMode?
  }

  private static let state = LockedState(State())
}

// MARK: - Terminal mode

/// The termios settings of stdin, captured so an interrupt can undo raw mode and hidden cursors.
struct TerminalMode: @unchecked Sendable {
  // @unchecked: `termios` is a plain C struct of integers.
  private var settings: termios
  private let outputIsTerminal: Bool

  /// The current mode, or `nil` when neither stdin nor stderr is a terminal.
  static func capture() -> TerminalMode? {
    let inputIsTerminal = isatty(0) == 1
    let outputIsTerminal = isatty(2) == 1
    guard inputIsTerminal || outputIsTerminal else { return nil }
    var settings = termios()
    if inputIsTerminal, tcgetattr(0, &settings) != 0 { return nil }
    return TerminalMode(settings: settings, outputIsTerminal: outputIsTerminal, inputIsTerminal: inputIsTerminal)
  }

  private let inputIsTerminal: Bool

  private init(settings: termios, outputIsTerminal: Bool, inputIsTerminal: Bool) {
    self.settings = settings
    self.outputIsTerminal = outputIsTerminal
    self.inputIsTerminal = inputIsTerminal
  }

  /// Puts the terminal back: saved input mode; cursor shown, colours reset, progress line cleared.
  func restore() {
    if inputIsTerminal {
      var settings = self.settings
      _ = tcsetattr(0, TCSANOW, &settings)
    }
    if outputIsTerminal {
      FileHandle.standardError.write(Data((TerminalControl.clearLine + TerminalControl.resetAttributes + TerminalControl.showCursor).utf8))
    }
  }
}

// MARK: - Lock

/// A value guarded by a lock (the `Synchronization` module's `Mutex` needs macOS 15).
final class LockedState<Value>: @unchecked Sendable {
  // @unchecked: every access to `value` holds `lock`.
  private let lock = NSLock()
  private var value: Value

  init(_ value: Value) { self.value = value }

  func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
    lock.lock()
    defer { lock.unlock() }
    return try body(&value)
  }
}
