// Exported by jac (JacobianKit) --emit swift; regenerate rather than edit.
import Jacobians
import MatrixCore
import Symbolic

/// F = kron(A,B)
///
/// Returns F and the Jacobian–vector product along the tangents (forward mode):
/// vec(dF) = Σ J_X·vec(dX) with J_X = ∂vec F/∂(vec X)ᵀ (numerator layout, vec stacks columns,
/// J[p + q·m, i + j·a] = ∂F[p, q]/∂X[i, j]); dF is shaped like F.
/// Every value is a MatrixCore `Matrix` (column-major; a 1×1 value is a 1×1 matrix); Kronecker
/// factors and commutation matrices are applied as `StructuredMatrix` (the vec trick), never materialised.
/// - Parameters:
///   - A: 2×2, input
///   - B: 2×3, input
///   - dA: 2×2, tangent of A
///   - dB: 2×3, tangent of B
/// - Returns: (F, dF):
///   F 4×6, F
///   dF 4×6, JVP: J·vec(tangents), shaped like F
/// - Throws: `MatrixError.invalidArgument` for an argument of the wrong shape; MatrixCore's errors (a singular matrix).
func export13(A: Matrix, B: Matrix, dA: Matrix, dB: Matrix) throws -> (F: Matrix, dF: Matrix) {
  try A.requireShape(2, 2, name: "A")
  try B.requireShape(2, 3, name: "B")
  try dA.requireShape(2, 2, name: "dA")
  try dB.requireShape(2, 3, name: "dB")
  let F = Matrix.kronecker(A, B)
  let dF = (Matrix.kronecker(dA, B) + Matrix.kronecker(A, dB))
  return (F: F, dF: dF)
}
