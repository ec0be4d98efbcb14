// Exported by jac (JacobianKit) --emit swift; regenerate rather than edit.
import Jacobians
import MatrixCore
import Symbolic

/// F = u'*tanh(W*x+b)
///
/// Returns F and its gradients in the shape convention: dX[i, j] = ∂F/∂X[i, j], shaped like X.
/// Every value is a MatrixCore `Matrix` (column-major; a 1×1 value is a 1×1 matrix); Kronecker
/// factors and commutation matrices are applied as `StructuredMatrix` (the vec trick), never materialised.
/// - Parameters:
///   - W: 5×3, input
///   - b: 5×1, input
///   - u: 5×1, input
///   - x: 3×1, input
/// - Returns: (F, dW, db):
///   F 1×1, F
///   dW 5×3, ∂F/∂W, shaped like W
///   db 5×1, ∂F/∂b, shaped like b
/// - Throws: `MatrixError.invalidArgument` for an argument of the wrong shape; MatrixCore's errors (a singular matrix).
func export3(W: Matrix, b: Matrix, u: Matrix, x: Matrix) throws -> (F: Matrix, dW: Matrix, db: Matrix) {
  try W.requireShape(5, 3, name: "W")
  try b.requireShape(5, 1, name: "b")
  try u.requireShape(5, 1, name: "u")
  try x.requireShape(3, 1, name: "x")
  let _t1 = ((W * x) + b).map(ElementwiseFunction.tanh.apply)
  let F = (u.transposed * _t1)
  let _t2 = try u.hadamard(Matrix.broadcasting(Matrix.scalar(1.0), _t1.elementwisePower(2.0), -))
  let dW = (_t2 * x.transposed)
  let db = _t2
  return (F: F, dW: dW, db: db)
}
