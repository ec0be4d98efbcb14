// Exported by jac (JacobianKit) --emit swift; regenerate rather than edit.
import Jacobians
import MatrixCore
import Symbolic

/// F = x'*A*x
///
/// Returns F and its gradients in the shape convention: dX[i, j] = ∂F/∂X[i, j], shaped like X.
/// Every value is a MatrixCore `Matrix` (column-major; a 1×1 value is a 1×1 matrix); Kronecker
/// factors and commutation matrices are applied as `StructuredMatrix` (the vec trick), never materialised.
/// - Parameters:
///   - A: 3×3, input
///   - x: 3×1, input
/// - Returns: (F, dx, dA):
///   F 1×1, F
///   dx 3×1, ∂F/∂x, shaped like x
///   dA 3×3, ∂F/∂A, shaped like A
/// - Throws: `MatrixError.invalidArgument` for an argument of the wrong shape; MatrixCore's errors (a singular matrix).
func export0(A: Matrix, x: Matrix) throws -> (F: Matrix, dx: Matrix, dA: Matrix) {
  try A.requireShape(3, 3, name: "A")
  try x.requireShape(3, 1, name: "x")
  let F = ((x.transposed * A) * x)
  let dx = ((A + A.transposed) * x)
  let dA = (x * x.transposed)
  return (F: F, dx: dx, dA: dA)
}
