import MatrixCore

/// Algebraic simplification of expressions, shape-aware, bottom-up to a fixed point:
/// identities and zeros removed, numeric constants folded and hoisted, `(A')' = A`,
/// `(A⊗B)' = A'⊗B'`, the mixed product `kron(A,B)*kron(C,D) = kron(A*C,B*D)`, `K(n,m)*K(m,n) = I`,
/// `K(p,m)*kron(A,B)*K(n,q) = kron(B,A)`, `diag(u)*diag(v) = diag(u.*v)`, equal terms merged
/// (`A + A = 2*A`), common factors pulled out of sums (`A*C + B*C = (A+B)*C`); `S' = S` for a
/// symmetric form (`inv(X'*X)' = inv(X'*X)`), `s*(A/s) = A`, `vec(B)'*kron(C,A) = vec(A'*B*C)'`
/// (so the Jacobian of `tr(A*X)` is `vec(A')'`), `ones(1,n)*diag(v) = v'`, and exact constants
/// (`I(1) = 1`, `det(I) = 1`, `logdet(I) = 0`, `X.^0 = ones`, `exp(zeros) = ones`, `abs(-2) = 2`).
///
/// Every rule is an identity of matrix algebra, so the value never changes where the input is
/// defined (`s*(A/s) = A` also where s = 0); the tests check that on random expressions
/// numerically (`DifferentialTests`).
public struct Simplifier {
  let dims: [String: Shape]
  /// Every subtree seen, by id (`ExpressionTable`): shapes and the pass's results are cached per
  /// id, so a lookup costs O(1) instead of hashing the subtree, and a subtree shared in memory
  /// is simplified once.
  let table: ExpressionTable
  var memo: [Int: Expression] = [:]
  /// `present`'s results by id.
  var presented: [Int: Expression] = [:]
  /// Rules that joined or replaced factors of a product (pairwise chain rules, the
  /// Kronecker search, cancelled divisions, a recognised sigmoid): `pass` compares the count
  /// before and after normalizing a chain at its top.
  var chainEvents = 0
  /// Product levels that `passOperand` left to the top of their chain.
  var skippedLevels = 0
  /// `containsCommutation`'s results by id.
  var commutationFlags: [Int: Bool] = [:]
  /// `plainLength`'s results by id.
  var plainLengths: [Int: Int] = [:]
  /// Nodes rewritten by `pass` (each distinct subtree once per pass): the work, counted by tests.
  var rewrites = 0
  /// Sums simplified one level at a time, as before `passSum` (the reference its tests compare
  /// with).
  var levelByLevelSums = false
  /// Terms collected by the simplification of sums (`simplifySum`, `passSum`): the work on long
  /// sums, counted by tests.
  var sumTermsVisited = 0

  public init(dims: [String: Shape]) {
    self.dims = dims
    table = ExpressionTable(dims: dims)
  }

  /// The simplified expression (same shape, same value).
  public mutating func simplify(_ e: Expression) throws -> Expression {
    var current = e
    for _ in 0..<8 {
      let next = try pass(current)
      if table.same(next, current) { break }
      current = next
    }
    return try present(current)
  }

  func shape(_ e: Expression) throws -> Shape { try table.shape(of: e) }

  mutating func pass(_ e: Expression) throws -> Expression {
    let key = table.id(e)
    if let m = memo[key] { return m }
    try Cancellation.checkpoint()
    var result: Expression
    if case .product(let a, let b) = e {
      // The chain normalized once, at its top (see `passOperand`). That gives the result of
      // normalizing level by level whenever no rule joins factors (then each level's chain is
      // its factors as they are, in order). When a rule did fire (`chainEvents`) and a level
      // was skipped, the levels are normalized one by one as before, so that the rules apply
      // in the same order and print the same forms.
      let (events, skippedBefore) = (chainEvents, skippedLevels)
      let flat: Expression = .product(try passOperand(a), try passOperand(b))
      rewrites += 1
      result = try rewrite(flat)
      if skippedLevels != skippedBefore, try chainEvents != events || hasUnitSubchain(flat) {
        rewrites += 1
        result = try rewrite(.product(try pass(a), try pass(b)))
      }
    } else if e.isSum, !levelByLevelSums {
      rewrites += 1
      result = try passSum(e)
    } else {
      let rebuilt = e.replacingChildren(try e.children.map { try pass($0) })
      rewrites += 1
      result = try rewrite(rebuilt)
    }
    memo[key] = result
    return result
  }

  /// An operand of a product, simplified. A matrix product inside a product (it and both its
  /// operands more than 1×1: `collect` flattens exactly those into the enclosing chain) is not
  /// normalized on its own: only its operands are, and the chain is normalized once, at its top
  /// node. Normalizing every level of a right-nested chain `D_L(W_L(D_{L−1}(…)))` rewrote the
  /// whole chain below it at each level (O(L²) new nodes for L levels); this way the chain
  /// costs O(L). A 1×1 product (`uᵀv`) is one scalar factor of its parent, so it is simplified
  /// on its own, as before.
  mutating func passOperand(_ e: Expression) throws -> Expression {
    guard case .product(let a, let b) = e, try !shape(e).isScalar, try !shape(a).isScalar, try !shape(b).isScalar
    else {
      return try pass(e)
    }
    if let done = memo[table.id(e)] { return done }
    skippedLevels += 1
    return .product(try passOperand(a), try passOperand(b))
  }

  /// Whether the chain of e has consecutive factors whose product is 1×1 (a factor with one row
  /// before one with one column): normalized level by level, such a run can become a 1×1
  /// factor of a scaling (`(uᵀv)·wᵀ`), which the rules treat differently from a chain.
  mutating func hasUnitSubchain(_ e: Expression) throws -> Bool {
    var form = ProductForm()
    try collect(e, into: &form)
    var oneRow = false
    for f in form.chain {
      let s = try shape(f)
      if oneRow && s.cols == 1 { return true }
      if s.rows == 1 { oneRow = true }
    }
    return false
  }

  func isZero(_ e: Expression) -> Bool {
    switch e {
    case .zeros: return true
    case .constant(let c): return c == 0
    default: return false
    }
  }

  func zero(_ s: Shape) -> Expression { s.isScalar ? .constant(0) : .zeros(s.rows, s.cols) }

  func one(_ s: Shape) -> Expression { s.isScalar ? .constant(1) : .ones(s.rows, s.cols) }

  /// `f` of a constant argument as a constant, where the result is exact: `f(0)` and `f(1)`
  /// when they are 0 or 1 (`exp(zeros) = ones`, `log(ones) = zeros`, `tanh(0) = 0`), and
  /// `relu`, `abs`, `heaviside`, `sign` of any number (`abs(-2) = 2`). Nil otherwise
  /// (`sigmoid(0)` stays, rather than printing 0.5 where the reader expects the function).
  func foldElementwise(_ f: ElementwiseFunction, _ a: Expression) -> Expression? {
    let exact: Set<ElementwiseFunction> = [.relu, .abs, .heaviside, .sign]
    switch a {
    case .constant(let x):
      guard f.isDefined(at: x) else { return nil }
      let y = f.apply(x)
      return exact.contains(f) || y == 0 || y == 1 ? .constant(y) : nil
    case .zeros(let m, let n), .ones(let m, let n):
      let x: Double = isZero(a) ? 0 : 1
      guard f.isDefined(at: x) else { return nil }
      let y = f.apply(x)
      if y == 0 { return .zeros(m, n) }
      if y == 1 { return .ones(m, n) }
      return nil
    default:
      return nil
    }
  }

  // MARK: Rewrite rules of one node whose children are simplified.

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
      return e
    case .determinant(let a):
      // det of a 1×1 matrix is its entry; det I = 1.
      if case .identity = a { return .constant(1) }
      return try shape(a).isScalar ? a : e
    case .diag(let v):
      if isZero(v) { let n = try shape(v).count; return .zeros(n, n) }
      return e
    case .diagonal(let a):
      if isZero(a) { return .zeros(try shape(a).rows, 1) }
      return e
    default:
      return e
    }
  }

  // MARK: Products

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
    default:
      form.scalars.append(e)
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

  // MARK: Sums

  /// `(c, rest)` when the leftmost factor of a product chain is the constant c.
  func splitCoefficient(_ e: Expression) -> (Double, Expression)? {
    guard case .product(let a, let b) = e else { return nil }
    if case .constant(let c) = a { return (c, b) }
    guard let (c, rest) = splitCoefficient(a) else { return nil }
    return (c, .product(rest, b))
  }

  mutating func collectTerms(_ e: Expression, sign: Double, into terms: inout [(Double, Expression)])
    throws
  {
    switch e {
    case .add(let a, let b):
      try collectTerms(a, sign: sign, into: &terms)
      try collectTerms(b, sign: sign, into: &terms)
    case .subtract(let a, let b):
      try collectTerms(a, sign: sign, into: &terms)
      try collectTerms(b, sign: -sign, into: &terms)
    case .negate(let a):
      try collectTerms(a, sign: -sign, into: &terms)
    default:
      if isZero(e) { return }
      if case .identity(1) = e {
        terms.append((sign, .constant(1)))
        return
      }
      // Split a numeric coefficient off the term (the leftmost factor of a product chain).
      if case .product = e, let (c, x) = splitCoefficient(e) {
        terms.append((sign * c, x))
      } else if case .constant(let c) = e {
        terms.append((sign * c, .constant(1)))
      } else {
        terms.append((sign, e))
      }
    }
  }

  mutating func simplifySum(_ e: Expression) throws -> Expression {
    let s = try shape(e)
    var raw: [(Double, Expression)] = []
    try collectTerms(e, sign: 1, into: &raw)
    sumTermsVisited += raw.count
    // A transposed sum among the terms is distributed, so that its terms can meet the others:
    // AᵀX/t + (XᵀAᵀ/t)ᵀ = (A + Aᵀ)X/t (the gradient of tr(XᵀAX)/tr(XᵀX)).
    if raw.count > 1, raw.contains(where: { $0.1.isTransposedSum }) {
      var distributed: [(Double, Expression)] = []
      for (c, t) in raw {
        guard case .transpose(let inner) = t, t.isTransposedSum else {
          distributed.append((c, t))
          continue
        }
        var parts: [(Double, Expression)] = []
        try collectTerms(inner, sign: c, into: &parts)
        for (k, x) in parts { distributed.append((k, try rewrite(.transpose(x)))) }
      }
      raw = distributed
    }
    // A broadcast constant is a scalar: `ones(n,1) − t` is `1 − t` when another term has the
    // sum's shape (broadcasting expands the 1 to it).
    // (Every `ones(s)` is replaced once one term of the sum's shape is something else: the
    // first replaced one is such a term for the others.)
    if !s.isScalar, raw.contains(where: { if case .ones = $0.1 { return true } else { return false } }) {
      let onesOfSum: Expression = .ones(s.rows, s.cols)
      var other = false
      for (_, t) in raw where t != onesOfSum {
        if try shape(t) == s { other = true; break }
      }
      if other {
        for k in raw.indices where raw[k].1 == onesOfSum { raw[k].1 = .constant(1) }
      }
    }
    // Merge equal terms, keeping first-appearance order; a 1×1 inner product equals its
    // transpose (`uᵀv + vᵀu = 2uᵀv`). Terms are found by id (`ExpressionTable`), O(1) each:
    // the pairwise search made a sum of n terms cost O(n²) comparisons.
    var terms: [(Double, Expression)] = []
    var positions: [Int: Int] = [:]
    for (c, t) in raw {
      let key = table.id(t)
      var k = positions[key]
      if let swapped = try swappedInnerProduct(t), let w = table.knownID(swapped), let j = positions[w] {
        k = Swift.min(k ?? j, j)
      }
      if let k {
        terms[k].0 += c
      } else {
        positions[key] = terms.count
        terms.append((c, t))
      }
    }
    terms.removeAll { $0.0 == 0 }
    let merged = terms
    terms = try factorCommon(terms)
    if terms.isEmpty { return zero(s) }
    if terms.count == 1, terms[0].0 != 1 || terms[0].1 != .constant(1) {
      let single = try simplifyProduct(.product(.constant(terms[0].0), terms[0].1))
      let r = try shape(single)
      return r == s ? single : Expression.expanded(single, from: r, to: s)
    }
    // Terms in order of appearance, except that terms with a commutation matrix come last, as
    // the textbooks write (I ⊗ Xᵀ) + (Xᵀ ⊗ I)K, and transposes after the other terms; a
    // transpose Aᵀ of another term A follows it (A + Aᵀ − B, not A − B + Aᵀ).
    var withCommutation: [Bool] = []
    for (_, t) in terms { withCommutation.append(containsCommutation(t)) }
    var firstPosition: [Int: Int] = [:]
    for (k, (_, t)) in terms.enumerated() where firstPosition[table.id(t)] == nil { firstPosition[table.id(t)] = k }
    let twin: [Int?] = terms.map { term in
      guard case .transpose(let u) = term.1, let known = table.knownID(u) else { return nil }
      return firstPosition[known]
    }
    let sorted = terms.indices.sorted { l, r in
      let (cl, cr) = (withCommutation[l], withCommutation[r])
      if cl != cr { return !cl }
      let (tl, tr) = (terms[l].1.isTranspose && twin[l] == nil, terms[r].1.isTranspose && twin[r] == nil)
      if tl != tr { return !tl }
      let (al, ar) = (twin[l] ?? l, twin[r] ?? r)
      if al != ar { return al < ar }
      return twin[l] == nil && (twin[r] != nil || l < r)
    }
    var ordered = sorted.map { terms[$0] }
    // a − b rather than −b + a: a positive term of the same kind goes first.
    if ordered[0].0 < 0,
      let k = sorted.indices.first(where: {
        ordered[$0].0 > 0 && withCommutation[sorted[$0]] == withCommutation[sorted[0]]
      })
    {
      ordered.insert(ordered.remove(at: k), at: 0)
    }
    func term(_ c: Double, _ t: Expression) -> Expression {
      if case .constant(1) = t { return .constant(abs(c)) }
      return abs(c) == 1 ? t : Simplifier.scaled(.constant(abs(c)), t)
    }
    var result =
      ordered[0].0 < 0
      ? Expression.negate(term(ordered[0].0, ordered[0].1)) : term(ordered[0].0, ordered[0].1)
    for (c, t) in ordered.dropFirst() {
      result = c < 0 ? .subtract(result, term(c, t)) : .add(result, term(c, t))
    }
    if let factored = try factorCommonScalars(terms), plainLength(factored) <= plainLength(result) {
      result = factored
    }
    // y(1 − σ)x − σ(1 − y)x = (y − σ)x: multiplied out when terms cancel and that is shorter.
    if let expanded = try expandedWithCancellation(merged, shape: s), plainLength(expanded) < plainLength(result) {
      result = expanded
    } else if let factored = try factoredCommonTail(merged, shape: s), plainLength(factored) <= plainLength(result) {
      // σ(wᵀx)x − y x = (σ(wᵀx) − y)x.
      result = factored
    }
    // With broadcasting, the terms left after cancelling may be smaller than the sum
    // (`x + 1 - x` is 1 expanded to x's shape): expand them back.
    let r = try shape(result)
    return r == s ? result : Expression.expanded(result, from: r, to: s)
  }

  /// `c*(A*B)` as `(c*A)*B`, recursively: the same value, printed without parentheses.
  static func scaled(_ c: Expression, _ t: Expression) -> Expression {
    if case .product(let a, let b) = t { return .product(scaled(c, a), b) }
    return .product(c, t)
  }

  /// `A*C + B*C = (A+B)*C` and `C*A + C*B = C*(A+B)` for true matrix products with a shared
  /// last (first) factor.
  mutating func factorCommon(_ terms: [(Double, Expression)]) throws -> [(Double, Expression)] {
    guard terms.count >= 2 else { return terms }
    for side in [true, false] {
      // Grouped by the id of the shared factor (hashing the factor itself costs O(its size)).
      var groups: [Int: [Int]] = [:]
      var keys: [(id: Int, factor: Expression)] = []
      for (k, (_, t)) in terms.enumerated() {
        guard case .product(let a, let b) = t, try !shape(a).isScalar, try !shape(b).isScalar else {
          continue
        }
        let factor = side ? b : a
        let id = table.id(factor)
        if groups[id] == nil { keys.append((id, factor)) }
        groups[id, default: []].append(k)
      }
      for (id, key) in keys {
        guard let members = groups[id], members.count >= 2 else { continue }
        var inner: Expression? = nil
        for k in members {
          let (c, t) = terms[k]
          guard case .product(let a, let b) = t else { continue }
          let rest = side ? a : b
          let scaled: Expression = c == 1 ? rest : .product(.constant(c), rest)
          inner = inner.map { .add($0, scaled) } ?? scaled
        }
        guard let sumOfRest = inner else { continue }
        let simplifiedSum = try simplifySum(sumOfRest)
        let combined: Expression = side ? .product(simplifiedSum, key) : .product(key, simplifiedSum)
        let merged = Set(members)
        var out = terms.enumerated().filter { !merged.contains($0.offset) }.map(\.element)
        out.insert((1, try simplifyProduct(combined)), at: members[0])
        return try factorCommon(out)
      }
    }
    return terms
  }
}

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

import Foundation

@inline(__always) func Foundation_pow(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
