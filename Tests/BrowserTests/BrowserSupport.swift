import Foundation
import Testing

/// Paths, the built binary and scratch directories for the page tests.
enum PageTestSupport {
  static var packageRoot: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  }

  static var fixtures: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
  }

  /// `LESSON_BINARY`, else `.build/release/lesson`, else `.build/debug/lesson`.
  static var binary: String {
    if let path = ProcessInfo.processInfo.environment["LESSON_BINARY"], !path.isEmpty { return path }
    let release = packageRoot.appendingPathComponent(".build/release/lesson").path
    if FileManager.default.isExecutableFile(atPath: release) { return release }
    return packageRoot.appendingPathComponent(".build/debug/lesson").path
  }

  /// A fresh directory under the system's temporary directory.
  static func scratch(_ name: String) throws -> String {
    let path = NSTemporaryDirectory() + "lesson-pages-\(name)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  /// Where screenshots are kept for a person to look at (inside the ignored `.build`).
  static func screenshotPath(_ name: String) throws -> String {
    let directory = packageRoot.appendingPathComponent(".build/page-screenshots").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return directory + "/\(name).png"
  }

  /// `lesson-testbed` beside the binary: the same command line with only the engine's self-test bundle.
  static var testbed: String {
    URL(fileURLWithPath: binary).deletingLastPathComponent().appendingPathComponent("lesson-testbed").path
  }

  /// Runs the `lesson` binary (or `executable`) in the package root; returns its status and output.
  static func lesson(_ arguments: [String], executable: String = binary) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = packageRoot
    var environment = ProcessInfo.processInfo.environment
    environment["COLUMNS"] = "80"
    environment["NO_COLOR"] = "1"
    let scratch = try scratch("run")
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    // The pretraining page replays the steps of `make test`'s cold check ($LESSON_SHARED_CACHE);
    // otherwise each build starts from an empty cache of its own, never the user's.
    let shared = ProcessInfo.processInfo.environment["LESSON_SHARED_CACHE"] ?? ""
    let cacheHome = shared.isEmpty ? scratch + "/cache" : shared
    environment["XDG_CACHE_HOME"] = cacheHome
    // The cache's key, beside the cache as scripts/check-lessons.sh keeps it for the shared one.
    environment["XDG_STATE_HOME"] = cacheHome + ".state"
    process.environment = environment
    FileManager.default.createFile(atPath: scratch + "/out", contents: nil)
    FileManager.default.createFile(atPath: scratch + "/err", contents: nil)
    process.standardOutput = FileHandle(forWritingAtPath: scratch + "/out")
    process.standardError = FileHandle(forWritingAtPath: scratch + "/err")
    process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
    try process.run()
    process.waitUntilExit()
    let out = String(decoding: FileManager.default.contents(atPath: scratch + "/out") ?? Data(), as: UTF8.self)
    let err = String(decoding: FileManager.default.contents(atPath: scratch + "/err") ?? Data(), as: UTF8.self)
    return (process.terminationStatus, out, err)
  }

  /// Opens a browser, runs `body`, and always closes the browser.
  static func withBrowser<T>(width: Int = 1000, height: Int = 1400, _ body: (Browser) async throws -> T) async throws -> T {
    let browser = try await Browser(width: width, height: height)
    do {
      let result = try await body(browser)
      await browser.quit()
      return result
    } catch {
      await browser.quit()
      throw error
    }
  }

  /// Takes a screenshot, keeps it, and checks it shows something: many colours, the window's size.
  static func checkScreenshot(_ browser: Browser, name: String) async throws {
    let png = try await browser.screenshot()
    let path = try screenshotPath(name)
    try png.write(to: URL(fileURLWithPath: path))
    #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "not a PNG: \(path)")
    let seen = try await browser.distinctColors(inPNG: png)
    #expect(seen.width > 300 && seen.height > 300, "screenshot \(path) is \(seen.width)×\(seen.height)")
    #expect(seen.colors > 20, "screenshot \(path) looks blank: \(seen.colors) distinct colours")
  }
}
