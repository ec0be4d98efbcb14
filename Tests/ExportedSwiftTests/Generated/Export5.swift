// Exported by jac (JacobianKit) --emit swift; regenerate rather than edit.
import Jacobians
import MatrixCore
import Symbolic

/// F = sum(log(1+exp(-y.*X*w)))
///
/// Returns F and its gradients in the shape convention: dX[i, j] = ∂F/∂X[i, j], shaped like X.
/// Every value is a MatrixCore `Matrix` (column-major; a 1×1 value is a 1×1 matrix); Kronecker
/// factors and commutation matrices are applied as `StructuredMatrix` (the vec trick), never materialised.
/// - Parameters:
///   - X: 6×3, input
///   - w: 3×1, input
///   - y: 6×1, input
/// - Returns: (F, dw):
///   F 1×1, F
///   dw 3×1, ∂F/∂w, shaped like w
/// - Throws: `MatrixError.invalidArgument` for an argument of the wrong shape; MatrixCore's errors (a singular matrix).
func export5(X: Matrix, w: Matrix, y: Matrix) throws -> (F: Matrix, dw: Matrix) {
  try X.requireShape(6, 3, name: "X")
  try w.requireShape(3, 1, name: "w")
  try y.requireShape(6, 1, name: "y")
  let _t1 = (X * w)
  let F = try Matrix.scalar(Matrix.broadcasting(Matrix.scalar(1.0), y.scaled(by: -1).hadamard(_t1).map(ElementwiseFunction.exp.apply), +).map(ElementwiseFunction.log.apply).sum)
  let dw = try (X.transposed.scaled(by: -1) * y.hadamard(y.hadamard(_t1).scaled(by: -1).map(ElementwiseFunction.sigmoid.apply)))
  return (F: F, dw: dw)
}
