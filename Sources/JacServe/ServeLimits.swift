import Foundation
import JacCommands
import MatrixCore

/// The limits of a class server, each a `jac serve` flag; the defaults are documented in
/// docs/serve.md and `jac serve --help`.
public struct ServeLimits: Sendable, Equatable {
  /// The largest request body read (`--max-body-bytes`); a larger one is answered 413.
  public var maximumBodyBytes: Int
  /// The longest expression, program, claim or order text (`--max-expression-length`).
  public var maximumExpressionLength: Int
  /// The most entries of any variable and of any dense Jacobian (`--max-entries`).
  public var maximumEntries: Int
  /// Seconds a computation may take (`--time-limit`); then the request is answered 503.
  public var timeLimit: Double
  /// The most computations at once (`--max-concurrent`); beyond it 503 with `Retry-After`.
  public var maximumConcurrent: Int
  /// Seconds a request may take to arrive whole, head and body, counted from the moment the
  /// server waits for it (`--read-timeout`); then the connection is closed (``ReadDeadlineHandler``).
  public var readTimeout: Double

  public static let defaults = ServeLimits(
    maximumBodyBytes: 4 << 20, maximumExpressionLength: 4_000, maximumEntries: 1_000_000, timeLimit: 10,
    maximumConcurrent: 4, readTimeout: 30)

  public init(
    maximumBodyBytes: Int, maximumExpressionLength: Int, maximumEntries: Int, timeLimit: Double, maximumConcurrent: Int,
    readTimeout: Double = 30
  ) {
    self.maximumBodyBytes = maximumBodyBytes
    self.maximumExpressionLength = maximumExpressionLength
    self.maximumEntries = maximumEntries
    self.timeLimit = timeLimit
    self.maximumConcurrent = maximumConcurrent
    self.readTimeout = readTimeout
  }
}

/// How a server runs: its limits, whether answers are hidden, whether it logs.
public struct ServerSettings: Sendable {
  public var limits: ServeLimits
  public var hideAnswer: Bool
  public var quiet: Bool
  public init(limits: ServeLimits = .defaults, hideAnswer: Bool = false, quiet: Bool = false) {
    self.limits = limits
    self.hideAnswer = hideAnswer
    self.quiet = quiet
  }
}

/// Why a request was not computed: each becomes an HTTP status with one sentence.
enum Refusal: Error, Equatable {
  /// Bad input: the sentence `jac` prints (400).
  case badInput(String)
  /// The server is configured not to answer this (403, `--hide-answer`).
  case forbidden(String)
  /// Over `--time-limit` (503).
  case timedOut(Double)
  /// `--max-concurrent` computations are running (503 with Retry-After).
  case busy(Int)
}

/// The computations running now, at most `cap`. A computation holds its place from its start to
/// its real end. One answered 503 for taking too long is cancelled (``Cancellation``): it stops
/// at its next checkpoint and then gives its place back; until then it is counted as stopping.
final class ComputationSlots: @unchecked Sendable {
  let cap: Int
  private let lock = NSLock()
  private var running = 0
  /// Computations answered 503 and cancelled that had not stopped yet; they still hold a place.
  private(set) var stopping = 0

  init(cap: Int) { self.cap = cap }

  func tryAcquire() -> Bool {
    lock.withLock {
      guard running < cap else { return false }
      running += 1
      return true
    }
  }

  /// The computation ended; `wasCancelled` when it had been answered 503 and cancelled before.
  func release(wasCancelled: Bool) {
    lock.withLock {
      running -= 1
      if wasCancelled { stopping -= 1 }
    }
  }
  func noteCancelled() { lock.withLock { stopping += 1 } }
  /// The computations holding a place now (running, or cancelled and not stopped yet).
  var inUse: Int { lock.withLock { running } }
  /// Running and stopping computations, read together.
  var snapshot: (running: Int, stopping: Int) { lock.withLock { (running, stopping) } }
}

/// Runs one `jac` command in process on its own large-stack thread, answering after at most
/// `timeLimit` seconds. At the time limit the computation is cancelled (its token), and the
/// request is answered 503 at once; the thread stops at its next checkpoint. The same happens
/// when the request's task is cancelled (the server shutting down).
enum Computation {
  static func run(
    _ arguments: [String], files: [String: [UInt8]], settings: ServerSettings, slots: ComputationSlots
  ) async throws -> InProcessRun {
    guard slots.tryAcquire() else { throw Refusal.busy(slots.cap) }
    let limits = InProcessLimits(maximumEntries: settings.limits.maximumEntries)
    let answer = OneAnswer()
    let token = Cancellation()
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { continuation in
        answer.continuation = continuation
        let thread = Thread {
          let result = Result { try InProcess.run(arguments, files: files, limits: limits, cancellation: token) }
          // The place is given back when the work really ends, answered or cancelled.
          let answered = answer.resume(with: result.mapError { $0 as Error }) { slots.release(wasCancelled: false) }
          if !answered { slots.release(wasCancelled: true) }
        }
        thread.stackSize = LargeStack.defaultBytes
        thread.start()
        DispatchQueue.global().asyncAfter(deadline: .now() + settings.limits.timeLimit) {
          _ = answer.resume(with: .failure(Refusal.timedOut(settings.limits.timeLimit))) {
            token.cancel()
            slots.noteCancelled()
          }
        }
      }
    } onCancel: {
      token.cancel()
    }
  }
}
/// A continuation resumed once: by the computation or by the timer, whichever comes first.
final class OneAnswer: @unchecked Sendable {
  private let lock = NSLock()
  var continuation: CheckedContinuation<InProcessRun, Error>?

  /// Resumes the continuation unless already resumed; whether this call resumed it.
  /// `first` runs, under the lock, only when this call resumes it (and before the awaiting task goes on).
  func resume(with result: Result<InProcessRun, Error>, first: () -> Void = {}) -> Bool {
    let c: CheckedContinuation<InProcessRun, Error>? = lock.withLock {
      defer { continuation = nil }
      if continuation != nil { first() }
      return continuation
    }
    c?.resume(with: result)
    return c != nil
  }
}
