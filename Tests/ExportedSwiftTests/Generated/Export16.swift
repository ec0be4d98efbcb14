// Exported by jac (JacobianKit) --emit swift; regenerate rather than edit.
import Jacobians
import MatrixCore
import Symbolic

/// F = vec(X')+vec(X)
///
/// Returns F and the Jacobian–vector product along the tangents (forward mode):
/// vec(dF) = Σ J_X·vec(dX) with J_X = ∂vec F/∂(vec X)ᵀ (numerator layout, vec stacks columns,
/// J[p + q·m, i + j·a] = ∂F[p, q]/∂X[i, j]); dF is shaped like F.
/// Every value is a MatrixCore `Matrix` (column-major; a 1×1 value is a 1×1 matrix); Kronecker
/// factors and commutation matrices are applied as `StructuredMatrix` (the vec trick), never materialised.
/// - Parameters:
///   - X: 3×2, input
///   - dX: 3×2, tangent of X
/// - Returns: (F, dF):
///   F 6×1, F
///   dF 6×1, JVP: J·vec(tangents), shaped like F
/// - Throws: `MatrixError.invalidArgument` for an argument of the wrong shape; MatrixCore's errors (a singular matrix).
func export16(X: Matrix, dX: Matrix) throws -> (F: Matrix, dF: Matrix) {
  try X.requireShape(3, 2, name: "X")
  try dX.requireShape(3, 2, name: "dX")
  let F = (X.transposed.vec + X.vec)
  let dF = (dX.transposed.vec + dX.vec)
  return (F: F, dF: dF)
}
