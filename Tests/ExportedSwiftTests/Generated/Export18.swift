// Exported by jac (JacobianKit) --emit swift; regenerate rather than edit.
import Jacobians
import MatrixCore
import Symbolic

/// Program: h1 = W1*X+b1; z1 = tanh(h1); h2 = W2*z1+b2; f = norm(h2-Y)^2/2 (F = f)
///
/// Returns F and its gradients in the shape convention: dX[i, j] = ∂F/∂X[i, j], shaped like X.
/// Every value is a MatrixCore `Matrix` (column-major; a 1×1 value is a 1×1 matrix); Kronecker
/// factors and commutation matrices are applied as `StructuredMatrix` (the vec trick), never materialised.
/// The backward pass is the one `jac derive` prints: dv = ∂F/∂v shaped like v, branches summed.
/// - Parameters:
///   - W1: 4×3, input
///   - W2: 2×4, input
///   - X: 3×6, input
///   - Y: 2×6, input
///   - b1: 4×1, input
///   - b2: 2×1, input
/// - Returns: (f, dW1, db1, dW2, db2):
///   f 1×1, F
///   dW1 4×3, ∂F/∂W1, shaped like W1
///   db1 4×1, ∂F/∂b1, shaped like b1
///   dW2 2×4, ∂F/∂W2, shaped like W2
///   db2 2×1, ∂F/∂b2, shaped like b2
/// - Throws: `MatrixError.invalidArgument` for an argument of the wrong shape; MatrixCore's errors (a singular matrix).
func export18(W1: Matrix, W2: Matrix, X: Matrix, Y: Matrix, b1: Matrix, b2: Matrix) throws -> (f: Matrix, dW1: Matrix, db1: Matrix, dW2: Matrix, db2: Matrix) {
  try W1.requireShape(4, 3, name: "W1")
  try W2.requireShape(2, 4, name: "W2")
  try X.requireShape(3, 6, name: "X")
  try Y.requireShape(2, 6, name: "Y")
  try b1.requireShape(4, 1, name: "b1")
  try b2.requireShape(2, 1, name: "b2")
  let h1 = try Matrix.broadcasting((W1 * X), b1, +)
  let z1 = h1.map(ElementwiseFunction.tanh.apply)
  let h2 = try Matrix.broadcasting((W2 * z1), b2, +)
  let _t1 = (h2 - Y)
  let f = try Matrix.scalar(_t1.frobeniusNorm).elementwisePower(2.0).hadamardQuotient(Matrix.scalar(2.0))
  let dh2 = _t1
  let dz1 = (W2.transposed * dh2)
  let dh1 = try dz1.hadamard(Matrix.broadcasting(Matrix.scalar(1.0), z1.elementwisePower(2.0), -))
  let dW1 = (dh1 * X.transposed)
  let db1 = (dh1 * Matrix.ones(6, 1))
  let dW2 = (dh2 * z1.transposed)
  let db2 = (dh2 * Matrix.ones(6, 1))
  return (f: f, dW1: dW1, db1: db1, dW2: dW2, db2: db2)
}
