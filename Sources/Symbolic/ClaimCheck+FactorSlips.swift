import MatrixCore

/// Slips of a whole rule application that `addSlips` (one term at a time) does not propose: a
/// constant factor of the rule lost (the exponent a power brings down, the ½ of sqrt′, a constant
/// factor or divisor written in F), and the two terms of a two-term rule made one term twice (the
/// scalar habit d(x²) = 2x dx carried over to matrices, where d(X X) = dX X + X dX).
extension SlipCatalogue {
  /// A sub-expression for a list: itself when it prints short, else its function's name with
  /// `(…)` (`sum(…)`), else itself.
  static func brief(_ e: Expression) -> Diagnosis.Part {
    let text = e.unicodeText
    guard text.count > 40 else { return .math(e) }
    let name = text.prefix { $0.isLetter }
    guard !name.isEmpty, text.dropFirst(name.count).first == "(" else { return .math(e) }
    return .symbol(name + "(…)", latex: "\\operatorname{\(name)}(\\ldots)")
  }

  /// The sign a sign slip at `node` loses, in words, when F or the rule writes it: F's leading
  /// minus, the minus of a negation inside F, the minus before the subtracted operand, the minus
  /// of the rule itself (d X⁻¹, d(1/x)), a negated constant factor (`−yᵀ` in `−yᵀ log(p)`), or a
  /// subtraction `A − b` whose b does not depend on X written the other way round. `negative`:
  /// whether the term the slip flips is subtracted. Nil when no written sign is involved.
  func minusLost(node: Expression, negative: Bool) -> [Diagnosis.Part]? {
    let isF = node == derivative.expression
    let brief = SlipCatalogue.brief
    if negative {
      switch node {
      case .negate:
        if isF { return [.words("the leading minus of F is lost")] }
        return [.words("the minus of "), brief(node), .words(" is lost")]
      case .subtract(_, let b):
        return [.words("the minus before "), brief(b), .words(" in "), brief(node), .words(" is lost")]
      default:
        return [.words("the minus of the derivative of "), brief(node), .words(" is lost")]
      }
    }
    // A one-term rule whose argument is written with a leading minus (exp(−xᵀx)): that minus,
    // lost in the argument's derivative, flips this node's derivative as a whole.
    let dependent = node.children.filter(jacobianDepends)
    if dependent.count == 1, let c = dependent.first, SlipCatalogue.hasLeadingMinus(c), node.children.count == 1 {
      return [.words("the minus of "), brief(c), .words(" is lost")]
    }
    switch node {
    case .subtract(let a, let b) where !jacobianDepends(b):
      return [.words("the subtraction "), brief(node), .words(" is written the other way round ("), .math(b - a), .words(")")]
    case .product(let a, let b), .hadamard(let a, let b), .kronecker(let a, let b), .divide(let a, let b):
      for (o, leftmost) in [(a, true), (b, false)] where !jacobianDepends(o) {
        let written: Bool
        if case .negate = o { written = true } else { written = (o.scalarConstant ?? 0) < 0 }
        guard written else { continue }
        if isF && leftmost { return [.words("the leading minus of F is lost")] }
        return [.words("the minus of "), brief(o), .words(" in "), brief(node), .words(" is lost")]
      }
      return nil
    default:
      return nil
    }
  }

  /// Whether e is written with a leading minus: `−G`, or a product whose first factor is.
  static func hasLeadingMinus(_ e: Expression) -> Bool {
    switch e {
    case .negate: return true
    case .constant(let c): return c < 0
    case .product(let a, _), .hadamard(let a, _), .kronecker(let a, _): return hasLeadingMinus(a)
    default: return false
    }
  }

  /// A constant of the rule at `node` lost: the node's Jacobian scaled by `1/k` where the rule
  /// has a factor k. The sentence names the constant and where it belongs.
  mutating func addConstantSlips(node: Expression, site: inout Int) {
    func constant(_ e: Expression) -> Double? {
      guard let k = e.scalarConstant, k.isFinite, k != 0, abs(k) != 1 else { return nil }
      return k
    }
    let f = ClaimCheck.format
    var found: (scale: Double, parts: [Diagnosis.Part])? = nil
    switch node {
    case .power(let a, let p), .elementwisePower(let a, let p):
      guard let k = constant(p), jacobianDepends(a) else { break }
      found = (
        1 / k,
        [
          .words("the factor \(f(k)) that the exponent brings down in the derivative of "), .math(node),
          .words(" is missing (the derivative of u^\(f(k)) is \(f(k))·u\(k == 2 ? "" : "^" + f(k - 1))): the claim is the truth without it"),
        ]
      )
    case .elementwise(.sqrt, let a):
      found = (
        2,
        [
          .words("the factor 1/2 of the derivative of sqrt at "), .math(a),
          .words(" is missing (sqrt′(u) = 1/(2√u)): the claim is the truth without it"),
        ]
      )
    case .product(let c, _) where constant(c) != nil, .product(_, let c) where constant(c) != nil:
      let k = constant(c)!
      found = (
        1 / k, [.words("the constant factor \(f(k)) of "), SlipCatalogue.brief(node), .words(" is lost: the claim is the truth without it")]
      )
    case .divide(_, let c) where constant(c) != nil:
      let k = constant(c)!
      found = (
        k, [.words("the division by \(f(k)) in "), SlipCatalogue.brief(node), .words(" is lost: the claim is the truth without it")]
      )
    default: break
    }
    guard let (scale, parts) = found else { return }
    let factor: Expression = .constant(scale)
    slips.append(
      DerivationSlip(
        site: site, node: node, transform: { r, _ in .product(factor, r) },
        diagnosis: Diagnosis(kind: "missing-constant", where: node.plainText, parts), priority: 2))
    site += 1
  }

  private func jacobianDepends(_ e: Expression) -> Bool { e.variables.contains(derivative.variable) }

  /// For a rule of two terms (the product rule's dA·B and A·dB, the two paths of a sum): one term
  /// written twice and the other left out, as the scalar rule d(x²) = 2x dx suggests. Only where
  /// the two terms differ (a mutant equal to the truth is dropped by the search). Named before a
  /// transposed factor that gives the same claim (`2Ax` for xᵀAx is the scalar rule, not a
  /// transpose).
  mutating func addDoubledTermSlips(node: Expression, terms: [Term], site: inout Int) {
    guard terms.count == 2, terms[0].expression != terms[1].expression else { return }
    let count = terms.count
    for (kept, lost) in [(0, 1), (1, 0)] {
      guard let keptShown = quotable(terms[kept].signed), let lostShown = quotable(terms[lost].signed) else { continue }
      let reason: String =
        if case .product = node {
          ": for matrices the two terms of the product rule differ (d(A B) = dA B + A dB; the scalar rule d(x²) = 2x dx does not carry over)"
        } else { "" }
      slips.append(
        DerivationSlip(
          site: site, node: node,
          transform: { r, memo in SlipCatalogue.duplicating(r, node: node, kept: kept, lost: lost, count: count, memo: memo) },
          diagnosis: Diagnosis(
            kind: "doubled-term", where: node.plainText,
            [
              .words("in the derivative of "), .math(node), .words(" the claim has the term "), .math(keptShown),
              .words(" twice and leaves out the term "), .math(lostShown), .words(reason),
            ], quotesDerivativeTerm: true
          ).withBrief([.words("one term of the derivative of "), SlipCatalogue.brief(node), .words(" written twice")]),
          priority: 2))
      site += 1
    }
  }

  /// For the product rule of `A ⊙ B`, `diag(vec B)·∂A + diag(vec A)·∂B`: each local factor
  /// paired with the wrong derivative, `diag(vec A)·∂A + diag(vec B)·∂B` (d(u ⊙ v) written
  /// u ⊙ du + v ⊙ dv).
  mutating func addSwappedFactorSlips(node: Expression, terms: [Term], children: [(Expression, Expression)], site: inout Int) {
    guard terms.count == 2, case .hadamard = node else { return }
    var parts: [(local: Expression, child: Expression)] = []
    for t in terms {
      guard case .product(let l, let jc) = t.expression, let c = children.first(where: { $0.1 == jc })?.0 else { return }
      parts.append((l, c))
    }
    guard parts[0].child != parts[1].child, let s0 = shape(parts[0].local), s0 == shape(parts[1].local) else { return }
    let (l0, l1) = (display(parts[0].local), display(parts[1].local))
    slips.append(
      DerivationSlip(
        site: site, node: node,
        transform: { r, memo in SlipCatalogue.swappingLocals(r, node: node, memo: memo) },
        diagnosis: Diagnosis(
          kind: "swapped-factors", where: node.plainText,
          [
            .words("in the derivative of "), .math(node), .words(" each factor multiplies the wrong derivative: the claim has "),
            .math(l1), .words(" with the derivative of "), .math(parts[0].child), .words(" and "), .math(l0),
            .words(" with that of "), .math(parts[1].child), .words("; the product rule pairs each factor with the derivative of the other"),
          ]
        ).withBrief([.words("the factors of the product rule of "), SlipCatalogue.brief(node), .words(" swapped")]),
        priority: 4))
    site += 1
  }

  /// `r` with the local factors of its two terms exchanged; `r` unchanged when its terms are not
  /// two products `L·∂child`.
  static func swappingLocals(_ r: Expression, node: Expression, memo: JacobianMemo) -> Expression? {
    let current: [Expression] = node.children.compactMap { c in
      if case .some(.some(let j)) = memo[c] { return j }
      return nil
    }
    var list = terms(of: r, stoppingAt: Set(current))
    guard list.count == 2, case .product(let l0, let j0) = list[0].expression, case .product(let l1, let j1) = list[1].expression,
      current.contains(j0), current.contains(j1)
    else { return r }
    list[0].expression = .product(l1, j0)
    list[1].expression = .product(l0, j1)
    return sum(list)
  }

  /// `r` (the node's Jacobian as derived, its children's in `memo`) with term `lost` replaced by
  /// a copy of term `kept`; `r` unchanged when its terms are not those the slip was made for.
  static func duplicating(
    _ r: Expression, node: Expression, kept: Int, lost: Int, count: Int, memo: JacobianMemo
  ) -> Expression? {
    let current: [Expression] = node.children.compactMap { c in
      if case .some(.some(let j)) = memo[c] { return j }
      return nil
    }
    var list = terms(of: r, stoppingAt: Set(current))
    guard list.count == count else { return r }
    list[lost] = list[kept]
    return sum(list)
  }
}
