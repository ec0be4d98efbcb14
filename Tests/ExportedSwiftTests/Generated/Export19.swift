// Exported by jac (JacobianKit) --emit swift; regenerate rather than edit.
import Jacobians
import MatrixCore
import Symbolic

/// Program: h = W*x; z = tanh(h); F = z*z' (F = F)
///
/// Returns F and the Jacobian–vector product along the tangents (forward mode):
/// vec(dF) = Σ J_X·vec(dX) with J_X = ∂vec F/∂(vec X)ᵀ (numerator layout, vec stacks columns,
/// J[p + q·m, i + j·a] = ∂F[p, q]/∂X[i, j]); dF is shaped like F.
/// Every value is a MatrixCore `Matrix` (column-major; a 1×1 value is a 1×1 matrix); Kronecker
/// factors and commutation matrices are applied as `StructuredMatrix` (the vec trick), never materialised.
/// After the forward pass, the tangent dv of every name v (forward mode), reusing the forward values.
/// - Parameters:
///   - W: 3×2, input
///   - x: 2×1, input
///   - dW: 3×2, tangent of W
///   - dx: 2×1, tangent of x
/// - Returns: (F, dF):
///   F 3×3, F
///   dF 3×3, JVP: J·vec(tangents), shaped like F
/// - Throws: `MatrixError.invalidArgument` for an argument of the wrong shape; MatrixCore's errors (a singular matrix).
func export19(W: Matrix, x: Matrix, dW: Matrix, dx: Matrix) throws -> (F: Matrix, dF: Matrix) {
  try W.requireShape(3, 2, name: "W")
  try x.requireShape(2, 1, name: "x")
  try dW.requireShape(3, 2, name: "dW")
  try dx.requireShape(2, 1, name: "dx")
  let h = (W * x)
  let z = h.map(ElementwiseFunction.tanh.apply)
  let F = (z * z.transposed)
  let dh = ((dW * x) + (W * dx))
  let dz = try Matrix.broadcasting(Matrix.scalar(1.0), z.elementwisePower(2.0), -).hadamard(dh)
  let dF = ((dz * z.transposed) + (z * dz.transposed))
  return (F: F, dF: dF)
}
