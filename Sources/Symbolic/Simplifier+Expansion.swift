import MatrixCore

/// Sums whose products of sums cancel when multiplied out, written as what is left:
/// `y(1 − σ)x − σ(1 − y)x = (y − σ)x` (logistic regression for one sample) and
/// `σ ⊙ (1 − y) − (1 − σ) ⊙ y = σ − y` (for a data matrix).
///
/// The terms of a sum are multiplied out into monomials, either 1×1 factors times a common
/// matrix tail (`y·σ·x`) or entrywise products of matrices of the sum's shape (`σ ⊙ y`); equal
/// monomials (the same factors in any order) are merged. The form is used only when some
/// monomials cancel and the result is shorter than the sum as it was, so sums that do not cancel
/// keep their factored form (`2x(1 + exp(x))`). The value is unchanged: multiplying out is
/// distributivity, and both kinds of product are commutative.
extension Simplifier {
  /// At most this many monomials are formed (the expansion of a product of sums grows as the
  /// product of their lengths).
  static let largestExpansion = 32

  private struct Monomial {
    var coefficient: Double
    var factors: [Expression]
    var tail: Expression?
  }

  /// The sum of `terms` multiplied out, or nil when nothing cancels or the form does not apply.
  mutating func expandedWithCancellation(_ terms: [(Double, Expression)], shape s: Shape) throws -> Expression? {
    guard terms.count >= 2, terms.count <= 8 else { return nil }
    let entrywise = try !s.isScalar && terms.contains { t in
      if case .hadamard = t.1 { return try shape(t.1) == s }
      return false
    }
    var monomials: [Monomial] = []
    var multipliedOut = false
    for (c, t) in terms {
      guard var parts = try factors(of: t, entrywise: entrywise, shape: s) else { return nil }
      parts.coefficient *= c
      // Each factor that is a sum contributes one of its terms to each monomial.
      var expanded = [Monomial(coefficient: parts.coefficient, factors: [], tail: parts.tail)]
      for f in parts.factors {
        var choices: [(Double, Expression)] = []
        if case .add = f { try collectTerms(f, sign: 1, into: &choices) } else if case .subtract = f {
          try collectTerms(f, sign: 1, into: &choices)
        }
        if choices.isEmpty { choices = [(1, f)] } else { multipliedOut = true }
        var next: [Monomial] = []
        for m in expanded {
          for (k, x) in choices {
            var n = m
            n.coefficient *= k
            if case .constant(let v) = x { n.coefficient *= v } else { n.factors.append(x) }
            next.append(n)
          }
        }
        expanded = next
        if monomials.count + expanded.count > Simplifier.largestExpansion { return nil }
      }
      monomials += expanded
    }
    guard multipliedOut else { return nil }
    // Merge monomials with the same factors (in any order) and the same tail.
    var merged: [(key: [Int], monomial: Monomial)] = []
    for m in monomials {
      let key = m.factors.map { table.id($0) }.sorted() + [m.tail.map { table.id($0) } ?? -1]
      if let i = merged.firstIndex(where: { $0.key == key }) {
        merged[i].monomial.coefficient += m.coefficient
      } else {
        merged.append((key, m))
      }
    }
    let left = merged.map(\.monomial).filter { $0.coefficient != 0 }
    guard left.count < merged.count, !left.isEmpty else { return nil }
    // An entrywise monomial without factors is a constant, which broadcasts to the sum's shape
    // beside a monomial that has it (`1 + t − 2y`); alone it would not.
    if entrywise && left.allSatisfy({ $0.factors.isEmpty }) { return nil }
    func product(_ m: Monomial, withTail: Bool) -> Expression {
      var e: Expression = .constant(m.coefficient)
      if let first = m.factors.first {
        let body: Expression =
          entrywise
          ? m.factors.dropFirst().reduce(first) { .hadamard($0, $1) } : m.factors.dropFirst().reduce(first) { .product($0, $1) }
        e = m.coefficient == 1 ? body : .product(.constant(m.coefficient), body)
      }
      if withTail, let t = m.tail { e = .product(e, t) }
      return e
    }
    func sum(_ xs: [Expression]) -> Expression { xs.dropFirst().reduce(xs[0]) { .add($0, $1) } }
    let tails = Set(left.map { $0.tail.map { table.id($0) } ?? -1 })
    if !entrywise, tails.count == 1, let tail = left[0].tail {
      // One tail: (Σ scalars)·tail, `(y − σ)x`.
      let scalars = try simplifySum(sum(left.map { product($0, withTail: false) }))
      return try simplifyProduct(.product(scalars, tail))
    }
    return try simplifySum(sum(left.map { product($0, withTail: true) }))
  }

  /// A term as a coefficient, factors (some of them sums) and a matrix tail: 1×1 factors times a
  /// chain, or entrywise factors of the sum's shape; nil when the term is neither.
  private mutating func factors(of t: Expression, entrywise: Bool, shape s: Shape) throws -> Monomial? {
    if entrywise {
      var out = Monomial(coefficient: 1, factors: [], tail: nil)
      func visit(_ x: Expression) throws -> Bool {
        switch x {
        case .hadamard(let a, let b):
          return try visit(a) && visit(b)
        case .constant(let c):
          out.coefficient *= c
          return true
        case .negate(let a):
          out.coefficient = -out.coefficient
          return try visit(a)
        case .product(.constant(let c), let a):
          out.coefficient *= c
          return try visit(a)
        default:
          guard try shape(x) == s else { return false }
          out.factors.append(x)
          return true
        }
      }
      return try visit(t) ? out : nil
    }
    var form = ProductForm()
    try collect(t, into: &form)
    let tail: Expression? = form.chain.isEmpty ? nil : form.chain.dropFirst().reduce(form.chain[0]) { .product($0, $1) }
    return Monomial(coefficient: form.coefficient, factors: form.scalars, tail: tail)
  }
}

extension Simplifier {
  /// `a·T + b·T = (a + b)·T` for terms that are 1×1 factors times one and the same matrix tail T
  /// (`sigmoid(wᵀx)x − y x = (sigmoid(wᵀx) − y)x`), nil when the terms do not share a tail or
  /// no term has a 1×1 factor other than its coefficient.
  mutating func factoredCommonTail(_ terms: [(Double, Expression)], shape s: Shape) throws -> Expression? {
    guard terms.count >= 2, terms.count <= 8, !s.isScalar else { return nil }
    var tailID: Int? = nil
    var tail: Expression? = nil
    var scalars: [Expression] = []
    var hasFactor = false
    for (c, t) in terms {
      var form = ProductForm()
      try collect(t, into: &form)
      guard let first = form.chain.first else { return nil }
      let chain = form.chain.dropFirst().reduce(first) { .product($0, $1) }
      let id = table.id(chain)
      if let known = tailID, known != id { return nil }
      (tailID, tail) = (id, chain)
      if !form.scalars.isEmpty { hasFactor = true }
      let k = c * form.coefficient
      let body = form.scalars.dropFirst().reduce(form.scalars.first ?? .constant(1)) { .product($0, $1) }
      scalars.append(form.scalars.isEmpty ? .constant(k) : (k == 1 ? body : .product(.constant(k), body)))
    }
    guard hasFactor, let t = tail else { return nil }
    let sum = try simplifySum(scalars.dropFirst().reduce(scalars[0]) { .add($0, $1) })
    return try simplifyProduct(.product(sum, t))
  }
}
