import CLapack

/// Whether an operand enters a BLAS product as itself or transposed.
public enum Transposition: Sendable {
  case none
  case transposed

  var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

extension Matrix {
  /// `alpha · op(A) · op(B)` through `cblas_dgemm`, where `op` is the identity or the transpose.
  /// No transposed copies of the operands are made: `Aᵀ·B` passes the transpose flag to BLAS.
  /// `orientation` nil (the default) lets `GemmOrientation.choose` pick how the product is handed
  /// to BLAS from its sizes and the BLAS's threads; `.direct` or `.transposed` force one.
  /// - Complexity: m·k·n multiply-adds (and, transposed, a copy of the m×n result).
  /// - Throws: `MatrixError.shapeMismatch` when the inner sizes differ.
  public static func product(
    _ a: Matrix, _ ta: Transposition = .none, _ b: Matrix, _ tb: Transposition = .none,
    alpha: Double = 1, orientation: GemmOrientation? = nil
  ) throws -> Matrix {
    let (m, ka) = ta == .none ? (a.rows, a.cols) : (a.cols, a.rows)
    let (kb, n) = tb == .none ? (b.rows, b.cols) : (b.cols, b.rows)
    guard ka == kb else {
      throw MatrixError.shapeMismatch(
        operation: "multiply", lhs: Shape(m, ka), rhs: Shape(kb, n),
        detail: "inner sizes \(ka) and \(kb) differ")
    }
    return gemm(a, ta, b, tb, m: m, n: n, k: ka, alpha: alpha, orientation: orientation)
  }

  /// The product `alpha · op(A) · op(B)` (m×n), handed to BLAS in the orientation that
  /// `GemmOrientation.choose` picks for its sizes and the BLAS's thread count, or in `orientation`.
  @usableFromInline
  static func gemm(
    _ a: Matrix, _ ta: Transposition, _ b: Matrix, _ tb: Transposition, m: Int, n: Int, k: Int,
    alpha: Double, orientation: GemmOrientation? = nil
  ) -> Matrix {
    guard m > 0, n > 0, k > 0 else { return Matrix(rows: m, cols: n, columnMajor: LargeBuffer.zeros(count: m * n)) }
    WorkCount.record(m * k * n)
    let way = orientation ?? GemmOrientation.choose(m: m, n: n, k: k, threads: BLASThreads.current)
    if way == .transposed {
      return Matrix(rows: m, cols: n, columnMajor: gemmTransposed(a, ta, b, tb, m: m, n: n, k: k, alpha: alpha))
    }
    // With beta = 0, GEMM sets C without reading it (BLAS: "when beta is zero, C need not be set
    // on input"), so the result is not zeroed first: zeroing a large result handed its pages
    // back to the kernel (`LargeBuffer.zeroed`), which then had to fault them in again, with a
    // flush of the other BLAS thread's TLB, even when the allocator reused memory already touched.
    let c = LargeBuffer.doubles(count: m * n) { pc in
      a.storage.withUnsafeBufferPointer { pa in
        b.storage.withUnsafeBufferPointer { pb in
          cblas_dgemm(
            CblasColMajor, ta.cblas, tb.cblas, Int32(m), Int32(n), Int32(k), alpha,
            pa.baseAddress, Int32(max(a.rows, 1)), pb.baseAddress, Int32(max(b.rows, 1)), 0,
            pc.baseAddress, Int32(m))
        }
      }
    }
    return Matrix(rows: m, cols: n, columnMajor: c)
  }

  /// `self · other`, throwing on mismatched inner sizes ("cannot multiply 3×2 by 4×3: …").
  public func multiplied(by other: Matrix) throws -> Matrix {
    try Matrix.product(self, .none, other, .none)
  }

  /// `op(A)·x` through `cblas_dgemv` for a vector `x` given as an array.
  /// - Throws: `MatrixError.shapeMismatch` if `x.count` is not the number of columns of `op(A)`.
  public func apply(_ x: [Double], _ t: Transposition = .none) throws -> [Double] {
    let (m, n) = t == .none ? (rows, cols) : (cols, rows)
    guard x.count == n else {
      throw MatrixError.shapeMismatch(
        operation: "multiply", lhs: Shape(m, n), rhs: Shape(x.count, 1),
        detail: "inner sizes \(n) and \(x.count) differ")
    }
    var y = [Double](repeating: 0, count: m)
    guard m > 0, n > 0 else { return y }
    storage.withUnsafeBufferPointer { pa in
      x.withUnsafeBufferPointer { px in
        y.withUnsafeMutableBufferPointer { py in
          cblas_dgemv(
            CblasColMajor, t.cblas, Int32(rows), Int32(cols), 1, pa.baseAddress, Int32(max(rows, 1)),
            px.baseAddress, 1, 0, py.baseAddress, 1)
        }
      }
    }
    return y
  }

  /// Matrix product; shapes must agree (a programmer error otherwise, with both shapes named).
  /// Use `multiplied(by:)` for shapes that come from input.
  public static func * (lhs: Matrix, rhs: Matrix) -> Matrix {
    precondition(
      lhs.cols == rhs.rows,
      "cannot multiply \(lhs.shape) by \(rhs.shape): inner sizes \(lhs.cols) and \(rhs.rows) differ")
    return gemm(lhs, .none, rhs, .none, m: lhs.rows, n: rhs.cols, k: lhs.cols, alpha: 1)
  }
}
