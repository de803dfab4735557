import Dispatch
import Foundation

/// Runs one closure per worker index on separate threads and waits for all of them.
///
/// Worker 0 is the calling thread; workers 1... are long-lived helper threads parked on a
/// semaphore, so a step costs two wake-ups rather than thread creation. (`concurrentPerform` was
/// measured falling back to running every iteration on the caller in ~1 of 6 calls when the
/// machine was busy, which serializes a whole forward or backward pass.) With one worker the
/// body runs inline and no thread is ever created. Not reentrant: `body` must not call `run`.
enum ParallelWorkers {
  static func run(_ count: Int, _ body: @Sendable (Int) -> Void) {
    if count <= 1 {
      body(0)
      return
    }
    WorkerPool.shared.run(count, body)
  }
}

/// The helper threads behind ``ParallelWorkers``.
final class WorkerPool: @unchecked Sendable {
  // @unchecked: `task` is written only by the caller while every helper is parked, and the
  // semaphores order that write before the helpers' reads; `lock` serializes callers.
  static let shared = WorkerPool()

  private var helpers: [Thread] = []
  private var wakeUps: [DispatchSemaphore] = []
  private let finished = DispatchSemaphore(value: 0)
  private var task: (@Sendable (Int) -> Void)?
  private let lock = NSLock()

  func run(_ count: Int, _ body: @Sendable (Int) -> Void) {
    lock.lock()
    defer { lock.unlock() }
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
