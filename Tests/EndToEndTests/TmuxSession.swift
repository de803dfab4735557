import Foundation

#if canImport(Glibc)
  import Glibc
  private func sendSignal(_ pid: pid_t, _ signal: Int32) { _ = Glibc.kill(pid, signal) }
#elseif canImport(Darwin)
  import Darwin
  private func sendSignal(_ pid: pid_t, _ signal: Int32) { _ = Darwin.kill(pid, signal) }
#endif

/// Drives the real `lesson` binary on a real pseudo-terminal: a detached tmux session on a
/// socket of its own, keys sent with `send-keys`, the screen read with `capture-pane`.
final class TmuxSession {
  /// The tmux executable, if installed.
  static let executable: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"]
    return directories.map { $0 + "/tmux" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }()

  static var isAvailable: Bool { executable != nil }

  let socket = "lesson-e2e-" + UUID().uuidString.prefix(8).lowercased()
  private let tmux: String

  /// Starts `lesson arguments…` in `directory` on a `columns` × `rows` terminal (100 × 40 unless told).
  ///
  /// After the binary exits the pane shows `EXIT=<status>` and `TTY=<icanon echo flags>`, so a
  /// test can check the exit status and that the terminal modes were restored.
  init(
    _ arguments: [String], in directory: String = LessonBinary.fixtures, binary: String = LessonBinary.path,
    environment: [String: String] = [:], columns: Int = 100, rows: Int = 40
  ) throws {
    guard let tmux = Self.executable else { throw TmuxError.notInstalled }
    self.tmux = tmux
    let assignments = environment.map { "\($0.key)=\(Self.quote($0.value))" }.joined(separator: " ")
    let command = "env -u COLUMNS -u LINES \(assignments) \(Self.quote(binary)) "
      + arguments.map(Self.quote).joined(separator: " ")
      + "; echo EXIT=$?; echo TTY=$(stty -a | tr ' ;' '\\n\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' '); sleep 120"
    try run(["-f", "/dev/null", "new-session", "-d", "-x", String(columns), "-y", String(rows), "-c", directory, command])
  }

  deinit { kill() }

  /// Sends tmux key names (`Enter`, `C-c`, `Right`) or, with `literal`, the text itself.
  func send(_ keys: String..., literal: Bool = false) throws {
    try run(["send-keys", "-t", "0"] + (literal ? ["-l"] : []) + keys)
  }

  /// The visible screen as plain text.
  func screen() -> String {
    (try? output(["capture-pane", "-p", "-t", "0"])) ?? ""
  }

  /// The visible screen with lines the terminal wrapped joined again (`capture-pane -J`): a
  /// line wider than the pane shows up here as a line longer than the pane.
  func joinedScreen() -> String {
    (try? output(["capture-pane", "-p", "-J", "-t", "0"])) ?? ""
  }

  /// Resizes the window (the program gets SIGWINCH).
  func resize(columns: Int, rows: Int? = nil) throws {
    try run(["resize-window", "-t", "0", "-x", String(columns)] + (rows.map { ["-y", String($0)] } ?? []))
  }

  /// Polls the screen until `condition` holds (every 50 ms, at most `timeout` seconds).
  ///
  /// - Returns: the screen that satisfied it, or `nil` on timeout.
  func waitFor(timeout: Double = 20, _ condition: (String) -> Bool) -> String? {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      let text = screen()
      if condition(text) { return text }
      usleep(50_000)
    }
    return nil
  }

  /// Waits until the screen shows every one of `texts`.
  func waitFor(_ texts: String..., timeout: Double = 20) -> String? {
    waitFor(timeout: timeout) { screen in texts.allSatisfy { screen.contains($0) } }
  }

  /// Kills the pane's processes, then the server.
  ///
  /// The pane's shell leads its own process group; SIGKILL reaches it even when the test
  /// runner's blocked signals were inherited and the SIGHUP of `kill-server` would not.
  func kill() {
    if let pid = Int32((try? output(["display-message", "-p", "-t", "0", "#{pane_pid}"]))?
      .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""), pid > 1 {
      sendSignal(-pid, SIGKILL)
      sendSignal(pid, SIGKILL)
    }
    _ = try? run(["kill-server"])
  }

  // MARK: - Running tmux

  @discardableResult
  private func run(_ arguments: [String]) throws -> Int32 {
    try spawnAndWait(arguments, outputPath: "/dev/null")
  }

  /// What tmux prints, through a file.
  private func output(_ arguments: [String]) throws -> String {
    let path = NSTemporaryDirectory() + "tmux-capture-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try spawnAndWait(arguments, outputPath: path)
    return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
  }

  /// Runs `tmux -L <socket> arguments…` and reaps it with waitpid.
  ///
  /// Not `Process`: the tmux client forks a long-lived server that inherits the client's
  /// descriptors, and `Process` then never notices the client's exit. The child also gets an
  /// empty signal mask and default handlers, so the server and the panes can be interrupted
  /// even when the test runner blocks signals.
  @discardableResult
  private func spawnAndWait(_ arguments: [String], outputPath: String) throws -> Int32 {
    var environment = ProcessInfo.processInfo.environment
    environment["TMUX"] = nil
    environment["TERM"] = "xterm-256color"
    let argv = [tmux, "-L", socket] + arguments
    var cArguments = argv.map { strdup($0) } + [nil]
    var cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for pointer in cArguments { free(pointer) }
      for pointer in cEnvironment { free(pointer) }
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for number in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, number) }
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var pid = pid_t()
    let status = posix_spawn(&pid, tmux, &actions, &attributes, &cArguments, &cEnvironment)
    guard status == 0 else { throw TmuxError.spawnFailed(status) }
    var exit: Int32 = 0
    while waitpid(pid, &exit, 0) < 0 && errno == EINTR {}
    return exit
  }

  private static func quote(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}

enum TmuxError: Error {
  case notInstalled
  case spawnFailed(Int32)
}

/// A temporary state directory (`XDG_STATE_HOME`) and result cache (`XDG_CACHE_HOME`) for one test.
struct TemporaryStateHome {
  let path = NSTemporaryDirectory() + "lesson-state-" + UUID().uuidString

  var environment: [String: String] { ["XDG_STATE_HOME": path, "XDG_CACHE_HOME": path + "/cache"] }

  /// The progress files written so far.
  var progressFiles: [String] {
    let directory = path + "/lesson"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return names.filter { $0.hasSuffix(".json") }.map { directory + "/" + $0 }
  }

  func remove() { try? FileManager.default.removeItem(atPath: path) }
}
