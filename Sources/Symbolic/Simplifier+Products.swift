import MatrixCore

/// Products: a product as a numeric coefficient, 1×1 factors and a chain of true matrix products
/// (`ProductForm`), divisions cancelled (`s·(A/s) = A`), and the rules for adjacent factors of a
/// chain (mixed product, commutation matrices, `diag(u)diag(v) = diag(u ⊙ v)`, `1ᵀdiag(v) = vᵀ`,
/// `vec(B)ᵀ(C ⊗ A) = vec(AᵀBC)ᵀ`).
extension Simplifier {
  /// A product in normal form: a numeric coefficient, 1×1 factors, and a chain of true matrix
  /// products (no factor of which is 1×1 unless the whole chain is).
  struct ProductForm {
    var coefficient: Double = 1
    var scalars: [Expression] = []
    var chain: [Expression] = []
  }

  mutating func collect(_ e: Expression, into form: inout ProductForm) throws {
    switch e {
    case .constant(let c):
      form.coefficient *= c
    case .negate(let x):
      form.coefficient = -form.coefficient
      try collect(x, into: &form)
    case .product(let a, let b):
      let (sa, sb) = (try shape(a), try shape(b))
      if sa.isScalar || sb.isScalar {
        // Scaling: the 1×1 side is a coefficient; the other side keeps its own chain.
        try sa.isScalar ? collectScalar(a, into: &form) : collect(a, into: &form)
        try sb.isScalar ? collectScalar(b, into: &form) : collect(b, into: &form)
      } else {
        // The factors of a and b are appended in place (copying them per level would cost
        // O(chain²)); the coefficient is c·(c_a·c_b), each side's collected from 1.
        let outer = form.coefficient
        form.coefficient = 1
        try collect(a, into: &form)
        let left = form.coefficient
        form.coefficient = 1
        try collect(b, into: &form)
        form.coefficient = outer * (left * form.coefficient)
      }
    case .identity(1), .ones(1, 1):
      break
    case .divide(let a, let d):
      // A/s = A·s⁻¹: the reciprocal of s joins the 1×1 factors; a 1×1 A (`uᵀv/(uᵀv)`) is one
      // scalar factor too, so that it meets its reciprocal.
      try (try shape(a)).isScalar ? collectScalar(a, into: &form) : collect(a, into: &form)
      try collectReciprocal(d, into: &form)
    default:
      // −a − b = −(a + b): the sign of a sum of negative terms joins the coefficient.
      if let positive = Simplifier.negatedSum(e) {
        form.coefficient = -form.coefficient
        try collect(positive, into: &form)
        return
      }
      if try shape(e).isScalar { form.scalars.append(e) } else { form.chain.append(e) }
    }
  }

  /// `a + b + …` for the sum `−a − b − …` (every term negative), nil otherwise.
  static func negatedSum(_ e: Expression) -> Expression? {
    switch e {
    case .subtract(let rest, let b):
      if case .negate(let a) = rest { return .add(a, b) }
      return negatedSum(rest).map { .add($0, b) }
    default:
      return nil
    }
  }

  /// A 1×1 factor of a scaling: constants go into the coefficient, scalings of 1×1 values are
  /// split further, and anything else, a 1×1 matrix product `u'*v` included, stays one scalar
  /// factor (its factors must not join the chain of the matrix it scales).
  mutating func collectScalar(_ e: Expression, into form: inout ProductForm) throws {
    switch e {
    case .constant(let c):
      form.coefficient *= c
    case .negate(let x):
      form.coefficient = -form.coefficient
      try collectScalar(x, into: &form)
    case .product(let a, let b) where try shape(a).isScalar && shape(b).isScalar:
      try collectScalar(a, into: &form)
      try collectScalar(b, into: &form)
    case .identity(1), .ones(1, 1):
      break
    case .divide(let a, let d):
      try collectScalar(a, into: &form)
      try collectReciprocal(d, into: &form)
    case .product where try form.coefficient != 0 && hasScaledFactor(e):
      // A 1×1 matrix product with a scaled factor, `(2xᵀ)x`: its coefficient and 1×1 factors
      // join the form and the product of its matrices stays one factor, so that `(2xᵀx)²` is
      // `4(xᵀx)²` and meets the other powers of `xᵀx`.
      var inner = ProductForm()
      let chain = try strippingScalars(e, into: &inner)
      form.coefficient *= inner.coefficient
      form.scalars += inner.scalars
      form.scalars.append(chain)
    default:
      form.scalars.append(e)
    }
  }

  /// Whether a product chain has a factor scaled by a 1×1 value or negated (`(2xᵀ)x`, `xᵀ(−A)x`).
  mutating func hasScaledFactor(_ e: Expression) throws -> Bool {
    switch e {
    case .negate: return true
    case .product(let a, let b):
      let (sa, sb) = (try shape(a), try shape(b))
      if sa.isScalar != sb.isScalar { return true }
      if sa.isScalar { return false }
      return try hasScaledFactor(a) || hasScaledFactor(b)
    default:
      return false
    }
  }

  /// The chain of matrix products in e with its 1×1 factors and signs taken out into `form`,
  /// nested as in e (`(2xᵀ)(−A)x` gives `xᵀA x`, coefficient −2).
  mutating func strippingScalars(_ e: Expression, into form: inout ProductForm) throws -> Expression {
    switch e {
    case .negate(let x):
      form.coefficient = -form.coefficient
      return try strippingScalars(x, into: &form)
    case .product(let a, let b):
      let (sa, sb) = (try shape(a), try shape(b))
      if sa.isScalar && !sb.isScalar {
        try collectScalar(a, into: &form)
        return try strippingScalars(b, into: &form)
      }
      if sb.isScalar && !sa.isScalar {
        try collectScalar(b, into: &form)
        return try strippingScalars(a, into: &form)
      }
      if sa.isScalar { return e }
      return .product(try strippingScalars(a, into: &form), try strippingScalars(b, into: &form))
    default:
      return e
    }
  }

  mutating func simplifyProduct(_ e: Expression) throws -> Expression {
    let resultShape = try shape(e)
    var form = ProductForm()
    try collect(e, into: &form)
    if form.coefficient == 0 || form.scalars.contains(where: isZero) || form.chain.contains(where: isZero) {
      return zero(resultShape)
    }
    try cancelDivisions(&form)
    form.scalars = try mergePowers(form.scalars)
    if form.scalars.contains(where: isZero) { return zero(resultShape) }
    form.scalars = sortedForReading(form.scalars)
    // Pairwise chain rules until none applies.
    var chain = form.chain.filter { if case .identity = $0 { return false } else { return true } }
    var changed = true
    while changed {
      changed = false
      var i = 0
      while i + 1 < chain.count {
        if i + 2 < chain.count, case .commutation(let p, let m) = chain[i],
          case .kronecker(let a, let b) = chain[i + 1],
          case .commutation(let n, let q) = chain[i + 2], try shape(a) == Shape(m, n),
          try shape(b) == Shape(p, q)
        {
          chain.replaceSubrange(i...(i + 2), with: [.kronecker(b, a)])
          chainEvents += 1
          changed = true
          continue
        }
        if let merged = try mergePair(chain[i], chain[i + 1]) {
          chain.replaceSubrange(i...(i + 1), with: merged)
          chainEvents += 1
          changed = true
          continue
        }
        i += 1
      }
    }
    if needsKroneckerSearch(chain) {
      chainEvents += 1
      chain = try shortestKroneckerChain(chain)
    }
    var factors: [Expression] = []
    if form.coefficient != 1 && form.coefficient != -1 { factors.append(.constant(form.coefficient)) }
    factors += form.scalars
    if !chain.isEmpty {
      // Left to right, so that a scaled chain prints as `2 X(XᵀX)⁻¹`, not `2·(X·(XᵀX)⁻¹)`.
      factors += chain
    } else if !resultShape.isScalar {
      // Every factor of the chain was an identity: `s*I(n)` keeps its n×n shape.
      guard resultShape.isSquare else { return e }
      factors.append(.identity(resultShape.rows))
    }
    var result: Expression
    if factors.isEmpty {
      result = resultShape.isScalar ? .constant(1) : .identity(resultShape.rows)
    } else {
      result = factors.dropFirst().reduce(factors[0]) { .product($0, $1) }
    }
    if form.coefficient == -1 { result = .negate(result) }
    return result
  }

  /// `s·(A/s) = A`: a 1×1 factor cancels a division by the same value elsewhere in the product
  /// (`2 norm(X)(X / norm(X))` is `2X`).
  mutating func cancelDivisions(_ form: inout ProductForm) throws {
    func dividend(_ e: Expression, by s: Expression) -> Expression? {
      if case .divide(let a, let d) = e, d == s { return a }
      return nil
    }
    var k = 0
    while k < form.scalars.count {
      let s = form.scalars[k]
      if let c = form.chain.firstIndex(where: { dividend($0, by: s) != nil }),
        let a = dividend(form.chain[c], by: s)
      {
        form.chain[c] = a
        form.scalars.remove(at: k)
        chainEvents += 1
        continue
      }
      if let c = form.scalars.indices.first(where: { $0 != k && dividend(form.scalars[$0], by: s) != nil }),
        let a = dividend(form.scalars[c], by: s)
      {
        form.scalars[c] = a
        form.scalars.remove(at: k)
        chainEvents += 1
        continue
      }
      k += 1
    }
  }

  /// A rule for two adjacent factors of a true matrix product, or nil.
  mutating func mergePair(_ x: Expression, _ y: Expression) throws -> [Expression]? {
    switch (x, y) {
    case (.identity, _): return [y]
    case (_, .identity): return [x]
    case (.commutation(let p, let m), .kronecker(let a, let b)):
      // K(p,m)(A ⊗ B)K(n,q) = B ⊗ A with K(n,q) = I when A (m×n) or B (p×q) has one column.
      let (sa, sb) = (try shape(a), try shape(b))
      guard sa.rows == m, sb.rows == p, sa.cols == 1 || sb.cols == 1 else { return nil }
      return [.kronecker(b, a)]
    case (.kronecker(let a, let b), .commutation(let n, let q)):
      // (A ⊗ B)K(n,q) = K(m,p)(B ⊗ A) = B ⊗ A when A (m×n) or B (p×q) has one row.
      let (sa, sb) = (try shape(a), try shape(b))
      guard sa.cols == n, sb.cols == q, sa.rows == 1 || sb.rows == 1 else { return nil }
      return [.kronecker(b, a)]
    case (.transpose(let u), .hadamard):
      return try innerProductWithReciprocal(u, y).map { [$0] }
    case (.kronecker(let a, let b), .kronecker(let c, let d)) where try shape(a).cols == shape(c).rows:
      let ac = try simplifyProduct(.product(a, c))
      let bd = try simplifyProduct(.product(b, d))
      return [try rewrite(.kronecker(ac, bd))]
    case (.commutation(let p, let q), .commutation(let r, let s)) where p == s && q == r:
      return [.identity(p * q)]
    case (.diag(let u), .diag(let v)) where try shape(u) == shape(v):
      return [.diag(.hadamard(u, v))]
    case (.ones(1, _), .diag(let v)):
      // 1ᵀdiag(v) = (vec v)ᵀ.
      return [try shape(v).cols == 1 ? rewrite(.transpose(v)) : v]
    case (.diag(let v), .ones(_, 1)):
      // diag(v)1 = vec v.
      return [try shape(v).cols == 1 ? v : rewrite(.transpose(v))]
    case (.transpose(let row), .kronecker(let c, let a)):
      // vec(B)ᵀ(C ⊗ A) = vec(AᵀBC)ᵀ, since (C ⊗ A)vec X = vec(AXCᵀ) and tr(BᵀAXCᵀ) = vec(AᵀBC)ᵀvec X.
      let (sa, sc) = (try shape(a), try shape(c))
      let b: Expression
      if case .vec(let inner) = row, try shape(inner) == Shape(sa.rows, sc.rows) {
        b = inner
      } else if try shape(row) == Shape(sa.rows * sc.rows, 1), sc.rows == 1 || sa.rows == 1 {
        // A column is vec of itself (B = c, when C has one row) or of its transpose (A has one row).
        b = sc.rows == 1 ? row : try rewrite(.transpose(row))
      } else {
        return nil
      }
      let product = try simplifyProduct(.product(.product(.transpose(a), b), c))
      return [try rewrite(.transpose(try rewrite(.vec(product))))]
    default:
      return nil
    }
  }
}
