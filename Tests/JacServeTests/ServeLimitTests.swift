import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JacServe
import Testing

/// Each limit of a class server (docs/serve.md): body size, expression length, entries, time,
/// concurrent computations.
@Suite struct ServeLimitTests {
  static func limits(
    body: Int = ServeLimits.defaults.maximumBodyBytes, length: Int = ServeLimits.defaults.maximumExpressionLength,
    entries: Int = ServeLimits.defaults.maximumEntries, time: Double = ServeLimits.defaults.timeLimit,
    concurrent: Int = ServeLimits.defaults.maximumConcurrent
  ) -> ServerSettings {
    ServerSettings(
      limits: ServeLimits(
        maximumBodyBytes: body, maximumExpressionLength: length, maximumEntries: entries, timeLimit: time,
        maximumConcurrent: concurrent))
  }

  @Test func theDefaultsAreTheDocumentedOnes() {
    let d = ServeLimits.defaults
    #expect(d == ServeLimits(maximumBodyBytes: 4 << 20, maximumExpressionLength: 4_000, maximumEntries: 1_000_000, timeLimit: 10, maximumConcurrent: 4))
  }

  @Test func bodiesOverTheLimitAre413() async throws {
    try await ServeClient.with(Self.limits(body: 1_000)) { client in
      let big = #"{"expression": ""# + String(repeating: "x+", count: 600) + #"x", "wrt": "x", "dims": "x=2x1"}"#
      let r = try await ServeClient.post(client, "/api/derive", json: big)
      #expect(r.status == .contentTooLarge)
      #expect(r.error == "the request body is larger than the 1000 bytes this server reads (--max-body-bytes)")
      let small = try await ServeClient.post(client, "/api/derive", ["expression": "x'*x", "wrt": "x", "dims": "x=2x1"])
      #expect(small.status == .ok)
    }
  }

  @Test func expressionsOverTheLengthLimit() async throws {
    try await ServeClient.with(Self.limits(length: 20)) { client in
      let long = String(repeating: "x+", count: 15) + "x"
      let r = try await ServeClient.post(client, "/api/derive", ["expression": long, "wrt": "x", "dims": "x=2x1"])
      #expect(r.status == .badRequest)
      #expect(r.error == "the expression is 31 characters long, more than the 20 this server reads (--max-expression-length)")
      let claim = try await ServeClient.post(
        client, "/api/check", ["expression": "x'*x", "wrt": "x", "dims": "x=2x1", "claim": [long]])
      #expect(claim.error.hasPrefix("the claim is 31 characters long"))
    }
  }

  @Test func sizesOverTheEntriesLimit() async throws {
    try await ServeClient.with(Self.limits(entries: 100)) { client in
      let variable = try await ServeClient.post(client, "/api/derive", ["expression": "X", "wrt": "X", "dims": "X=20x20"])
      #expect(variable.status == .badRequest)
      #expect(variable.error == "the variable X (20×20) has 400 entries, more than the 100 this server computes with")
      // X 5×5 has 25 entries, but its Jacobian X*X is 25×25 = 625 entries.
      let jacobian = try await ServeClient.post(client, "/api/derive", ["expression": "X*X", "wrt": "X", "dims": "X=5x5"])
      #expect(jacobian.status == .badRequest)
      #expect(jacobian.error == "the Jacobian with respect to X (25×25) has 625 entries, more than the 100 this server computes with")
      let fits = try await ServeClient.post(client, "/api/derive", ["expression": "X*X", "wrt": "X", "dims": "X=3x3"])
      #expect(fits.status == .ok)
    }
  }

  /// A computation over the time limit is answered 503; it is abandoned, not cancelled, so it
  /// keeps its place under the concurrency cap until it ends (the next request is 503 busy with
  /// Retry-After), and then the server answers again.
  @Test func timeLimitAndConcurrencyCap() async throws {
    // X*X*X for X 20×20 with the finite-difference check over all 400 columns: seconds in a debug build.
    try await ServeClient.with(Self.limits(time: 0.2, concurrent: 1)) { client in
      let heavy: [String: Any] = ["expression": "X*X*X", "wrt": "X", "dims": "X=20x20", "check": true]
      let light: [String: Any] = ["expression": "x'*x", "wrt": "x", "dims": "x=2x1"]
      let start = ContinuousClock.now
      let slow = try await ServeClient.post(client, "/api/derive", heavy)
      #expect(slow.status == .serviceUnavailable)
      #expect(slow.error == "the computation took longer than the 0.2 s this server allows (--time-limit); it was abandoned")
      #expect(ContinuousClock.now - start < .seconds(5))
      let busy = try await ServeClient.post(client, "/api/derive", light)
      #expect(busy.status == .serviceUnavailable)
      #expect(busy.header("Retry-After") == "1")
      #expect(busy.error.hasPrefix("the server is busy: 1 computation is running"))
      // Once the abandoned computation ends, its place is free again.
      var answered = false
      for _ in 0..<300 where !answered {
        try await Task.sleep(for: .milliseconds(100))
        answered = try await ServeClient.post(client, "/api/derive", light).status == .ok
      }
      #expect(answered)
    }
  }

  @Test func concurrentRequestsWithinTheCapAllAnswer() async throws {
    try await ServeClient.with(Self.limits(concurrent: 16)) { client in
      try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
        for k in 1...8 {
          group.addTask {
            try await ServeClient.post(client, "/api/derive", ["expression": "x'*A*x", "wrt": "x", "dims": "x=\(k)x1,A=\(k)x\(k)"]).status
          }
        }
        for try await status in group { #expect(status == .ok) }
      }
    }
  }
}
