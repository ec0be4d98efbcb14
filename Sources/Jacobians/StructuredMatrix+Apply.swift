import MatrixCore

extension StructuredMatrix {
  /// `A·X` for X with `cols` rows (each column of X is a tangent `vec dX`: forward mode, JVP),
  /// without materialising A. Kronecker factors use the vec trick through BLAS, commutations
  /// permute, diagonals scale rows (the rules of `Operator+ApplyRules.swift`).
  /// - Precondition: `x.rows == cols`.
  public func apply(_ x: Matrix) -> Matrix {
    precondition(x.rows == cols, "cannot apply a \(rows)×\(cols) operator to \(x.rows)×\(x.cols): sizes differ")
    return storage.apply(x).result
  }

  /// `A·v` for a vector.
  public func apply(vector v: [Double]) -> [Double] {
    apply(Matrix(column: v)).storage
  }

  /// `Aᵀ·U` (each column of U is an upstream gradient: reverse mode, VJP `uᵀA = (Aᵀu)ᵀ`).
  /// - Precondition: `u.rows == rows`.
  public func applyTransposed(_ u: Matrix) -> Matrix {
    precondition(u.rows == rows, "cannot apply the transpose of a \(rows)×\(cols) operator to \(u.rows)×\(u.cols)")
    return storage.transposed.result.apply(u).result
  }

  /// `uᵀ·A` for a vector u, returned as the entries of the row.
  public func applyTransposed(vector u: [Double]) -> [Double] {
    applyTransposed(Matrix(column: u)).storage
  }
}
