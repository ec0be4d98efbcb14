// Exported by jac (JacobianKit) --emit swift; regenerate rather than edit.
import Foundation
import Jacobians
import MatrixCore

/// F = sum(sigmoid(W*X+b)+relu(W*X)+softplus(X'*W')')
///
/// Returns F and its gradients in the shape convention: dX[i, j] = ∂F/∂X[i, j], shaped like X.
/// Every value is a MatrixCore `Matrix` (column-major; a 1×1 value is a 1×1 matrix); Kronecker
/// factors and commutation matrices are applied as `StructuredMatrix` (the vec trick), never materialised.
/// - Parameters:
///   - W: 4×3, input
///   - X: 3×5, input
///   - b: 4×1, input
/// - Returns: (F, dW, db):
///   F 1×1, F
///   dW 4×3, ∂F/∂W, shaped like W
///   db 4×1, ∂F/∂b, shaped like b
/// - Throws: `ExportedFunctionError` for an argument of the wrong shape; MatrixCore's errors (a singular matrix).
func export6(W: Matrix, X: Matrix, b: Matrix) throws -> (F: Matrix, dW: Matrix, db: Matrix) {
  try _input(W, 4, 3, "W")
  try _input(X, 3, 5, "X")
  try _input(b, 4, 1, "b")
  let _t1 = _mul(W, X)
  let _t2 = _add(_t1, b).map(_sigmoid)
  let _t3 = _mul(X.transposed, W.transposed)
  let F = _c(_add(_add(_t2, _t1.map({ $0 > 0 ? $0 : 0 })), _t3.map({ Swift.max($0, 0) + Foundation.log1p(Foundation.exp(-Swift.abs($0))) }).transposed).sum)
  let _t4 = _had(_t2, _sub(_c(1.0), _t2))
  let dW = _mul(_add(_add(_t4, _t1.map({ $0 > 0 ? 1 : 0 })), _t3.map(_sigmoid).transposed), X.transposed)
  let db = _mul(_t4, Matrix.ones(5, 1))
  return (F: F, dW: dW, db: db)
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
