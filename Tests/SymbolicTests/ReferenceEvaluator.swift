// An independent, naive interpreter of the expression language, written from the
// specification's definitions with plain loops over row-major arrays: no BLAS, no LAPACK and no
// code from Symbolic's evaluator. Tests compare `Expression.evaluate` with it.
import Foundation
import MatrixCore

@testable import Symbolic

/// A row-major dense matrix for reference computations.
struct Dense: Equatable {
  var rows: Int
  var cols: Int
  var a: [[Double]]

  init(_ rows: Int, _ cols: Int, _ f: (Int, Int) -> Double = { _, _ in 0 }) {
    self.rows = rows
    self.cols = cols
    a = (0..<rows).map { i in (0..<cols).map { j in f(i, j) } }
  }

  init(_ m: Matrix) {
    self.init(m.rows, m.cols) { i, j in m.storage[i + j * m.rows] }
  }

  subscript(i: Int, j: Int) -> Double {
    get { a[i][j] }
    set { a[i][j] = newValue }
  }

  var entries: [Double] { a.flatMap { $0 } }
  var matrix: Matrix { Matrix(rows: rows, cols: cols, rowMajor: entries) }
  func map(_ f: (Double) -> Double) -> Dense { Dense(rows, cols) { f(self[$0, $1]) } }
}

enum ReferenceError: Error { case undefined(String) }

enum Reference {
  static func product(_ x: Dense, _ y: Dense) -> Dense {
    Dense(x.rows, y.cols) { i, j in (0..<x.cols).reduce(0) { $0 + x[i, $1] * y[$1, j] } }
  }

  static func transpose(_ x: Dense) -> Dense { Dense(x.cols, x.rows) { x[$1, $0] } }

  static func identity(_ n: Int) -> Dense { Dense(n, n) { $0 == $1 ? 1 : 0 } }

  /// K(m,n): row j + i·n has its 1 in column i + j·m.
  static func commutation(_ m: Int, _ n: Int) -> Dense {
    var k = Dense(m * n, m * n)
    for i in 0..<m { for j in 0..<n { k[j + i * n, i + j * m] = 1 } }
    return k
  }

  static func kron(_ x: Dense, _ y: Dense) -> Dense {
    Dense(x.rows * y.rows, x.cols * y.cols) { r, c in
      x[r / y.rows, c / y.cols] * y[r % y.rows, c % y.cols]
    }
  }

  /// Columns stacked.
  static func vec(_ x: Dense) -> Dense {
    var v: [Double] = []
    for j in 0..<x.cols { for i in 0..<x.rows { v.append(x[i, j]) } }
    return Dense(v.count, 1) { i, _ in v[i] }
  }

  /// Determinant by cofactor expansion along the first row.
  static func det(_ x: Dense) -> Double {
    let n = x.rows
    if n == 1 { return x[0, 0] }
    var d = 0.0
    for j in 0..<n {
      let minor = Dense(n - 1, n - 1) { r, c in x[r + 1, c < j ? c : c + 1] }
      d += (j % 2 == 0 ? 1 : -1) * x[0, j] * det(minor)
    }
    return d
  }

  /// Inverse by Gauss–Jordan elimination with partial pivoting.
  static func inverse(_ x: Dense) throws -> Dense {
    let n = x.rows
    var a = x
    var inv = identity(n)
    for col in 0..<n {
      guard let pivot = (col..<n).max(by: { abs(a[$0, col]) < abs(a[$1, col]) }), a[pivot, col] != 0 else {
        throw ReferenceError.undefined("singular")
      }
      a.a.swapAt(col, pivot)
      inv.a.swapAt(col, pivot)
      let p = a[col, col]
      for j in 0..<n {
        a[col, j] /= p
        inv[col, j] /= p
      }
      for r in 0..<n where r != col {
        let f = a[r, col]
        for j in 0..<n {
          a[r, j] -= f * a[col, j]
          inv[r, j] -= f * inv[col, j]
        }
      }
    }
    return inv
  }

  static func scalar(_ v: Double) -> Dense { Dense(1, 1) { _, _ in v } }

  static func elementwise(_ f: ElementwiseFunction, _ x: Double) throws -> Double {
    switch f {
    case .exp: return Foundation.exp(x)
    case .log:
      guard x > 0 else { throw ReferenceError.undefined("log") }
      return Foundation.log(x)
    case .sin: return Foundation.sin(x)
    case .cos: return Foundation.cos(x)
    case .tanh: return 1 - 2 / (Foundation.exp(2 * x) + 1)
    case .sigmoid: return 1 / (1 + Foundation.exp(-x))
    case .relu: return x > 0 ? x : 0
    case .softplus:
      return x > 0 ? x + Foundation.log(1 + Foundation.exp(-x)) : Foundation.log(1 + Foundation.exp(x))
    case .sqrt:
      guard x >= 0 else { throw ReferenceError.undefined("sqrt") }
      return Foundation.sqrt(x)
    case .abs: return x < 0 ? -x : x
    case .heaviside: return x > 0 ? 1 : 0
    case .sign: return x > 0 ? 1 : (x < 0 ? -1 : 0)
    // By identities rather than the libm calls the evaluator uses.
    case .tan: return Foundation.sin(x) / Foundation.cos(x)
    case .arcsin:
      guard x >= -1 && x <= 1 else { throw ReferenceError.undefined("arcsin") }
      return Foundation.atan2(x, Foundation.sqrt(1 - x * x))
    case .arccos:
      guard x >= -1 && x <= 1 else { throw ReferenceError.undefined("arccos") }
      return Foundation.atan2(Foundation.sqrt(1 - x * x), x)
    case .arctan: return Foundation.atan2(x, 1)
    }
  }

  /// max/min entrywise under broadcasting.
  static func extremum(_ x: Dense, _ y: Dense, max isMax: Bool) -> Dense {
    Dense(Swift.max(x.rows, y.rows), Swift.max(x.cols, y.cols)) { i, j in
      let (p, q) = (at(x, i, j), at(y, i, j))
      return isMax ? (p >= q ? p : q) : (p <= q ? p : q)
    }
  }

  /// The value of `e` by the definitions, or a `ReferenceError` where it is undefined.
  /// Entry (i, j) of m under broadcasting (MATLAB's implicit expansion): a dimension of size 1
  /// is read at index 0 whatever the index.
  static func at(_ m: Dense, _ i: Int, _ j: Int) -> Double { m[m.rows == 1 ? 0 : i, m.cols == 1 ? 0 : j] }

  static func evaluate(_ e: MatrixExpression, _ values: [String: Dense]) throws -> Dense {
    func ev(_ e: MatrixExpression) throws -> Dense { try evaluate(e, values) }
    switch e {
    case .variable(let name):
      guard let v = values[name] else { throw ReferenceError.undefined(name) }
      return v
    case .constant(let c): return scalar(c)
    case .identity(let n): return identity(n)
    case .commutation(let m, let n): return commutation(m, n)
    case .zeros(let m, let n): return Dense(m, n)
    case .ones(let m, let n): return Dense(m, n) { _, _ in 1 }
    case .transpose(let a): return transpose(try ev(a))
    case .negate(let a): return try ev(a).map { -$0 }
    case .add(let a, let b):
      let (x, y) = (try ev(a), try ev(b))
      return Dense(max(x.rows, y.rows), max(x.cols, y.cols)) { at(x, $0, $1) + at(y, $0, $1) }
    case .subtract(let a, let b):
      let (x, y) = (try ev(a), try ev(b))
      return Dense(max(x.rows, y.rows), max(x.cols, y.cols)) { at(x, $0, $1) - at(y, $0, $1) }
    case .product(let a, let b):
      let (x, y) = (try ev(a), try ev(b))
      if x.rows == 1 && x.cols == 1 { return y.map { x[0, 0] * $0 } }
      if y.rows == 1 && y.cols == 1 { return x.map { $0 * y[0, 0] } }
      return product(x, y)
    case .hadamard(let a, let b), .hadamardQuotient(let a, let b), .divide(let a, let b):
      let (x, y) = (try ev(a), try ev(b))
      let isProduct: Bool
      if case .hadamard = e { isProduct = true } else { isProduct = false }
      let (r, c) = (max(x.rows, y.rows), max(x.cols, y.cols))
      var out = Dense(r, c)
      for i in 0..<r {
        for j in 0..<c {
          let (p, q) = (at(x, i, j), at(y, i, j))
          if !isProduct && q == 0 { throw ReferenceError.undefined("division by zero") }
          out[i, j] = isProduct ? p * q : p / q
        }
      }
      return out
    case .power(let a, let k):
      let x = try ev(a)
      if x.rows == 1 && x.cols == 1 {
        let p = try ev(k)[0, 0]
        return scalar(try power(x[0, 0], p))
      }
      guard let n = k.integerConstant else { throw ReferenceError.undefined("matrix power") }
      var result = identity(x.rows)
      let base = n < 0 ? try inverse(x) : x
      for _ in 0..<abs(n) { result = product(result, base) }
      return result
    case .elementwisePower(let a, let p):
      let (x, q) = (try ev(a), try ev(p)[0, 0])
      var out = x
      for i in 0..<x.rows { for j in 0..<x.cols { out[i, j] = try power(x[i, j], q) } }
      return out
    case .inverse(let a): return try inverse(try ev(a))
    case .determinant(let a): return scalar(det(try ev(a)))
    case .logDeterminant(let a):
      let d = det(try ev(a))
      guard d != 0 else { throw ReferenceError.undefined("logdet of a singular matrix") }
      return scalar(Foundation.log(abs(d)))
    case .trace(let a):
      let x = try ev(a)
      return scalar((0..<x.rows).reduce(0) { $0 + x[$1, $1] })
    case .sum(let a): return scalar(try ev(a).entries.reduce(0, +))
    case .norm(let a): return scalar(Foundation.sqrt(try ev(a).entries.reduce(0) { $0 + $1 * $1 }))
    case .kronecker(let a, let b): return kron(try ev(a), try ev(b))
    case .vec(let a): return vec(try ev(a))
    case .reshape(let a, let m, let n):
      // Column-major: entry (i, j) is vec(A)[i + j·m].
      let v = vec(try ev(a))
      return Dense(m, n) { v[$0 + $1 * m, 0] }
    case .diag(let v):
      let entries = try ev(v).entries
      return Dense(entries.count, entries.count) { $0 == $1 ? entries[$0] : 0 }
    case .diagonal(let a):
      let x = try ev(a)
      return Dense(x.rows, 1) { i, _ in x[i, i] }
    case .elementwise(let f, let a):
      let x = try ev(a)
      var out = x
      for i in 0..<x.rows { for j in 0..<x.cols { out[i, j] = try elementwise(f, x[i, j]) } }
      return out
    case .softmax(let a):
      // exp(x_i)/Σ exp(x_j), with numerator and denominator divided by exp(max x).
      let x = try ev(a)
      let top = x.entries.max() ?? 0
      let total = x.entries.reduce(0) { $0 + Foundation.exp($1 - top) }
      return x.map { Foundation.exp($0 - top) / total }
    case .logSumExp(let a):
      let x = try ev(a).entries
      let top = x.max() ?? 0
      return scalar(top + Foundation.log(x.reduce(0) { $0 + Foundation.exp($1 - top) }))
    case .maximum(let a, let b): return extremum(try ev(a), try ev(b), max: true)
    case .minimum(let a, let b): return extremum(try ev(a), try ev(b), max: false)
    case .norm1(let a): return scalar(try ev(a).entries.reduce(0) { $0 + ($1 < 0 ? -$1 : $1) })
    case .concatenation(let blockRows):
      // Row by row: each band's rows are the blocks' rows laid side by side.
      var rows: [[Double]] = []
      for band in blockRows {
        let blocks = try band.map { try ev($0) }
        for i in 0..<blocks[0].rows { rows.append(blocks.flatMap { $0.a[i] }) }
      }
      return Dense(rows.count, rows[0].count) { rows[$0][$1] }
    }
  }

  static func power(_ x: Double, _ p: Double) throws -> Double {
    if x < 0 && p != p.rounded() { throw ReferenceError.undefined("fractional power of a negative number") }
    if x == 0 && p < 0 { throw ReferenceError.undefined("zero to a negative power") }
    return Foundation.pow(x, p)
  }
}

/// `‖a − b‖∞ ≤ tolerance · max(1, ‖a‖∞, ‖b‖∞)`, with equal shapes.
func close(_ a: Matrix, _ b: Dense, _ tolerance: Double = 1e-9) -> Bool {
  guard a.rows == b.rows, a.cols == b.cols else { return false }
  let x = Dense(a)
  let scale = max(1, x.entries.map(abs).max() ?? 0, b.entries.map(abs).max() ?? 0)
  return zip(x.entries, b.entries).allSatisfy { abs($0 - $1) <= tolerance * scale }
}

func dense(_ rows: [[Double]]) -> Dense {
  Dense(rows.count, rows.first?.count ?? 0) { rows[$0][$1] }
}
