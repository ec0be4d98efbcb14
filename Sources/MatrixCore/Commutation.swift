/// The commutation matrix `K(m,n)`: the (mn)×(mn) permutation with `K(m,n)·vec(A) = vec(Aᵀ)`
/// for every m×n matrix A. `K(m,n)ᵀ = K(n,m) = K(m,n)⁻¹`.
///
/// It is held as two sizes; applying it is an index permutation (one pass over memory), and
/// `dense()` builds the matrix only when asked.
public struct Commutation: Hashable, Sendable, CustomStringConvertible {
  public let m: Int
  public let n: Int

  public init(_ m: Int, _ n: Int) {
    precondition(m >= 0 && n >= 0, "K(m,n) needs non-negative sizes, got K(\(m),\(n))")
    self.m = m
    self.n = n
  }

  public var size: Int { m * n }
  public var transposed: Commutation { Commutation(n, m) }
  public var description: String { "K(\(m),\(n))" }

  /// The row index of the single 1 in column `c`: entry `vec(A)[c]` = `A[i,j]` with
  /// `c = i + j·m` moves to `vec(Aᵀ)[j + i·n]`.
  @inlinable
  public func destination(ofColumn c: Int) -> Int {
    let i = c % m
    let j = c / m
    return j + i * n
  }

  /// The column index of the single 1 in row `r` (the inverse permutation).
  @inlinable
  public func source(ofRow r: Int) -> Int {
    let j = r % n
    let i = r / n
    return i + j * m
  }

  /// `K(m,n)·v` for a vector of length mn, without building the matrix: `vec(Aᵀ)` where
  /// `v = vec(A)`. - Complexity: one pass, no multiply-adds.
  public func apply(_ v: [Double]) -> [Double] {
    precondition(v.count == size, "K(\(m),\(n)) applies to vectors of length \(size), got \(v.count)")
    // vec(Aᵀ) is the transpose of the m×n matrix read from v, taken blockwise for cache reuse.
    return Matrix(rows: m, cols: n, columnMajor: v).transposed.storage
  }

  /// `K(m,n)·M` for M with mn rows: permutes the rows of M.
  public func apply(toRowsOf x: Matrix) -> Matrix {
    precondition(x.rows == size, "K(\(m),\(n)) needs \(size) rows, got \(x.rows)")
    if x.cols == 1 { return Matrix(rows: size, cols: 1, columnMajor: apply(x.storage)) }
    var out = LargeBuffer.zeros(count: x.count)
    WorkCount.recordMoves(x.count)
    let r = x.rows
    for col in 0..<x.cols {
      let base = col * r
      for c in 0..<r { out[base + destination(ofColumn: c)] = x.storage[base + c] }
    }
    return Matrix(rows: r, cols: x.cols, columnMajor: out)
  }

  /// `M·K(m,n)` for M with mn columns: column c of the result is column `destination(c)` of M.
  public func apply(toColumnsOf x: Matrix) -> Matrix {
    precondition(x.cols == size, "K(\(m),\(n)) needs \(size) columns, got \(x.cols)")
    var out = LargeBuffer.zeros(count: x.count)
    WorkCount.recordMoves(x.count)
    let r = x.rows
    for c in 0..<size {
      let src = destination(ofColumn: c) * r
      let dst = c * r
      for i in 0..<r { out[dst + i] = x.storage[src + i] }
    }
    return Matrix(rows: r, cols: size, columnMajor: out)
  }

  /// The dense (mn)×(mn) permutation matrix.
  public func dense() -> Matrix {
    var k = Matrix.zeros(size, size)
    for c in 0..<size { k[linear: destination(ofColumn: c) + c * size] = 1 }
    return k
  }
}
