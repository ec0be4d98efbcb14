/// Sums: terms collected with their numeric coefficients, equal terms merged, common matrix
/// factors taken out (`A*C + B*C = (A+B)*C`), the terms ordered as the textbooks write them, and
/// the shortest of the factored and multiplied-out forms kept.
extension Simplifier {
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
    terms = try combinedDiagonals(sigmoidComplements(terms))
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
