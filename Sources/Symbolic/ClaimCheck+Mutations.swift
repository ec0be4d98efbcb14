import MatrixCore

/// One slip a student makes at one rule application of the derivation: the Jacobian of `node`
/// (a sub-expression of F) replaced by `transform` of the right one.
struct DerivationSlip {
  /// The rule application and term it changes; two slips at one site are not combined.
  let site: Int
  let node: Expression
  /// The node's Jacobian with the slip, from the right one (whose children may carry other
  /// slips) and the Jacobians derived so far.
  let transform: (Expression, JacobianMemo) -> Expression?
  /// The diagnosis, rendered when asked: it prints `node`, which for the sums of a long sum is
  /// long, and only the few slips that match or are paired are ever printed.
  var makeDiagnosis: () -> Diagnosis
  var diagnosis: Diagnosis { makeDiagnosis() }
  /// Lower is the more specific explanation, reported first when several match.
  let priority: Int
  /// For a sign slip that loses a minus written in F or in the rule (`−G`, the `−` of `A − B`,
  /// the `−` of d X⁻¹ = −X⁻¹ dX X⁻¹): that minus in words ("the leading minus of F is lost"),
  /// the likely culprit when the whole claim has the wrong sign (`DiagnosisGroup`).
  var minusLost: [Diagnosis.Part]? = nil
  /// Where the slip is, briefly ("sigmoid at X w", "X w"), for the list of equal explanations.
  var place: [Diagnosis.Part] = []

  init(
    site: Int, node: Expression, transform: @escaping (Expression, JacobianMemo) -> Expression?,
    diagnosis: @escaping @autoclosure () -> Diagnosis, priority: Int
  ) {
    self.site = site
    self.node = node
    self.transform = transform
    self.makeDiagnosis = diagnosis
    self.priority = priority
  }
}

/// The slips of a derivation, generated from its rule applications.
///
/// The forward derivation (`ForwardDifferentiator`) builds the Jacobian of each node of F from the
/// Jacobians of its children, as a signed sum of terms `L·∂child` (the product rule gives two, an
/// elementwise function one with `L = diag(f′(·))`, a transpose one with `L = K(m,n)`). For each
/// term of each node the catalogue proposes the slips students make there: leave the term out
/// (a forgotten path, the `+=` of backpropagation), flip its sign, leave out the local factor L
/// (a missing activation derivative or commutation matrix), leave out `∂child` (the chain rule
/// stopped early), swap `K(m,n)` for `K(n,m)`, transpose one Kronecker factor of L, and multiply
/// L and `∂child` in the wrong order. Nothing is keyed to
/// a particular expression: the slips follow from the rules that produced the truth.
struct SlipCatalogue {
  let derivative: SymbolicDerivative
  var slips: [DerivationSlip] = []
  var simplifier: Simplifier

  init(_ derivative: SymbolicDerivative) throws {
    self.derivative = derivative
    simplifier = Simplifier(dims: derivative.dims)
    var base = try ForwardDifferentiator(variable: derivative.variable, dims: derivative.dims)
    _ = try base.jacobian(derivative.expression)
    let memo = base.memo
    func jacobian(_ e: Expression) -> Expression? {
      if case .some(.some(let j)) = memo[e] { return j }
      return nil
    }
    // Unique nodes that depend on X, children before parents.
    var seen = Set<Expression>()
    var nodes: [Expression] = []
    func visit(_ e: Expression) {
      guard !seen.contains(e), jacobian(e) != nil else { return }
      seen.insert(e)
      e.children.forEach(visit)
      if case .variable = e { return }
      nodes.append(e)
    }
    visit(derivative.expression)
    var site = 0
    for node in nodes {
      guard let j = jacobian(node) else { continue }
      let childJacobians = node.children.compactMap { c in jacobian(c).map { (c, $0) } }
      let terms = SlipCatalogue.terms(of: j, stoppingAt: Set(childJacobians.map(\.1)))
      for (index, term) in terms.enumerated() {
        try addSlips(node: node, terms: terms, index: index, term: term, children: childJacobians, site: site)
        site += 1
      }
      addDoubledTermSlips(node: node, terms: terms, site: &site)
      addSwappedFactorSlips(node: node, terms: terms, children: childJacobians, site: &site)
      addConstantSlips(node: node, site: &site)
    }
  }

  /// A signed term of a rule's result: `negative ? −expression : expression`.
  struct Term {
    var negative: Bool
    var expression: Expression
    var signed: Expression { negative ? .negate(expression) : expression }
  }

  /// The signed terms of a rule's result; a child's Jacobian is one term even when it is a sum.
  static func terms(of e: Expression, stoppingAt atoms: Set<Expression>) -> [Term] {
    if atoms.contains(e) { return [Term(negative: false, expression: e)] }
    switch e {
    case .add(let a, let b):
      return terms(of: a, stoppingAt: atoms) + terms(of: b, stoppingAt: atoms)
    case .subtract(let a, let b):
      return terms(of: a, stoppingAt: atoms) + terms(of: b, stoppingAt: atoms).map { Term(negative: !$0.negative, expression: $0.expression) }
    case .negate(let a):
      return terms(of: a, stoppingAt: atoms).map { Term(negative: !$0.negative, expression: $0.expression) }
    default:
      return [Term(negative: false, expression: e)]
    }
  }

  static func sum(_ terms: [Term]) -> Expression? {
    guard let first = terms.first else { return nil }
    return terms.dropFirst().reduce(first.signed) { acc, t in t.negative ? .subtract(acc, t.expression) : .add(acc, t.expression) }
  }

  mutating func display(_ e: Expression) -> Expression { (try? simplifier.simplify(e)) ?? e }

  /// The simplified form of e when it prints in at most 60 characters, for quoting in a
  /// sentence; nil without simplifying when e has more than `SlipCatalogue.quotedNodeLimit`
  /// nodes (the Jacobian of a long partial sum: simplifying and printing each such term would
  /// make the catalogue of an n-term sum cost O(n²) simplifications of long sums).
  mutating func quotable(_ e: Expression) -> Expression? {
    guard SlipCatalogue.nodeCount(of: e, atMost: SlipCatalogue.quotedNodeLimit) else { return nil }
    let shown = display(e)
    return shown.unicodeText.count <= 60 ? shown : nil
  }

  static let quotedNodeLimit = 200

  /// Whether e has at most `limit` nodes (counted as a tree, stopping at the limit).
  static func nodeCount(of e: Expression, atMost limit: Int) -> Bool {
    var count = 0
    var stack = [e]
    while let x = stack.popLast() {
      count += 1
      if count > limit { return false }
      stack += x.children
    }
    return true
  }

  func shape(_ e: Expression) -> Shape? { try? e.shape(in: derivative.dims, maximumEntries: .max) }

  private mutating func addSlips(
    node: Expression, terms: [Term], index: Int, term: Term, children: [(Expression, Expression)], site: Int
  ) throws {
    // The term as L·∂child (L nil: the child's Jacobian itself).
    var child: Expression? = nil
    var local: Expression? = nil
    var childJacobian: Expression? = nil
    for (c, jc) in children {
      if term.expression == jc {
        (child, childJacobian) = (c, jc)
      } else if case .product(let l, let r) = term.expression, r == jc {
        (child, local, childJacobian) = (c, l, jc)
      }
      if child != nil { break }
    }
    let count = terms.count
    /// The slip as an edit of this term (nil: leave it out), applied to the node's Jacobian as
    /// derived, so that slips below this node are kept.
    func replacing(
      _ edit: @escaping (Term, _ local: Expression?, _ childJacobian: Expression?) -> Term?
    ) -> (Expression, JacobianMemo) -> Expression? {
      { r, memo in SlipCatalogue.rewrite(r, node: node, index: index, count: count, memo: memo, edit) }
    }
    /// The slip that puts `local` where the term's local factor L was (L·∂child → local·∂child).
    func withLocal(_ local: Expression) -> (Expression, JacobianMemo) -> Expression? {
      replacing { t, _, j in j.map { Term(negative: t.negative, expression: .product(local, $0)) } }
    }
    /// A transposed factor of L: `mutated` in place of L, said as "the factor F (or both factors
    /// of L) in the derivative of … is (are) transposed: the claim has `shown` in its place".
    func transposedFactor(
      _ lead: String, _ factor: Expression, _ verb: String, _ shown: Expression, _ mutated: Expression
    ) -> DerivationSlip {
      let shownFactor = display(factor.usingAssumptions(derivative.assumptions))
      let shownInPlace = display(shown)
      return DerivationSlip(
        site: site, node: node, transform: withLocal(mutated),
        diagnosis: Diagnosis(
          kind: "transposed-factor", where: node.plainText,
          [
            .words(lead), .math(shownFactor), .words(" in the derivative of "), .math(node),
            .words(" \(verb) transposed: the claim has "), .math(shownInPlace), .words(" in its place"),
          ]),
        priority: 3)
    }
    /// A wrong local derivative: `local` in place of L, said as "the derivative of … is taken as
    /// `written`, reason; it is right".
    func wrongDerivative(
      _ local: Expression, written: Expression, what: [Diagnosis.Part], reason: String, right: [Diagnosis.Part]
    ) -> DerivationSlip {
      let shown = display(written)
      return DerivationSlip(
        site: site, node: node, transform: withLocal(local),
        diagnosis: Diagnosis(
          kind: "wrong-derivative", where: node.plainText,
          what + [.words(" is taken as "), .math(shown), .words(reason + "; it is ")] + right),
        priority: 1)
    }
    let nodeName = SlipCatalogue.functionName(node)
    let shownTerm: [Diagnosis.Part] = quotable(term.signed).map { [.math($0), .words(" ")] } ?? []

    // Leave the term out: a forgotten path.
    if terms.count >= 2 {
      let through: [Diagnosis.Part] = child.map { [.words(" (the path through "), .math($0), .words(")")] } ?? []
      slips.append(
        DerivationSlip(
          site: site, node: node, transform: replacing { _, _, _ in nil },
          diagnosis: Diagnosis(
            kind: "dropped-term", where: node.plainText,
            [.words("the claim misses the term ")] + shownTerm + [.words("of the derivative of "), .math(node)] + through
              + [.words(": each path adds its term (the += of backpropagation), and the claim equals the truth without it")],
            quotesDerivativeTerm: !shownTerm.isEmpty
          ).withBrief(
            [.words("the term of the derivative of "), SlipCatalogue.brief(node)]
              + (child.map { [.words(" through "), SlipCatalogue.brief($0)] } ?? []) + [.words(" left out")]),
          priority: 5))
    }
    // Flip its sign.
    let signParts: [Diagnosis.Part]
    if let (f, argument) = nodeName, terms.count == 1 {
      signParts = [.words("the derivative of \(f) at "), .math(argument), .words(" has the wrong sign")]
    } else if terms.count == 1 {
      signParts = [.words("the derivative of "), .math(node), .words(" has the wrong sign")]
    } else {
      signParts =
        [.words("the term ")] + shownTerm + [.words("of the derivative of "), .math(node)]
        + (child.map { [.words(" through "), .math($0)] } ?? []) + [.words(" has the wrong sign")]
    }
    var signSlip = DerivationSlip(
      site: site, node: node, transform: replacing { t, _, _ in Term(negative: !t.negative, expression: t.expression) },
      diagnosis: Diagnosis(
        kind: "sign", where: node.plainText, signParts,
        quotesDerivativeTerm: terms.count != 1 && !shownTerm.isEmpty),
      priority: nodeName != nil ? 6 : 7)
    signSlip.place =
      nodeName.map { [.words("\($0.0) at "), SlipCatalogue.brief($0.1)] } ?? [SlipCatalogue.brief(node)]
    signSlip.makeDiagnosis = { [signSlip] in
      let d = signSlip.makeDiagnosis()
      if terms.count == 1 { return d.withBrief([.words("the derivative of ")] + signSlip.place + [.words(" with the wrong sign")]) }
      return d.withBrief(
        [.words("the sign of the term of the derivative of "), SlipCatalogue.brief(node)]
          + (child.map { [.words(" through "), SlipCatalogue.brief($0)] } ?? []))
    }
    signSlip.minusLost = minusLost(node: node, negative: term.negative)
    slips.append(signSlip)

    guard let l = local, let c = child, let jc = childJacobian, let ls = shape(l) else { return }
    let lShown = display(l)
    // Leave out the local factor L (possible when it is square or 1×1).
    if ls.isSquare {
      let kind: String
      let parts: [Diagnosis.Part]
      let without: [Diagnosis.Part] = [.words(": the claim equals the truth without "), .math(lShown)]
      if let (f, argument) = nodeName {
        kind = "missing-derivative"
        let mask = f == "relu" ? " (the relu mask)" : ""
        parts = [.words("the derivative of \(f) at "), .math(argument), .words(" is missing\(mask)")] + without
      } else if case .transpose = node {
        kind = "missing-commutation"
        parts = [.words("the commutation matrix of the transpose "), .math(node), .words(" is missing")] + without
      } else {
        kind = "missing-factor"
        parts = [.words("a factor of the derivative of "), .math(node), .words(" is missing")] + without
      }
      slips.append(
        DerivationSlip(
          site: site, node: node, transform: replacing { t, _, j in j.map { Term(negative: t.negative, expression: $0) } },
          diagnosis: Diagnosis(kind: kind, where: node.plainText, parts),
          priority: kind == "missing-factor" ? 8 : (kind == "missing-derivative" ? 1 : 2)))
    }
    // A wrong derivative of an elementwise function: f itself, f′ said in terms of the output
    // but evaluated at the input (1 − a² for tanh, where the textbook's 1 − y² means y = tanh a),
    // or a part of f′ missing (1 − tanh a, σ(a) without 1 − σ(a)).
    if case .elementwise(let f, let a) = node, let sa = shape(a) {
      let right = display(ForwardDifferentiator.derivative(of: f, at: a, shape: sa))
      for wrong in SlipCatalogue.wrongDerivatives(of: f, at: a) {
        let wrongLocal: Expression = sa.isScalar ? wrong.value : .diag(.vec(wrong.value))
        guard shape(wrongLocal) == ls else { continue }
        slips.append(
          wrongDerivative(
            wrongLocal, written: wrong.value, what: [.words("the derivative of \(f.name) at "), .math(a)], reason: wrong.reason,
            right: [.math(right)]))
      }
    }
    // A wrong Jacobian of softmax: taken entrywise (diag(s) alone), its outer product with the
    // wrong sign or written as the inner product sᵀs, or diag(s) left out.
    if case .softmax(let z) = node {
      let sm: Expression = .softmax(z)
      let right = display(.diag(sm) - sm * .transpose(sm))
      let outer = display(sm * .transpose(sm))
      let wrongs: [(Expression, String)] = [
        (.diag(sm), ", as if softmax acted entrywise: the term −" + outer.unicodeText + " is missing"),
        (.diag(sm) + sm * .transpose(sm), ", with the wrong sign on " + outer.unicodeText),
        (.diag(sm) - .transpose(sm) * sm, ", the number sᵀs where the outer product s sᵀ belongs"),
        (-(sm * .transpose(sm)), ", without its term diag(s)"),
      ]
      for (wrongLocal, reason) in wrongs where shape(wrongLocal) == ls {
        slips.append(
          wrongDerivative(
            wrongLocal, written: wrongLocal, what: [.words("the Jacobian of softmax at "), .math(z)], reason: reason,
            right: [.math(right), .words(" with s = softmax("), .math(z), .words(")")]))
      }
    }
    // The chain rule stopped early: L without the derivative of the child (possible when L alone
    // has the term's shape).
    if let js = shape(jc), js.isSquare, !ls.isScalar || js.isScalar {
      let named: [Diagnosis.Part] = quotable(jc).map { [.words(", "), .math($0)] } ?? []
      slips.append(
        DerivationSlip(
          site: site, node: node, transform: replacing { t, l, _ in l.map { Term(negative: t.negative, expression: $0) } },
          diagnosis: Diagnosis(
            kind: "missing-chain", where: node.plainText,
            [.words("the chain rule stops early at "), .math(node), .words(": the claim leaves out the derivative of "), .math(c)]
              + named
          ).withBrief([.words("the chain rule stopped early at "), SlipCatalogue.brief(node)]),
          priority: 3))
    }
    // K(m,n) where K(n,m) belongs.
    for (m, n) in SlipCatalogue.commutations(in: l) where m != n {
      let swapped = SlipCatalogue.replacingCommutation(in: l, m, n)
      slips.append(
        DerivationSlip(
          site: site, node: node,
          transform: withLocal(swapped),
          diagnosis: Diagnosis(
            kind: "swapped-commutation", where: node.plainText,
            [
              .words("in the derivative of "), .math(node), .words(" the claim has "), .math(.commutation(n, m)),
              .words(" where "), .math(.commutation(m, n)), .words(" belongs ("), .math(.commutation(m, n)),
              .words(" turns vec A into vec Aᵀ for A "), .shape(Shape(m, n)), .words(")"),
            ]),
          priority: 2))
    }
    // One Kronecker factor of L transposed.
    if case .kronecker(let p, let q) = l {
      for (factor, isLeft) in [(p, true), (q, false)] {
        guard let fs = shape(factor), fs.isSquare, fs.rows > 1, !SlipCatalogue.isSymmetricByForm(factor) else { continue }
        let toggled = SlipCatalogue.toggledTranspose(factor)
        let mutated: Expression = isLeft ? .kronecker(toggled, q) : .kronecker(p, toggled)
        slips.append(transposedFactor("the factor ", factor, "is", toggled, mutated))
      }
    }
    // Both factors of a Kronecker L transposed (L itself transposed: X⁻¹ ⊗ X⁻ᵀ for X⁻ᵀ ⊗ X⁻¹).
    if case .kronecker(let p, let q) = l,
      [p, q].allSatisfy({ f in shape(f).map { $0.isSquare && $0.rows > 1 } == true && !SlipCatalogue.isSymmetricByForm(f) })
    {
      let mutated: Expression = .kronecker(SlipCatalogue.toggledTranspose(p), SlipCatalogue.toggledTranspose(q))
      slips.append(transposedFactor("both factors of ", l, "are", mutated, mutated))
    }
    // One square factor of a product in L transposed (uᵀWᵀ for uᵀW, also inside a Kronecker
    // factor of L: I₁ ⊗ uᵀWᵀ).
    for (factor, toggled, mutated) in SlipCatalogue.productFactorTogglings(of: l, shape: shape) {
      slips.append(transposedFactor("the factor ", factor, "is", toggled, mutated))
    }
    // L and ∂child multiplied in the wrong order.
    if let js = shape(jc), ls.isSquare, js.isSquare, ls.rows == js.rows, ls.rows > 1 {
      slips.append(
        DerivationSlip(
          site: site, node: node,
          transform: replacing { t, _, j in j.map { Term(negative: t.negative, expression: .product($0, l)) } },
          diagnosis: Diagnosis(
            kind: "swapped-order", where: node.plainText,
            [
              .words("in the derivative of "), .math(node), .words(" the chain is multiplied in the wrong order: "),
              .math(lShown), .words(" belongs left of the derivative of "), .math(c),
            ]),
          priority: 4))
    }
  }

  /// Applies `edit` to term `index` of `r`, the Jacobian of `node` as derived (with the current
  /// Jacobians of its children in `memo`); `r` unchanged when its terms are not those the slip
  /// was made for.
  static func rewrite(
    _ r: Expression, node: Expression, index: Int, count: Int, memo: JacobianMemo,
    _ edit: (Term, Expression?, Expression?) -> Term?
  ) -> Expression? {
    let current: [Expression] = node.children.compactMap { c in
      if case .some(.some(let j)) = memo[c] { return j }
      return nil
    }
    var list = terms(of: r, stoppingAt: Set(current))
    guard list.count == count, index < count else { return r }
    var local: Expression? = nil
    var childJacobian: Expression? = nil
    for jc in current {
      if list[index].expression == jc {
        childJacobian = jc
      } else if case .product(let l, jc) = list[index].expression {
        (local, childJacobian) = (l, jc)
      }
      if childJacobian != nil { break }
    }
    guard let edited = edit(list[index], local, childJacobian) else {
      list.remove(at: index)
      return sum(list)
    }
    list[index] = edited
    return sum(list)
  }
}
