import Jacobians
import MatrixCore

/// The truth of a sum `F = ±F₁ ± F₂ ± …` as the signed sum of its terms' Jacobians, so that the
/// diagnosis evaluates a slip on what the slip changes instead of on the whole derivation.
///
/// The sum is the add, subtract and negate nodes above the terms, all of F's shape (no
/// broadcasting). The Jacobian is linear in each term's, so, exactly:
/// - a slip at a node inside terms re-derives only the terms that contain the node:
///   `J + Σ sₖ·(Jₖ′ − Jₖ)`, sₖ = ±1 the sign of Fₖ in F;
/// - a slip at a node N of the sum itself (a forgotten term, a sign) re-derives N alone, its
///   children's Jacobians being known values: `J + σ·(J_N′ − J_N)`, σ the sign of N in F.
///
/// For an 800-term sum the work of one mutant falls from the whole expression to one term
/// (`DiagnosisSearch.work` counts it). Pairs with a slip on the sum itself, and a node of the
/// sum that occurs twice or also inside a term, are evaluated whole (`Outcome.whole`).
struct TermwiseDerivation {
  enum Child {
    case term(Int)
    case node(Int)
  }

  /// A node of the sum: its sign in F and its children, in `children` order.
  struct SumNode {
    let expression: Expression
    let sign: Double
    let children: [Child]
  }

  /// The Jacobians at one point: each term's, each sum node's, and the whole.
  struct Values {
    var terms: [Matrix]
    var sums: [Int: Matrix]
    var total: Matrix
  }

  enum Outcome {
    /// Not decomposable: evaluate the whole derivation.
    case whole
    /// The mutant (nil when it cannot be evaluated at the point).
    case mutant(Matrix?)
  }

  /// Beyond this many stored entries (one Jacobian per term and per sum node) the derivation is
  /// evaluated whole.
  static let storedEntryLimit = 8_000_000

  let derivative: SymbolicDerivative
  /// Interns F once, so that the mutants' differentiators look its subtrees up in O(1).
  let table: ExpressionTable
  /// The terms Fₖ with their signs in F.
  let terms: [(sign: Double, expression: Expression)]
  /// The sum's nodes by id, and their ids with children before parents.
  let sumNodes: [Int: SumNode]
  let sumOrder: [Int]
  /// The terms that contain each node (by id).
  let termsContaining: [Int: [Int]]
  /// Distinct nodes of each term: the work of deriving it.
  let termSizes: [Int]
  /// Terms and sum nodes whose Jacobian is zero by form (they do not depend on X).
  let zeroTerms: Set<Int>
  let zeroSums: Set<Int>
  /// Sum nodes that occur twice, or also inside a term.
  let sharedSums: Set<Int>

  /// nil when F is not a sum of at least two terms of its own shape, or when storing a Jacobian
  /// per term would exceed `storedEntryLimit`.
  init?(_ derivative: SymbolicDerivative) throws {
    self.derivative = derivative
    let table = ExpressionTable(dims: derivative.dims)
    self.table = table
    let fShape = derivative.outputShape
    var terms: [(sign: Double, expression: Expression)] = []
    var sumNodes: [Int: SumNode] = [:]
    var sumOrder: [Int] = []
    var sumCounts: [Int: Int] = [:]
    var broadcasts = false
    func walk(_ e: Expression, _ sign: Double) -> Child {
      let kids: [(Expression, Double)]
      switch e {
      case .add(let a, let b): kids = [(a, sign), (b, sign)]
      case .subtract(let a, let b): kids = [(a, sign), (b, -sign)]
      case .negate(let a): kids = [(a, -sign)]
      default:
        terms.append((sign, e))
        return .term(terms.count - 1)
      }
      for (k, _) in kids where (try? table.shape(of: k)) != fShape { broadcasts = true }
      let id = table.id(e)
      sumCounts[id, default: 0] += 1
      let children = kids.map { walk($0.0, $0.1) }
      if sumNodes[id] == nil { sumOrder.append(id) }
      sumNodes[id] = SumNode(expression: e, sign: sign, children: children)
      return .node(id)
    }
    _ = walk(derivative.expression, 1)
    let entries = derivative.outputShape.count * derivative.inputShape.count
    guard !broadcasts, terms.count >= 2,
      (terms.count + sumOrder.count).multipliedReportingOverflow(by: entries).partialValue
        <= TermwiseDerivation.storedEntryLimit
    else { return nil }
    // The distinct nodes of each term.
    var containing: [Int: [Int]] = [:]
    var sizes: [Int] = []
    for (k, term) in terms.enumerated() {
      var seen = Set<Int>()
      var stack = [term.expression]
      while let e = stack.popLast() {
        guard seen.insert(table.id(e)).inserted else { continue }
        containing[table.id(e), default: []].append(k)
        stack += e.children
      }
      sizes.append(seen.count)
    }
    // Which Jacobians are zero by form, from one derivation of F.
    var base = try ForwardDifferentiator(variable: derivative.variable, dims: derivative.dims)
    base.memo = JacobianMemo(table: table)
    _ = try base.jacobian(derivative.expression)
    func isZero(_ e: Expression) -> Bool {
      if case .some(.some) = base.memo[e] { return false }
      return true
    }
    self.terms = terms
    self.sumNodes = sumNodes
    self.sumOrder = sumOrder
    termsContaining = containing
    termSizes = sizes
    zeroTerms = Set(terms.indices.filter { isZero(terms[$0].expression) })
    zeroSums = Set(sumOrder.filter { isZero(sumNodes[$0]!.expression) })
    sharedSums = Set(sumOrder.filter { sumCounts[$0]! > 1 || containing[$0] != nil })
  }

  private var entries: Shape { Shape(derivative.outputShape.count, derivative.inputShape.count) }

  private func differentiator(_ slips: [DerivationSlip]) throws -> ForwardDifferentiator {
    var forward = try ForwardDifferentiator(variable: derivative.variable, dims: derivative.dims)
    forward.memo = JacobianMemo(table: table)
    forward.slips = slips.map { ($0.node, $0.transform) }
    return forward
  }

  private func evaluate(_ j: Expression?, _ evaluator: inout StructuredEvaluator) throws -> Matrix? {
    guard let j else { return .zeros(entries.rows, entries.cols) }
    let m = try evaluator.structured(j).materialized()
    return m.shape == entries && m.firstNonFinite == nil ? m : nil
  }

  /// The terms' and the sum nodes' Jacobians at the point of `evaluator` (nil when one cannot
  /// be evaluated there); `work` counts the nodes derived.
  func values(_ evaluator: inout StructuredEvaluator, work: inout Int) throws -> Values? {
    var forward = try differentiator([])
    var termValues: [Matrix] = []
    for (k, term) in terms.enumerated() {
      work += termSizes[k]
      guard let m = try evaluate(forward.jacobian(term.expression), &evaluator) else { return nil }
      termValues.append(m)
    }
    var sums: [Int: Matrix] = [:]
    for id in sumOrder {
      let node = sumNodes[id]!
      let kids = node.children.map { child -> Matrix in
        switch child {
        case .term(let k): return termValues[k]
        case .node(let n): return sums[n]!
        }
      }
      switch node.expression {
      case .add: sums[id] = kids[0] + kids[1]
      case .subtract: sums[id] = kids[0] - kids[1]
      default: sums[id] = kids[0].scaled(by: -1)
      }
    }
    guard let root = sumOrder.last, let total = sums[root] else { return nil }
    return Values(terms: termValues, sums: sums, total: total)
  }

  /// The numerator Jacobian with `slips` at the point of `evaluator` and `values`.
  func mutant(
    _ slips: [DerivationSlip], values v: Values, evaluator: inout StructuredEvaluator, work: inout Int
  ) -> Outcome {
    let ids = slips.map { table.id($0.node) }
    do {
      // Slips inside terms: re-derive the terms that contain them.
      if ids.allSatisfy({ sumNodes[$0] == nil && termsContaining[$0] != nil }) {
        var forward = try differentiator(slips)
        var result = v.total
        for k in Set(ids.flatMap { termsContaining[$0]! }).sorted() {
          work += termSizes[k]
          guard let jk = try evaluate(forward.jacobian(terms[k].expression), &evaluator) else { return .mutant(nil) }
          result.addInPlace(jk, scaledBy: terms[k].sign)
          result.addInPlace(v.terms[k], scaledBy: -terms[k].sign)
        }
        return .mutant(result.firstNonFinite == nil ? result : nil)
      }
      // One slip at a node of the sum: re-derive that node from its children's Jacobians.
      guard slips.count == 1, let node = sumNodes[ids[0]], !sharedSums.contains(ids[0]) else { return .whole }
      var forward = try differentiator(slips)
      var known: [String: Matrix] = [:]
      for (i, (c, child)) in zip(node.expression.children, node.children).enumerated() {
        work += 1
        let zero: Bool
        let value: Matrix
        switch child {
        case .term(let k): (zero, value) = (zeroTerms.contains(k), v.terms[k])
        case .node(let n): (zero, value) = (zeroSums.contains(n), v.sums[n]!)
        }
        if zero {
          forward.memo[c] = .some(nil)
        } else {
          let name = "∂\u{1}\(i)"
          forward.memo[c] = .some(.variable(name))
          known[name] = value
        }
      }
      work += 1
      var local = StructuredEvaluator(values: known, dims: [:])
      guard let changed = try evaluate(forward.jacobian(node.expression), &local) else { return .mutant(nil) }
      var result = v.total
      result.addInPlace(changed, scaledBy: node.sign)
      result.addInPlace(v.sums[ids[0]]!, scaledBy: -node.sign)
      return .mutant(result.firstNonFinite == nil ? result : nil)
    } catch {
      return .whole
    }
  }
}
