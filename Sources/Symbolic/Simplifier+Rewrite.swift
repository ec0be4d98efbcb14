import MatrixCore

/// The rewrite rules of one node whose children are simplified: transposes pushed through
/// products, sums and Kronecker products, signs, entrywise products and quotients, divisions,
/// Kronecker products of scalars and identities, commutation matrices with a unit size, exact
/// constants, `vec`/`reshape`, powers, sums, traces, determinants and diagonals. Products and
/// sums go on to `simplifyProduct` and `simplifySum`.
extension Simplifier {
  mutating func rewrite(_ e: Expression) throws -> Expression {
    switch e {
    case .transpose(let a):
      let s = try shape(a)
      if s.isScalar || isSymmetric(a) { return a }
      switch a {
      case .transpose(let x): return x
      case .identity, .diag: return a
      case .commutation(let m, let n): return .commutation(n, m)
      case .zeros(let m, let n): return .zeros(n, m)
      case .ones(let m, let n): return .ones(n, m)
      case .kronecker(let x, let y):
        return try rewrite(.kronecker(try rewrite(.transpose(x)), try rewrite(.transpose(y))))
      case .negate(let x): return try rewrite(.negate(try rewrite(.transpose(x))))
      case .product(let x, let y) where try shape(x).isScalar:
        return try rewrite(.product(x, try rewrite(.transpose(y))))
      case .product(let x, let y) where try shape(y).isScalar:
        return try rewrite(.product(y, try rewrite(.transpose(x))))
      case .product(let x, .diag(let v)) where try s.rows == 1 && shape(v).cols == 1:
        // (rᵀdiag(v))ᵀ = diag(v)r = v ⊙ r: the column written entrywise, as the textbooks do.
        return try rewrite(.hadamard(v, try rewrite(.transpose(x))))
      case .product(let x, let y):
        // (XY)ᵀ = YᵀXᵀ, so that sums of products can share factors.
        return try simplifyProduct(.product(try rewrite(.transpose(y)), try rewrite(.transpose(x))))
      case .add where s.rows == 1, .subtract where s.rows == 1:
        // A column is not written as the transpose of a row: (a + b)ᵀ = aᵀ + bᵀ, each term's
        // transpose distributed by the rules above (the gradient of xᵀAx/(xᵀx) reads
        // (A + Aᵀ)x/(xᵀx) − …, not (xᵀ(A + Aᵀ)/(xᵀx) − …)ᵀ); `simplifySum(rewrite(xᵀ) ± rewrite(yᵀ))`
        // for x ± y, a long sum's levels at once (`transposedRowSum`).
        return try transposedRowSum(a)
      default: return e
      }
    case .negate(let a):
      switch a {
      case .negate(let x): return x
      case .constant(let c): return .constant(-c)
      case .zeros: return a
      case .product(.constant(let c), let x): return try rewrite(.product(.constant(-c), x))
      default: return e
      }
    case .add, .subtract:
      return try simplifySum(e)
    case .product:
      return try simplifyProduct(e)
    case .hadamard(let a, let b):
      let (sa, sb) = (try shape(a), try shape(b))
      if isZero(a) || isZero(b) { return zero(try shape(e)) }
      if case .identity = a, a == b { return a }
      if case .ones = a, sa == sb { return b }
      if case .ones = b, sa == sb { return a }
      if sa.isScalar || sb.isScalar { return try simplifyProduct(.product(a, b)) }
      return try simplifyHadamard(e)
    case .hadamardQuotient(let a, let b):
      if isZero(a) { return zero(try shape(e)) }
      if case .ones = b, try shape(a) == shape(b) { return a }
      if try shape(b).isScalar { return try rewrite(.divide(a, b)) }
      if try shape(a) == shape(b) { return try simplifyHadamard(e) }
      if try shape(a).isScalar {
        // s./B = s·B.^-1
        return try simplifyProduct(.product(a, try rewrite(.elementwisePower(b, .constant(-1)))))
      }
      return e
    case .divide(let a, let b):
      if isZero(a) { return zero(try shape(e)) }
      if case .constant(let c) = b, c != 0 {
        if case .constant(let x) = a { return .constant(x / c) }
        return try simplifyProduct(.product(.constant(1 / c), a))
      }
      // A/s = s⁻¹·A: the reciprocal joins the other 1×1 factors (powers of equal bases add up).
      if case .constant = b { return e }
      return try simplifyProduct(e)
    case .kronecker(let a, let b):
      let (sa, sb) = (try shape(a), try shape(b))
      if isZero(a) || isZero(b) { return zero(try shape(e)) }
      if case .identity(let m) = a, case .identity(let n) = b { return .identity(m * n) }
      if sa.isScalar { return try simplifyProduct(.product(a, b)) }
      if sb.isScalar { return try simplifyProduct(.product(b, a)) }
      if case .ones = a, case .ones = b { return .ones(sa.rows * sb.rows, sa.cols * sb.cols) }
      if case .product(.constant(let c), let x) = a {
        return try simplifyProduct(.product(.constant(c), .kronecker(x, b)))
      }
      if case .product(.constant(let c), let y) = b {
        return try simplifyProduct(.product(.constant(c), .kronecker(a, y)))
      }
      if case .negate(let x) = a { return try rewrite(.negate(try rewrite(.kronecker(x, b)))) }
      if case .negate(let y) = b { return try rewrite(.negate(try rewrite(.kronecker(a, y)))) }
      return e
    case .commutation(let m, let n):
      return m == 1 || n == 1 ? try rewrite(.identity(m * n)) : e
    case .identity(1), .ones(1, 1):
      // The 1×1 identity and ones are the number 1, which folds with other constants.
      return .constant(1)
    case .zeros(1, 1):
      return .constant(0)
    case .elementwise(let f, let a):
      return foldElementwise(f, a) ?? e
    case .inverse(let a):
      if case .identity = a { return a }
      // inv(Aᵀ) = inv(A)ᵀ, written A⁻ᵀ.
      if case .transpose(let x) = a { return try rewrite(.transpose(.inverse(x))) }
      if case .constant(let c) = a, c != 0 { return .constant(1 / c) }
      return e
    case .logDeterminant(.identity):
      return .constant(0)
    case .vec(let a):
      let s = try shape(a)
      if s.cols == 1 { return a }
      if s.rows == 1 { return try rewrite(.transpose(a)) }
      if case .zeros = a { return .zeros(s.count, 1) }
      if case .ones = a { return .ones(s.count, 1) }
      if let (c, x) = try scaledOperand(a) { return try simplifyProduct(.product(c, try rewrite(.vec(x)))) }
      return e
    case .reshape(let a, let m, let n):
      let s = try shape(a)
      if s == Shape(m, n) { return a }
      if case .reshape(let x, _, _) = a { return try rewrite(.reshape(x, m, n)) }
      if isZero(a) { return .zeros(m, n) }
      return e
    case .elementwisePower(let a, let p):
      // For a 1×1 base, a.^p is the power a^p (printed x², and merged with other powers of x).
      if try shape(a).isScalar { return try rewrite(.power(a, p)) }
      if case .constant(let c) = p {
        if c == 1 { return a }
        // A.^0 is ones (0⁰ = 1, as `pow`); zeros.^p is zeros and ones.^p ones for p > 0.
        if c == 0 { return one(try shape(a)) }
        if c > 0, isZero(a) { return a }
        if case .ones = a { return a }
        if case .constant(let x) = a, let v = Optional(Foundation_pow(x, c)), v.isFinite {
          return .constant(v)
        }
      }
      return e
    case .power(let a, let k):
      if case .constant(let c) = k, c == 1 { return a }
      if case .constant(let c) = k, c == c.rounded(), try shape(a).isScalar {
        // (2s²)⁻² = s⁻⁴/4 and (b^j)^k = b^(jk) for an integer k: the factors join the product.
        switch a {
        case .product, .divide, .negate, .power:
          var form = ProductForm()
          try collectScalar(a, into: &form)
          let factors = form.scalars.map { f -> Expression in
            let (b, j) = powerParts(f)
            return Simplifier.raised(b, j * c)
          }
          let scale = Foundation_pow(form.coefficient, c)
          if scale.isFinite {
            return try simplifyProduct(factors.reduce(Expression.constant(scale)) { .product($0, $1) })
          }
        default:
          break
        }
      }
      if case .constant(0) = k {
        let n = try shape(a).rows
        return n == 1 ? .constant(1) : .identity(n)
      }
      if case .identity = a { return a }
      if case .constant(let x) = a, case .constant(let c) = k {
        let v = Foundation_pow(x, c)
        if v.isFinite { return .constant(v) }
      }
      return e
    case .sum(let a), .trace(let a):
      if try shape(a).isScalar { return a }
      if isZero(a) { return .constant(0) }
      if case .sum = e, case .ones(let m, let n) = a { return .constant(Double(m * n)) }
      if case .trace = e, case .identity(let n) = a { return .constant(Double(n)) }
      if let (c, x) = try scaledOperand(a) {
        var inner = Expression.trace(x)
        if case .sum = e { inner = .sum(x) }
        return try simplifyProduct(.product(c, try rewrite(inner)))
      }
      return e
    case .determinant(let a):
      // det of a 1×1 matrix is its entry; det I = 1.
      if case .identity = a { return .constant(1) }
      return try shape(a).isScalar ? a : e
    case .diag(let v):
      if isZero(v) { let n = try shape(v).count; return .zeros(n, n) }
      if let (c, x) = try scaledOperand(v) { return try simplifyProduct(.product(c, try rewrite(.diag(x)))) }
      return e
    case .diagonal(let a):
      if isZero(a) { return .zeros(try shape(a).rows, 1) }
      if let (c, x) = try scaledOperand(a) { return try simplifyProduct(.product(c, try rewrite(.diagonal(x)))) }
      return e
    default:
      return e
    }
  }

  /// `(c, X)` for an operand `c·X`, `X·c`, `X/c` or `−X` (c 1×1, X not): a linear function of it
  /// (`diag`, `diagonal`, `vec`, `sum`, `tr`) takes the 1×1 factor out, `diag(2v)/2 = diag(v)`.
  mutating func scaledOperand(_ a: Expression) throws -> (Expression, Expression)? {
    switch a {
    case .negate(let x) where try !shape(x).isScalar:
      return (.constant(-1), x)
    case .product(let s, let x) where try shape(s).isScalar && !shape(x).isScalar:
      return (s, x)
    case .product(let x, let s) where try shape(s).isScalar && !shape(x).isScalar:
      return (s, x)
    case .divide(let x, let s) where try !shape(x).isScalar:
      return (.divide(.constant(1), s), x)
    default:
      return nil
    }
  }
}
