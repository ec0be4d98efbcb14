// Exported by jac (JacobianKit) --emit swift; regenerate rather than edit.
import Foundation
import Jacobians
import MatrixCore

/// Program: h1 = W1*X+b1; z1 = tanh(h1); h2 = W2*z1+b2; f = norm(h2-Y)^2/2 (F = f)
///
/// Returns F and its gradients in the shape convention: dX[i, j] = ∂F/∂X[i, j], shaped like X.
/// Every value is a MatrixCore `Matrix` (column-major; a 1×1 value is a 1×1 matrix); Kronecker
/// factors and commutation matrices are applied as `StructuredMatrix` (the vec trick), never materialised.
/// The backward pass is the one `jac derive` prints: dv = ∂F/∂v shaped like v, branches summed.
/// - Parameters:
///   - W1: 4×3, input
///   - W2: 2×4, input
///   - X: 3×6, input
///   - Y: 2×6, input
///   - b1: 4×1, input
///   - b2: 2×1, input
/// - Returns: (f, dW1, db1, dW2, db2):
///   f 1×1, F
///   dW1 4×3, ∂F/∂W1, shaped like W1
///   db1 4×1, ∂F/∂b1, shaped like b1
///   dW2 2×4, ∂F/∂W2, shaped like W2
///   db2 2×1, ∂F/∂b2, shaped like b2
/// - Throws: `ExportedFunctionError` for an argument of the wrong shape; MatrixCore's errors (a singular matrix).
func export18(W1: Matrix, W2: Matrix, X: Matrix, Y: Matrix, b1: Matrix, b2: Matrix) throws -> (f: Matrix, dW1: Matrix, db1: Matrix, dW2: Matrix, db2: Matrix) {
  try _input(W1, 4, 3, "W1")
  try _input(W2, 2, 4, "W2")
  try _input(X, 3, 6, "X")
  try _input(Y, 2, 6, "Y")
  try _input(b1, 4, 1, "b1")
  try _input(b2, 2, 1, "b2")
  let h1 = _add(_mul(W1, X), b1)
  let z1 = h1.map({ Foundation.tanh($0) })
  let h2 = _add(_mul(W2, z1), b2)
  let _t1 = _sub(h2, Y)
  let f = _quot(_pow(_c(_t1.frobeniusNorm), _c(2.0)), _c(2.0))
  let dh2 = _t1
  let dz1 = _mul(W2.transposed, dh2)
  let dh1 = _had(dz1, _sub(_c(1.0), _pow(z1, _c(2.0))))
  let dW1 = _mul(dh1, X.transposed)
  let db1 = _mul(dh1, Matrix.ones(6, 1))
  let dW2 = _mul(dh2, z1.transposed)
  let db2 = _mul(dh2, Matrix.ones(6, 1))
  return (f: f, dW1: dW1, db1: db1, dW2: dW2, db2: db2)
}

/// The wrong shape for an argument of an exported function.
fileprivate struct ExportedFunctionError: Error, CustomStringConvertible {
  let description: String
}

fileprivate func _input(_ x: Matrix, _ rows: Int, _ cols: Int, _ name: String) throws {
  guard x.rows == rows && x.cols == cols else {
    throw ExportedFunctionError(description: "\(name) must be \(rows)×\(cols), not \(x.rows)×\(x.cols)")
  }
}

fileprivate func _c(_ x: Double) -> Matrix { Matrix(rows: 1, cols: 1, columnMajor: [x]) }

/// Both operands broadcast to one shape (a size-1 row or column repeated), entry by entry.
fileprivate func _zip(_ a: Matrix, _ b: Matrix, _ f: (Double, Double) -> Double) -> Matrix {
  let shape = Shape(Swift.max(a.rows, b.rows), Swift.max(a.cols, b.cols))
  let (x, y) = (a.broadcast(to: shape), b.broadcast(to: shape))
  return Matrix(rows: shape.rows, cols: shape.cols, columnMajor: zip(x.storage, y.storage).map { f($0, $1) })
}

fileprivate func _add(_ a: Matrix, _ b: Matrix) -> Matrix { a.shape == b.shape ? a + b : _zip(a, b, +) }
fileprivate func _sub(_ a: Matrix, _ b: Matrix) -> Matrix { a.shape == b.shape ? a - b : _zip(a, b, -) }
fileprivate func _had(_ a: Matrix, _ b: Matrix) -> Matrix { _zip(a, b, *) }
fileprivate func _quot(_ a: Matrix, _ b: Matrix) -> Matrix { _zip(a, b, /) }

/// The matrix product, or scaling when a side is 1×1 (BLAS through MatrixCore).
fileprivate func _mul(_ a: Matrix, _ b: Matrix) -> Matrix {
  if a.count == 1 { return b.scaled(by: a.storage[0]) }
  if b.count == 1 { return a.scaled(by: b.storage[0]) }
  return a * b
}

fileprivate func _pow(_ a: Matrix, _ p: Matrix) -> Matrix {
  let q = p.storage[0]
  return q == 2 ? a.map { $0 * $0 } : a.map { Foundation.pow($0, q) }
}

fileprivate func _matrixPower(_ a: Matrix, _ k: Int) throws -> Matrix {
  let base = k < 0 ? try a.inverse() : a
  var result = Matrix.identity(a.rows)
  for _ in 0..<k.magnitude { result = result * base }
  return result
}

fileprivate func _sigmoid(_ x: Double) -> Double {
  if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
  let e = Foundation.exp(x)
  return e / (1 + e)
}

fileprivate func _softmax(_ x: Matrix) -> Matrix {
  let shift = x.storage.max() ?? 0
  let e = x.map { Foundation.exp($0 - shift) }
  let total = e.sum
  return e.map { $0 / total }
}

fileprivate func _logsumexp(_ x: Matrix) -> Matrix {
  let shift = x.storage.max() ?? 0
  return _c(shift + Foundation.log(x.storage.reduce(0) { $0 + Foundation.exp($1 - shift) }))
}

fileprivate func _diagonal(_ a: Matrix) -> Matrix {
  Matrix(column: (0..<Swift.min(a.rows, a.cols)).map { a[$0, $0] })
}
