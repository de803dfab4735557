import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - A step that traps

/// Turns a trap inside a step (a Swift runtime error: arithmetic overflow, an index out of
/// range, a force-unwrapped nil, `fatalError`; or a crash such as a stack overflow) into that
/// step's failure, so `check` names the step and its file:line and goes on with every step that
/// does not depend on it, instead of the whole process dying with SIGILL.
///
/// Steps run on a worker thread (`LessonRunner`). The runner waits on a `StepWatch` (a pipe);
/// the worker writes one byte when the body returns. A trap raises SIGILL, SIGTRAP, SIGABRT,
/// SIGFPE, SIGSEGV or SIGBUS on the faulting thread, and the handler (which only uses
/// async-signal-safe calls: `write`, `pause`, `sigaction`, `raise`) does one of three things:
///
/// - The faulting thread is a guarded step's own: it writes the signal number to that step's
///   pipe and parks the thread for good, so it never touches the context again.
/// - It is any other thread (a worker-pool thread running half of a training step, a `Thread`
///   or dispatch queue the author's step started) while exactly one step runs: steps run one at
///   a time, so that step is the culprit. The handler writes `foreignTrap | signal` to its pipe
///   and parks the faulting thread. The runner then stops the step's own thread too
///   (`stopStepThread`): it is usually waiting for the thread that trapped and would wait
///   forever, and if it is still computing it must not go on writing to the context the next
///   steps use.
/// - Otherwise (no step running, or several at once, which only a test host does) the fault
///   goes to the handler installed before (the Swift backtracer, or the default action): the
///   process dies as it would have.
///
/// Parked threads keep whatever they held. The worker pool (`ParallelWorkers`) never lets a
/// later training step wait on a run that never finished; anything else a parked thread holds
/// can make a later step wait, and that step's timeout reports it. Because parked threads
/// exist, the command line leaves with `_exit` (`LessonRunner.hasAbandonedWork`).
enum StepTrapGuard {
  /// The signals a trap or crash raises.
  static let signals: [Int32] = [SIGILL, SIGTRAP, SIGABRT, SIGFPE, SIGSEGV, SIGBUS]
  /// What the runner sends a step's own thread to park it after another thread of the step
  /// trapped. SIGUSR2 is free in this process (neither the Swift runtime, Foundation, dispatch
  /// nor the sanitizers use it); sent to any thread that is not a guarded step, it does what it
  /// did before (the default action ends the process).
  static let parkSignal = SIGUSR2

  /// What a step's pipe carries: 0 when the body returned, a signal number when the step's own
  /// thread trapped, `foreignTrap | signal` when another thread trapped while it ran, and
  /// `parked` when the step's thread stopped at the runner's request.
  static let foreignTrap: UInt8 = 0x80
  static let parked: UInt8 = 0xFF

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
    // A process can start with signals blocked (a parent's mask is inherited: a test host's
    // dispatch thread blocks SIGUSR2, for one); the step's own thread must receive the park
    // request and its traps, whatever it inherited.
    var unblocked = sigset_t()
    sigemptyset(&unblocked)
    for signal in signals + [parkSignal] { sigaddset(&unblocked, signal) }
    _ = pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
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
    for signal in signals + [parkSignal] {
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

  /// After another thread trapped while the step reporting to `watch` ran: parks the step's own
  /// thread so it never touches the context again.
  ///
  /// - Returns: true when the thread is parked, or had already finished the body (it has
  ///   released its slot and only reports and exits); false when it did not confirm within
  ///   `confirmWithin` seconds (it blocks the park signal, say): it may still be running.
  static func stopStepThread(reportingTo watch: StepWatch, confirmWithin seconds: Double = 5) -> Bool {
    table.withSlot(writingTo: watch.writeEnd) { thread in
      // Holding the table's lock: the thread cannot release its slot and exit before the
      // signal lands, so `pthread_kill` never targets a thread that is gone.
      guard let thread else { return true }
      guard pthread_kill(thread, parkSignal) == 0 else { return false }
      let deadline = Date().addingTimeInterval(seconds)
      while true {
        switch watch.wait(timeout: deadline.timeIntervalSinceNow) {
        case .parked, .trapped: return true
        // The body returned while the park signal was on its way: it had let go of the context.
        case .finished: return true
        // A second thread of the step trapped too: it is parked; keep waiting for the step's own.
        case .foreignTrap: continue
        case .timedOut: return false
        }
      }
    }
  }

  /// Frees the slot of a step whose thread is parked for good, so a later trap on another thread
  /// still finds exactly one step running.
  static func forget(_ watch: StepWatch) {
    table.release(writingTo: watch.writeEnd)
  }

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
    /// The body returned (or threw).
    case finished
    /// The step's own thread trapped; it is parked.
    case trapped(signal: Int32)
    /// Another thread trapped while the step ran; that thread is parked, the step's own is not yet.
    case foreignTrap(signal: Int32)
    /// The step's own thread parked at the runner's request.
    case parked
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
      switch byte {
      case 0: return .finished
      case StepTrapGuard.parked: return .parked
      case let byte where byte & StepTrapGuard.foreignTrap != 0:
        return .foreignTrap(signal: Int32(byte & ~StepTrapGuard.foreignTrap))
      default: return .trapped(signal: Int32(byte))
      }
    }
  }
}

/// A fixed number of (thread, pipe) slots; `claim` and `release` lock, the handler only reads.
final class GuardedThreads: @unchecked Sendable {
  // @unchecked: `slots` is written under `lock`; the signal handler reads it without locking
  // (it may not take a lock). That read is ordered after the write it needs: a step's own
  // thread wrote its slot itself, and any thread the step makes trap was started or woken by
  // the step after `claim` (thread creation, a semaphore or queue hand-off), so the claim
  // happens before the trap; `release` and `forget` run after the step's threads are done or
  // parked. (ThreadSanitizer agrees: the trap tests run clean under it.)
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

  /// Frees the slot writing to `fd`, if one does.
  func release(writingTo fd: Int32) {
    lock.withLock {
      for index in 0..<Self.capacity where slots[index].fd == fd { slots[index] = (nil, -1) }
    }
  }

  /// Runs `body` with the thread of the slot writing to `fd` (nil when none does), holding the
  /// lock, so that thread cannot release its slot meanwhile.
  func withSlot<Result>(writingTo fd: Int32, _ body: (pthread_t?) -> Result) -> Result {
    lock.withLock {
      let index = (0..<Self.capacity).first { slots[$0].fd == fd }
      return body(index.flatMap { slots[$0].thread })
    }
  }
}

/// The SA_SIGINFO handler: a guarded step's thread reports and parks; another thread that
/// traps while exactly one step runs reports to that step and parks; anything else goes on as
/// before. Only async-signal-safe calls; the slot table is read without its lock (see
/// `GuardedThreads`).
private func stepTrapHandler(_ signal: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?) {
  let me = pthread_self()
  let slots = StepTrapGuard.table.slots
  var running = 0
  var runningFD: Int32 = -1
  for index in 0..<GuardedThreads.capacity {
    let slot = slots[index]
    guard slot.fd >= 0 else { continue }
    running += 1
    runningFD = slot.fd
    if let thread = slot.thread, pthread_equal(thread, me) != 0 {
      var byte = signal == StepTrapGuard.parkSignal ? StepTrapGuard.parked : UInt8(truncatingIfNeeded: signal)
      _ = write(slot.fd, &byte, 1)
      while true { pause() }
    }
  }
  if signal != StepTrapGuard.parkSignal, running == 1 {
    var byte = StepTrapGuard.foreignTrap | UInt8(truncatingIfNeeded: signal)
    _ = write(runningFD, &byte, 1)
    while true { pause() }
  }
  // Not during one step: restore what was there and let the fault happen again under it (a
  // faulting instruction re-executes on return; abort, raise and the park signal are raised
  // again explicitly).
  _ = sigaction(signal, StepTrapGuard.previousActions + Int(signal), nil)
  if signal == SIGABRT || signal == SIGTRAP || signal == StepTrapGuard.parkSignal { raise(signal) }
}
