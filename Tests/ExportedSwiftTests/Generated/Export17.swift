// Exported by jac (JacobianKit) --emit swift; regenerate rather than edit.
import Jacobians
import MatrixCore
import Symbolic

/// Program: h1 = W1*x; z1 = tanh(h1); h2 = W2*z1; z2 = tanh(h2); yhat = W3*z2; f = norm(yhat-y)^2/2 (F = f)
///
/// Returns F and its gradients in the shape convention: dX[i, j] = ∂F/∂X[i, j], shaped like X.
/// Every value is a MatrixCore `Matrix` (column-major; a 1×1 value is a 1×1 matrix); Kronecker
/// factors and commutation matrices are applied as `StructuredMatrix` (the vec trick), never materialised.
/// The backward pass is the one `jac derive` prints: dv = ∂F/∂v shaped like v, branches summed.
/// - Parameters:
///   - W1: 5×4, input
///   - W2: 3×5, input
///   - W3: 2×3, input
///   - x: 4×1, input
///   - y: 2×1, input
/// - Returns: (f, dW1, dW2, dW3):
///   f 1×1, F
///   dW1 5×4, ∂F/∂W1, shaped like W1
///   dW2 3×5, ∂F/∂W2, shaped like W2
///   dW3 2×3, ∂F/∂W3, shaped like W3
/// - Throws: `MatrixError.invalidArgument` for an argument of the wrong shape; MatrixCore's errors (a singular matrix).
func export17(W1: Matrix, W2: Matrix, W3: Matrix, x: Matrix, y: Matrix) throws -> (f: Matrix, dW1: Matrix, dW2: Matrix, dW3: Matrix) {
  try W1.requireShape(5, 4, name: "W1")
  try W2.requireShape(3, 5, name: "W2")
  try W3.requireShape(2, 3, name: "W3")
  try x.requireShape(4, 1, name: "x")
  try y.requireShape(2, 1, name: "y")
  let h1 = (W1 * x)
  let z1 = h1.map(ElementwiseFunction.tanh.apply)
  let h2 = (W2 * z1)
  let z2 = h2.map(ElementwiseFunction.tanh.apply)
  let yhat = (W3 * z2)
  let _t1 = (yhat - y)
  let f = try Matrix.scalar(_t1.frobeniusNorm).elementwisePower(2.0).hadamardQuotient(Matrix.scalar(2.0))
  let dyhat = _t1
  let dz2 = (W3.transposed * dyhat)
  let dh2 = try dz2.hadamard(Matrix.broadcasting(Matrix.scalar(1.0), z2.elementwisePower(2.0), -))
  let dz1 = (W2.transposed * dh2)
  let dh1 = try dz1.hadamard(Matrix.broadcasting(Matrix.scalar(1.0), z1.elementwisePower(2.0), -))
  let dW1 = (dh1 * x.transposed)
  let dW2 = (dh2 * z1.transposed)
  let dW3 = (dyhat * z2.transposed)
  return (f: f, dW1: dW1, dW2: dW2, dW3: dW3)
}
