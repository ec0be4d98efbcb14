import CLapack
import Foundation

// Factorizations through LAPACKE (column-major, leading dimension = rows).

private func char(_ c: Unicode.Scalar) -> CChar { CChar(UInt8(ascii: c)) }

/// LU factors of a square matrix from `dgetrf`: `P·A = L·U` packed in `lu`, pivots 1-based.
public struct LUFactorization: Sendable {
  public let lu: Matrix
  public let pivots: [Int32]
  /// Index (0-based) of the first exactly-zero pivot `U[k,k]`, or nil if `U` is nonsingular.
  public let firstZeroPivot: Int?

  /// `(sign, log|det A|)` with `det A = sign·exp(logAbs)`; sign 0 and logAbs −∞ when singular.
  /// Accumulated in logarithms, so it does not overflow for large n.
  public var signAndLogAbsDeterminant: (sign: Double, logAbs: Double) {
    if firstZeroPivot != nil { return (0, -.infinity) }
    var sign = 1.0
    var logAbs = 0.0
    let n = lu.rows
    for k in 0..<n {
      let u = lu.storage[k + k * n]
      if u < 0 { sign = -sign }
      logAbs += log(abs(u))
      if pivots[k] != Int32(k + 1) { sign = -sign }
    }
    return (sign, logAbs)
  }
}

extension Matrix {
  /// Throws `MatrixError.lapack` for `info < 0` (an illegal argument, which is a bug here).
  private static func illegal(_ routine: String, _ info: Int32) -> MatrixError {
    .lapack(routine: routine, info: info, meaning: "argument \(-info) had an illegal value")
  }

  /// LU factorization with partial pivoting (`dgetrf`). Does not throw for a singular matrix;
  /// `firstZeroPivot` reports it.
  public func luFactorization() throws -> LUFactorization {
    guard isSquare else { throw MatrixError.notSquare(operation: "dgetrf (LU factorization)", shape: shape) }
    try requireFinite("dgetrf (LU factorization)")
    let n = rows
    var a = storage
    var ipiv = [Int32](repeating: 0, count: max(n, 1))
    var info: Int32 = 0
    if n > 0 {
      info = LAPACKE_dgetrf(LAPACK_COL_MAJOR, Int32(n), Int32(n), &a, Int32(n), &ipiv)
    }
    if info < 0 { throw Matrix.illegal("dgetrf", info) }
    return LUFactorization(
      lu: Matrix(rows: n, cols: n, columnMajor: a), pivots: Array(ipiv.prefix(n)),
      firstZeroPivot: info > 0 ? Int(info) - 1 : nil)
  }

  /// Solves `A·X = B` (`dgesv`).
  /// - Throws: shape errors, `MatrixError.lapack` naming the zero pivot when `A` is singular.
  public func solve(_ b: Matrix) throws -> Matrix {
    guard isSquare else { throw MatrixError.notSquare(operation: "solve", shape: shape) }
    guard b.rows == rows else {
      throw MatrixError.shapeMismatch(
        operation: "solve", lhs: shape, rhs: b.shape,
        detail: "the right-hand side has \(b.rows) rows, not \(rows)")
    }
    try requireFinite("dgesv (solve)")
    try b.requireFinite("dgesv (solve)")
    let n = rows
    guard n > 0, b.cols > 0 else { return Matrix.zeros(n, b.cols) }
    var a = storage
    var x = b.storage
    var ipiv = [Int32](repeating: 0, count: n)
    let info = LAPACKE_dgesv(LAPACK_COL_MAJOR, Int32(n), Int32(b.cols), &a, Int32(n), &ipiv, &x, Int32(n))
    if info < 0 { throw Matrix.illegal("dgesv", info) }
    if info > 0 {
      throw MatrixError.lapack(
        routine: "dgesv", info: info,
        meaning: "the matrix is singular: U[\(info - 1),\(info - 1)] is exactly zero")
    }
    return Matrix(rows: n, cols: b.cols, columnMajor: x)
  }

  /// `A⁻¹` through `dgetrf` + `dgetri`.
  /// - Throws: `notSquare`, or `MatrixError.lapack` from `dgetrf` naming the zero pivot.
  public func inverse() throws -> Matrix {
    guard isSquare else { throw MatrixError.notSquare(operation: "inverse", shape: shape) }
    let f = try luFactorization()
    if let k = f.firstZeroPivot {
      throw MatrixError.lapack(
        routine: "dgetrf", info: Int32(k + 1), meaning: "the matrix is singular: U[\(k),\(k)] is exactly zero")
    }
    let n = rows
    guard n > 0 else { return self }
    var a = f.lu.storage
    var ipiv = f.pivots
    let info = LAPACKE_dgetri(LAPACK_COL_MAJOR, Int32(n), &a, Int32(n), &ipiv)
    if info < 0 { throw Matrix.illegal("dgetri", info) }
    if info > 0 {
      throw MatrixError.lapack(
        routine: "dgetri", info: info,
        meaning: "the matrix is singular: U[\(info - 1),\(info - 1)] is exactly zero")
    }
    return Matrix(rows: n, cols: n, columnMajor: a)
  }

  /// `det A` from the LU factors (0 for a singular matrix). May overflow to ±∞ for large n;
  /// use `logAbsDeterminant()` then.
  public func determinant() throws -> Double {
    let f = try luFactorization()
    if f.firstZeroPivot != nil { return 0 }
    var d = 1.0
    let n = rows
    for k in 0..<n {
      d *= f.lu.storage[k + k * n]
      if f.pivots[k] != Int32(k + 1) { d = -d }
    }
    return d
  }

  /// `(sign, log|det A|)`, summed in logarithms (no overflow). Singular: `(0, −∞)`.
  public func logAbsDeterminant() throws -> (sign: Double, logAbs: Double) {
    try luFactorization().signAndLogAbsDeterminant
  }

  /// Singular values in decreasing order (`dgesdd`, values only).
  public func singularValues() throws -> [Double] {
    try requireFinite("dgesdd (singular values)")
    let k = min(rows, cols)
    guard k > 0 else { return [] }
    var a = storage
    var s = [Double](repeating: 0, count: k)
    var u = [Double](repeating: 0, count: 1)
    var vt = [Double](repeating: 0, count: 1)
    let info = LAPACKE_dgesdd(
      LAPACK_COL_MAJOR, char("N"), Int32(rows), Int32(cols), &a, Int32(rows), &s, &u, 1, &vt, 1)
    if info < 0 { throw Matrix.illegal("dgesdd", info) }
    if info > 0 {
      throw MatrixError.lapack(
        routine: "dgesdd", info: info, meaning: "the SVD did not converge (dbdsdc failed to converge)")
    }
    return s
  }

  /// Numerical rank: singular values above `max(m,n)·ε·σ₁` (NumPy's default tolerance).
  public func rank() throws -> Int {
    let s = try singularValues()
    guard let top = s.first else { return 0 }
    let tol = Double(max(rows, cols)) * Double.ulpOfOne * top
    return s.filter { $0 > tol }.count
  }

  /// 2-norm condition number `σ_max/σ_min` (∞ when singular).
  public func conditionNumber() throws -> Double {
    let s = try singularValues()
    guard let top = s.first, let bottom = s.last else { return 0 }
    return bottom == 0 ? .infinity : top / bottom
  }

  /// Eigen-decomposition of a symmetric matrix (`dsyevd`, upper triangle read):
  /// eigenvalues ascending and orthonormal eigenvectors as columns.
  public func symmetricEigen() throws -> (values: [Double], vectors: Matrix) {
    guard isSquare else { throw MatrixError.notSquare(operation: "dsyevd (symmetric eigen)", shape: shape) }
    try requireFinite("dsyevd (symmetric eigen)")
    let n = rows
    guard n > 0 else { return ([], self) }
    var a = storage
    var w = [Double](repeating: 0, count: n)
    let info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, char("V"), char("U"), Int32(n), &a, Int32(n), &w)
    if info < 0 { throw Matrix.illegal("dsyevd", info) }
    if info > 0 {
      throw MatrixError.lapack(
        routine: "dsyevd", info: info, meaning: "the eigenvalue algorithm failed to converge")
    }
    return (w, Matrix(rows: n, cols: n, columnMajor: a))
  }
}
