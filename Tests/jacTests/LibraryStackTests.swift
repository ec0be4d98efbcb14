import Foundation
import JacCommands
import MatrixCore
import Testing

/// A result handed from a thread to the one waiting for it (the semaphore orders the accesses).
private final class ResultBox<T>: @unchecked Sendable {
  var result: Result<T, Error>?
  var ordinary = false
}

/// The command library's entry points (`JacRecords`, `InProcess`) run on a 1 GiB stack themselves
/// (`LargeStack.run`), so a deep expression is safe from a caller's ordinary thread, as it is
/// through the command line.
@Suite struct LibraryStackTests {
  /// Runs `body` on a new thread with `stackBytes` of stack (the size a library user's thread may
  /// have: 8 MiB is Linux's default, 512 KiB macOS's for secondary threads) and waits for it.
  private func onThread<T: Sendable>(stackBytes: Int?, _ body: @escaping @Sendable () throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      box.ordinary = !LargeStack.hasStack()
      box.result = Result { try body() }
      done.signal()
    }
    if let stackBytes { thread.stackSize = stackBytes }
    thread.start()
    done.wait()
    #expect(box.ordinary, "the test thread must not have a large stack itself")
    return try box.result!.get()
  }

  /// `x''…'` with 1,500 transposes (x 3×2): a tree 1,500 levels deep, whose Jacobian is I₆.
  /// On a thread with 512 KiB of stack it is derived (and checked against central differences)
  /// and a claim checked through `JacRecords`; on a thread with the default stack it is derived
  /// through `InProcess` and the Jacobian written (in memory) compared entry by entry with I₆.
  @Test func deepExpressionThroughTheLibraryOnOrdinaryThreads() throws {
    let depth = 1_500
    let expression = "x" + String(repeating: "'", count: depth)
    let derived = try onThread(stackBytes: 512 << 10) {
      try JacRecords.derive([expression, "--wrt", "x", "--dims", "x=3x2", "--check"])
    }
    guard case .derivative(let r) = derived else {
      Issue.record("one variable gives one record, got \(derived)")
      return
    }
    #expect(r.check?.passed == true)
    #expect(r.jacobian.rows == 6 && r.jacobian.cols == 6)
    let checked = try onThread(stackBytes: 512 << 10) {
      try JacRecords.check([expression, "--wrt", "x", "--dims", "x=3x2", "--claim", "I(6)"])
    }
    #expect(checked.holds)
    let run = try onThread(stackBytes: nil) {
      try InProcess.run(["derive", expression, "--wrt", "x", "--dims", "x=3x2", "--jacobian-out", "J.npy"])
    }
    #expect(run.status == 0)
    let j = try Matrix(npyBytes: try #require(run.writtenFiles["J.npy"]), name: "J.npy")
    #expect(j.rows == 6 && j.cols == 6)
    for r in 0..<6 {
      for c in 0..<6 { #expect(j[r, c] == (r == c ? 1 : 0), "J[\(r),\(c)]") }
    }
  }

  /// Nested calls do not start a thread per level: on a `LargeStack` thread `run` runs in place.
  @Test func nestedRunsStayOnTheirThread() throws {
    try LargeStack.run { () throws -> Void in
      let outer = Thread.current
      #expect(LargeStack.hasStack())
      try LargeStack.run { () throws -> Void in #expect(Thread.current === outer) }
    }
  }
}
