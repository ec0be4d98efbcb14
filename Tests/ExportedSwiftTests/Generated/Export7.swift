// Exported by jac (JacobianKit) --emit swift; regenerate rather than edit.
import Jacobians
import MatrixCore
import Symbolic

/// F = tr(kron(A,B))+sum(kron(A,B)*v)
///
/// Returns F and its gradients in the shape convention: dX[i, j] = ∂F/∂X[i, j], shaped like X.
/// Every value is a MatrixCore `Matrix` (column-major; a 1×1 value is a 1×1 matrix); Kronecker
/// factors and commutation matrices are applied as `StructuredMatrix` (the vec trick), never materialised.
/// - Parameters:
///   - A: 2×2, input
///   - B: 3×3, input
///   - v: 6×1, input
/// - Returns: (F, dA, dB):
///   F 1×1, F
///   dA 2×2, ∂F/∂A, shaped like A
///   dB 3×3, ∂F/∂B, shaped like B
/// - Throws: `MatrixError.invalidArgument` for an argument of the wrong shape; MatrixCore's errors (a singular matrix).
func export7(A: Matrix, B: Matrix, v: Matrix) throws -> (F: Matrix, dA: Matrix, dB: Matrix) {
  try A.requireShape(2, 2, name: "A")
  try B.requireShape(3, 3, name: "B")
  try v.requireShape(6, 1, name: "v")
  let F = try (Matrix.scalar(Matrix.kronecker(A, B).trace()) + Matrix.scalar(StructuredMatrix.kronecker(StructuredMatrix.dense(A), StructuredMatrix.dense(B)).apply(v).sum))
  let _t3 = (Matrix.identity(6) + (Matrix.ones(6, 1) * v.transposed)).vec
  let dA = Matrix(rows: 2, cols: 2, columnMajor: (StructuredMatrix.kronecker(StructuredMatrix.identity(4), StructuredMatrix.dense(B.vec.transposed)) * StructuredMatrix.kronecker(StructuredMatrix.identity(2), StructuredMatrix.kronecker(StructuredMatrix.commutation(2, 3), StructuredMatrix.identity(3)))).apply(_t3).storage)
  let dB = Matrix(rows: 3, cols: 3, columnMajor: (StructuredMatrix.kronecker(StructuredMatrix.dense(A.vec.transposed), StructuredMatrix.identity(9)) * StructuredMatrix.kronecker(StructuredMatrix.identity(2), StructuredMatrix.kronecker(StructuredMatrix.commutation(2, 3), StructuredMatrix.identity(3)))).apply(_t3).storage)
  return (F: F, dA: dA, dB: dB)
}
