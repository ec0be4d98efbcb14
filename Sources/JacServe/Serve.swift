import ArgumentParser
import Foundation
import Hummingbird
import JacCommands

/// `jac serve`: the class web page and the JSON API on loopback (or any host), every computation
/// in memory (no request touches the file system) and within the limits below.
public struct Serve: ParsableCommand {
  public init() {}

  public static let configuration = CommandConfiguration(
    abstract: "Serve the web page and the JSON API (docs/serve.md): derive, check, chain, convert, spy.",
    discussion: """
      The page (HTML, CSS and JavaScript embedded in jac, nothing from the network) is at /; the \
      API at POST /api/derive, /api/check, /api/chain, /api/convert, /api/spy, described by \
      /openapi.json. Requests never touch the file system. Bad input is answered 400 with the \
      sentence jac prints; a computation over --time-limit is answered 503 and cancelled (it \
      stops at its next checkpoint and keeps its place under --max-concurrent until then); beyond \
      --max-concurrent computations, 503 with Retry-After. A request that does not arrive whole \
      within --read-timeout of the server's wait for it has its connection closed. One access-log line per request on \
      stderr unless --quiet. Example: jac serve --port 8080
      """)

  @Option(help: "The address to listen on (127.0.0.1: this machine only; 0.0.0.0: the whole network).")
  var host: String = "127.0.0.1"
  @Option(help: "The port to listen on (0: any free port, printed when listening).")
  var port: Int = 8080
  @Option(name: .customLong("max-body-bytes"), help: "The largest request body read, in bytes (larger: 413).")
  var maxBodyBytes: Int = ServeLimits.defaults.maximumBodyBytes
  @Option(name: .customLong("max-expression-length"), help: "The longest expression, program or claim, in characters.")
  var maxExpressionLength: Int = ServeLimits.defaults.maximumExpressionLength
  @Option(name: .customLong("max-entries"), help: "The most entries of any variable and of any dense Jacobian (mn·ab).")
  var maxEntries: Int = ServeLimits.defaults.maximumEntries
  @Option(name: .customLong("time-limit"), help: "Seconds a computation may take before it is answered 503.")
  var timeLimit: Double = ServeLimits.defaults.timeLimit
  @Option(name: .customLong("max-concurrent"), help: "The most computations at once (beyond: 503 with Retry-After).")
  var maxConcurrent: Int = ServeLimits.defaults.maximumConcurrent
  @Option(
    name: .customLong("read-timeout"),
    help: "Seconds a request may take to arrive whole (head and body), counted from when the server waits for it; then the connection is closed.")
  var readTimeout: Double = ServeLimits.defaults.readTimeout
  @Flag(name: .customLong("hide-answer"), help: "For exercises: no derivative, gradient or picture of it is ever sent; checks hide the answer.")
  var hideAnswer = false
  @Flag(help: "No access log on stderr.") var quiet = false

  func limits() throws -> ServeLimits {
    func positive(_ value: Int, _ flag: String) throws {
      guard value > 0 else { throw ValidationError("\(flag) must be a positive integer, not \(value)") }
    }
    try positive(maxBodyBytes, "--max-body-bytes")
    try positive(maxExpressionLength, "--max-expression-length")
    try positive(maxEntries, "--max-entries")
    try positive(maxConcurrent, "--max-concurrent")
    guard timeLimit > 0, timeLimit <= 86_400 else {
      throw ValidationError("--time-limit must be a number of seconds above 0 and at most 86400, not \(timeLimit)")
    }
    guard readTimeout > 0, readTimeout <= 86_400 else {
      throw ValidationError("--read-timeout must be a number of seconds above 0 and at most 86400, not \(readTimeout)")
    }
    guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, not \(port)") }
    return ServeLimits(
      maximumBodyBytes: maxBodyBytes, maximumExpressionLength: maxExpressionLength, maximumEntries: maxEntries,
      timeLimit: timeLimit, maximumConcurrent: maxConcurrent, readTimeout: readTimeout)
  }

  public func run() throws {
    let settings = ServerSettings(limits: try limits(), hideAnswer: hideAnswer, quiet: quiet)
    let (host, port) = (self.host, self.port)
    let app = JacServer.application(settings: settings, host: host, port: port) { boundPort in
      FileHandle.standardError.write(
        Data("jac serve: listening on http://\(host):\(boundPort)/ (Ctrl-C stops it)\n".utf8))
    }
    // `jac` runs its commands synchronously on a large-stack thread; the server runs on Swift's
    // concurrency pool while this thread waits for it to stop (Ctrl-C or SIGTERM).
    let done = DispatchSemaphore(value: 0)
    let failure = FailureBox()
    Task {
      do { try await app.runService() } catch { failure.set(error) }
      done.signal()
    }
    done.wait()
    if let error = failure.error {
      throw ServeFailure(description: "cannot serve on \(host):\(port): \(error)")
    }
  }
}

/// The server could not start (the address is in use, the host does not resolve).
struct ServeFailure: Error, CustomStringConvertible {
  let description: String
}

final class FailureBox: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: Error?
  func set(_ error: Error) { lock.withLock { stored = error } }
  var error: Error? { lock.withLock { stored } }
}
