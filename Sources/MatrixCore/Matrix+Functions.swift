import Foundation

/// Matrix functions that the expression language evaluates and that exported Swift code calls:
/// softmax and log-sum-exp (computed stably), integer matrix powers by repeated squaring,
/// entrywise powers and 1×1 matrices.
extension Matrix {
  /// The 1×1 matrix `[value]` (the expression language's scalars are 1×1 matrices).
  public static func scalar(_ value: Double) -> Matrix { Matrix(rows: 1, cols: 1, columnMajor: [value]) }

  /// The softmax of all entries, shaped like `self`: `S[k] = exp(x[k]) / Σⱼ exp(x[j])` over the
  /// column-major entries. Computed stably, shifted by the largest entry
  /// (`exp(x[k] − max) / Σⱼ exp(x[j] − max)`), so that large entries do not overflow and very
  /// negative ones do not all underflow to 0/0. The entries are in [0, 1] and sum to 1.
  ///
  /// ```swift
  /// Matrix(column: [1000, 1000]).softmax()  // [0.5; 0.5], no overflow
  /// ```
  /// An empty matrix gives an empty matrix; an infinite or NaN entry gives NaN entries.
  public func softmax() -> Matrix {
    guard let shift = storage.max() else { return self }
    let e = map { Foundation.exp($0 - shift) }
    let total = e.sum
    return e.map { $0 / total }
  }

  /// `log Σₖ exp(x[k])` over all entries, computed stably as `max + log Σₖ exp(x[k] − max)`
  /// (no overflow for large entries, no `log 0` for very negative ones). `-∞` for an empty matrix.
  ///
  /// ```swift
  /// Matrix(column: [1000, 1000]).logSumExp()  // 1000 + log 2
  /// ```
  public func logSumExp() -> Double {
    guard let shift = storage.max() else { return -Double.infinity }
    return shift + Foundation.log(storage.reduce(0) { $0 + Foundation.exp($1 - shift) })
  }

  /// `x.^p` entry by entry (`Foundation.pow`; `p = 2` as `x·x`, exactly). IEEE results outside
  /// the real domain (NaN for a negative entry and a fractional p, ∞ for 0 and a negative p).
  public func elementwisePower(_ p: Double) -> Matrix {
    if p == 2 { return map { $0 * $0 } }
    return map { Foundation.pow($0, p) }
  }

  /// `Aᵏ` for a square A and an integer k, by repeated squaring: about `2·log₂|k|` matrix
  /// products (BLAS `dgemm`) instead of |k| − 1. `A⁰ = I`, `A⁻ᵏ = (A⁻¹)ᵏ` (LAPACK inverse).
  ///
  /// ```swift
  /// try Matrix([[1, 1], [0, 1]]).power(10)  // [1 10; 0 1]
  /// ```
  /// - Throws: `MatrixError.notSquare` for a non-square A; the errors of `inverse()` (a singular
  ///   A) for k < 0; `MatrixError.nonFinite` (the first non-finite entry of a repeated square)
  ///   when the power overflows: squaring stops there rather than turning ∞ into NaN.
  public func power(_ k: Int) throws -> Matrix {
    guard isSquare else { throw MatrixError.notSquare(operation: "a matrix power", shape: shape) }
    var square = k < 0 ? try inverse() : self
    var remaining = k.magnitude
    var result: Matrix?
    while remaining > 0 {
      if remaining & 1 == 1 {
        result = try result.map { try $0.multiplied(by: square) } ?? square
      }
      remaining >>= 1
      if remaining > 0 {
        square = try square.multiplied(by: square)
        if let bad = square.firstNonFinite {
          throw MatrixError.nonFinite(operation: "A^\(k)", row: bad.row, col: bad.col, value: bad.value)
        }
      }
    }
    return result ?? .identity(rows)
  }

  /// The main diagonal `[A[0,0]; A[1,1]; …]` as a column of `min(rows, cols)` entries.
  public var diagonalColumn: Matrix {
    Matrix(column: (0..<Swift.min(rows, cols)).map { self[$0, $0] })
  }
}
