import Foundation
#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// A small W3C WebDriver client for headless Chromium through `chromedriver`: open a page,
/// click, type, run a script, take a screenshot. Enough to drive built pages as a reader would.
final class Browser {
  /// Chromium and its driver, where Debian installs them (`make test` installs both).
  static let chromium = "/usr/bin/chromium"
  static let driver = "/usr/bin/chromedriver"
  static var isAvailable: Bool {
    FileManager.default.isExecutableFile(atPath: chromium) && FileManager.default.isExecutableFile(atPath: driver)
  }

  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  private let process = Process()
  private let base: URL
  private var session = ""
  private let urlSession: URLSession

  /// Starts chromedriver on a free port and opens a headless window of `width` × `height`.
  init(width: Int = 1000, height: Int = 1400) async throws {
    let port = try Self.freePort()
    base = URL(string: "http://127.0.0.1:\(port)")!
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = 120
    urlSession = URLSession(configuration: configuration)
    process.executableURL = URL(fileURLWithPath: Self.driver)
    process.arguments = ["--port=\(port)", "--silent"]
    process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
    process.standardError = FileHandle(forWritingAtPath: "/dev/null")
    try process.run()
    var ready = false
    for _ in 0..<100 {
      if let status = try? await request("GET", "/status"), (status["ready"] as? Bool) == true {
        ready = true
        break
      }
      try await Task.sleep(nanoseconds: 100_000_000)
    }
    guard ready else {
      process.terminate()
      throw Failure(description: "chromedriver did not start on port \(port)")
    }
    let capabilities: [String: Any] = [
      "capabilities": [
        "alwaysMatch": [
          "browserName": "chrome",
          "goog:chromeOptions": [
            "binary": Self.chromium,
            "args": [
              "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
              "--window-size=\(width),\(height)", "--allow-file-access-from-files",
            ],
          ],
        ]
      ]
    ]
    do {
      let created = try await request("POST", "/session", capabilities)
      guard let id = created["sessionId"] as? String else { throw Failure(description: "no session in \(created)") }
      session = id
    } catch {
      process.terminate()
      throw error
    }
  }

  /// Ends the browser session and the driver.
  func quit() async {
    _ = try? await request("DELETE", "/session/\(session)")
    process.terminate()
    process.waitUntilExit()
  }

  // MARK: - Commands

  func open(_ url: URL) async throws {
    _ = try await request("POST", "/session/\(session)/url", ["url": url.absoluteString])
  }

  /// Runs `script` (a function body; `arguments[i]` are its arguments) and returns its result.
  @discardableResult
  func run(_ script: String, _ arguments: [Any] = []) async throws -> Any? {
    try await request("POST", "/session/\(session)/execute/sync", ["script": script, "args": arguments])["value"]
  }

  /// The first element matching `selector`.
  func element(_ selector: String) async throws -> String {
    let found = try await request("POST", "/session/\(session)/element", ["using": "css selector", "value": selector])
    guard let value = found["value"] as? [String: Any], let id = value.values.first as? String else {
      throw Failure(description: "no element \(selector)")
    }
    return id
  }

  func click(_ selector: String) async throws {
    let id = try await element(selector)
    _ = try await request("POST", "/session/\(session)/element/\(id)/click", [:])
  }

  func clear(_ selector: String) async throws {
    let id = try await element(selector)
    _ = try await request("POST", "/session/\(session)/element/\(id)/clear", [:])
  }

  /// Types `text` into the element as key presses (WebDriver's special keys are Unicode private-use characters).
  func type(_ selector: String, _ text: String) async throws {
    let id = try await element(selector)
    _ = try await request("POST", "/session/\(session)/element/\(id)/value", ["text": text])
  }

  /// The page as PNG bytes.
  func screenshot() async throws -> Data {
    let shot = try await request("GET", "/session/\(session)/screenshot")
    guard let text = shot["value"] as? String, let data = Data(base64Encoded: text) else {
      throw Failure(description: "no screenshot")
    }
    return data
  }

  /// Polls `condition` (a script returning a boolean) until it holds, for at most `seconds`.
  func wait(until condition: String, seconds: Double = 30) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if (try await run(condition) as? Bool) == true { return }
      try await Task.sleep(nanoseconds: 50_000_000)
    }
    throw Failure(description: "timed out waiting for: \(condition)")
  }

  // MARK: - Transport

  private func request(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> [String: Any] {
    var request = URLRequest(url: base.appendingPathComponent(path))
    request.httpMethod = method
    if let body {
      request.httpBody = try JSONSerialization.data(withJSONObject: body)
      request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    }
    let (data, _) = try await urlSession.data(for: request)
    guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw Failure(description: "\(method) \(path): not a JSON object")
    }
    if let value = object["value"] as? [String: Any], let error = value["error"] as? String {
      throw Failure(description: "\(method) \(path): \(error): \(value["message"] ?? "")")
    }
    if path == "/status" || path == "/session" { return (object["value"] as? [String: Any]) ?? object }
    return object
  }

  /// A TCP port nothing listens on now (the kernel's choice for port 0).
  private static func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw Failure(description: "socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
        bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
      }
    }
    guard bound else { throw Failure(description: "could not find a free port") }
    return Int(UInt16(bigEndian: address.sin_port))
  }
}
