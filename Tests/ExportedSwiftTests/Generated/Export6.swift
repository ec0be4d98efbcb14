// Exported by jac (JacobianKit) --emit swift; regenerate rather than edit.
import Jacobians
import MatrixCore
import Symbolic

/// F = sum(sigmoid(W*X+b)+relu(W*X)+softplus(X'*W')')
///
/// Returns F and its gradients in the shape convention: dX[i, j] = ∂F/∂X[i, j], shaped like X.
/// Every value is a MatrixCore `Matrix` (column-major; a 1×1 value is a 1×1 matrix); Kronecker
/// factors and commutation matrices are applied as `StructuredMatrix` (the vec trick), never materialised.
/// - Parameters:
///   - W: 4×3, input
///   - X: 3×5, input
///   - b: 4×1, input
/// - Returns: (F, dW, db):
///   F 1×1, F
///   dW 4×3, ∂F/∂W, shaped like W
///   db 4×1, ∂F/∂b, shaped like b
/// - Throws: `MatrixError.invalidArgument` for an argument of the wrong shape; MatrixCore's errors (a singular matrix).
func export6(W: Matrix, X: Matrix, b: Matrix) throws -> (F: Matrix, dW: Matrix, db: Matrix) {
  try W.requireShape(4, 3, name: "W")
  try X.requireShape(3, 5, name: "X")
  try b.requireShape(4, 1, name: "b")
  let _t1 = (W * X)
  let _t2 = try Matrix.broadcasting(_t1, b, +).map(ElementwiseFunction.sigmoid.apply)
  let _t4 = (X.transposed * W.transposed)
  let F = Matrix.scalar(((_t2 + _t1.map(ElementwiseFunction.relu.apply)) + _t4.map(ElementwiseFunction.softplus.apply).transposed).sum)
  let _t5 = try _t2.hadamard(Matrix.broadcasting(Matrix.scalar(1.0), _t2, -))
  let dW = (((_t5 + _t1.map(ElementwiseFunction.heaviside.apply)) + _t4.map(ElementwiseFunction.sigmoid.apply).transposed) * X.transposed)
  let db = (_t5 * Matrix.ones(5, 1))
  return (F: F, dW: dW, db: db)
}
