import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT and SIGTERM into a flag the training loop polls, so a run can stop between steps.
///
/// The first signal is only recorded (the loop finishes its step and saves); the default action
/// is then restored, so a second Ctrl-C ends the process at once. Checkpoint writes are atomic,
/// so even that never leaves a half-written file under the final name.
final class InterruptMonitor: @unchecked Sendable {
  // @unchecked: `received` is only touched under `lock`; the sources are set up once in init.
  private let lock = NSLock()
  private var received: Int32?
  private var sources: [DispatchSourceSignal] = []
  private let signals: [Int32]

  init(signals: [Int32] = [SIGINT, SIGTERM]) {
    self.signals = signals
    let queue = DispatchQueue(label: "lesson.interrupts")
    for number in signals {
      signal(number, SIG_IGN)  // the dispatch source sees the signal instead of the default action
      let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
      source.setEventHandler { [weak self] in
        guard let self else { return }
        self.lock.withLock { if self.received == nil { self.received = number } }
        signal(number, SIG_DFL)  // a second signal acts at once
      }
      source.resume()
      sources.append(source)
    }
  }

  /// The first signal received, if any.
  var receivedSignal: Int32? { lock.withLock { received } }

  /// Restores the default signal actions.
  func stop() {
    for source in sources { source.cancel() }
    sources = []
    for number in signals { _ = signal(number, SIG_DFL) }
  }

  /// "SIGINT" or "SIGTERM".
  static func name(_ number: Int32) -> String {
    switch number {
    case SIGINT: return "SIGINT"
    case SIGTERM: return "SIGTERM"
    default: return "signal \(number)"
    }
  }
}

/// Thrown by the batch source to stop a training run between steps.
struct TrainingInterrupted: Error {
  let signal: Int32
}
