/// The simplifier's uses of assumptions, kept apart from the algebraic rules (which hold for
/// every value):
/// - `Aᵀ = A` for a variable assumed symmetric, symmetric positive definite or diagonal;
/// - `sum(p) = 1` (also `sum(pᵀ)`, `1ᵀp`, `pᵀ1`) for a vector assumed one-hot or a probability
///   vector, so that the softmax cross-entropy gradient `sum(p)·softmax(z) − p` reads
///   `softmax(z) − p`.
///
/// Applied to derivatives only (never to F before differentiating: the derivative is the
/// unconstrained one), so the value at every point that satisfies the assumptions is unchanged.
extension Expression {
  /// The expression with `Aᵀ` replaced by `A` for every variable that `assumptions` makes
  /// symmetric, and the sum of the entries of every variable that they make sum to one replaced
  /// by `1`.
  public func usingAssumptions(_ assumptions: Assumptions) -> Expression {
    let symmetric = Set(assumptions.byVariable.filter { $0.value.impliesSymmetric }.keys)
    let unitSum = Set(assumptions.byVariable.filter { $0.value.impliesUnitSum }.keys)
    guard !symmetric.isEmpty || !unitSum.isEmpty else { return self }
    return rewriting(symmetric: symmetric, unitSum: unitSum)
  }

  private func rewriting(symmetric: Set<String>, unitSum: Set<String>) -> Expression {
    if case .transpose(.variable(let v)) = self, symmetric.contains(v) { return .variable(v) }
    if Expression.isSumOfEntries(self, ofOneOf: unitSum) { return .constant(1) }
    let kids = children
    guard !kids.isEmpty else { return self }
    return replacingChildren(kids.map { $0.rewriting(symmetric: symmetric, unitSum: unitSum) })
  }

  /// `sum(p)`, `sum(p')`, `ones(1,k)*p`, `p'*ones(k,1)` (and the transposed forms) for a vector
  /// variable p named in `names`. A product is the sum only for k > 1: then a well-formed product
  /// makes p (or pᵀ) k×1 beside `ones(1,k)`, so it is 1×1 (`p*ones(1,1)` is p itself).
  private static func isSumOfEntries(_ e: Expression, ofOneOf names: Set<String>) -> Bool {
    func named(_ x: Expression) -> Bool {
      switch x {
      case .variable(let v), .transpose(.variable(let v)): return names.contains(v)
      default: return false
      }
    }
    switch e {
    case .sum(let x):
      return named(x)
    case .product(.ones(1, let k), let x), .product(let x, .ones(let k, 1)):
      return k > 1 && named(x)
    default:
      return false
    }
  }
}
