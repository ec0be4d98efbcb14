/// The simplifier's one use of assumptions, kept apart from the algebraic rules (which hold for
/// every value): `Aᵀ = A` for a variable assumed symmetric, symmetric positive definite or
/// diagonal. Applied to derivatives only (never to F before differentiating: the derivative is
/// the unconstrained one), so the value at every point that satisfies the assumptions is unchanged.
extension Expression {
  /// The expression with `Aᵀ` replaced by `A` for every variable that `assumptions` makes symmetric.
  public func usingAssumptions(_ assumptions: Assumptions) -> Expression {
    let symmetric = Set(assumptions.byVariable.filter { $0.value.impliesSymmetric }.keys)
    guard !symmetric.isEmpty else { return self }
    return rewritingSymmetric(symmetric)
  }

  private func rewritingSymmetric(_ names: Set<String>) -> Expression {
    if case .transpose(.variable(let v)) = self, names.contains(v) { return .variable(v) }
    let kids = children
    guard !kids.isEmpty else { return self }
    return replacingChildren(kids.map { $0.rewritingSymmetric(names) })
  }
}
