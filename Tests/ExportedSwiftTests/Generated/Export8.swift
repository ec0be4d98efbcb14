// Exported by jac (JacobianKit) --emit swift; regenerate rather than edit.
import Jacobians
import MatrixCore
import Symbolic

/// F = norm(X)^2+norm1(X)+sum(max(X,Y))
///
/// Returns F and its gradients in the shape convention: dX[i, j] = ∂F/∂X[i, j], shaped like X.
/// Every value is a MatrixCore `Matrix` (column-major; a 1×1 value is a 1×1 matrix); Kronecker
/// factors and commutation matrices are applied as `StructuredMatrix` (the vec trick), never materialised.
/// - Parameters:
///   - X: 3×2, input
///   - Y: 3×2, input
/// - Returns: (F, dX, dY):
///   F 1×1, F
///   dX 3×2, ∂F/∂X, shaped like X
///   dY 3×2, ∂F/∂Y, shaped like Y
/// - Throws: `MatrixError.invalidArgument` for an argument of the wrong shape; MatrixCore's errors (a singular matrix).
func export8(X: Matrix, Y: Matrix) throws -> (F: Matrix, dX: Matrix, dY: Matrix) {
  try X.requireShape(3, 2, name: "X")
  try Y.requireShape(3, 2, name: "Y")
  let F = try ((Matrix.scalar(X.frobeniusNorm).elementwisePower(2.0) + Matrix.scalar(X.storage.reduce(0) { $0 + abs($1) })) + Matrix.scalar(Matrix.broadcasting(X, Y, Swift.max).sum))
  let _t1 = (Y - X).map(ElementwiseFunction.heaviside.apply)
  let dX = try (Matrix.broadcasting((X.scaled(by: 2.0) + X.map(ElementwiseFunction.sign.apply)), Matrix.scalar(1.0), +) - _t1)
  let dY = _t1
  return (F: F, dX: dX, dY: dY)
}
