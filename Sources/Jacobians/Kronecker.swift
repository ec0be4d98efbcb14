import MatrixCore

// The vec trick: (A ⊗ B)·vec(X) = vec(B·X·Aᵀ) for A m×n, B p×q, X q×n.
// Two BLAS products (through MatrixCore's `Matrix.product` on raw buffers) per column instead of (mp)·(nq) multiply-adds on a materialised A⊗B.

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
        Matrix.product(MatrixView(base: pb.baseAddress!, storedRows: p, storedCols: q, transposed: false), x, alpha: s, into: out)
      }
    case let (.dense(am, _), .identity(_, s)):
      // vec(s·X·Aᵀ)
      am.storage.withUnsafeBufferPointer { pa in
        Matrix.product(x, MatrixView(base: pa.baseAddress!, storedRows: m, storedCols: n, transposed: true), alpha: s, into: out)
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
              Matrix.product(bv, x, into: pz.baseAddress!)
              Matrix.product(MatrixView(base: pz.baseAddress!, storedRows: p, storedCols: n, transposed: false), av, into: out)
            }
          } else {
            var z = [Double](repeating: 0, count: q * m)
            z.withUnsafeMutableBufferPointer { pz in
              Matrix.product(x, av, into: pz.baseAddress!)
              Matrix.product(bv, MatrixView(base: pz.baseAddress!, storedRows: q, storedCols: m, transposed: false), into: out)
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
