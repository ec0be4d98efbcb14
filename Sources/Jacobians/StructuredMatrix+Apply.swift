import MatrixCore

extension StructuredMatrix {
  /// `A·X` for X with `cols` rows (each column of X is a tangent `vec dX`: forward mode, JVP),
  /// without materialising A. Kronecker factors use the vec trick through BLAS, commutations
  /// permute, diagonals scale rows.
  /// - Precondition: `x.rows == cols`.
  public func apply(_ x: Matrix) -> Matrix {
    precondition(x.rows == cols, "cannot apply a \(rows)×\(cols) operator to \(x.rows)×\(x.cols): sizes differ")
    return storage.apply(x)
  }

  /// `A·v` for a vector.
  public func apply(vector v: [Double]) -> [Double] {
    apply(Matrix(column: v)).storage
  }

  /// `Aᵀ·U` (each column of U is an upstream gradient: reverse mode, VJP `uᵀA = (Aᵀu)ᵀ`).
  /// - Precondition: `u.rows == rows`.
  public func applyTransposed(_ u: Matrix) -> Matrix {
    precondition(u.rows == rows, "cannot apply the transpose of a \(rows)×\(cols) operator to \(u.rows)×\(u.cols)")
    return storage.transposed.apply(u)
  }

  /// `uᵀ·A` for a vector u, returned as the entries of the row.
  public func applyTransposed(vector u: [Double]) -> [Double] {
    applyTransposed(Matrix(column: u)).storage
  }
}

extension StructuredMatrix.Storage {
  func apply(_ x: Matrix) -> Matrix {
    let k = x.cols
    switch self {
    case .dense(let m, _):
      return m * x
    case .diagonal(let d):
      var y = x
      let n = d.count
      y.withUnsafeMutableEntries { py in
        for c in 0..<k {
          for i in 0..<n { py[i + c * n] *= d[i] }
        }
      }
      return y
    case .identity(_, let s):
      return s == 1 ? x : x.scaled(by: s)
    case .zero(let r, _):
      return .zeros(r, k)
    case .commutation(let perm):
      return perm.apply(toRowsOf: x)
    case .scaled(let s, let a):
      return a.apply(x).scaled(by: s)
    case .sum(let terms):
      var y = terms[0].apply(x)
      for t in terms.dropFirst() { y.addInPlace(t.apply(x)) }
      return y
    case .product(let factors):
      return Self.applyProduct(factors, x)
    case .kronecker(let a, let b):
      return Self.applyKronecker(a, b, x, inputTransposedBy: nil)
    }
  }

  /// Applies factors right to left. A commutation immediately before a Kronecker factor is not
  /// performed: the Kronecker factor reads its input transposed through BLAS flags instead.
  static func applyProduct(_ factors: [Self], _ x: Matrix) -> Matrix {
    var y = x
    var i = factors.count - 1
    while i >= 0 {
      if i >= 1, case .commutation(let k) = factors[i], case .kronecker(let a, let b) = factors[i - 1],
        b.cols == k.n, a.cols == k.m
      {
        y = applyKronecker(a, b, y, inputTransposedBy: k)
        i -= 2
        continue
      }
      y = factors[i].apply(y)
      i -= 1
    }
    return y
  }

  /// `(A⊗B)·X`, or `(A⊗B)·K(m,n)·X` when `inputTransposedBy` is `K(m,n)` (each column of X is
  /// then `vec` of an m×n matrix that the vec trick reads transposed).
  static func applyKronecker(_ a: Self, _ b: Self, _ x: Matrix, inputTransposedBy k: Commutation?) -> Matrix {
    let (p, q, n) = (b.rows, b.cols, a.cols)
    let outRows = a.rows * p
    var y = [Double](repeating: 0, count: outRows * x.cols)
    x.storage.withUnsafeBufferPointer { px in
      y.withUnsafeMutableBufferPointer { py in
        for c in 0..<x.cols {
          let base = px.baseAddress! + c * x.rows
          let view =
            k.map { MatrixView(base: base, storedRows: $0.m, storedCols: $0.n, transposed: true) }
            ?? MatrixView(base: base, storedRows: q, storedCols: n, transposed: false)
          kronApply(a, b, view, into: py.baseAddress! + c * outRows)
        }
      }
    }
    return Matrix(rows: outRows, cols: x.cols, columnMajor: y)
  }
}
