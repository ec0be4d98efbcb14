/// Forms recognised by their structure: symmetric matrices, commutation matrices inside a
/// subtree, the factors of a chain, transposes of each other; and the predicates on sums and
/// transposes that the rules use.
extension Simplifier {
  /// Whether the expression is symmetric by its form, whatever the values: `I`, `diag(v)`,
  /// `K(n,n)`, `AᵀA`, `AAᵀ`, `ABAᵀ` with B symmetric, and sums, scalings, inverses, powers,
  /// Kronecker and entrywise functions of symmetric matrices. False when unsure.
  mutating func isSymmetric(_ e: Expression) -> Bool {
    guard let s = try? shape(e), s.isSquare else { return false }
    if s.isScalar { return true }
    switch e {
    case .identity, .diag, .zeros, .ones, .constant: return true
    case .commutation(let m, let n): return m == n
    case .product(let a, let b):
      guard let sa = try? shape(a), let sb = try? shape(b) else { return false }
      if sa.isScalar { return isSymmetric(b) }
      if sb.isScalar { return isSymmetric(a) }
      let factors = chainFactors(e)
      for k in 0..<(factors.count / 2) where !areTransposes(factors[k], factors[factors.count - 1 - k]) {
        return false
      }
      return factors.count % 2 == 0 || isSymmetric(factors[factors.count / 2])
    case .add(let a, let b) where areTransposes(a, b):
      // A + Aᵀ.
      return true
    case .add(let a, let b), .subtract(let a, let b), .kronecker(let a, let b):
      return isSymmetric(a) && isSymmetric(b)
    case .hadamard(let a, let b), .hadamardQuotient(let a, let b):
      return isSymmetric(a) && isSymmetric(b)
    case .negate(let a), .inverse(let a), .transpose(let a), .elementwise(_, let a), .power(let a, _),
      .elementwisePower(let a, _), .divide(let a, _):
      return isSymmetric(a)
    default:
      return false
    }
  }

  /// Whether a commutation matrix `K(m,n)` occurs in e, once per distinct subtree (the tree
  /// written out can be quadratic in the depth of a nested expression).
  mutating func containsCommutation(_ e: Expression) -> Bool {
    if case .commutation = e { return true }
    let key = table.id(e)
    if let known = commutationFlags[key] { return known }
    var found = false
    for c in e.children where containsCommutation(c) {
      found = true
      break
    }
    commutationFlags[key] = found
    return found
  }

  /// The factors of a chain of true matrix products, left to right.
  mutating func chainFactors(_ e: Expression) -> [Expression] {
    if case .product(let a, let b) = e, let sa = try? shape(a), let sb = try? shape(b), !sa.isScalar,
      !sb.isScalar
    {
      return chainFactors(a) + chainFactors(b)
    }
    return [e]
  }

  func areTransposes(_ x: Expression, _ y: Expression) -> Bool {
    if case .transpose(let a) = x, a == y { return true }
    if case .transpose(let b) = y, b == x { return true }
    return false
  }
}

extension Expression {
  /// Whether the expression is a sum or difference `A + B`, `A − B`.
  var isSum: Bool {
    switch self {
    case .add, .subtract: return true
    default: return false
    }
  }

  /// Whether the expression is a transpose `Aᵀ`.
  var isTranspose: Bool {
    if case .transpose = self { return true }
    return false
  }

  /// Whether the expression is the transpose of a sum, `(A + B)ᵀ` or `(A − B)ᵀ`.
  var isTransposedSum: Bool {
    switch self {
    case .transpose(.add), .transpose(.subtract): return true
    default: return false
    }
  }
}
