import MatrixCore

/// Long sums simplified in time linear in their terms.
///
/// A sum `t₁ + t₂ + … + tₙ` is a left-nested chain of n − 1 `+`/`−` nodes (its "levels").
/// `pass` simplifies bottom-up, so level by level every prefix sum was simplified on its own:
/// level k collected, merged, ordered and rebuilt k terms, O(n²) for the chain (an 800-term
/// derivative took 42 s). `passSum` gives the same result while visiting each term a bounded
/// number of times, wherever the levels are "plain": no level merges terms, factors a common
/// matrix factor out, takes a common 1×1 factor out, replaces a broadcast `ones`, distributes a
/// transposed sum, has a term of another shape than the sum or a transpose beside its twin, or
/// has 8 terms or fewer (which `simplifySum` may multiply out). Then a level only orders its terms, and the order after every
/// level follows from the order before it (`SumOrder`), so the levels need not be written out.
/// Where a level is not plain it is simplified on its own, as before (`simplifySum`), and the
/// run of plain levels above it starts again from its result.
extension Simplifier {
  /// `pass` of a `+` or `−` node: its chain of levels simplified, plain runs at once.
  mutating func passSum(_ e: Expression) throws -> Expression {
    // The levels, top first: e, its left operand while that is a sum not simplified before, …
    var levels: [Expression] = [e]
    var leaf = e.children[0]
    while leaf.isSum, memo[table.id(leaf)] == nil {
      levels.append(leaf)
      leaf = leaf.children[0]
    }
    return try sumByLevels(levels.reversed(), leaf: leaf, shape: try shape(e), memoize: true) { try $0.pass($1) }
  }

  /// `(a ± b ± …)ᵀ` of a row sum (1×n), the transpose taken term by term (`rewrite`), with the
  /// levels simplified as `simplifySum(rewrite(aᵀ) ± rewrite(bᵀ))` does one by one.
  mutating func transposedRowSum(_ e: Expression) throws -> Expression {
    var levels: [Expression] = [e]
    var leaf = e.children[0]
    while leaf.isSum, case let s = try shape(leaf), s.rows == 1, !s.isScalar {
      levels.append(leaf)
      leaf = leaf.children[0]
    }
    return try sumByLevels(levels.reversed(), leaf: leaf, shape: try shape(e).transposed, memoize: false) {
      try $0.rewrite(.transpose($1))
    }
  }

  /// The sum of the levels (bottom first; each a `+` or `−` node whose left operand is the level
  /// below, the first one's is `leaf`), with `operand` applied to the leaf and to each level's
  /// right operand and each level simplified as `simplifySum` would, plain runs at once.
  private mutating func sumByLevels(
    _ levels: [Expression], leaf: Expression, shape s: Shape, memoize: Bool,
    operand: (inout Simplifier, Expression) throws -> Expression
  ) throws -> Expression {
    var current = try operand(&self, leaf)
    var done = 0
    while done < levels.count {
      let plain =
        levelByLevelSums ? (levels: 0, result: current) : try plainRun(from: current, levels: levels[done...], shape: s, operand: operand)
      if plain.levels > 0 {
        current = plain.result
        done += plain.levels
        if memoize { memo[table.id(levels[done - 1])] = current }
        if done == levels.count { break }
      }
      // The next level is not plain: simplified on its own, as before.
      let level = levels[done]
      let right = try operand(&self, level.children[1])
      rewrites += 1
      current = try simplifySum(level.replacingChildren([current, right]))
      if memoize { memo[table.id(level)] = current }
      done += 1
    }
    return current
  }

  /// The longest run of plain levels on top of `base` (the simplified sum below them), and the
  /// sum after its last level; `levels == 0` when the first is not plain.
  private mutating func plainRun(
    from base: Expression, levels: ArraySlice<Expression>, shape s: Shape,
    operand: (inout Simplifier, Expression) throws -> Expression
  ) throws -> (levels: Int, result: Expression) {
    var order = SumOrder()
    var seen = Set<Int>()
    var lastFactors = Set<Int>()
    var firstFactors = Set<Int>()
    /// Whether the term can join a plain level: of the sum's shape, not `ones` nor a transposed
    /// sum (which `simplifySum` distributes into its terms), with a nonzero
    /// coefficient, not equal to an earlier term (nor its transpose if 1×1 inner product), not
    /// the transpose of an earlier term nor transposed by one, and sharing no last or first
    /// matrix factor with an earlier term (`factorCommon`).
    func admit(_ c: Double, _ t: Expression) throws -> Bool {
      guard c != 0, try shape(t) == s, !t.isTransposedSum else { return false }
      if case .ones = t { return false }
      // Diagonal matrices join (`combinedDiagonals`) and σ(−t) meets a constant 1
      // (`sigmoidComplements`): such levels are simplified on their own.
      if case .diag = t { return false }
      if case .elementwise(.sigmoid, .negate) = t { return false }
      if case .transpose(.elementwise(.sigmoid, .negate)) = t { return false }
      let id = table.id(t)
      guard seen.insert(id).inserted else { return false }
      if let swapped = try swappedInnerProduct(t), let w = table.knownID(swapped), seen.contains(w) {
        return false
      }
      // A transpose whose twin is a term too is ordered beside it (`A + Aᵀ − B`).
      if case .transpose(let u) = t, seen.contains(table.id(u)) { return false }
      if let w = table.knownID(.transpose(t)), seen.contains(w) { return false }
      if case .product(let a, let b) = t, try !shape(a).isScalar, try !shape(b).isScalar {
        guard lastFactors.insert(table.id(b)).inserted, firstFactors.insert(table.id(a)).inserted else {
          return false
        }
      }
      return true
    }
    var first: [(Double, Expression)] = []
    try collectTerms(base, sign: 1, into: &first)
    sumTermsVisited += first.count
    for (c, t) in first where try !admit(c, t) { return (0, base) }
    order.append(contentsOf: first, classes: try first.map { try termClass($0.1) })
    var count = 0
    /// Adds one level's right operand (simplified) if the level is plain.
    func appendLevel(_ b: Expression, sign: Double) throws -> Bool {
      var block: [(Double, Expression)] = []
      try collectTerms(try operand(&self, b), sign: sign, into: &block)
      sumTermsVisited += block.count
      for (c, t) in block where try !admit(c, t) { return false }
      if count == 0 {
        // The first level: nothing common to take out (then no larger sum of these terms has
        // anything common either), and more than 8 terms, the most that `simplifySum` multiplies
        // out (`expandedWithCancellation`) or factors by a common tail (`factoredCommonTail`).
        let terms = order.terms + block
        guard terms.count > 8, try commonScalarFactors(terms) == nil else { return false }
      } else {
        // What `factorCommonScalars` computes for each term at every level (it may count a
        // chain event: see `pass`).
        for (_, t) in block {
          var form = ProductForm()
          try collect(t, into: &form)
          _ = try mergePowers(form.scalars)
        }
      }
      order.append(contentsOf: block, classes: try block.map { try termClass($0.1) })
      order.endLevel()
      return true
    }
    for level in levels {
      let plain: Bool
      switch level {
      case .add(_, let b): plain = try appendLevel(b, sign: 1)
      case .subtract(_, let b): plain = try appendLevel(b, sign: -1)
      default: plain = false
      }
      guard plain else { break }
      count += 1
    }
    guard count > 0 else { return (0, base) }
    return (count, Simplifier.joinedTerms(order.ordered))
  }

  /// A term's place in the order of `simplifySum`: terms without a commutation matrix first,
  /// and within each, terms that are not a transpose first (0 ..< 4).
  mutating func termClass(_ t: Expression) throws -> Int {
    (containsCommutation(t) ? 2 : 0) + (t.isTranspose ? 1 : 0)
  }

  /// The sum of terms `(c, t)` in this order, as `simplifySum` writes it: `a − 2b + c`.
  static func joinedTerms(_ ordered: [(Double, Expression)]) -> Expression {
    func term(_ c: Double, _ t: Expression) -> Expression {
      if case .constant(1) = t { return .constant(Swift.abs(c)) }
      return Swift.abs(c) == 1 ? t : Simplifier.scaled(.constant(Swift.abs(c)), t)
    }
    var result =
      ordered[0].0 < 0
      ? Expression.negate(term(ordered[0].0, ordered[0].1)) : term(ordered[0].0, ordered[0].1)
    for (c, t) in ordered.dropFirst() {
      result = c < 0 ? .subtract(result, term(c, t)) : .add(result, term(c, t))
    }
    return result
  }
}

/// The order of the terms of a sum after each of its levels, as `simplifySum` orders them when
/// it only orders (no terms merged or factored): a stable sort by class (`termClass`), then, if
/// the first term is negative, the first positive term of its commutation kind moved to the
/// front (`a − b`, not `−b + a`).
///
/// Kept without sorting: the level's input is the previous order followed by the new terms,
/// and sorting that by class keeps each class in its order, except that the term moved to the
/// front before goes to the head of its class. That term is always its class's first positive
/// term (the positives of a class never change their order), so each class is its terms in the
/// order they came, with perhaps its first positive term at its head (`moved`). O(1) per term
/// and per level.
struct SumOrder {
  private(set) var terms: [(Double, Expression)] = []
  private var classOf: [Int] = []
  /// Each class's terms in the order they came.
  private var members: [[Int]] = [[], [], [], []]
  /// Each class's first positive term.
  private var firstPositive: [Int?] = [nil, nil, nil, nil]
  /// Whether a class's first positive term stands at its head.
  private var moved = [false, false, false, false]
  /// The term the last level moved to the front.
  private var front: Int?

  mutating func append(contentsOf block: [(Double, Expression)], classes: [Int]) {
    for (term, q) in zip(block, classes) {
      let i = terms.count
      terms.append(term)
      classOf.append(q)
      members[q].append(i)
      if term.0 > 0, firstPositive[q] == nil { firstPositive[q] = i }
    }
  }

  /// One level: the terms sorted by class and the first positive term moved to the front if
  /// the first term is negative.
  mutating func endLevel() {
    if let f = front {
      moved[classOf[f]] = true
      front = nil
    }
    guard let q0 = (0..<4).first(where: { !members[$0].isEmpty }) else { return }
    let head = moved[q0] ? (firstPositive[q0] ?? members[q0][0]) : members[q0][0]
    guard terms[head].0 < 0 else { return }
    // The first positive term of the head's commutation kind, in sorted order.
    if let p = firstPositive[q0] {
      front = p
    } else if q0 % 2 == 0, let p = firstPositive[q0 + 1] {
      front = p
    }
  }

  /// The terms in the order after the last level.
  var ordered: [(Double, Expression)] {
    var result: [(Double, Expression)] = []
    result.reserveCapacity(terms.count)
    if let f = front { result.append(terms[f]) }
    for q in 0..<4 {
      let p = moved[q] ? firstPositive[q] : nil
      if let p, p != front { result.append(terms[p]) }
      for i in members[q] where i != p && i != front { result.append(terms[i]) }
    }
    return result
  }
}
