import Synchronization

/// Cooperative cancellation of a long computation (a finite-difference check, a claim search, a
/// simplification, a chain plan) that runs synchronously on its own thread.
///
/// Whoever starts the work makes a token and binds it for the work's duration; whoever wants the
/// work to stop calls ``cancel()`` from any thread. The toolkit's long loops look at the bound
/// token at their checkpoints (once per column of a finite-difference Jacobian, per Ridders step,
/// per evaluated sub-expression, per simplifier and differentiation node, per claim candidate,
/// per order of a chain report) and stop by throwing (``checkpoint()`` throws `CancellationError`; code with
/// typed errors throws its own case, e.g. `EvaluationError.cancelled`). Without a bound token
/// nothing changes: the `jac` command line never binds one.
///
/// ```swift
/// let token = Cancellation()
/// let thread = Thread {
///   try? Cancellation.$current.withValue(token) { try DerivativeCheck(d, at: point) }
/// }
/// thread.start()
/// token.cancel()   // the check stops at its next checkpoint
/// ```
///
/// The binding is a task-local value, which also works on a plain thread (it is then bound for
/// the synchronous call inside `withValue`), so no library signature carries the token.
public final class Cancellation: Sendable {
  private let flag = Atomic<Bool>(false)

  public init() {}

  /// Asks the work to stop at its next checkpoint (from any thread; idempotent).
  public func cancel() { flag.store(true, ordering: .releasing) }

  /// Whether ``cancel()`` was called.
  public var isCancelled: Bool { flag.load(ordering: .acquiring) }

  /// The token of the work running now on this thread or task, if any.
  @TaskLocal public static var current: Cancellation?

  /// Whether the work running now was asked to stop (false when no token is bound).
  public static var isCurrentCancelled: Bool { current?.isCancelled ?? false }

  /// Throws `CancellationError` when the work running now was asked to stop.
  public static func checkpoint() throws {
    if isCurrentCancelled { throw CancellationError() }
  }
}
