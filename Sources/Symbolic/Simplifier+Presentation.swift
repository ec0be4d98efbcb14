/// The last step of simplification: the normal form written as people write it.
///
/// Inside the simplifier a product is a coefficient, 1×1 factors with exponents and a chain
/// (`0.5·s⁻¹·x`); `present` writes it as a fraction with exact rational coefficients: `x/(2s)`,
/// `2x/15`, `1/x` (never `x.^-1` or `x^-1` on a 1×1 value), `1./(2sqrt(x))` for an entrywise
/// reciprocal, and a sign on the first factor of the numerator (`-2x/15`, not `-(2x/15)`).
/// Coefficients that are not a ratio of small integers stay decimal. The value is unchanged.
extension Simplifier {
  /// The largest denominator written as a fraction (`x/1000`); beyond it a decimal is clearer.
  static let largestDenominator = 1000

  /// `(p, q)` with `c = p/q` to 12 significant digits and q ≤ `largestDenominator`, for c > 0.
  static func rational(_ c: Double) -> (Int, Int)? {
    guard c > 0, c.isFinite, c < 1e12 else { return nil }
    // Continued fraction convergents.
    var (h0, h1, k0, k1) = (0.0, 1.0, 1.0, 0.0)
    var x = c
    for _ in 0..<24 {
      let a = x.rounded(.down)
      (h0, h1) = (h1, a * h1 + h0)
      (k0, k1) = (k1, a * k1 + k0)
      if k1 > Double(largestDenominator) { return nil }
      if Swift.abs(h1 / k1 - c) <= 1e-12 * c { return (Int(h1), Int(k1)) }
      let f = x - a
      guard f > 0 else { return nil }
      x = 1 / f
    }
    return nil
  }

  /// The tree with every product, quotient and reciprocal written as a fraction.
  /// Memoized by subtree id, so a subtree shared in memory is written once.
  mutating func present(_ e: Expression) throws -> Expression {
    let key = table.id(e)
    if let done = presented[key] { return done }
    let result = try presentNode(e)
    presented[key] = result
    return result
  }

  private mutating func presentNode(_ e: Expression) throws -> Expression {
    switch e {
    case .product, .divide, .negate:
      return try presentProduct(e)
    case .constant(let c) where c != c.rounded():
      return try presentProduct(e)
    case .power(let a, let k):
      if case .constant(let c) = k, c < 0, try shape(a).isScalar { return try presentProduct(e) }
      return .power(try present(a), k)
    case .elementwisePower(let a, let p):
      if case .constant(let k) = p, k < 0, k == k.rounded() { return try presentHadamard(e) }
      return .elementwisePower(try present(a), p)
    case .hadamard, .hadamardQuotient:
      return try shape(e).isScalar ? e.replacingChildren(try e.children.map { try present($0) }) : presentHadamard(e)
    default:
      if e.children.isEmpty { return e }
      return e.replacingChildren(try e.children.map { try present($0) })
    }
  }

  /// A product (scaling, matrix product, division, negation) as `±p·N/(q·D)`.
  private mutating func presentProduct(_ e: Expression) throws -> Expression {
    var form = ProductForm()
    try collect(e, into: &form)
    form.scalars = try mergePowers(form.scalars)
    form.scalars = sortedForReading(form.scalars)
    var numerator: [Expression] = []
    var denominator: [Expression] = []
    for f in form.scalars {
      let (b, k) = powerParts(f)
      if k < 0 {
        denominator.append(try present(Simplifier.raised(b, -k)))
      } else {
        numerator.append(try present(f))
      }
    }
    var chain = form.chain
    if form.coefficient < 0 {
      // −(y − s)ᵀX = (s − y)ᵀX: a negative coefficient is taken into a difference among the
      // matrix factors, when that leaves the difference no longer and not negated itself.
      // Only here, on the final form: inside simplification the sign stays outside, so that
      // the difference still meets its equals (`y(1 − s) − s(1 − y)` cancels).
      if let k = try chain.indices.first(where: { try flippedDifference(chain[$0]) != nil }) {
        chain[k] = try flippedDifference(chain[k])!
        form.coefficient = -form.coefficient
      }
    }
    chain = try chain.map { try present($0) }
    // A lone entrywise quotient takes the 1×1 factors in: `1./(2sqrt(x))`, not `1./sqrt(x)/2`.
    if chain.count == 1, case .hadamardQuotient(let n, let d) = chain[0], try !shape(chain[0]).isScalar {
      var c = form.coefficient
      var bottom = denominator + [d]
      if let (p, q) = Simplifier.rational(Swift.abs(c)), q != 1 {
        c = c < 0 ? -Double(p) : Double(p)
        bottom.insert(.constant(Double(q)), at: 0)
      }
      let top = fraction(c, numerator + (n == .constant(1) ? [] : [n]), [])
      return .hadamardQuotient(top, bottom.dropFirst().reduce(bottom[0]) { .product($0, $1) })
    }
    return fraction(form.coefficient, numerator + chain, denominator)
  }

  /// `±p·N/(q·D)` for the coefficient c = ±p/q: the sign on the first factor of the numerator,
  /// the numerator 1 only when it has no other factor, a decimal when c is not a small ratio.
  private mutating func fraction(_ c: Double, _ numerator: [Expression], _ denominator: [Expression]) -> Expression {
    var top = numerator
    var bottom = denominator
    let size = Swift.abs(c)
    if let (p, q) = Simplifier.rational(size) {
      if p != 1 || top.isEmpty { top.insert(.constant(Double(p)), at: 0) }
      if q != 1 { bottom.insert(.constant(Double(q)), at: 0) }
    } else if size != 1 || top.isEmpty {
      top.insert(.constant(size), at: 0)
    }
    if c < 0 {
      if case .constant(let v) = top[0] { top[0] = .constant(-v) } else { top[0] = .negate(top[0]) }
    }
    // A 1×1 inner product after 1×1 factors joins the chain when nothing but 1×1 factors follows:
    // `2uᵀv`, not `2(uᵀv)` (the running product stays 1×1 after each such factor, so every
    // partial product is well shaped). Before a matrix it stays in parentheses, as a scalar that
    // scales it: `2 (xᵀA x) x`, not `2 xᵀA x x`.
    let scalarFactor = top.map { (try? shape($0))?.isScalar ?? false }
    var n = top[0]
    var scalarSoFar = scalarFactor[0]
    for (k, f) in top.enumerated().dropFirst() {
      if scalarSoFar, case .product = f, scalarFactor[k], scalarFactor[k...].allSatisfy({ $0 }) {
        let parts = chainFactors(f)
        if parts.count > 1 {
          n = parts.reduce(n) { .product($0, $1) }
          continue
        }
      }
      n = .product(n, f)
      scalarSoFar = scalarSoFar && ((try? shape(f))?.isScalar ?? false)
    }
    guard let first = bottom.first else { return n }
    return .divide(n, bottom.dropFirst().reduce(first) { .product($0, $1) })
  }

  /// `b − a` for a factor `a − b` (or `(b − a)ᵀ` for `(a − b)ᵀ`): the negated sum, when it is a
  /// sum of at most 8 terms whose negation starts with a positive term and is no longer. Nil
  /// otherwise (`a + b`, whose negation is `−(a + b)`).
  mutating func flippedDifference(_ f: Expression) throws -> Expression? {
    if case .transpose(let inner) = f {
      guard inner.isSum, let flipped = try flippedDifference(inner) else { return nil }
      return .transpose(flipped)
    }
    guard case .subtract = f else { return nil }
    var spine = f
    var terms = 1
    counting: while terms <= 8 {
      switch spine {
      case .add(let a, _), .subtract(let a, _):
        spine = a
        terms += 1
      default:
        break counting
      }
    }
    guard terms <= 8 else { return nil }
    let negated = try simplifySum(.negate(f))
    if case .negate = negated { return nil }
    if case .product(.constant(let c), _) = negated, c < 0 { return nil }
    guard negated.isSum, plainLength(negated) <= plainLength(f) else { return nil }
    return negated
  }

  /// An entrywise product of one shape as `N ./ D`, with `1./x` for a lone reciprocal.
  private mutating func presentHadamard(_ e: Expression) throws -> Expression {
    var numerator: [Expression] = []
    var denominator: [Expression] = []
    func visit(_ x: Expression, _ k: Double) throws {
      switch x {
      case .hadamard(let a, let b):
        try visit(a, k)
        try visit(b, k)
      case .hadamardQuotient(let a, let b):
        try visit(a, k)
        try visit(b, -k)
      case .elementwisePower(let a, .constant(let j)) where j == j.rounded() && k == k.rounded():
        try visit(a, j * k)
      case .constant(1):
        // (A `ones(m,n)` factor stays: with broadcasting it may set the shape.)
        break
      default:
        if k > 0 {
          numerator.append(try present(k == 1 ? x : .elementwisePower(x, .constant(k))))
        } else {
          denominator.append(try present(k == -1 ? x : .elementwisePower(x, .constant(-k))))
        }
      }
    }
    try visit(e, 1)
    func join(_ xs: [Expression]) -> Expression { xs.dropFirst().reduce(xs[0]) { .hadamard($0, $1) } }
    let top = numerator.isEmpty ? Expression.constant(1) : join(numerator)
    let written = denominator.isEmpty ? top : .hadamardQuotient(top, join(denominator))
    // Broadcasting: the factors written in another order must still make the same shape.
    if try shape(written) != shape(e) { return e.replacingChildren(try e.children.map { try present($0) }) }
    return written
  }
}
