// Exported by jac (JacobianKit) --emit swift; regenerate rather than edit.
import Jacobians
import MatrixCore
import Symbolic

/// F = softmax(z).*exp(z)./(1+z.^2)
///
/// Returns F and the Jacobian–vector product along the tangents (forward mode):
/// vec(dF) = Σ J_X·vec(dX) with J_X = ∂vec F/∂(vec X)ᵀ (numerator layout, vec stacks columns,
/// J[p + q·m, i + j·a] = ∂F[p, q]/∂X[i, j]); dF is shaped like F.
/// Every value is a MatrixCore `Matrix` (column-major; a 1×1 value is a 1×1 matrix); Kronecker
/// factors and commutation matrices are applied as `StructuredMatrix` (the vec trick), never materialised.
/// - Parameters:
///   - z: 4×1, input
///   - dz: 4×1, tangent of z
/// - Returns: (F, dF):
///   F 4×1, F
///   dF 4×1, JVP: J·vec(tangents), shaped like F
/// - Throws: `MatrixError.invalidArgument` for an argument of the wrong shape; MatrixCore's errors (a singular matrix).
func export15(z: Matrix, dz: Matrix) throws -> (F: Matrix, dF: Matrix) {
  try z.requireShape(4, 1, name: "z")
  try dz.requireShape(4, 1, name: "dz")
  let _t1 = z.softmax()
  let _t2 = z.map(ElementwiseFunction.exp.apply)
  let _t3 = try _t1.hadamard(_t2)
  let _t4 = try Matrix.broadcasting(Matrix.scalar(1.0), z.elementwisePower(2.0), +)
  let F = try _t3.hadamardQuotient(_t4)
  let dF = try ((_t1.hadamard(Matrix.broadcasting(dz, (_t1.transposed * dz), -)).hadamard(_t2) + _t3.hadamard(dz)) - _t3.hadamard(z).hadamard(dz).scaled(by: 2.0).hadamardQuotient(_t4)).hadamardQuotient(_t4)
  return (F: F, dF: dF)
}
