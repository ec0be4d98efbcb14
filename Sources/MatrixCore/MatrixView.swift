import CLapack

/// `op(X)` for a column-major buffer: `X` itself (rows×cols) or its transpose, read through
/// BLAS transpose flags (no copy), for products on raw buffers (`Matrix.product(_:_:alpha:beta:into:)`).
/// The view does not own its buffer: use it only while `base` is valid.
public struct MatrixView {
  public let base: UnsafePointer<Double>
  /// Rows and columns of the stored matrix (before `transposed` is applied), column-major.
  public let storedRows: Int
  public let storedCols: Int
  public let transposed: Bool

  public init(base: UnsafePointer<Double>, storedRows: Int, storedCols: Int, transposed: Bool) {
    self.base = base
    self.storedRows = storedRows
    self.storedCols = storedCols
    self.transposed = transposed
  }

  /// Rows of `op(X)`.
  public var rows: Int { transposed ? storedCols : storedRows }
  /// Columns of `op(X)`.
  public var cols: Int { transposed ? storedRows : storedCols }

  /// `op(X)` as a matrix (a copy: storedRows·storedCols entries moved, twice when transposed).
  public func copy() -> Matrix {
    WorkCount.recordMoves(storedRows * storedCols)
    let m = Matrix(
      rows: storedRows, cols: storedCols,
      columnMajor: Array(UnsafeBufferPointer(start: base, count: storedRows * storedCols)))
    return transposed ? m.transposed : m
  }
}

extension Matrix {
  /// `C ← alpha·op(A)·op(B) + beta·C` on raw column-major buffers through `cblas_dgemm`, with
  /// `C` (`op(A).rows × op(B).cols`, leading dimension its rows) written in place.
  /// - Precondition: `op(A).cols == op(B).rows` (an internal contract of the callers).
  /// - Complexity: m·k·n multiply-adds.
  public static func product(
    _ a: MatrixView, _ b: MatrixView, alpha: Double = 1, beta: Double = 0,
    into c: UnsafeMutablePointer<Double>
  ) {
    let m = a.rows
    let k = a.cols
    let n = b.cols
    precondition(k == b.rows, "gemm: inner sizes \(k) and \(b.rows) differ")
    guard m > 0, n > 0 else { return }
    if k == 0 {
      if beta == 0 { c.update(repeating: 0, count: m * n) } else { cblas_dscal(Int32(m * n), beta, c, 1) }
      return
    }
    WorkCount.record(m * k * n)
    cblas_dgemm(
      CblasColMajor, a.transposed ? CblasTrans : CblasNoTrans, b.transposed ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a.base, Int32(max(a.storedRows, 1)), b.base,
      Int32(max(b.storedRows, 1)), beta, c, Int32(m))
  }
}
