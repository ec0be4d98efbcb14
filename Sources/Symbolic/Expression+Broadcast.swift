import MatrixCore

/// Broadcasting in `+`, `-`, `.*`, `./` (an extension of the language, `docs/language.md`): the
/// expressions for an expansion, its Jacobian, and its adjoint.
///
/// Expanding X (r×c) to R×C repeats a size-1 row or column: `E(X) = P_r·X·P_cᵀ` with
/// `P_r = 1_R` (R×1 ones) when r = 1 < R and `I_R` otherwise, and the same for columns. Hence
/// `vec E(X) = (P_c ⊗ P_r)·vec X`, e.g. `∂vec(W*X + b)/∂bᵀ = 1ₙ ⊗ I_m` for b m×1 expanded across
/// n columns, and the adjoint sums the repeated entries: `X̄ = P_rᵀ·Ḡ·P_c`.
extension Expression {
  /// `x` (shaped `from`) expanded to `to`: `b*ones(1,n)`, `ones(m,1)*r`, `s*ones(m,n)`, or x
  /// itself when the shapes agree.
  static func expanded(_ x: Expression, from: Shape, to: Shape) -> Expression {
    if from == to { return x }
    if from.isScalar { return .product(x, .ones(to.rows, to.cols)) }
    var e = x
    if from.rows == 1 && to.rows > 1 { e = .product(.ones(to.rows, 1), e) }
    if from.cols == 1 && to.cols > 1 { e = .product(e, .ones(1, to.cols)) }
    return e
  }

  /// `∂vec E(X)/∂(vec X)ᵀ = P_c ⊗ P_r`, (RC)×(rc), or nil when there is nothing to expand.
  static func expansionJacobian(from: Shape, to: Shape) -> Expression? {
    if from == to { return nil }
    if from.isScalar { return .ones(to.rows * to.cols, 1) }
    let rowFactor: Expression = from.rows == 1 && to.rows > 1 ? .ones(to.rows, 1) : .identity(to.rows)
    let colFactor: Expression = from.cols == 1 && to.cols > 1 ? .ones(to.cols, 1) : .identity(to.cols)
    if to.cols == 1 { return rowFactor }
    if to.rows == 1 { return colFactor }
    return .kronecker(colFactor, rowFactor)
  }

  /// The adjoint of an expansion: g (shaped `to`) summed back to `from`: `sum(G)`,
  /// `ones(1,m)*G`, `G*ones(n,1)`, or g itself.
  static func reduced(_ g: Expression, from: Shape, to: Shape) -> Expression {
    if from == to { return g }
    if from.isScalar { return .sum(g) }
    var e = g
    if from.rows == 1 && to.rows > 1 { e = .product(.ones(1, to.rows), e) }
    if from.cols == 1 && to.cols > 1 { e = .product(e, .ones(to.cols, 1)) }
    return e
  }
}

/// `J` preceded by the expansion's Jacobian, when there is one.
func expanding(_ j: Expression, from: Shape, to: Shape) -> Expression {
  Expression.expansionJacobian(from: from, to: to).map { $0 * j } ?? j
}
