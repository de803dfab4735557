import Dispatch
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - Raw terminal mode

/// A terminal in non-canonical, no-echo mode: single key presses arrive at once.
///
/// Output processing and signals stay on, so `\n` still starts a new line and Ctrl-C still raises
/// SIGINT, which ``Interrupts`` turns into an orderly exit: its cleanups run, this one puts the
/// saved settings back, and the process ends with 128 + signal. `restore()` (also run on deinit)
/// does the same on every other exit path (`defer`).
public final class RawTerminal {
  private let input: Int32
  private var active = false
  private var savedSettings = termios()
  private var cleanup: Interrupts.CleanupToken?
  /// Resize notices: the SIGWINCH source writes a byte to `resizePipe[1]`, and `readKeys` polls
  /// `resizePipe[0]` beside the input, so a key wait ends when the window changes size.
  private var resizePipe: [Int32] = [-1, -1]
  private var resizeSource: (any DispatchSourceSignal)?

  /// Switches stdin to raw mode; `nil` when stdin is not a terminal.
  public init?(input: Int32 = 0) {
    guard isatty(input) == 1 else { return nil }
    self.input = input
    var settings = termios()
    guard tcgetattr(input, &settings) == 0 else { return nil }
    savedSettings = settings
    Interrupts.install()
    // A parent may have blocked these (test runners do); Ctrl-C, hang-ups and resizes must reach us.
    var unblock = sigset_t()
    sigemptyset(&unblock)
    for signal in InterruptSignal.allCases { sigaddset(&unblock, signal.rawValue) }
    sigaddset(&unblock, SIGWINCH)
    pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    var raw = settings
    raw.c_lflag &= ~tcflag_t(ICANON | ECHO | IEXTEN)
    raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
    withUnsafeMutableBytes(of: &raw.c_cc) { cc in
      cc[Int(VMIN)] = 1
      cc[Int(VTIME)] = 0
    }
    let saved = TerminalSettings(value: settings)
    cleanup = Interrupts.addCleanup {
      var settings = saved.value
      _ = tcsetattr(input, TCSANOW, &settings)
    }
    guard tcsetattr(input, TCSANOW, &raw) == 0 else {
      if let cleanup { Interrupts.removeCleanup(cleanup) }
      return nil
    }
    active = true
    watchResizes()
  }

  deinit {
    restore()
    resizeSource?.cancel()
    for descriptor in resizePipe where descriptor >= 0 { close(descriptor) }
  }

  private func watchResizes() {
    var descriptors: [Int32] = [-1, -1]
    guard pipe(&descriptors) == 0 else { return }
    for descriptor in descriptors { _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK) }
    resizePipe = descriptors
    let writeEnd = descriptors[1]
    let source = DispatchSource.makeSignalSource(signal: SIGWINCH, queue: .global())
    source.setEventHandler {
      var byte: UInt8 = 1
      _ = write(writeEnd, &byte, 1)
    }
    source.resume()
    resizeSource = source
  }

  /// Throws away every key typed but not yet read: keys pressed while a step ran must not act
  /// once it is done (Ctrl-C is a signal, not input, so it still interrupts the step).
  public func discardPendingInput() {
    _ = tcflush(input, TCIFLUSH)
  }

  /// Puts back the saved settings and shows the cursor; safe to call twice.
  public func restore() {
    guard active else { return }
    active = false
    _ = tcsetattr(input, TCSANOW, &savedSettings)
    if let cleanup { Interrupts.removeCleanup(cleanup) }
    cleanup = nil
    StandardStreams.out(TerminalControl.resetAttributes + TerminalControl.showCursor)
  }

  // MARK: - Reading keys

  /// Blocks until at least one key arrives or the window is resized (`[.resize]`);
  /// `[.endOfInput]` when the input closed. With a timeout (milliseconds, ≥ 0), `[]` when it
  /// passes first: how an animation waits for its next frame yet stops at a key.
  public func readKeys(timeoutMilliseconds: Int32 = -1) -> [Key] {
    switch waitForInputOrResize(timeoutMilliseconds: timeoutMilliseconds) {
    case .resize: return [.resize]
    case .timeout: return []
    case .input: break
    }
    var bytes = readChunk(timeoutMilliseconds: -1)
    guard !bytes.isEmpty else { return [.endOfInput] }
    // A lone ESC may be the start of a sequence split across reads: wait briefly for the rest.
    if bytes == [0x1B] { bytes += readChunk(timeoutMilliseconds: 30) }
    return KeyDecoder.decode(bytes)
  }

  private enum Wake { case input, resize, timeout }

  /// Waits for input, a resize notice (drained) or the timeout (-1 = none).
  private func waitForInputOrResize(timeoutMilliseconds: Int32) -> Wake {
    var descriptors = [pollfd(fd: input, events: Int16(POLLIN), revents: 0)]
    if resizePipe[0] >= 0 { descriptors.append(pollfd(fd: resizePipe[0], events: Int16(POLLIN), revents: 0)) }
    var ready: Int32
    repeat {
      ready = poll(&descriptors, nfds_t(descriptors.count), timeoutMilliseconds)
    } while ready < 0 && errno == EINTR
    if ready == 0 { return .timeout }
    guard descriptors.count > 1, descriptors[1].revents & Int16(POLLIN) != 0 else { return .input }
    var drain = [UInt8](repeating: 0, count: 64)
    while read(resizePipe[0], &drain, drain.count) > 0 {}
    return .resize
  }

  private func readChunk(timeoutMilliseconds: Int32) -> [UInt8] {
    if timeoutMilliseconds >= 0 {
      var descriptor = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
      guard poll(&descriptor, 1, timeoutMilliseconds) > 0 else { return [] }
    }
    var buffer = [UInt8](repeating: 0, count: 64)
    while true {
      let count = read(input, &buffer, buffer.count)
      if count < 0, errno == EINTR { continue }
      return count > 0 ? Array(buffer[0..<count]) : []
    }
  }

  // MARK: - Size

  /// Rows and columns of the terminal on stdout; 24 × 80 when unknown. `LINES`/`COLUMNS` win.
  public static func size(environment: [String: String] = ProcessInfo.processInfo.environment) -> (rows: Int, columns: Int) {
    var rows = 24
    if let size = Terminal.windowSize(), size.ws_row > 0 { rows = Int(size.ws_row) }
    if let lines = environment["LINES"].flatMap(Int.init), lines > 0 { rows = lines }
    return (max(rows, 5), Terminal.width(environment: environment))
  }
}

/// Saved `termios` settings carried into an interrupt cleanup.
private struct TerminalSettings: @unchecked Sendable {
  // @unchecked: `termios` is a plain C struct of integers, copied, never shared mutably.
  let value: termios
}
