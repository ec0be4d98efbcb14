import MatrixCore

/// An entrywise product with a sum among its factors, distributed over the sum where a term's
/// quotient cancels against another factor:
///
/// | input form | printed |
/// | --- | --- |
/// | `((1-y)./(1-s) - y./s).*s.*(1-s)` | `s - y` |
/// | `(a./u + b).*u` | `a + b.*u` |
/// | `(a./(1-t) - b./(1+t)).*(1-t.^2)` | `a.*(1+t) - b.*(1-t)` (`1 − t² = (1 − t)(1 + t)`) |
///
/// `(Σ cₖ tₖ) ⊙ R = Σ cₖ (tₖ ⊙ R)` is distributivity, each `tₖ ⊙ R` is simplified as an entrywise
/// product (its powers of equal bases added, so `u.^−1 ⊙ u` cancels), and the sum of them as a
/// sum (products of sums multiplied out where monomials cancel). `simplifyHadamard` keeps the
/// result only when it is shorter than the product as it was. The value is unchanged wherever
/// the input is defined (like `s ⊙ (p ⊘ s) = p`, the result is also defined where u = 0).
extension Simplifier {
  /// The product of `parts` (bases with exponents, of shape s) distributed over its first sum
  /// factor whose terms have a quotient that cancels, or nil when there is none.
  mutating func distributedWithCancellation(_ parts: [(base: Expression, exponent: Double)], shape s: Shape) throws
    -> Expression?
  {
    guard parts.count >= 2, parts.count <= 8 else { return nil }
    for (i, p) in parts.enumerated() where p.exponent == 1 && p.base.isSum {
      var others = parts
      others.remove(at: i)
      var terms: [(Double, Expression)] = []
      try collectTerms(p.base, sign: 1, into: &terms)
      guard terms.count >= 2, terms.count <= 8 else { continue }
      let termParts = try terms.map { try entrywiseFactors($0.1, shape: s) }
      let divisors = termParts.flatMap { $0.filter { $0.exponent < 0 }.map(\.base) }
      guard !divisors.isEmpty else { continue }
      // 1 − a.^2 = (1 − a) ⊙ (1 + a) where a term divides by one of the two.
      var split: [(base: Expression, exponent: Double)] = []
      for o in others {
        if o.exponent > 0, o.exponent == o.exponent.rounded(), let (minus, plus) = differenceOfSquares(o.base),
          divisors.contains(minus) || divisors.contains(plus)
        {
          split += [(minus, o.exponent), (plus, o.exponent)]
        } else {
          split.append(o)
        }
      }
      others = split
      let cancels = termParts.contains { tp in
        tp.contains { f in others.contains { $0.base == f.base && ($0.exponent > 0) != (f.exponent > 0) } }
      }
      guard cancels else { continue }
      let factors = others.map { $0.exponent == 1 ? $0.base : .elementwisePower($0.base, .constant($0.exponent)) }
      let rest = factors.dropFirst().reduce(factors[0]) { .hadamard($0, $1) }
      var sum: Expression? = nil
      for (c, t) in terms {
        let product: Expression =
          try shape(t).isScalar ? simplifyProduct(.product(t, rest)) : simplifyHadamard(.hadamard(t, rest))
        let term: Expression = c == 1 ? product : .product(.constant(c), product)
        sum = sum.map { .add($0, term) } ?? term
      }
      guard let distributed = sum else { continue }
      return try simplifySum(distributed)
    }
    return nil
  }

  /// A term of an entrywise product as bases with integer exponents (signs and 1×1 factors
  /// left out): `a ⊘ (u/2)` gives `a¹ u⁻¹`.
  private mutating func entrywiseFactors(_ t: Expression, shape s: Shape) throws -> [(base: Expression, exponent: Double)] {
    var out: [(base: Expression, exponent: Double)] = []
    func visit(_ x: Expression, _ k: Double) throws {
      switch x {
      case .hadamard(let a, let b) where try shape(a) == s && shape(b) == s:
        try visit(a, k)
        try visit(b, k)
      case .hadamardQuotient(let a, let b) where try shape(a) == s && shape(b) == s:
        try visit(a, k)
        try visit(b, -k)
      case .elementwisePower(let a, .constant(let j)) where j == j.rounded():
        try visit(a, j * k)
      case .negate(let a):
        try visit(a, k)
      case .product(let a, let b) where try shape(a).isScalar && shape(b) == s:
        try visit(b, k)
      case .product(let a, let b) where try shape(b).isScalar && shape(a) == s:
        try visit(a, k)
      case .divide(let a, _) where try shape(a) == s:
        try visit(a, k)
      default:
        if try shape(x) == s { out.append((x, k)) }
      }
    }
    try visit(t, 1)
    return out
  }

  /// `(1 − a, 1 + a)` for `1 − a.^2` (a scalar 1 or a matrix of ones), nil otherwise.
  private func differenceOfSquares(_ e: Expression) -> (Expression, Expression)? {
    guard case .subtract(let one, .elementwisePower(let a, .constant(2))) = e else { return nil }
    switch one {
    case .constant(1), .ones: return (.subtract(one, a), .add(one, a))
    default: return nil
    }
  }
}
