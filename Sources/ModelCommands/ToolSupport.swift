import Foundation
import LessonKit

// MARK: - Exit codes

/// Exit statuses of the numeric commands (train, sample, bench, corpus).
public enum ToolExit {
  /// Everything worked.
  public static let success: Int32 = 0
  /// The work itself failed (divergence, an unreadable or damaged checkpoint, a write error).
  public static let failure: Int32 = 1
  /// Bad input, found before any work started (LessonKit's convention for unusable input).
  public static let badInput: Int32 = 2

  /// 128 + the signal number, as shells report a process stopped by a signal (130 for SIGINT).
  public static func interrupted(by signal: Int32) -> Int32 { 128 + signal }
}

/// Input that cannot describe a run: reported with exit status 2 before any work starts.
public struct ToolInputError: Error, CustomStringConvertible, Equatable {
  public let description: String
  public init(_ description: String) { self.description = description }
}

// MARK: - Writing results

extension CommandEnvironment {
  /// One compact JSON object and a newline on stdout.
  func printJSON<Value: Encodable>(_ value: Value) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    out(String(decoding: data, as: UTF8.self) + "\n")
  }
}
