import Foundation
#if canImport(Glibc)
  import Glibc
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
  private let port: Int
  fileprivate var session = ""

  /// Starts chromedriver on a free port and opens a headless window of `width` × `height`.
  init(width: Int = 1000, height: Int = 1400) async throws {
    let port = try Self.freePort()
    self.port = port
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
      stopDriver()
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
      stopDriver()
      throw error
    }
  }

  /// Ends the browser session and the driver.
  func quit() async {
    _ = try? await request("DELETE", "/session/\(session)")
    stopDriver()
  }

  /// chromedriver leaves on `/shutdown` (it outlives SIGTERM); SIGKILL if it has not after 5 s.
  private func stopDriver() {
    _ = try? Self.http("GET", port: port, path: "/shutdown", body: Data())
    for _ in 0..<50 where process.isRunning { Thread.sleep(forTimeInterval: 0.1) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
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

  fileprivate func request2(_ method: String, _ path: String, _ body: [String: Any]) async throws -> [String: Any] {
    try await request(method, path, body)
  }

  private func request(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> [String: Any] {
    let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
    let data = try Self.http(method, port: port, path: path, body: payload)
    guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw Failure(description: "\(method) \(path): not a JSON object")
    }
    if let value = object["value"] as? [String: Any], let error = value["error"] as? String {
      throw Failure(description: "\(method) \(path): \(error): \(value["message"] ?? "")")
    }
    if path == "/status" || path == "/session" { return (object["value"] as? [String: Any]) ?? object }
    return object
  }

  /// One HTTP/1.1 exchange with the driver on 127.0.0.1 over a plain socket (`Connection: close`,
  /// so the response ends at end of stream). Foundation's URLSession on Linux rejects
  /// chromedriver's response headers, and nothing more than this is needed.
  private static func http(_ method: String, port: Int, path: String, body: Data) throws -> Data {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw Failure(description: "socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw Failure(description: "cannot connect to chromedriver on port \(port)") }
    // A hung browser fails the test after two minutes instead of hanging the suite.
    var timeout = timeval(tv_sec: 120, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var request = Data("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n".utf8)
    request += Data("Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
    try request.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let sent = send(fd, raw.baseAddress! + offset, raw.count - offset, 0)
        guard sent > 0 else { throw Failure(description: "send to chromedriver failed") }
        offset += sent
      }
    }
    // Read until the response is complete by its own framing: the driver may keep the
    // connection open whatever the request asked.
    var response = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    func complete() -> Data? {
      guard let split = response.range(of: Data("\r\n\r\n".utf8)) else { return nil }
      let head = String(decoding: response[..<split.lowerBound], as: UTF8.self).lowercased()
      let content = Data(response[split.upperBound...])
      if head.contains("transfer-encoding: chunked") {
        var decoded = Data()
        var rest = content
        while let lineEnd = rest.range(of: Data("\r\n".utf8)) {
          guard let size = Int(String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self)
            .split(separator: ";").first.map(String.init) ?? "", radix: 16) else { return nil }
          if size == 0 { return decoded }
          guard rest.count >= lineEnd.upperBound + size + 2 else { return nil }   // rest starts at 0
          decoded += rest[lineEnd.upperBound..<(lineEnd.upperBound + size)]
          rest = Data(rest[(lineEnd.upperBound + size + 2)...])
        }
        return nil
      }
      for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
        let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
        return content.count >= length ? Data(content.prefix(length)) : nil
      }
      return nil
    }
    while true {
      if let done = complete() { return done }
      let count = recv(fd, &buffer, buffer.count, 0)
      if count <= 0 { break }
      response.append(contentsOf: buffer[0..<count])
    }
    if let done = complete() { return done }
    throw Failure(description: "\(method) \(path): incomplete HTTP response (\(response.count) bytes)")
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

extension Browser {
  /// Resizes the window (to check the page at phone width).
  func resize(width: Int, height: Int) async throws {
    _ = try await request2("POST", "/session/\(session)/window/rect", ["width": width, "height": height])
  }

  /// How many distinct colours a sample of the screenshot's pixels holds, decoded by the browser
  /// itself (a blank page gives 1), and the image's size. Runs on a blank page (away from the
  /// built page's content security policy), then goes back.
  func distinctColors(inPNG png: Data) async throws -> (colors: Int, width: Int, height: Int) {
    _ = try await request2("POST", "/session/\(session)/url", ["url": "about:blank"])
    let script = """
      var png = arguments[0];
      return new Promise(function (resolve) {
        var img = new Image();
        img.onload = function () {
          var c = document.createElement("canvas"); c.width = img.width; c.height = img.height;
          var g = c.getContext("2d"); g.drawImage(img, 0, 0);
          var d = g.getImageData(0, 0, c.width, c.height).data, colors = new Set();
          for (var i = 0; i < d.length; i += 4 * 7) colors.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
          resolve([colors.size, img.width, img.height]);
        };
        img.onerror = function () { resolve([0, 0, 0]); };
        setTimeout(function () { resolve([-1, 0, 0]); }, 10000);
        img.src = "data:image/png;base64," + png;
      });
      """
    let result = try await run(script, [png.base64EncodedString()]) as? [Int] ?? [0, 0, 0]
    _ = try await request2("POST", "/session/\(session)/back", [:])
    return (result[0], result[1], result[2])
  }
}
