import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import JacServe
import JacCommands
import MatrixCore
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

  /// A request designed to run for a long time: the gradient of tanh of a product of 40 factors
  /// X (1000×1000, the largest variable the default --max-entries allows), checked against finite
  /// differences along random directions, every evaluation of F 39 products of 1000×1000
  /// matrices. Uncancelled, the debug `jac` had not finished it after 300 s (43 s of CPU on a
  /// loaded machine); the same request at 200×200, whose products cost 125 times less, took 7.9 s
  /// of CPU. Every product is an evaluated sub-expression (a checkpoint), so a cancelled run
  /// stops after at most one more product.
  static let slowArguments = [
    "derive", "--wrt=X", "--dims=X=1000x1000", "--check", "--",
    "sum(sum(tanh(" + Array(repeating: "X", count: 40).joined(separator: "*") + ")))",
  ]
  static var slowRequest: [String: Any] {
    ["expression": slowArguments.last!, "wrt": "X", "dims": "X=1000x1000", "check": true]
  }

  /// Waits until no computation holds a place (the server's own count), for at most a few
  /// minutes: under `swift test` on 2 busy cores the scheduling of every thread is slow, but a
  /// computation that was not cancelled would hold its place for far longer.
  static func placesFreed(_ slots: ComputationSlots) async throws -> Bool {
    for _ in 0..<1_800 {
      if slots.inUse == 0 { return true }
      try await Task.sleep(for: .milliseconds(100))
    }
    return false
  }

  /// A computation over the time limit is answered 503 and cancelled: it stops and gives its
  /// place back (the in-flight count returns to 0), and the server answers again.
  @Test func timeLimitAnswers503AndCancelsTheComputation() async throws {
    let settings = Self.limits(time: 0.2, concurrent: 1)
    let slots = ComputationSlots(cap: 1)
    let app = Application(router: JacServer.router(settings: settings, log: nil, slots: slots))
    try await app.test(.router) { client in
      let slow = try await ServeClient.post(client, "/api/derive", Self.slowRequest)
      #expect(slow.status == .serviceUnavailable)
      #expect(slow.error == "the computation took longer than the 0.2 s this server allows (--time-limit); it was cancelled")
      #expect(try await Self.placesFreed(slots))
      #expect(slots.snapshot == (running: 0, stopping: 0))
      // The place is free: a light request is not refused as busy (with the 0.2 s limit it may
      // itself time out on a loaded machine, so only the busy refusal is excluded).
      let light: [String: Any] = ["expression": "x'*x", "wrt": "x", "dims": "x=2x1"]
      let after = try await ServeClient.post(client, "/api/derive", light)
      #expect(after.status == .ok || after.error.hasPrefix("the computation took longer"), "\(after.status) \(after.error)")
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

  /// A cancelled computation holds its place until it has really stopped, then frees it; so a
  /// second slow request right after the first 503 is refused as busy, never run beside it.
  @Test func cancelledComputationsHoldTheirPlaceUntilTheyStop() async throws {
    let settings = Self.limits(time: 0.05, concurrent: 1)
    let slots = ComputationSlots(cap: 1)
    await #expect(throws: Refusal.timedOut(0.05)) {
      try await Computation.run(Self.slowArguments, files: [:], settings: settings, slots: slots)
    }
    // Cancelled and still stopping (its place taken), or already stopped (no place).
    let (running, stopping) = slots.snapshot
    #expect(running == stopping && running <= 1)
    #expect(try await Self.placesFreed(slots))
    #expect(slots.stopping == 0)
    // The place is free again: a light computation runs.
    let light = try await Computation.run(
      ["derive", "--wrt=x", "--dims=x=2x1", "--", "x'*x"], files: [:], settings: Self.limits(time: 600), slots: slots)
    #expect(light.status == 0)
  }

  /// The token reaches the command: cancelled before it starts, a command stops at its first
  /// checkpoint with `CancellationError` (and the CLI path, without a token, is unchanged).
  @Test func aCancelledTokenStopsTheCommand() throws {
    let token = Cancellation()
    token.cancel()
    #expect(throws: CancellationError.self) {
      try InProcess.run(Self.slowArguments, cancellation: token)
    }
    let run = try InProcess.run(["derive", "--wrt=x", "--dims=x=2x1", "--", "x'*x"])
    #expect(run.status == 0)
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
