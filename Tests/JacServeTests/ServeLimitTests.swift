import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import JacServe
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

  /// A computation over the time limit is answered 503; it is abandoned, not cancelled: it keeps
  /// its place under the concurrency cap until it ends, and then the server answers again. (No
  /// wall-clock bound is asserted: under `swift test` the other suites' synchronous work delays
  /// the scheduling of every answer, by minutes on 2 busy cores.)
  @Test func timeLimitAnswers503AndTheServerRecovers() async throws {
    // X*X*X for X 20×20 with the finite-difference check over all 400 columns: seconds in a debug build.
    try await ServeClient.with(Self.limits(time: 0.2, concurrent: 1)) { client in
      let heavy: [String: Any] = ["expression": "X*X*X", "wrt": "X", "dims": "X=20x20", "check": true]
      let slow = try await ServeClient.post(client, "/api/derive", heavy)
      #expect(slow.status == .serviceUnavailable)
      #expect(slow.error == "the computation took longer than the 0.2 s this server allows (--time-limit); it was abandoned")
      #expect(try await Self.answersAgain(client))
    }
  }

  /// Beyond the cap: a computation that finds every place taken is refused (the router test
  /// framework answers one request at a time, so the cap is exercised on `Computation` itself),
  /// and the refusal is a 503 with Retry-After.
  @Test func concurrencyCapRefusesWithRetryAfter() async throws {
    let settings = Self.limits(time: 600, concurrent: 1)
    let slots = ComputationSlots(cap: 1)
    let heavy = ["derive", "--wrt=X", "--dims=X=20x20", "--check", "--", "X*X*X"]
    let running = Task { try await Computation.run(heavy, files: [:], settings: settings, slots: slots) }
    while slots.inUse == 0 { try await Task.sleep(for: .milliseconds(10)) }
    await #expect(throws: Refusal.busy(1)) {
      try await Computation.run(["derive", "--wrt=x", "--dims=x=2x1", "--", "x'*x"], files: [:], settings: settings, slots: slots)
    }
    #expect(try await running.value.status == 0)
    #expect(slots.inUse == 0)
    let response = API(settings: settings, slots: slots).response(for: .busy(1))
    #expect(response.status == .serviceUnavailable)
    #expect(response.headers[.retryAfter] == "150")
  }

  /// An abandoned computation holds its place until it really ends.
  @Test func abandonedComputationsHoldTheirPlace() async throws {
    let settings = Self.limits(time: 0.05, concurrent: 2)
    let slots = ComputationSlots(cap: 2)
    let heavy = ["derive", "--wrt=X", "--dims=X=20x20", "--check", "--", "X*X*X"]
    await #expect(throws: Refusal.timedOut(0.05)) {
      try await Computation.run(heavy, files: [:], settings: settings, slots: slots)
    }
    // Still running (abandoned, one place taken), or already ended (no place, nothing abandoned).
    let (inUse, abandoned) = slots.snapshot
    #expect(inUse == abandoned && inUse <= 1)
    while slots.inUse > 0 { try await Task.sleep(for: .milliseconds(50)) }
    #expect(slots.abandoned == 0)
  }

  /// Whether a light request is answered 200 within a few minutes.
  static func answersAgain(_ client: any TestClientProtocol) async throws -> Bool {
    for _ in 0..<1_200 {
      let light: [String: Any] = ["expression": "x'*x", "wrt": "x", "dims": "x=2x1"]
      if try await ServeClient.post(client, "/api/derive", light).status == .ok { return true }
      try await Task.sleep(for: .milliseconds(200))
    }
    return false
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
