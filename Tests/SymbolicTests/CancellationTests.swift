import Foundation
import Jacobians
import MatrixCore
import Symbolic
import Testing

/// Cooperative cancellation (`Cancellation`, used by `jac serve`'s time limit): the long loops stop
/// at their checkpoints once the bound token is cancelled, and nothing changes without a token.
@Suite struct CancellationTests {
  @Test func checkpointsThrowOnlyWhenTheBoundTokenIsCancelled() throws {
    try Cancellation.checkpoint()  // nothing bound
    let token = Cancellation()
    try Cancellation.$current.withValue(token) { try Cancellation.checkpoint() }
    token.cancel()
    #expect(token.isCancelled)
    #expect(throws: CancellationError.self) { try Cancellation.$current.withValue(token) { try Cancellation.checkpoint() } }
    try Cancellation.checkpoint()  // the binding ended with `withValue`
  }

  /// The function cancels the token at its 5th evaluation: the finite-difference Jacobian of a
  /// 40×40 point (3,201 evaluations uncancelled) stops at the next column.
  @Test func finiteDifferencesStopAtTheNextColumn() throws {
    let x = Matrix.zeros(40, 40)
    for method in ["plain", "ridders"] {
      let token = Cancellation()
      let count = Counter()
      let f = { (m: Matrix) throws -> Matrix in
        count.value += 1
        if count.value == 5 { token.cancel() }
        return m.scaled(by: 2)
      }
      #expect(throws: CancellationError.self) {
        try Cancellation.$current.withValue(token) {
          if method == "plain" {
            _ = try NumericDifferentiation.jacobian(of: f, at: x)
          } else {
            _ = try NumericDifferentiation.jacobianEstimate(of: f, at: x)
          }
        }
      }
      // Plain: 1 + 2 per column; Ridders: a difference (2 evaluations) per step.
      #expect(count.value <= 6, "\(method): \(count.value) evaluations")
    }
  }

  @Test func evaluationStopsWithItsOwnError() throws {
    let e = try Expression("X*X*X")
    let values = ["X": Matrix.identity(3)]
    let token = Cancellation()
    token.cancel()
    #expect(throws: EvaluationError.cancelled) { try Cancellation.$current.withValue(token) { _ = try e.evaluate(values) } }
    #expect(try e.evaluate(values) == Matrix.identity(3))
  }

  /// Differentiation (with its simplification) and the derivative check stop when cancelled; the
  /// same calls without a token give the derivative (2X for sum(X.^2)).
  @Test func derivationAndChecksStop() throws {
    let token = Cancellation()
    token.cancel()
    let f = try Expression("sum(sum(X.^2))")
    let dims = ["X": Shape(3, 2)]
    #expect(throws: CancellationError.self) {
      try Cancellation.$current.withValue(token) { _ = try SymbolicDerivative(of: f, wrt: "X", dims: dims) }
    }
    let d = try SymbolicDerivative(of: f, wrt: "X", dims: dims)
    let x = try Matrix([[1, 2], [3, 4], [5, 6]])
    #expect(throws: (any Error).self) {
      try Cancellation.$current.withValue(token) { _ = try DerivativeCheck(d, at: ["X": x]) }
    }
    let check = try DerivativeCheck(d, at: ["X": x])
    #expect(check.verdict == .passed)
  }

  final class Counter: @unchecked Sendable { var value = 0 }
}
