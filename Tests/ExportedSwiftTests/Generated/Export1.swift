// Exported by jac (JacobianKit) --emit swift; regenerate rather than edit.
import Jacobians
import MatrixCore
import Symbolic

/// F = tr(X'*A*X)
///
/// Returns F and its gradients in the shape convention: dX[i, j] = ∂F/∂X[i, j], shaped like X.
/// Every value is a MatrixCore `Matrix` (column-major; a 1×1 value is a 1×1 matrix); Kronecker
/// factors and commutation matrices are applied as `StructuredMatrix` (the vec trick), never materialised.
/// - Parameters:
///   - A: 3×3, input
///   - X: 3×2, input
/// - Returns: (F, dX):
///   F 1×1, F
///   dX 3×2, ∂F/∂X, shaped like X
/// - Throws: `MatrixError.invalidArgument` for an argument of the wrong shape; MatrixCore's errors (a singular matrix).
func export1(A: Matrix, X: Matrix) throws -> (F: Matrix, dX: Matrix) {
  try A.requireShape(3, 3, name: "A")
  try X.requireShape(3, 2, name: "X")
  let F = try Matrix.scalar(((X.transposed * A) * X).trace())
  let dX = ((A + A.transposed) * X)
  return (F: F, dX: dX)
}
