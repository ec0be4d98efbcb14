// Exported by jac (JacobianKit) --emit swift; regenerate rather than edit.
import Jacobians
import MatrixCore
import Symbolic

/// F = -p'*log(softmax(z))+logsumexp(z)
///
/// Returns F and its gradients in the shape convention: dX[i, j] = ∂F/∂X[i, j], shaped like X.
/// Every value is a MatrixCore `Matrix` (column-major; a 1×1 value is a 1×1 matrix); Kronecker
/// factors and commutation matrices are applied as `StructuredMatrix` (the vec trick), never materialised.
/// - Parameters:
///   - p: 4×1, input
///   - z: 4×1, input
/// - Returns: (F, dz):
///   F 1×1, F
///   dz 4×1, ∂F/∂z, shaped like z
/// - Throws: `MatrixError.invalidArgument` for an argument of the wrong shape; MatrixCore's errors (a singular matrix).
func export4(p: Matrix, z: Matrix) throws -> (F: Matrix, dz: Matrix) {
  try p.requireShape(4, 1, name: "p")
  try z.requireShape(4, 1, name: "z")
  let _t1 = z.softmax()
  let F = ((p.transposed.scaled(by: -1) * _t1.map(ElementwiseFunction.log.apply)) + Matrix.scalar(z.logSumExp()))
  let dz = ((_t1.scaled(by: Matrix.scalar(p.sum).storage[0]) - p) + _t1)
  return (F: F, dz: dz)
}
