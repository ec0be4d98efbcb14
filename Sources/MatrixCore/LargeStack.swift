import Foundation

/// Runs work on a thread with a large stack.
///
/// The toolkit's expression trees are walked recursively (shapes, evaluation, differentiation,
/// simplification, printing, hashing, and Swift's own release of a tree), about one stack frame
/// per level of the tree. The parser refuses trees deeper than `Expression.maximumDepth` and
/// nesting beyond `Expression.maximumNesting`; trees that deep need more stack than a default
/// thread has (8 MiB for the main thread, 512 KiB–8 MiB for others). The `jac` tool therefore
/// runs all its work through `LargeStack.run`, and so do the command library's entry points
/// (`JacRecords`, `InProcess`); a library user who parses or builds very deep expressions with
/// the Symbolic API directly should do the same.
///
/// The stack is reserved address space: only the pages a computation touches use memory.
public enum LargeStack {
  /// 1 GiB: room for the deepest trees the parser accepts, in a debug build, with a wide margin.
  public static let defaultBytes = 1 << 30

  /// Runs `body` on a new thread whose stack is `stackBytes` long, waits for it, and returns
  /// its result or rethrows its error. On a thread that already has a stack that long (one that
  /// `run` started, or a `Thread` given that `stackSize`) it runs `body` right there, so the
  /// library's entry points can call `run` whoever calls them.
  public static func run<T>(stackBytes: Int = defaultBytes, _ body: () throws -> T) throws -> T {
    if hasStack(of: stackBytes) { return try body() }
    return try onLargeStack(stackBytes) { Result { try body() } }.get()
  }

  /// Whether the current thread's stack is at least `bytes` long, as far as Foundation knows
  /// (a thread started by `Thread` with a `stackSize`; other threads report the system default).
  public static func hasStack(of bytes: Int = defaultBytes) -> Bool {
    Thread.current.stackSize >= bytes
  }

  private static func onLargeStack<T>(_ stackBytes: Int, _ body: () -> T) -> T {
    withoutActuallyEscaping(body) { body in
      let job = Job(body)
      let thread = Thread { job.run() }
      thread.stackSize = stackBytes
      thread.start()
      job.done.wait()
      return job.take()
    }
  }

  /// The closure, its result and the signal, handed from the waiting thread to the worker and
  /// back; the semaphore orders every access.
  private final class Job<T>: @unchecked Sendable {
    /// Dropped as soon as it has run: the closure must not outlive `withoutActuallyEscaping`,
    /// and the thread object may live a little longer than the call.
    var body: (() -> T)?
    var result: T?
    let done = DispatchSemaphore(value: 0)
    init(_ body: @escaping () -> T) { self.body = body }
    func run() {
      result = body?()
      body = nil
      done.signal()
    }
    /// The result, after `done` was signalled (the worker always sets it before signalling).
    func take() -> T {
      guard let result else { preconditionFailure("LargeStack: the worker signalled without a result") }
      return result
    }
  }
}
