// Exported by jac (JacobianKit) --emit swift; regenerate rather than edit.
import Jacobians
import MatrixCore
import Symbolic

/// F = inv(X)+X^2
///
/// Returns F and the Jacobian–vector product along the tangents (forward mode):
/// vec(dF) = Σ J_X·vec(dX) with J_X = ∂vec F/∂(vec X)ᵀ (numerator layout, vec stacks columns,
/// J[p + q·m, i + j·a] = ∂F[p, q]/∂X[i, j]); dF is shaped like F.
/// Every value is a MatrixCore `Matrix` (column-major; a 1×1 value is a 1×1 matrix); Kronecker
/// factors and commutation matrices are applied as `StructuredMatrix` (the vec trick), never materialised.
/// - Parameters:
///   - X: 3×3, input
///   - dX: 3×3, tangent of X
/// - Returns: (F, dF):
///   F 3×3, F
///   dF 3×3, JVP: J·vec(tangents), shaped like F
/// - Throws: `MatrixError.invalidArgument` for an argument of the wrong shape; MatrixCore's errors (a singular matrix).
func export14(X: Matrix, dX: Matrix) throws -> (F: Matrix, dF: Matrix) {
  try X.requireShape(3, 3, name: "X")
  try dX.requireShape(3, 3, name: "dX")
  let _t1 = try X.inverse()
  let F = try (_t1 + X.power(2))
  let dF = (((dX * X) - ((_t1 * dX) * _t1)) + (X * dX))
  return (F: F, dF: dF)
}
