/// Scalar algebra of the simplifier: 1×1 factors as powers of bases (`x·x = x²`, `s·s⁻¹ = 1`,
/// `A/s = s⁻¹A`), the recognised form `exp(t)/(1 + exp(t)) = sigmoid(t)`, entrywise products as
/// powers of bases (`s ⊙ (p ⊘ s) = p`), common factors of the terms of a sum collected where that
/// shortens it (`2x + 2x·e = 2x(1 + e)`), and the order in which 1×1 factors are written.
///
/// Every rule is an identity where the input is defined; like `s·(A/s) = A`, merging `s·s⁻¹`
/// gives 1 also where s = 0 (the simplified form is defined on a larger set, never different).
extension Simplifier {
  // MARK: Powers of 1×1 factors

  /// `(b, k)` for a 1×1 factor `b^k` with a constant k (nested integer powers multiplied out:
  /// `(b²)⁻¹ = b⁻²`); `(e, 1)` otherwise.
  mutating func powerParts(_ e: Expression) -> (base: Expression, exponent: Double) {
    switch e {
    case .power(let b, .constant(let k)), .elementwisePower(let b, .constant(let k)):
      guard (try? shape(b))?.isScalar == true else { return (e, 1) }
      let (inner, j) = powerParts(b)
      // (b^j)^k = b^(jk) for integer k (for b ≥ 0 also otherwise; not assumed).
      if k == k.rounded() { return (inner, j * k) }
      return j == 1 ? (inner, k) : (b, k)
    default:
      return (e, 1)
    }
  }

  /// A 1×1 base to the power k, as the simplifier writes it: `b` for 1, `b^k` otherwise.
  static func raised(_ base: Expression, _ k: Double) -> Expression {
    k == 1 ? base : .power(base, .constant(k))
  }

  /// The factor d (1×1) of a division `A/d`: numeric factors divide the coefficient, every other
  /// factor of d joins as a reciprocal power.
  mutating func collectReciprocal(_ d: Expression, into form: inout ProductForm) throws {
    var denominator = ProductForm()
    try collectScalar(d, into: &denominator)
    guard denominator.coefficient != 0 else {
      form.scalars.append(.power(d, .constant(-1)))
      return
    }
    form.coefficient /= denominator.coefficient
    for f in denominator.scalars {
      let (b, k) = powerParts(f)
      form.scalars.append(Simplifier.raised(b, -k))
    }
  }

  /// 1×1 factors with equal bases merged (`x·x⁻² = x⁻¹`), exponents that cancel dropped, and
  /// `exp(t)·(1 + exp(t))⁻¹` recognised as `sigmoid(t)`, `(1 + exp(−t))⁻¹` as `sigmoid(t)`.
  mutating func mergePowers(_ scalars: [Expression]) throws -> [Expression] {
    guard scalars.count > 1 || scalars.contains(where: { if case .power = $0 { return true } else { return false } })
    else { return scalars }
    var parts: [(base: Expression, exponent: Double)] = []
    for f in scalars {
      let (b, k) = powerParts(f)
      // A 1×1 product equals its transpose: uᵀv and vᵀu are one base (softmax(z)ᵀy / yᵀsoftmax(z) = 1).
      let flipped = Simplifier.transposedScalarProduct(b)
      if let i = parts.firstIndex(where: { $0.base == b || (flipped != nil && $0.base == flipped) }) {
        parts[i].exponent += k
      } else {
        parts.append((b, k))
      }
    }
    parts.removeAll { $0.exponent == 0 }
    if parts.contains(where: { $0.exponent < 0 && onePlusExp($0.base) != nil }) { chainEvents += 1 }
    recogniseSigmoid(in: &parts)
    return parts.map { Simplifier.raised($0.base, $0.exponent) }
  }

  /// `vᵀu` for the 1×1 product `uᵀv` (and `bᵀaᵀ` for `a b` in general, transposes of transposes
  /// undone): the same number, written the other way round; nil for anything but a product.
  static func transposedScalarProduct(_ e: Expression) -> Expression? {
    guard case .product(let a, let b) = e else { return nil }
    func flip(_ x: Expression) -> Expression {
      if case .transpose(let inner) = x { return inner }
      return .transpose(x)
    }
    return .product(flip(b), flip(a))
  }

  /// `1 + exp(t)` (or `exp(t) + 1`, with a scalar 1 or a matrix of ones): t.
  private func onePlusExp(_ e: Expression) -> Expression? {
    func isOne(_ x: Expression) -> Bool {
      if case .constant(1) = x { return true }
      if case .ones = x { return true }
      return false
    }
    switch e {
    case .add(let a, .elementwise(.exp, let t)) where isOne(a): return t
    case .add(.elementwise(.exp, let t), let b) where isOne(b): return t
    default: return nil
    }
  }

  /// `exp(t)^j·(1 + exp(t))^k` with k < 0 becomes `sigmoid(t)^min(j,−k)` times what is left,
  /// and a remaining `(1 + exp(−u))^k` becomes `sigmoid(u)^−k`: `σ(t) = eᵗ/(1 + eᵗ) = 1/(1 + e⁻ᵗ)`.
  /// Used for 1×1 products and for entrywise products alike.
  func recogniseSigmoid(in parts: inout [(base: Expression, exponent: Double)]) {
    var i = 0
    while i < parts.count {
      guard parts[i].exponent < 0, parts[i].exponent == parts[i].exponent.rounded(),
        let t = onePlusExp(parts[i].base)
      else {
        i += 1
        continue
      }
      var sigmoids: [(Expression, Double)] = []
      if let j = parts.firstIndex(where: { $0.base == .elementwise(.exp, t) && $0.exponent > 0 }),
        parts[j].exponent == parts[j].exponent.rounded()
      {
        let n = min(parts[j].exponent, -parts[i].exponent)
        parts[j].exponent -= n
        parts[i].exponent += n
        sigmoids.append((.sigmoid(t), n))
      }
      if parts[i].exponent < 0, case .negate(let u) = t {
        sigmoids.append((.sigmoid(u), -parts[i].exponent))
        parts[i].exponent = 0
      }
      if sigmoids.isEmpty {
        i += 1
        continue
      }
      for (s, n) in sigmoids {
        if let k = parts.firstIndex(where: { $0.base == s }) { parts[k].exponent += n } else { parts.append((s, n)) }
      }
      parts.removeAll { $0.exponent == 0 }
      i = 0
    }
    mergeSigmoidComplements(&parts)
    writeSigmoidDerivativeAsInTextbooks(&parts)
  }

  /// `σ(−u)` and `1 − σ(u)` are one base (`σ(−u) = 1 − σ(u)`): powers of both are merged into
  /// `1 − σ(u)`, so that `σ(u)(1 − σ(u)) / σ(−u) = σ(u)`.
  func mergeSigmoidComplements(_ parts: inout [(base: Expression, exponent: Double)]) {
    func isComplement(_ b: Expression, of u: Expression) -> Bool {
      guard case .subtract(let one, .elementwise(.sigmoid, let v)) = b, v == u else { return false }
      switch one {
      case .constant(1), .ones: return true
      default: return false
      }
    }
    var changed = false
    for i in parts.indices {
      guard case .elementwise(.sigmoid, .negate(let u)) = parts[i].base, parts[i].exponent != 0,
        let j = parts.firstIndex(where: { isComplement($0.base, of: u) })
      else { continue }
      parts[j].exponent += parts[i].exponent
      parts[i].exponent = 0
      changed = true
    }
    if changed { parts.removeAll { $0.exponent == 0 } }
  }

  /// σ′ as the lecture notes write it, σ(u)(1 − σ(u)): `σ(u)·exp(−u)` is `1 − σ(u)` (the quotient
  /// rule on 1/(1 + e⁻ᵘ) gives σ(u)²exp(−u)), and `σ(−u)` beside `σ(u)` is `1 − σ(u)` (σ(−u) alone,
  /// as in the logistic loss, stays). Integer powers only.
  func writeSigmoidDerivativeAsInTextbooks(_ parts: inout [(base: Expression, exponent: Double)]) {
    func isInteger(_ x: Double) -> Bool { x == x.rounded() }
    let one: Expression = 1
    var changed = false
    for i in parts.indices {
      guard case .elementwise(.sigmoid, let u) = parts[i].base, parts[i].exponent > 0, isInteger(parts[i].exponent)
      else { continue }
      let complement = one - .sigmoid(u)
      if let j = parts.firstIndex(where: { $0.base == .elementwise(.exp, .negate(u)) && $0.exponent > 0 }),
        isInteger(parts[j].exponent)
      {
        let k = min(parts[i].exponent, parts[j].exponent)
        parts[i].exponent -= k
        parts[j].exponent -= k
        parts.append((complement, k))
        changed = true
      } else if let j = parts.firstIndex(where: { $0.base == .elementwise(.sigmoid, .negate(u)) && $0.exponent > 0 }) {
        // After σ(u), as written: σ(u) ⊙ (1 − σ(u)).
        parts.append((complement, parts[j].exponent))
        parts[j].exponent = 0
        changed = true
      }
    }
    guard changed else { return }
    // Equal bases merged again ((1 − σ)·(1 − σ) = (1 − σ)²), zero powers dropped.
    var merged: [(base: Expression, exponent: Double)] = []
    for p in parts where p.exponent != 0 {
      if let k = merged.firstIndex(where: { $0.base == p.base }) { merged[k].exponent += p.exponent } else { merged.append(p) }
    }
    parts = merged
  }

  /// 1×1 factors in the order people write them: names and their powers first (`2x`), then
  /// calls (`sin(u)`), then sums, which need parentheses (`2x·sin(u)·(1 + eˣ)`). Stable.
  mutating func sortedForReading(_ scalars: [Expression]) -> [Expression] {
    func rank(_ base: Expression) -> Int {
      switch base {
      case .variable, .constant: return 0
      case .add, .subtract, .negate: return 2
      default: return 1
      }
    }
    guard scalars.count > 1 else { return scalars }
    let ranks = scalars.map { rank(powerParts($0).base) }
    return scalars.enumerated().sorted { l, r in
      let (a, b) = (ranks[l.offset], ranks[r.offset])
      return a != b ? a < b : l.offset < r.offset
    }.map(\.element)
  }

  // MARK: Entrywise products

  /// An entrywise product (or quotient) of matrices of one shape, as powers of its factors:
  /// `s ⊙ (p ⊘ s) = p`, `A ⊙ A = A.^2`, `ones ⊙ A = A`; signs and 1×1 factors moved out in front
  /// (`(−p) ⊙ q = −(p ⊙ q)`); `exp(t) ⊘ (1 + exp(t)) = sigmoid(t)`.
  mutating func simplifyHadamard(_ e: Expression) throws -> Expression {
    let s = try shape(e)
    var outside = ProductForm()
    var parts: [(base: Expression, exponent: Double)] = []
    func add(_ x: Expression, _ k: Double) {
      if let i = parts.firstIndex(where: { $0.base == x }) { parts[i].exponent += k } else { parts.append((x, k)) }
    }
    func visit(_ x: Expression, _ k: Double) throws {
      switch x {
      case .hadamard(let a, let b) where try shape(a) == s && shape(b) == s:
        try visit(a, k)
        try visit(b, k)
      case .hadamardQuotient(let a, let b) where try shape(a) == s && shape(b) == s:
        try visit(a, k)
        try visit(b, -k)
      case .elementwisePower(let a, .constant(let j)) where j == j.rounded() && k == k.rounded():
        try visit(a, j * k)
      case .negate(let a) where k == k.rounded():
        if Int(k) % 2 != 0 { outside.coefficient = -outside.coefficient }
        try visit(a, k)
      case .ones:
        break
      case .product(let a, let b) where k == 1 || k == -1:
        // A 1×1 factor moves out in front, also from a divisor: `p ⊘ (u/2) = 2(p ⊘ u)`.
        let (sa, sb) = (try shape(a), try shape(b))
        if sa.isScalar && sb == s {
          try k == 1 ? collectScalar(a, into: &outside) : collectReciprocal(a, into: &outside)
          try visit(b, k)
        } else if sb.isScalar && sa == s {
          try k == 1 ? collectScalar(b, into: &outside) : collectReciprocal(b, into: &outside)
          try visit(a, k)
        } else {
          add(x, k)
        }
      case .divide(let a, let d) where try (k == 1 || k == -1) && shape(a) == s:
        try k == 1 ? collectReciprocal(d, into: &outside) : collectScalar(d, into: &outside)
        try visit(a, k)
      default:
        add(x, k)
      }
    }
    try visit(e, 1)
    parts.removeAll { $0.exponent == 0 }
    recogniseSigmoid(in: &parts)
    if parts.contains(where: { isZero($0.base) && $0.exponent > 0 }) || outside.coefficient == 0 { return zero(s) }
    let factors = parts.map { p -> Expression in
      p.exponent == 1 ? p.base : .elementwisePower(p.base, .constant(p.exponent))
    }
    var chain: Expression = factors.isEmpty ? one(s) : factors.dropFirst().reduce(factors[0]) { .hadamard($0, $1) }
    if factors.count == 1, case .elementwisePower = chain { chain = try rewrite(chain) }
    let scale = outside.scalars.reduce(Expression.constant(outside.coefficient)) { .product($0, $1) }
    let result = outside.coefficient == 1 && outside.scalars.isEmpty ? chain : try simplifyProduct(.product(scale, chain))
    // ((1 − y) ⊘ (1 − σ) − y ⊘ σ) ⊙ σ ⊙ (1 − σ) = σ − y: distributed where quotients cancel.
    if let distributed = try distributedWithCancellation(parts, shape: s) {
      let scaled = try simplifyProduct(.product(scale, distributed))
      if plainLength(scaled) < plainLength(result) { return scaled }
    }
    return result
  }

  /// `uᵀ(u.^−1 ⊙ c) = sum(c)` for a column u: the entrywise reciprocal cancels under the inner
  /// product (where u has no zero entry). Nil when the right factor has no `u.^−1`.
  mutating func innerProductWithReciprocal(_ u: Expression, _ h: Expression) throws -> Expression? {
    let su = try shape(u)
    guard su.cols == 1, try shape(h) == su else { return nil }
    var parts: [Expression] = []
    func flatten(_ x: Expression) {
      if case .hadamard(let a, let b) = x {
        flatten(a)
        flatten(b)
      } else {
        parts.append(x)
      }
    }
    flatten(h)
    guard let i = parts.firstIndex(of: .elementwisePower(u, .constant(-1))) else { return nil }
    parts.remove(at: i)
    if parts.isEmpty { return .constant(Double(su.rows)) }
    return .sum(parts.dropFirst().reduce(parts[0]) { .hadamard($0, $1) })
  }

  /// `vᵀu` for the 1×1 inner product `uᵀv` of two columns (or `v'*u` for `u'*v` written with
  /// the transpose on the right factor's side), nil for anything else.
  mutating func swappedInnerProduct(_ t: Expression) throws -> Expression? {
    guard case .product(.transpose(let u), let v) = t, try shape(u).cols == 1, try shape(v) == shape(u) else {
      return nil
    }
    return .product(.transpose(v), u)
  }

  // MARK: Common factors of sums

  /// The terms `c·t` of a sum with their common factors taken out: a common coefficient (all
  /// equal in size, or integers with a common divisor) and common 1×1 factors with the smallest
  /// exponent that all terms have (`2x + 2x·e = 2x(1 + e)`, `x/s² − m/s² = (x − m)/s²`).
  /// Nil when nothing is common.
  mutating func factorCommonScalars(_ terms: [(Double, Expression)]) throws -> Expression? {
    guard terms.count >= 2, let (forms, partsOf, common, shared) = try commonScalarFactors(terms) else { return nil }
    var rest: Expression? = nil
    for (form, parts) in zip(forms, partsOf) {
      var remaining = parts
      for (b, m) in shared {
        if let i = remaining.firstIndex(where: { $0.base == b }) { remaining[i].exponent -= m }
      }
      let factors = remaining.filter { $0.exponent != 0 }.map { Simplifier.raised($0.base, $0.exponent) } + form.chain
      let term = factors.reduce(Expression.constant(form.coefficient / common)) { .product($0, $1) }
      let simplified = try simplifyProduct(term)
      rest = rest.map { .add($0, simplified) } ?? simplified
    }
    guard let sumOfRest = rest else { return nil }
    let factored = shared.map { Simplifier.raised($0.base, $0.exponent) }.reduce(Expression.constant(common)) {
      .product($0, $1)
    }
    return try simplifyProduct(.product(factored, try simplifySum(sumOfRest)))
  }

  /// What `factorCommonScalars` takes out of the terms: each term's product form and its 1×1
  /// factors as powers, the common coefficient and the common 1×1 factors; nil when nothing is
  /// common (then a sum of these terms and more has nothing common either).
  mutating func commonScalarFactors(_ terms: [(Double, Expression)]) throws -> (
    forms: [ProductForm], partsOf: [[(base: Expression, exponent: Double)]], common: Double,
    shared: [(base: Expression, exponent: Double)]
  )? {
    guard terms.count >= 2 else { return nil }
    var forms: [ProductForm] = []
    for (c, t) in terms {
      var f = ProductForm()
      try collect(t, into: &f)
      f.coefficient *= c
      f.scalars = try mergePowers(f.scalars)
      forms.append(f)
    }
    let sizes = forms.map { Swift.abs($0.coefficient) }
    var common = 1.0
    if sizes.allSatisfy({ $0 == sizes[0] }) {
      common = sizes[0]
    } else if sizes.allSatisfy({ $0 == $0.rounded() && $0 < 1e15 }) {
      func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
      common = Double(sizes.map { Int($0) }.reduce(0, gcd))
    }
    if common == 0 { common = 1 }
    // −a − b = −(a + b): a sign that every term has is common too.
    if forms.allSatisfy({ $0.coefficient < 0 }) { common = -common }
    var partsOf: [[(base: Expression, exponent: Double)]] = []
    for f in forms { partsOf.append(f.scalars.map { powerParts($0) }) }
    var shared: [(base: Expression, exponent: Double)] = []
    for (b, k) in partsOf[0] {
      var m = k
      var everywhere = true
      for parts in partsOf.dropFirst() {
        guard let other = parts.first(where: { $0.base == b }), (other.exponent > 0) == (k > 0) else {
          everywhere = false
          break
        }
        m = k > 0 ? Swift.min(m, other.exponent) : Swift.max(m, other.exponent)
      }
      if everywhere { shared.append((b, m)) }
    }
    if shared.isEmpty && common == 1 { return nil }
    return (forms, partsOf, common, shared)
  }
}
