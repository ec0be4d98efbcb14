// Exported by jac (JacobianKit) --emit swift; regenerate rather than edit.
import Jacobians
import MatrixCore
import Symbolic

/// F = R'*R
///
/// Returns F and the Jacobian–vector product along the tangents (forward mode):
/// vec(dF) = Σ J_X·vec(dX) with J_X = ∂vec F/∂(vec X)ᵀ (numerator layout, vec stacks columns,
/// J[p + q·m, i + j·a] = ∂F[p, q]/∂X[i, j]); dF is shaped like F.
/// Every value is a MatrixCore `Matrix` (column-major; a 1×1 value is a 1×1 matrix); Kronecker
/// factors and commutation matrices are applied as `StructuredMatrix` (the vec trick), never materialised.
/// - Parameters:
///   - R: 3×2, input
///   - dR: 3×2, tangent of R
/// - Returns: (F, dF):
///   F 2×2, F
///   dF 2×2, JVP: J·vec(tangents), shaped like F
/// - Throws: `MatrixError.invalidArgument` for an argument of the wrong shape; MatrixCore's errors (a singular matrix).
func export11(R: Matrix, dR: Matrix) throws -> (F: Matrix, dF: Matrix) {
  try R.requireShape(3, 2, name: "R")
  try dR.requireShape(3, 2, name: "dR")
  let F = (R.transposed * R)
  let dF = ((dR.transposed * R) + (R.transposed * dR))
  return (F: F, dF: dF)
}
