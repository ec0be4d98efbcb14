// Exported by jac (JacobianKit) --emit swift; regenerate rather than edit.
import Jacobians
import MatrixCore
import Symbolic

/// F = sum(tanh([X,y])*z)+sum(diagonal(A*A))
///
/// Returns F and its gradients in the shape convention: dX[i, j] = ∂F/∂X[i, j], shaped like X.
/// Every value is a MatrixCore `Matrix` (column-major; a 1×1 value is a 1×1 matrix); Kronecker
/// factors and commutation matrices are applied as `StructuredMatrix` (the vec trick), never materialised.
/// - Parameters:
///   - A: 3×3, input
///   - X: 3×2, input
///   - y: 3×1, input
///   - z: 3×1, input
/// - Returns: (F, dX, dy, dA):
///   F 1×1, F
///   dX 3×2, ∂F/∂X, shaped like X
///   dy 3×1, ∂F/∂y, shaped like y
///   dA 3×3, ∂F/∂A, shaped like A
/// - Throws: `MatrixError.invalidArgument` for an argument of the wrong shape; MatrixCore's errors (a singular matrix).
func export9(A: Matrix, X: Matrix, y: Matrix, z: Matrix) throws -> (F: Matrix, dX: Matrix, dy: Matrix, dA: Matrix) {
  try A.requireShape(3, 3, name: "A")
  try X.requireShape(3, 2, name: "X")
  try y.requireShape(3, 1, name: "y")
  try z.requireShape(3, 1, name: "z")
  let _t1 = try Matrix(blocks: [[X, y]]).map(ElementwiseFunction.tanh.apply)
  let F = (Matrix.scalar((_t1 * z).sum) + Matrix.scalar((A * A).diagonalColumn.sum))
  let _t2 = try (Matrix.ones(3, 1) * z.transposed).hadamard(Matrix.broadcasting(Matrix.scalar(1.0), _t1.elementwisePower(2.0), -))
  let dX = try (_t2 * Matrix(blocks: [[Matrix.identity(2)], [Matrix.zeros(1, 2)]]))
  let dy = try (_t2 * Matrix(blocks: [[Matrix.zeros(2, 1)], [Matrix.scalar(1.0)]]))
  let dA = (StructuredMatrix.diagonal(Matrix.ones(3, 1).storage).apply(A.transposed) + StructuredMatrix.diagonal(Matrix.ones(3, 1).storage).applyTransposed(A.transposed.transposed).transposed)
  return (F: F, dX: dX, dy: dy, dA: dA)
}
