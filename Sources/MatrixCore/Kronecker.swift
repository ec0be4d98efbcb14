import CLapack

extension Matrix {
  /// The dense Kronecker product `A ⊗ B`: for A m×n and B p×q the (mp)×(nq) matrix whose block
  /// `(i, j)` is `A[i,j]·B`, i.e. `(A⊗B)[i·p + r, j·q + s] = A[i,j]·B[r,s]`.
  ///
  /// Materialises m·n·p·q numbers; structured Jacobians keep `A⊗B` as its two factors instead.
  /// Each block column is written by `cblas_daxpy` from a column of B.
  public static func kronecker(_ a: Matrix, _ b: Matrix) -> Matrix {
    let (m, n, p, q) = (a.rows, a.cols, b.rows, b.cols)
    let rows = m * p
    var out = LargeBuffer.zeros(count: rows * n * q)
    guard p > 0, m > 0 else { return Matrix(rows: rows, cols: n * q, columnMajor: out) }
    b.storage.withUnsafeBufferPointer { pb in
      out.withUnsafeMutableBufferPointer { po in
        for j in 0..<n {
          for s in 0..<q {
            let col = (j * q + s) * rows
            for i in 0..<m {
              let aij = a.storage[i + j * m]
              if aij == 0 { continue }
              cblas_daxpy(Int32(p), aij, pb.baseAddress! + s * p, 1, po.baseAddress! + col + i * p, 1)
            }
          }
        }
      }
    }
    return Matrix(rows: rows, cols: n * q, columnMajor: out)
  }
}

/// `A ⊗ B`, the dense Kronecker product (see `Matrix.kronecker`).
public func kron(_ a: Matrix, _ b: Matrix) -> Matrix { Matrix.kronecker(a, b) }
