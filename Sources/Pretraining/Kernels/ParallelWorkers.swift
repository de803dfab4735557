import Dispatch
import Foundation

/// Runs one closure per worker index on separate threads and waits for all of them.
///
/// Worker 0 is the calling thread; workers 1... are long-lived helper threads parked on a
/// semaphore, so a step costs two wake-ups rather than thread creation. (`concurrentPerform` was
/// measured falling back to running every iteration on the caller in ~1 of 6 calls when the
/// machine was busy, which serializes a whole forward or backward pass.) With one worker the
/// body runs inline and no thread is ever created.
///
/// Each call borrows an idle pool of helpers and gives it back when every worker is done; a
/// caller that finds none idle starts a new one. So a run that never finishes (a helper trapped
/// and was parked by the lesson runner's trap guard, its caller waiting for it forever) only
/// loses its own pool: a later training step gets another instead of waiting on it for good.
/// Concurrent callers (tests training two models at once) each get their own helpers, and a
/// body that calls `run` again borrows a second pool rather than deadlocking. (`package`: the
/// package's tests exercise the pool directly; it is not part of the library's API.)
package enum ParallelWorkers {
  package static func run(_ count: Int, _ body: @Sendable (Int) -> Void) {
    if count <= 1 {
      body(0)
      return
    }
    let pool = WorkerPool.borrow()
    pool.run(count, body)
    WorkerPool.giveBack(pool)
  }
}

/// One set of helper threads behind ``ParallelWorkers``, used by one caller at a time.
final class WorkerPool: @unchecked Sendable {
  // @unchecked: `task` is written only by the borrowing caller while every helper is parked,
  // and the semaphores order that write before the helpers' reads; a pool is borrowed by one
  // caller at a time (`idle` is only touched under `idleLock`).
  private nonisolated(unsafe) static var idle: [WorkerPool] = []
  private static let idleLock = NSLock()

  private var helpers: [Thread] = []
  private var wakeUps: [DispatchSemaphore] = []
  private let finished = DispatchSemaphore(value: 0)
  private var task: (@Sendable (Int) -> Void)?

  /// An idle pool, or a new one.
  static func borrow() -> WorkerPool {
    idleLock.withLock { idle.popLast() } ?? WorkerPool()
  }

  /// Returns a pool whose run has finished to the idle ones.
  static func giveBack(_ pool: WorkerPool) {
    idleLock.withLock { idle.append(pool) }
  }

  func run(_ count: Int, _ body: @Sendable (Int) -> Void) {
    startHelpers(upTo: count - 1)
    withoutActuallyEscaping(body) { escapingBody in
      task = escapingBody
      for helper in 0..<(count - 1) { wakeUps[helper].signal() }
      escapingBody(0)
      for _ in 0..<(count - 1) { finished.wait() }
      task = nil
    }
  }

  private func startHelpers(upTo count: Int) {
    while helpers.count < count {
      let worker = helpers.count + 1
      let wakeUp = DispatchSemaphore(value: 0)
      let thread = Thread { [self] in
        while true {
          wakeUp.wait()
          task?(worker)
          finished.signal()
        }
      }
      thread.name = "Pretraining worker \(worker)"
      thread.stackSize = 1 << 20
      wakeUps.append(wakeUp)
      helpers.append(thread)
      thread.start()
    }
  }
}

/// A raw Float pointer that may cross into worker threads.
///
/// @unchecked: workers only read through it or write to ranges no other worker touches.
struct SendablePointer: @unchecked Sendable {
  let base: UnsafeMutablePointer<Float>
}
