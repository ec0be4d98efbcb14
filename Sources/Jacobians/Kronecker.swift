import CLapack
import MatrixCore

// The vec trick: (A ⊗ B)·vec(X) = vec(B·X·Aᵀ) for A m×n, B p×q, X q×n.
// Two BLAS products per column instead of (mp)·(nq) multiply-adds on a materialised A⊗B.

/// `op(X)` for a column-major buffer: `X` itself (rows×cols) or its transpose, read through
/// BLAS transpose flags so that a commutation in front of a Kronecker factor costs nothing.
struct MatrixView {
  let base: UnsafePointer<Double>
  /// Rows and columns of the stored matrix (before `transposed` is applied).
  let storedRows: Int
  let storedCols: Int
  let transposed: Bool

  var rows: Int { transposed ? storedCols : storedRows }
  var cols: Int { transposed ? storedRows : storedCols }

  func copy() -> Matrix {
    let m = Matrix(
      rows: storedRows, cols: storedCols,
      columnMajor: Array(UnsafeBufferPointer(start: base, count: storedRows * storedCols)))
    return transposed ? m.transposed : m
  }
}

/// `C ← alpha·op(A)·op(B) + beta·C` on raw column-major buffers.
func gemm(
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
  cblas_dgemm(
    CblasColMajor, a.transposed ? CblasTrans : CblasNoTrans, b.transposed ? CblasTrans : CblasNoTrans,
    Int32(m), Int32(n), Int32(k), alpha, a.base, Int32(max(a.storedRows, 1)), b.base,
    Int32(max(b.storedRows, 1)), beta, c, Int32(m))
}

extension StructuredMatrix.Storage {
  /// `(A ⊗ B)·vec(op(X))` written to `out` (length mp), with `op(X)` q×n. `out` is `vec(B·op(X)·Aᵀ)`.
  /// Dense and identity factors go straight to BLAS; other factors are applied as operators.
  static func kronApply(
    _ a: Self, _ b: Self, _ x: MatrixView, into out: UnsafeMutablePointer<Double>
  ) {
    let (m, n, p, q) = (a.rows, a.cols, b.rows, b.cols)
    precondition(x.rows == q && x.cols == n, "vec trick: X must be \(q)×\(n)")
    switch (a, b) {
    case let (.identity(_, s), .dense(bm, _)):
      // vec(s·B·X)
      bm.storage.withUnsafeBufferPointer { pb in
        gemm(MatrixView(base: pb.baseAddress!, storedRows: p, storedCols: q, transposed: false), x, alpha: s, into: out)
      }
    case let (.dense(am, _), .identity(_, s)):
      // vec(s·X·Aᵀ)
      am.storage.withUnsafeBufferPointer { pa in
        gemm(x, MatrixView(base: pa.baseAddress!, storedRows: m, storedCols: n, transposed: true), alpha: s, into: out)
      }
    case let (.dense(am, _), .dense(bm, _)):
      // Z = B·X (p×n), then Z·Aᵀ (p×m); the cheaper association is chosen.
      am.storage.withUnsafeBufferPointer { pa in
        bm.storage.withUnsafeBufferPointer { pb in
          let av = MatrixView(base: pa.baseAddress!, storedRows: m, storedCols: n, transposed: true)
          let bv = MatrixView(base: pb.baseAddress!, storedRows: p, storedCols: q, transposed: false)
          let costBX = p * q * n + p * n * m
          let costXA = q * n * m + p * q * m
          if costBX <= costXA {
            var z = [Double](repeating: 0, count: p * n)
            z.withUnsafeMutableBufferPointer { pz in
              gemm(bv, x, into: pz.baseAddress!)
              gemm(MatrixView(base: pz.baseAddress!, storedRows: p, storedCols: n, transposed: false), av, into: out)
            }
          } else {
            var z = [Double](repeating: 0, count: q * m)
            z.withUnsafeMutableBufferPointer { pz in
              gemm(x, av, into: pz.baseAddress!)
              gemm(bv, MatrixView(base: pz.baseAddress!, storedRows: q, storedCols: m, transposed: false), into: out)
            }
          }
        }
      }
    default:
      // General factors: Z = B·X, then Y = (A·Zᵀ)ᵀ.
      let z = StructuredMatrix(b).apply(x.copy())
      let y = StructuredMatrix(a).apply(z.transposed).transposed
      y.storage.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: m * p) }
    }
  }
}
