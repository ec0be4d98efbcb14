import Foundation
import Hummingbird
import HummingbirdTesting
@testable import JacServe
import Testing

/// `--read-timeout` (docs/serve.md): a real server on a free port, clients on raw sockets that
/// stall or dribble. The read timeout is 0.5 s here; each test waits at most a minute for the
/// server to close a connection (the deadline runs on NIO's event loop), at most 10 minutes for
/// an answer (computed on the concurrency pool); only these upper bounds and a lower one of
/// 0.4 s are wall-clock.
@Suite struct ServeReadTimeoutTests {
  static let timeout = 0.5

  static func withServer(_ body: @Sendable (Int) async throws -> Void) async throws {
    var limits = ServeLimits.defaults
    limits.readTimeout = timeout
    let app = JacServer.application(
      settings: ServerSettings(limits: limits, quiet: true), host: "127.0.0.1", port: 0, onRunning: { _ in })
    try await app.test(.live) { client in
      let port = try #require(client.port)
      try await body(port)
    }
  }

  static let head = "POST /api/derive HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
  static let body = #"{"expression": "x'*x", "wrt": "x", "dims": "x=2x1"}"#

  /// Half a request head, then nothing: closed after the timeout (and not before).
  @Test func aStalledHeadIsDisconnected() async throws {
    try await Self.withServer { port in
      let socket = try RawSocket(port: port)
      let start = Date()
      #expect(socket.send("POST /api/derive HTTP/1.1\r\nHost: local"))
      #expect(socket.isClosed(within: 60))
      #expect(Date().timeIntervalSince(start) >= 0.8 * Self.timeout)
    }
  }

  /// A whole head and a body sent one byte every 0.1 s, well inside the timeout each time: the
  /// connection is still closed, because the deadline is for the whole request, not per byte.
  @Test func aBodyDribbledByteByByteIsDisconnected() async throws {
    try await Self.withServer { port in
      let socket = try RawSocket(port: port)
      let padded = Self.body + String(repeating: " ", count: 600)
      #expect(socket.send(Self.head + "Content-Length: \(padded.utf8.count)\r\n\r\n"))
      var sent = 0
      var closed = false
      for byte in padded {
        guard socket.send(String(byte)) else {
          closed = true
          break
        }
        sent += 1
        if socket.isClosed(within: 0.1) {
          closed = true
          break
        }
      }
      #expect(closed, "the server read all \(sent) dribbled bytes without closing the connection")
      #expect(sent < padded.utf8.count)
    }
  }

  /// A request that arrives at once is answered; the connection then waiting idle for the next
  /// request is closed after the timeout.
  @Test func promptRequestsAreAnsweredAndIdleConnectionsClosed() async throws {
    try await Self.withServer { port in
      let socket = try RawSocket(port: port)
      #expect(socket.send(Self.head + "Content-Length: \(Self.body.utf8.count)\r\n\r\n" + Self.body))
      // The answer is computed on Swift's concurrency pool, which the other suites' synchronous
      // work can hold up for minutes under `swift test` on 2 cores: a generous bound.
      let answer = try #require(socket.readUntilClosed(within: 600))
      #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(200))")
      #expect(answer.contains("\"derivative\"") || answer.contains("jacobian"), "\(answer.suffix(300))")
    }
  }

  @Test func theDefaultIsDocumented() throws {
    #expect(ServeLimits.defaults.readTimeout == 30)
    let doc = try String(contentsOfFile: #filePath.replacingOccurrences(
      of: "Tests/JacServeTests/ServeReadTimeoutTests.swift", with: "docs/serve.md"), encoding: .utf8)
    #expect(doc.contains("| `--read-timeout` | 30 s |"))
  }
}
