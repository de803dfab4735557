import Foundation

/// Runs the built `lesson` executable, or `lesson-testbed` beside it, and captures what it prints.
struct LessonBinary {
  /// What one invocation produced.
  struct Output {
    var status: Int32
    /// Whether the process was killed by a signal (`status` is then the signal number).
    var signaled = false
    var stdout: String
    var stderr: String
    var lastLine: String { stdout.split(separator: "\n").last.map(String.init) ?? "" }
  }

  static var packageRoot: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  }

  static var fixtures: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
  }

  /// `LESSON_BINARY`, else `.build/release/lesson`, else `.build/debug/lesson`.
  static var path: String {
    if let path = ProcessInfo.processInfo.environment["LESSON_BINARY"], !path.isEmpty { return path }
    let release = packageRoot.appendingPathComponent(".build/release/lesson").path
    if FileManager.default.isExecutableFile(atPath: release) { return release }
    return packageRoot.appendingPathComponent(".build/debug/lesson").path
  }

  /// `XDG_CACHE_HOME` pointing at `$LESSON_SHARED_CACHE` (the result cache of `make test`'s cold
  /// check of the real lessons), for tests that check those lessons again; empty without it, so
  /// such a test then computes its steps cold.
  static var sharedCache: [String: String] {
    guard let shared = ProcessInfo.processInfo.environment["LESSON_SHARED_CACHE"], !shared.isEmpty else { return [:] }
    return ["XDG_CACHE_HOME": shared]
  }

  /// `lesson-testbed` beside ``path``: the same command line serving only the engine's self-test
  /// bundle, which the fixture lessons use (the shipped `lesson` does not know it).
  static var testbedPath: String {
    URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("lesson-testbed").path
  }

  /// Runs `lesson-testbed arguments…` (see ``run(_:in:environment:binary:)``).
  static func runTestbed(_ arguments: [String], in directory: String = fixtures, environment: [String: String] = [:]) throws -> Output {
    try runBinary(testbedPath, arguments, in: directory, environment: environment)
  }

  /// Runs `lesson arguments…` in `directory` with stdin from /dev/null, so it is never interactive.
  static func run(_ arguments: [String], in directory: String = fixtures, environment: [String: String] = [:]) throws -> Output {
    try runBinary(path, arguments, in: directory, environment: environment)
  }

  /// Runs the executable at `binary` (a copy of the built one, say) like `run`.
  static func runBinary(
    _ binary: String, _ arguments: [String], in directory: String = fixtures, environment: [String: String] = [:]
  ) throws -> Output {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = nil
    env["COLUMNS"] = "80"
    for (key, value) in environment { env[key] = value }
    // Files rather than pipes: nothing can block however much the child prints.
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lesson-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    // Every invocation starts with an empty result cache unless the test names one.
    if environment["XDG_CACHE_HOME"] == nil { env["XDG_CACHE_HOME"] = scratch.appendingPathComponent("cache").path }
    // The cache's key lives in the state directory (`XDG_STATE_HOME/lesson/cache-key`). Unless
    // the test names one: beside the cache it named (`CACHE.state`, as scripts/check-lessons.sh
    // does for the shared cache), so runs on one cache share a key; else in the scratch
    // directory. Never in the real home.
    if environment["XDG_STATE_HOME"] == nil {
      env["XDG_STATE_HOME"] = environment["XDG_CACHE_HOME"].map { $0 + ".state" } ?? scratch.appendingPathComponent("state").path
    }
    process.environment = env
    let outURL = scratch.appendingPathComponent("stdout")
    let errURL = scratch.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = try FileHandle(forWritingTo: errURL)
    process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
    try process.run()
    process.waitUntilExit()
    let outData = try Data(contentsOf: outURL)
    let errData = try Data(contentsOf: errURL)
    return Output(
      status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }
}
