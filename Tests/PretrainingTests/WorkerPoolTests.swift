import Foundation
import Pretraining
import Testing

/// The helper threads behind the data-parallel training step.
@Suite struct WorkerPoolTests {
  /// Every worker index runs exactly once per call, worker 0 on the caller.
  @Test func eachWorkerRunsOnce() {
    let counts = Counts(4)
    let caller = pthread_self()
    let onCaller = Counts(1)
    ParallelWorkers.run(4) { worker in
      counts.add(worker)
      if worker == 0, pthread_equal(pthread_self(), caller) != 0 { onCaller.add(0) }
    }
    #expect(counts.values == [1, 1, 1, 1])
    #expect(onCaller.values == [1], "worker 0 did not run on the calling thread")
  }

  /// A run whose helper never finishes (as when the lesson runner's trap guard parks a helper
  /// that trapped, leaving its caller waiting for good) must not hold up the next training
  /// step: that one gets a pool of its own and finishes.
  @Test func aRunThatNeverFinishesDoesNotBlockTheNextOne() {
    let stuck = DispatchSemaphore(value: 0)
    let entered = DispatchSemaphore(value: 0)
    let stuckCaller = Thread {
      ParallelWorkers.run(2) { worker in
        guard worker == 1 else { return }
        entered.signal()
        stuck.wait()
      }
    }
    stuckCaller.start()
    #expect(entered.wait(timeout: .now() + 30) == .success)
    let done = DispatchSemaphore(value: 0)
    let counts = Counts(2)
    let nextCaller = Thread {
      ParallelWorkers.run(2) { counts.add($0) }
      done.signal()
    }
    nextCaller.start()
    let finished = done.wait(timeout: .now() + 30) == .success
    #expect(finished, "the second run waited on the first, stuck one")
    #expect(counts.values == [1, 1])
    // Let the first run end, so its pool goes back to the idle ones.
    stuck.signal()
  }

  /// A body that itself runs workers (not done by the model, but allowed) borrows a second pool
  /// instead of waiting on the one it runs on.
  @Test func aNestedRunFinishes() {
    let counts = Counts(4)
    ParallelWorkers.run(2) { outer in
      ParallelWorkers.run(2) { inner in counts.add(outer * 2 + inner) }
    }
    #expect(counts.values == [1, 1, 1, 1])
  }
}

/// Per-worker counters shared across the worker threads.
private final class Counts: @unchecked Sendable {
  // @unchecked: every access holds `lock`.
  private let lock = NSLock()
  private var counts: [Int]

  init(_ count: Int) { counts = Array(repeating: 0, count: count) }

  func add(_ index: Int) { lock.withLock { counts[index] += 1 } }
  var values: [Int] { lock.withLock { counts } }
}
