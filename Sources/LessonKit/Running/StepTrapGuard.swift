import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - A step that traps

/// Turns a trap inside a step's body (a Swift runtime error: arithmetic overflow, an index out
/// of range, a force-unwrapped nil, `fatalError`; or a crash such as a stack overflow) into that
/// step's failure, so `check` names the step and its file:line and goes on with every step that
/// does not depend on it, instead of the whole process dying with SIGILL.
///
/// Steps run on a worker thread (`LessonRunner`). The runner waits on a `StepWatch` (a pipe);
/// the worker writes one byte when the body returns. A trap raises SIGILL, SIGTRAP, SIGABRT,
/// SIGFPE, SIGSEGV or SIGBUS on the faulting thread; the handler looks the thread up among the
/// guarded workers, writes the signal number to that worker's pipe and parks the thread for
/// good (`write` and `pause` are async-signal-safe), so it never touches the context again. A
/// fault on any other thread goes to the handler installed before (the Swift backtracer, or the
/// default action): the process dies as it would have.
enum StepTrapGuard {
  /// The signals a trap or crash raises.
  static let signals: [Int32] = [SIGILL, SIGTRAP, SIGABRT, SIGFPE, SIGSEGV, SIGBUS]

  /// Runs `body` on the calling (worker) thread with traps reported to `watch` instead of
  /// ending the process; then reports that `body` returned.
  static func run(reportingTo watch: StepWatch, _ body: () -> Void) {
    installOnce
    // A stack overflow faults on the exhausted stack: the handler needs a stack of its own.
    let alternateSize = 64 << 10
    let alternate = UnsafeMutableRawPointer.allocate(byteCount: alternateSize, alignment: 16)
    var stack = stack_t()
    stack.ss_sp = alternate
    stack.ss_size = alternateSize
    stack.ss_flags = 0
    _ = sigaltstack(&stack, nil)
    let slot = table.claim(watch.writeEnd)
    body()
    table.release(slot)
    var off = stack_t()
    off.ss_flags = Int32(SS_DISABLE)
    _ = sigaltstack(&off, nil)
    alternate.deallocate()
    watch.report(0)
  }

  /// Signal number → what to tell the author.
  static func describe(_ signal: Int32) -> String {
    switch signal {
    case SIGILL, SIGTRAP:
      return "trapped: a Swift runtime error such as an arithmetic overflow, an index out of range, a force-unwrapped nil or a fatalError"
    case SIGABRT: return "aborted (SIGABRT)"
    case SIGFPE: return "crashed with an arithmetic exception (SIGFPE)"
    case SIGSEGV, SIGBUS: return "crashed with a memory fault or a stack overflow (\(signal == SIGSEGV ? "SIGSEGV" : "SIGBUS"))"
    default: return "crashed (signal \(signal))"
    }
  }

  // MARK: - The handler

  /// Installed the first time a step runs guarded.
  private static let installOnce: Void = {
    for signal in signals {
      var action = sigaction()
      #if canImport(Glibc)
        action.__sigaction_handler.sa_sigaction = stepTrapHandler
      #else
        action.__sigaction_u.__sa_sigaction = stepTrapHandler
      #endif
      action.sa_flags = SA_SIGINFO | SA_ONSTACK
      sigemptyset(&action.sa_mask)
      sigaction(signal, &action, previousActions + Int(signal))
    }
  }()

  /// The workers being guarded: a fixed table the handler can scan without locking or allocating.
  fileprivate static let table = GuardedThreads()
  /// What each signal did before (indexed by signal number), for faults outside any step;
  /// allocated before the handler is installed, so the handler never allocates.
  fileprivate nonisolated(unsafe) static let previousActions: UnsafeMutablePointer<sigaction> = {
    let actions = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
    actions.initialize(repeating: sigaction(), count: 65)
    return actions
  }()
}

/// Where a trapping worker reports: the read end is polled by the runner.
final class StepWatch: @unchecked Sendable {
  // @unchecked: two file descriptors, written once in init and closed once in deinit.
  let readEnd: Int32
  let writeEnd: Int32

  /// What ended the wait.
  enum Outcome: Equatable {
    case finished
    case trapped(signal: Int32)
    case timedOut
  }

  init() {
    var ends: [Int32] = [-1, -1]
    _ = pipe(&ends)
    readEnd = ends[0]
    writeEnd = ends[1]
  }

  deinit {
    close(readEnd)
    close(writeEnd)
  }

  /// Called by the worker (0: returned) or the handler (the signal number).
  func report(_ value: UInt8) {
    var byte = value
    _ = write(writeEnd, &byte, 1)
  }

  /// Waits up to `timeout` seconds for the worker to return or trap.
  func wait(timeout: Double) -> Outcome {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
      let remaining = deadline.timeIntervalSinceNow
      if remaining <= 0 { return .timedOut }
      var entry = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
      let ready = poll(&entry, 1, Int32(min(remaining * 1000, 60_000).rounded(.up)))
      if ready < 0, errno == EINTR { continue }
      guard ready > 0 else { continue }
      var byte: UInt8 = 0
      guard read(readEnd, &byte, 1) == 1 else { continue }
      return byte == 0 ? .finished : .trapped(signal: Int32(byte))
    }
  }
}

/// A fixed number of (thread, pipe) slots; `claim` and `release` lock, the handler only reads.
final class GuardedThreads: @unchecked Sendable {
  // @unchecked: `slots` is written under `lock`; the signal handler reads it without locking,
  // which is safe because a slot's thread field is written before its descriptor is published.
  static let capacity = 64
  fileprivate let slots: UnsafeMutablePointer<(thread: pthread_t?, fd: Int32)>
  private let lock = NSLock()

  init() {
    slots = .allocate(capacity: Self.capacity)
    slots.initialize(repeating: (nil, -1), count: Self.capacity)
  }

  /// Registers the calling thread; nil when every slot is taken (the step then runs unguarded).
  func claim(_ fd: Int32) -> Int? {
    lock.withLock {
      guard let free = (0..<Self.capacity).first(where: { slots[$0].fd < 0 }) else { return nil }
      slots[free].thread = pthread_self()
      slots[free].fd = fd
      return free
    }
  }

  func release(_ slot: Int?) {
    guard let slot else { return }
    lock.withLock { slots[slot] = (nil, -1) }
  }
}

/// The SA_SIGINFO handler: a guarded worker reports and parks; anything else goes on as before.
private func stepTrapHandler(_ signal: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?) {
  let me = pthread_self()
  let slots = StepTrapGuard.table.slots
  for index in 0..<GuardedThreads.capacity {
    let slot = slots[index]
    if slot.fd >= 0, let thread = slot.thread, pthread_equal(thread, me) != 0 {
      var byte = UInt8(truncatingIfNeeded: signal)
      _ = write(slot.fd, &byte, 1)
      while true { pause() }
    }
  }
  // Not a step's thread: restore what was there and let the fault happen again under it (a
  // faulting instruction re-executes on return; abort and raise are raised again explicitly).
  _ = sigaction(signal, StepTrapGuard.previousActions + Int(signal), nil)
  if signal == SIGABRT || signal == SIGTRAP { raise(signal) }
}
