import Dispatch

/// Runs one closure per worker index on separate threads and waits for all of them.
///
/// With one worker it runs inline, so single-threaded runs create no threads at all.
enum ParallelWorkers {
  static func run(_ count: Int, _ body: @Sendable (Int) -> Void) {
    if count <= 1 {
      body(0)
      return
    }
    DispatchQueue.concurrentPerform(iterations: count, execute: body)
  }
}

/// A raw Float pointer that may cross into worker threads.
///
/// @unchecked: workers only read through it or write to ranges no other worker touches.
struct SendablePointer: @unchecked Sendable {
  let base: UnsafeMutablePointer<Float>
}
