// Exported by jac (JacobianKit) --emit swift; regenerate rather than edit.
import Jacobians
import MatrixCore
import Symbolic

/// F = tr(X^3)+sum(reshape(X,1,9))+sum(diag(x)*X*x)
///
/// Returns F and its gradients in the shape convention: dX[i, j] = ∂F/∂X[i, j], shaped like X.
/// Every value is a MatrixCore `Matrix` (column-major; a 1×1 value is a 1×1 matrix); Kronecker
/// factors and commutation matrices are applied as `StructuredMatrix` (the vec trick), never materialised.
/// - Parameters:
///   - X: 3×3, input
///   - x: 3×1, input
/// - Returns: (F, dX, dx):
///   F 1×1, F
///   dX 3×3, ∂F/∂X, shaped like X
///   dx 3×1, ∂F/∂x, shaped like x
/// - Throws: `MatrixError.invalidArgument` for an argument of the wrong shape; MatrixCore's errors (a singular matrix).
func export10(X: Matrix, x: Matrix) throws -> (F: Matrix, dX: Matrix, dx: Matrix) {
  try X.requireShape(3, 3, name: "X")
  try x.requireShape(3, 1, name: "x")
  let F = try ((Matrix.scalar(X.power(3).trace()) + Matrix.scalar(Matrix(rows: 1, cols: 9, columnMajor: X.storage).sum)) + Matrix.scalar((StructuredMatrix.diagonal(x.storage) * StructuredMatrix.dense(X)).apply(x).sum))
  let dX = try ((((x * x.transposed) + (X.transposed * X.transposed)) + Matrix(rows: 3, cols: 3, columnMajor: Matrix.ones(1, 9).storage)) + X.power(2).transposed.scaled(by: 2.0))
  let dx = ((X.transposed * x) + ((Matrix.ones(3, 1) * x.transposed) * X.transposed).diagonalColumn)
  return (F: F, dX: dX, dx: dx)
}
