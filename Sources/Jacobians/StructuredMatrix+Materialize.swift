import MatrixCore

// Dense materialisation that follows the structure: one zeroed column-major buffer, then every
// stored entry of every term added in place. A Kronecker product writes the products of its
// factors' entries, a permutation (commutation) moves entries instead of multiplying by a
// permutation matrix, so ∂(RᵀR)/∂R = (Iₙ⊗Rᵀ) + (Rᵀ⊗Iₙ)K(n,n) costs one pass of zeros and 2n³
// additions, not n⁵ multiply-adds.

extension StructuredMatrix.Storage {
  /// The dense matrix, built from the structure (layout: the operator's own rows and columns,
  /// column-major storage).
  /// - Throws: `JacobianError.tooLargeToMaterialize` above `limitBytes` (checked before anything
  ///   is allocated), for the whole and for any product that has to be formed densely.
  /// - Complexity: O(rows·cols) writes of zeros, plus one addition per stored entry of each term
  ///   (nnz of a Kronecker product = product of its factors' nnz).
  func materializedByStructure(limitBytes: Int) throws -> Matrix {
    try Self.checkSize(rows, cols, limitBytes)
    if case .dense(let m, _) = self { return m }
    let out = try LargeBuffer.doubles(count: rows * cols) { p in
      try addEntries(into: p, limitBytes: limitBytes)
    }
    return Matrix(rows: rows, cols: cols, columnMajor: out)
  }

  /// Writes the dense matrix into `p` (rows·cols entries, column-major): zeros, then every
  /// stored entry added (what `materializedByStructure` does into a new buffer).
  func addEntries(into p: UnsafeMutableBufferPointer<Double>, limitBytes: Int) throws {
    precondition(p.count == rows * cols, "materialise: \(p.count) places for a \(rows)×\(cols) operator")
    if case .dense(let m, _) = self {
      m.storage.withUnsafeBufferPointer { _ = p.update(fromContentsOf: $0) }
      return
    }
    p.update(repeating: 0)
    let r = rows
    try forEachEntry(limitBytes: limitBytes) { i, j, v in p[i + j * r] += v }
  }

  /// Calls `body(row, column, value)` for every stored entry (zeros of dense blocks skipped); a
  /// position may come more than once (terms of a sum): the entry is the sum of its values.
  func forEachEntry(limitBytes: Int, _ body: (Int, Int, Double) throws -> Void) throws {
    switch self {
    case .dense(let m, _):
      let rows = m.rows
      try m.storage.withUnsafeBufferPointer { p in
        for j in 0..<m.cols {
          for i in 0..<rows where p[i + j * rows] != 0 { try body(i, j, p[i + j * rows]) }
        }
      }
    case .diagonal(let d):
      for (i, v) in d.enumerated() where v != 0 { try body(i, i, v) }
    case .identity(let n, let s):
      if s != 0 { for i in 0..<n { try body(i, i, s) } }
    case .zero:
      break
    case .commutation(let k):
      for c in 0..<k.size { try body(k.destination(ofColumn: c), c, 1) }
    case .scaled(let s, let a):
      try a.forEachEntry(limitBytes: limitBytes) { i, j, v in try body(i, j, s * v) }
    case .sum(let terms):
      for t in terms { try t.forEachEntry(limitBytes: limitBytes, body) }
    case .kronecker(let a, let b):
      let (br, bc) = (b.rows, b.cols)
      try a.forEachEntry(limitBytes: limitBytes) { i, j, v in
        try b.forEachEntry(limitBytes: limitBytes) { k, l, w in try body(i * br + k, j * bc + l, v * w) }
      }
    case .product(let factors):
      // A commutation at either end moves entries: (K·B)[dest(r), c] = B[r, c] and
      // (A·K)[r, c] = A[r, dest(c)], i.e. A's column t becomes column source(t).
      let rest = { (f: ArraySlice<Self>) -> Self in f.count == 1 ? f.first! : .product(Array(f)) }
      if case .commutation(let k) = factors[0] {
        try rest(factors.dropFirst()).forEachEntry(limitBytes: limitBytes) { i, j, v in
          try body(k.destination(ofColumn: i), j, v)
        }
      } else if case .commutation(let k) = factors[factors.count - 1] {
        try rest(factors.dropLast()).forEachEntry(limitBytes: limitBytes) { i, j, v in
          try body(i, k.source(ofRow: j), v)
        }
      } else {
        try Self.dense(try materialized(limitBytes: limitBytes), label: nil).forEachEntry(limitBytes: limitBytes, body)
      }
    }
  }
}

extension StructuredMatrix {
  /// Writes the dense matrix into `out`, a matrix of the operator's size that the caller keeps
  /// and reuses (NumPy's `out=`): no allocation, so no page faults once `out` has been written
  /// before. Layout: the operator's own rows and columns, column-major storage; every entry of
  /// `out` is overwritten.
  /// - Throws: `JacobianError.shapeMismatch` naming both sizes when `out` is not rows×cols;
  ///   `JacobianError.tooLargeToMaterialize` when a product inside has to be formed densely
  ///   above `limitBytes` (the output itself is the caller's and is not checked).
  /// - Complexity: as `materialized`, without the allocation.
  public func materialize(
    into out: inout Matrix, limitBytes: Int = StructuredMatrix.defaultMaterializationLimit
  ) throws {
    guard out.rows == rows, out.cols == cols else {
      throw JacobianError.shapeMismatch(
        "cannot materialise a \(rows)×\(cols) operator into a \(out.rows)×\(out.cols) matrix: the sizes differ")
    }
    try out.withUnsafeMutableEntries { p in try storage.addEntries(into: p, limitBytes: limitBytes) }
  }
}
