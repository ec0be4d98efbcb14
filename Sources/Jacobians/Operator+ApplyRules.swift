import MatrixCore

// Applying an operator to a dense matrix (`A·X`, each column of X a tangent `vec dX`), written
// once for numbers and shapes like the product rules: each case returns the result, its cost and
// runs the carrier's kernels. Kronecker factors use the vec trick through BLAS, commutations
// permute, diagonals scale rows; nothing is materialised.

extension Operator {
  /// `A·X` for X with `cols` rows. - Precondition: the sizes agree.
  func apply(_ x: C.Dense) -> Ruled<C.Dense> {
    let k = Double(C.cols(x))
    let r = Double(rows)
    switch self {
    case .dense(let m, _):
      return Ruled(result: C.gemm(m, x), cost: .gemm(r, Double(C.cols(m)), k), kernel: .gemm)
    case .diagonal(let d):
      return Ruled(result: C.scaleRows(d, x), cost: .mul(r * k), kernel: .scale)
    case .identity(_, let s):
      if s == 1 { return Ruled(result: x, cost: .zero, kernel: .none) }
      return Ruled(result: C.scaled(s, x), cost: .mul(r * k), kernel: .scale)
    case .zero(let rr, _):
      return Ruled(result: C.zeros(rr, C.cols(x)), cost: .zero, kernel: .none)
    case .commutation(let perm):
      return Ruled(result: C.permuteRows(perm, x), cost: .moves(r * k), kernel: .none)
    case .scaled(let s, let a):
      let y = a.apply(x)
      return Ruled(result: C.scaled(s, y.result), cost: y.cost + .mul(r * k), kernel: y.kernel)
    case .sum(let terms):
      var y = terms[0].apply(x)
      for t in terms.dropFirst() {
        let z = t.apply(x)
        y = Ruled(result: C.sum(y.result, z.result), cost: y.cost + z.cost + .mul(r * k), kernel: .applyToDense)
      }
      return y
    case .product(let factors):
      return Self.applyProduct(factors, x)
    case .kronecker(let a, let b):
      return Self.applyKronecker(a, b, x, inputTransposedBy: nil)
    }
  }

  /// Applies factors right to left. A commutation immediately before a Kronecker factor is not
  /// performed: the Kronecker factor reads its input transposed through BLAS flags instead.
  static func applyProduct(_ factors: [Self], _ x: C.Dense) -> Ruled<C.Dense> {
    var y = Ruled(result: x, cost: .zero, kernel: .applyToDense)
    var i = factors.count - 1
    while i >= 0 {
      if i >= 1, case .commutation(let k) = factors[i], case .kronecker(let a, let b) = factors[i - 1],
        b.cols == k.n, a.cols == k.m
      {
        let z = applyKronecker(a, b, y.result, inputTransposedBy: k)
        y = Ruled(result: z.result, cost: y.cost + z.cost, kernel: .applyToDense)
        i -= 2
        continue
      }
      let z = factors[i].apply(y.result)
      y = Ruled(result: z.result, cost: y.cost + z.cost, kernel: .applyToDense)
      i -= 1
    }
    return y
  }

  /// `(A⊗B)·X`, or `(A⊗B)·K(m,n)·X` when `inputTransposedBy` is `K(m,n)` (each column of X is
  /// then `vec` of an m×n matrix that the vec trick reads transposed): per column,
  /// `(A ⊗ B)·vec(X) = vec(B·X·Aᵀ)` for A m×n, B p×q, X q×n. Dense and identity factors go
  /// straight to BLAS; other factors are applied as operators.
  static func applyKronecker(_ a: Self, _ b: Self, _ x: C.Dense, inputTransposedBy t: Commutation?) -> Ruled<C.Dense> {
    let (m, n, p, q) = (a.rows, a.cols, b.rows, b.cols)
    let (dm, dn, dp, dq) = (Double(m), Double(n), Double(p), Double(q))
    let k = Double(C.cols(x))
    func trick(_ plan: VecTrick<C.Dense>, _ perColumn: Double) -> Ruled<C.Dense> {
      Ruled(result: C.vecTrick(plan, x, transposedBy: t), cost: .mul(perColumn * k), kernel: .gemm)
    }
    switch (a, b) {
    case let (.identity(_, s), .dense(bm, _)):
      return trick(.leftOnly(s: s, b: bm, m: m), dp * dq * dn)  // vec(s·B·X), one GEMM
    case let (.dense(am, _), .identity(_, s)):
      return trick(.rightOnly(a: am, s: s, p: p), dq * dn * dm)  // vec(s·X·Aᵀ), one GEMM
    case let (.dense(am, _), .dense(bm, _)):
      // Z = B·X (p×n) then Z·Aᵀ, or X·Aᵀ (q×m) then B·(X·Aᵀ): the cheaper association.
      let (bx, xa) = (dp * dq * dn + dp * dn * dm, dq * dn * dm + dp * dq * dm)
      return bx <= xa ? trick(.bFirst(a: am, b: bm), bx) : trick(.aFirst(a: am, b: bm), xa)
    default:
      // General factors: Z = B·X (X copied out of its view), then (A·Zᵀ)ᵀ copied into place.
      let (y, cost) = C.byColumns(x, q: q, n: n, transposedBy: t, outRows: m * p) { column in
        let z = b.apply(column)
        let w = a.apply(C.transposed(z.result))
        let moved = ProductCost.moves((t == nil ? dq * dn : 2 * dq * dn) + dp * dn + 2 * dm * dp)
        return (C.transposed(w.result), z.cost + w.cost + moved)
      }
      return Ruled(result: y, cost: cost, kernel: .applyToDense)
    }
  }
}
