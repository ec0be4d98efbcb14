// Exported by jac (JacobianKit) --emit swift; regenerate rather than edit.
import Jacobians
import MatrixCore
import Symbolic

/// F = A*X*B
///
/// Returns F and the Jacobian–vector product along the tangents (forward mode):
/// vec(dF) = Σ J_X·vec(dX) with J_X = ∂vec F/∂(vec X)ᵀ (numerator layout, vec stacks columns,
/// J[p + q·m, i + j·a] = ∂F[p, q]/∂X[i, j]); dF is shaped like F.
/// Every value is a MatrixCore `Matrix` (column-major; a 1×1 value is a 1×1 matrix); Kronecker
/// factors and commutation matrices are applied as `StructuredMatrix` (the vec trick), never materialised.
/// - Parameters:
///   - A: 2×3, input
///   - B: 4×2, input
///   - X: 3×4, input
///   - dX: 3×4, tangent of X
/// - Returns: (F, dF):
///   F 2×2, F
///   dF 2×2, JVP: J·vec(tangents), shaped like F
/// - Throws: `MatrixError.invalidArgument` for an argument of the wrong shape; MatrixCore's errors (a singular matrix).
func export12(A: Matrix, B: Matrix, X: Matrix, dX: Matrix) throws -> (F: Matrix, dF: Matrix) {
  try A.requireShape(2, 3, name: "A")
  try B.requireShape(4, 2, name: "B")
  try X.requireShape(3, 4, name: "X")
  try dX.requireShape(3, 4, name: "dX")
  let F = ((A * X) * B)
  let dF = ((A * dX) * B)
  return (F: F, dF: dF)
}
