// Exported by jac (JacobianKit) --emit swift; regenerate rather than edit.
import Jacobians
import MatrixCore
import Symbolic

/// F = logdet(X)+det(X)+tr(inv(X))
///
/// Returns F and its gradients in the shape convention: dX[i, j] = ∂F/∂X[i, j], shaped like X.
/// Every value is a MatrixCore `Matrix` (column-major; a 1×1 value is a 1×1 matrix); Kronecker
/// factors and commutation matrices are applied as `StructuredMatrix` (the vec trick), never materialised.
/// - Parameters:
///   - X: 3×3, input
/// - Returns: (F, dX):
///   F 1×1, F
///   dX 3×3, ∂F/∂X, shaped like X
/// - Throws: `MatrixError.invalidArgument` for an argument of the wrong shape; MatrixCore's errors (a singular matrix).
func export2(X: Matrix) throws -> (F: Matrix, dX: Matrix) {
  try X.requireShape(3, 3, name: "X")
  let _t1 = try Matrix.scalar(X.determinant())
  let _t2 = try X.inverse()
  let F = try ((Matrix.scalar(X.logAbsDeterminant().logAbs) + _t1) + Matrix.scalar(_t2.trace()))
  let dX = (_t2.transposed.scaled(by: (Matrix.scalar(1.0) + _t1).storage[0]) - (_t2.transposed * _t2.transposed))
  return (F: F, dX: dX)
}
