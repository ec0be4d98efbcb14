import Foundation
import MatrixCore
import TestSupport
import Testing

@testable import Jacobians

// Chains J₁·…·J_k: the planner against brute-force enumeration written here independently,
// named cases from the literature, structured cases whose optimum differs from the dense one,
// the cost model against what the product rules do, execution against products by definition,
// and the text forms (parenthesisations, factor specs) with their errors.

// MARK: - Independent helpers

/// Every full parenthesisation of factors i…j (0-based) in the text syntax, by recursion over
/// the last split (Catalan(j-i) of them), with the dense cost m·k·n per product.
private func enumerateDense(_ dims: [Int], _ i: Int, _ j: Int) -> [(text: String, cost: Int)] {
  if i == j { return [("\(i + 1)", 0)] }
  var out: [(text: String, cost: Int)] = []
  for s in i..<j {
    for l in enumerateDense(dims, i, s) {
      for r in enumerateDense(dims, s + 1, j) {
        out.append(("(\(l.text) \(r.text))", l.cost + r.cost + dims[i] * dims[s + 1] * dims[j + 1]))
      }
    }
  }
  return out
}

private func trees(_ k: Int) -> [String] {
  enumerateDense([Int](repeating: 1, count: k + 1), 0, k - 1).map(\.text)
}

private func catalan(_ n: Int) -> Int {
  var c = 1
  for i in 0..<n { c = c * 2 * (2 * i + 1) / (i + 2) }
  return c
}

private func denseChain(_ dims: [Int]) -> [FactorSignature] {
  (0..<(dims.count - 1)).map { FactorSignature.dense(dims[$0], dims[$0 + 1]) }
}

private func plan(_ f: [FactorSignature], _ text: String) throws -> ChainPlan {
  try ChainPlan(factors: f, order: .custom(Parenthesization(parsing: text)))
}

/// A factor for tests: its operator and its dense matrix built by definition.
private indirect enum TestFactor {
  case dense(Int, Int)
  case diag(Int)
  case identity(Int, Double)
  case zero(Int, Int)
  case kron(TestFactor, TestFactor)
  case commutation(Int, Int)

  var rows: Int {
    switch self {
    case .dense(let r, _), .zero(let r, _): return r
    case .diag(let n), .identity(let n, _): return n
    case .kron(let a, let b): return a.rows * b.rows
    case .commutation(let m, let n): return m * n
    }
  }

  var cols: Int {
    switch self {
    case .dense(_, let c), .zero(_, let c): return c
    case .diag(let n), .identity(let n, _): return n
    case .kron(let a, let b): return a.cols * b.cols
    case .commutation(let m, let n): return m * n
    }
  }

  /// (operator, reference) with numbers drawn from `g`.
  func make(_ g: inout SeededGenerator) -> (StructuredMatrix, Matrix) {
    switch self {
    case .dense(let r, let c):
      let m = Matrix.randomNormal(r, c, using: &g)
      return (.dense(m), m)
    case .diag(let n):
      let d = (0..<n).map { _ in g.nextNormal() }
      var m = Matrix.zeros(n, n)
      for i in 0..<n { m[i, i] = d[i] }
      return (.diagonal(d), m)
    case .identity(let n, let s):
      var m = Matrix.zeros(n, n)
      for i in 0..<n { m[i, i] = s }
      return (.identity(n, scale: s), m)
    case .zero(let r, let c):
      return (.zero(r, c), .zeros(r, c))
    case .kron(let a, let b):
      let (x, xr) = a.make(&g)
      let (y, yr) = b.make(&g)
      return (.kronecker(x, y), Reference.kron(xr, yr))
    case .commutation(let m, let n):
      return (.commutation(m, n), Reference.commutation(m, n))
    }
  }
}

/// A random chain of k structured factors whose sizes chain; dims are products of 2 and 3 so
/// that Kronecker and commutation factors fit, and a Kronecker factor often follows one with
/// matching factor sizes (so that the mixed-product rule applies).
private func randomStructuredChain(_ k: Int, seed: UInt64) -> [TestFactor] {
  var g = SeededGenerator(seed: seed)
  func pick<T>(_ xs: [T]) -> T { xs[Int(g.next() % UInt64(xs.count))] }
  let splits: [Int: [(Int, Int)]] = [4: [(2, 2)], 6: [(2, 3), (3, 2)], 8: [(2, 4), (4, 2)], 9: [(3, 3)]]
  var d = pick([4, 6, 8, 9])
  var out: [TestFactor] = []
  var lastKronCols: (Int, Int)? = nil
  for _ in 0..<k {
    let choice = Int(g.next() % 100)
    var f: TestFactor
    if choice < 30 {
      f = .dense(d, pick([4, 6, 8, 9, 1, 2]))
    } else if choice < 45 {
      f = .diag(d)
    } else if choice < 52 {
      f = .identity(d, pick([1.0, 2.5]))
    } else if choice < 56 {
      f = .zero(d, pick([4, 6]))
    } else if choice < 88, let opts = splits[d] {
      let (a, b) = lastKronCols.flatMap { c in g.next() % 3 != 0 ? c : nil } ?? pick(opts)
      let (c1, c2) = (pick([2, 3]), pick([2, 3]))
      let left: TestFactor = g.next() % 4 == 0 ? .identity(a, 1) : .dense(a, c1)
      let lc = left.cols
      let right: TestFactor = g.next() % 4 == 0 ? .diag(b) : .dense(b, c2)
      f = .kron(left, right)
      lastKronCols = (lc, right.cols)
    } else if let opts = splits[d] {
      let (m, n) = pick(opts)
      f = .commutation(m, n)
    } else {
      f = .dense(d, pick([4, 6, 8, 9]))
    }
    if case .kron = f {} else { lastKronCols = nil }
    out.append(f)
    d = f.cols
  }
  return out
}

private func build(_ fs: [TestFactor], seed: UInt64) -> ([StructuredMatrix], [Matrix]) {
  var g = SeededGenerator(seed: seed)
  let made = fs.map { $0.make(&g) }
  return (made.map(\.0), made.map(\.1))
}

private func referenceProduct(_ ms: [Matrix]) -> Matrix {
  ms.dropFirst().reduce(ms[0]) { Reference.product($0, $1) }
}

// MARK: - Planner against enumeration

/// The parent suite, so that `--filter ChainTests` and `--filter Chain` both select every chain test.
@Suite struct ChainTests {}

extension ChainTests {
  @Suite struct ChainPlannerTests {
    @Test func catalanEnumerationCountsTrees() {
      for k in 1...8 { #expect(trees(k).count == catalan(k - 1)) }
      #expect(catalan(7) == 429)
    }

    @Test(arguments: 1...8) func optimalEqualsBruteForceOnRandomDenseChains(k: Int) throws {
      for seed in UInt64(1)...6 {
        var g = SeededGenerator(seed: seed * 100 + UInt64(k))
        let dims = (0...k).map { _ in 1 + Int(g.next() % 40) }
        let all = enumerateDense(dims, 0, k - 1)
        let f = denseChain(dims)
        let best = all.map(\.cost).min()!
        let worst = all.map(\.cost).max()!
        let optimal = try ChainPlan(factors: f, order: .optimal)
        #expect(optimal.multiplyAdds == Double(best), "dims \(dims)")
        #expect(optimal.flops == 2 * Double(best))
        let dear = try ChainPlan(factors: f, order: .custom(Parenthesization.mostExpensive(for: f)))
        #expect(dear.multiplyAdds == Double(worst), "dims \(dims)")
        // The cost model agrees with m·k·n for every tree, and the structured DP with the dense one.
        for t in all { #expect(try plan(f, t.text).multiplyAdds == Double(t.cost), "\(t.text) on \(dims)") }
        let generic = ChainPlanner.structuredTree(f, maximize: false)
        #expect(generic == ChainPlanner.denseTree(dims, maximize: false))
      }
    }

    @Test(arguments: 2...6) func optimalEqualsBruteForceOnRandomStructuredChains(k: Int) throws {
      for seed in UInt64(1)...8 {
        let chain = randomStructuredChain(k, seed: seed * 31 + UInt64(k))
        let (ops, _) = build(chain, seed: seed)
        let f = ops.map(FactorSignature.init)
        let costs = try trees(k).map { try plan(f, $0).cost }
        let optimal = try ChainPlan(factors: f, order: .optimal)
        #expect(optimal.cost == costs.min()!, "chain \(f)")
        let dear = try ChainPlan(factors: f, order: .custom(Parenthesization.mostExpensive(for: f)))
        #expect(dear.cost == costs.max()!, "chain \(f)")
      }
    }

    @Test func leftToRightAndRightToLeftTrees() throws {
      #expect(Parenthesization.leftToRight(4).description == "(((1 2) 3) 4)")
      #expect(Parenthesization.rightToLeft(4).description == "(1 (2 (3 4)))")
      #expect(Parenthesization.leftToRight(1).description == "1")
      let f = denseChain([3, 4, 5, 6])
      #expect(try ChainPlan(factors: f, order: .leftToRight).accumulation == .reverse)
      #expect(try ChainPlan(factors: f, order: .rightToLeft).accumulation == .forward)
      #expect(try plan(f, "((1 2) 3)").accumulation == .reverse)
      #expect(try ChainPlan(factors: denseChain([3, 4, 5]), order: .leftToRight).accumulation == .single)
      #expect(try ChainPlan(factors: denseChain([3, 4]), order: .optimal).accumulation == .none)
      #expect(try plan(denseChain([3, 4, 5, 6, 7]), "((1 2) (3 4))").accumulation == .mixed)
      // Seeds: a row on the left is a VJP seed, a column on the right a JVP seed.
      #expect(
        try ChainPlan(factors: denseChain([1, 4, 5, 6]), order: .leftToRight).adMode.contains("VJP seed"))
      #expect(
        try ChainPlan(factors: denseChain([3, 4, 5, 1]), order: .rightToLeft).adMode.contains("JVP seed"))
    }
  }
}

// MARK: - Named cases

extension ChainTests {
  @Suite struct ChainNamedCaseTests {
    struct Case: Sendable, CustomStringConvertible {
      let dims: [Int]
      let optimal: String
      let cost: Int
      let tie: Bool
      let source: String
      var description: String { source }
    }

    static let cases: [Case] = [
      // The issue and NumPy's multi_dot docs: 10×100·100×5·5×50.
      Case(dims: [10, 100, 5, 50], optimal: "((1 2) 3)", cost: 7500, tie: false, source: "multi_dot docs"),
      // CLRS §15.2: 30×35, 35×15, 15×5, 5×10, 10×20, 20×25 → 15125.
      Case(
        dims: [30, 35, 15, 5, 10, 20, 25], optimal: "((1 (2 3)) ((4 5) 6))", cost: 15125, tie: false,
        source: "CLRS 15.2"),
      // Square chain: every order costs 2n³ and holds 1600 bytes; the tie goes to reverse mode.
      Case(dims: [10, 10, 10, 10], optimal: "((1 2) 3)", cost: 2000, tie: true, source: "square tie"),
      // Tie in cost and peak (82 multiply-adds, 112 bytes) between the mixed ((1 (2 3)) 4) and
      // left to right: reverse mode wins.
      Case(dims: [2, 5, 5, 2, 3], optimal: "(((1 2) 3) 4)", cost: 82, tie: true, source: "reverse beats mixed"),
      // Four orders cost 180; left to right and right to left hold 240 bytes at their peak, the
      // two mixed ones 224: lower peak wins over the plain modes, then the smaller split.
      Case(dims: [3, 4, 6, 4, 3], optimal: "(1 ((2 3) 4))", cost: 180, tie: true, source: "peak beats modes"),
      // A vector on the right: right to left (forward mode) is optimal.
      Case(
        dims: [50, 40, 30, 1], optimal: "(1 (2 3))", cost: 50 * 40 + 40 * 30, tie: false, source: "JVP seed"),
    ]

    @Test(arguments: cases) func namedCase(c: Case) throws {
      let f = denseChain(c.dims)
      let p = try ChainPlan(factors: f, order: .optimal)
      #expect(p.parenthesization.description == c.optimal)
      #expect(p.multiplyAdds == Double(c.cost))
      let costs = enumerateDense(c.dims, 0, c.dims.count - 2).map(\.cost)
      #expect((costs.filter { $0 == c.cost }.count > 1) == c.tie, "tie marking of \(c.source)")
    }

    /// The tie rule against enumeration: the optimum has the least (cost, peak bytes) over every
    /// parenthesisation, and is left to right, else right to left, whenever that one attains it.
    @Test(arguments: 3...6) func tiesGoToLowerPeakThenPlainModes(k: Int) throws {
      var ties = 0
      for seed in UInt64(1)...40 {
        let f: [FactorSignature]
        if seed % 2 == 0 {
          var g = SeededGenerator(seed: seed * 1000 + UInt64(k))
          f = denseChain((0...k).map { _ in 1 + Int(g.next() % 4) })  // small sizes: many ties
        } else {
          f = build(randomStructuredChain(k, seed: seed * 77 + UInt64(k)), seed: seed).0.map(FactorSignature.init)
        }
        let all = try trees(k).map { try plan(f, $0) }
        let least = all.min { ChainReport.cheaper($0, $1) }!
        func attains(_ p: ChainPlan) -> Bool { p.cost == least.cost && p.peakBytes == least.peakBytes }
        if all.filter({ $0.cost == least.cost }).count > 1 { ties += 1 }
        let optimal = try ChainPlan(factors: f, order: .optimal)
        #expect(attains(optimal), "seed \(seed): \(f)")
        let (ltr, rtl) = (try ChainPlan(factors: f, order: .leftToRight), try ChainPlan(factors: f, order: .rightToLeft))
        if attains(ltr) {
          #expect(optimal.parenthesization == ltr.parenthesization, "seed \(seed): \(f)")
        } else if attains(rtl) {
          #expect(optimal.parenthesization == rtl.parenthesization, "seed \(seed): \(f)")
        }
      }
      #expect(ties > 0, "the sample has ties in cost")
    }

    /// `1x4 4x4:diag 4x1`: every order performs 8 multiply-adds; left to right also copies 8
    /// entries (the dense·diagonal rule), so the others are cheaper, and no "1×" is claimed.
    @Test func multiplyAddTieIsReportedWithoutASpeedUp() throws {
      let f = [
        FactorSignature.dense(1, 4), FactorSignature.diagonal(4), FactorSignature.dense(4, 1),
      ]
      let r = try ChainReport(factors: f)
      #expect(r.entries.map(\.plan.multiplyAdds) == [8, 8, 8])
      #expect(r.optimal.plan.parenthesization.description == "(1 (2 3))")
      #expect(r.best.name == "right-to-left")
      let text = r.description
      #expect(!text.contains("1× fewer"))
      #expect(text.contains("Every reported order performs 8 multiply-adds; fewest entries copied: right-to-left = optimal"))
      let square = try ChainReport(factors: denseChain([10, 10, 10, 10])).description
      #expect(square.contains("every reported order costs the same") && !square.contains("1× fewer"))
      // A ratio that would print as 1× is given as a difference.
      let near = try ChainReport(factors: denseChain([1000, 1000, 1000, 1001])).description
      #expect(!near.contains(" 1× fewer"))
      #expect(near.contains("1000000 fewer multiply-adds (2001000000 against 2002000000)"), "\(near)")
    }

    @Test func issueCaseReportsBothOrders() throws {
      let r = try ChainReport(factors: denseChain([10, 100, 5, 50]))
      #expect(r.entries.map(\.name) == ["left-to-right", "right-to-left", "optimal"])
      let (ltr, rtl, opt) = (r.entries[0].plan, r.entries[1].plan, r.entries[2].plan)
      #expect(ltr.multiplyAdds == 7500 && ltr.flops == 15000)
      #expect(rtl.multiplyAdds == 75000)
      #expect(opt.parenthesization.description == "((1 2) 3)")
      #expect(r.speedUp == 10)
      #expect(r.best.name == "left-to-right" && r.worst.name == "right-to-left")
      // Peak bytes: left to right holds J₁J₂ (10×5) and then makes 10×50: 8·(50 + 500).
      #expect(ltr.peakBytes == 8 * (50 + 500))
      // Right to left holds J₂J₃ (100×50) while making 10×50.
      #expect(rtl.peakBytes == 8 * (5000 + 500))
      #expect(ltr.steps.map(\.cost.multiplyAdds) == [5000, 2500])
      #expect(ltr.steps[0].left == 1...1 && ltr.steps[0].right == 2...2 && ltr.steps[1].left == 1...2)
    }
  }
}

// MARK: - Structure changes the optimum

extension ChainTests {
  @Suite struct ChainStructuredOptimumTests {
    /// The optimal tree with structure, and the dense optimum of the same sizes costed with structure.
    func compare(_ f: [FactorSignature]) throws -> (structured: ChainPlan, denseTree: ChainPlan) {
      let dense = try ChainPlan(factors: f.map { .dense($0.rows, $0.cols) }, order: .optimal)
      let s = try ChainPlan(factors: f, order: .optimal)
      return (s, try ChainPlan(factors: f, order: .custom(dense.parenthesization)))
    }

    @Test func diagonalsMultiplyFirst() throws {
      // diag·diag is n multiplications, not n³: (D₁D₂)M wins, the dense optimum is D₁(D₂M).
      let (s, d) = try compare([.diagonal(100), .diagonal(100), .dense(100, 10)])
      #expect(s.parenthesization.description == "((1 2) 3)")
      #expect(d.parenthesization.description == "(1 (2 3))")
      #expect(s.multiplyAdds == 100 + 100 * 10)
      #expect(d.multiplyAdds == 2 * 100 * 10)
      #expect(s.steps[0].result.kind == .diagonal)
    }

    @Test func kroneckerFactorsMultiplyFirst() throws {
      // (A⊗B)(C⊗D) = AC⊗BD costs two 10³ products; then the vec trick on 5 columns.
      let k = FactorSignature.kronecker(.dense(10, 10), .dense(10, 10))
      let (s, d) = try compare([k, k, .dense(100, 5)])
      #expect(s.parenthesization.description == "((1 2) 3)")
      #expect(d.parenthesization.description == "(1 (2 3))")
      #expect(s.steps[0].result == k)
      #expect(s.multiplyAdds == 2 * 1000 + 5 * (1000 + 1000))
      #expect(d.multiplyAdds == 2 * 5 * 2000)
    }

    @Test func bigDiagonalsOnTheRight() throws {
      // A·D·E with D, E big diagonals: dense costing multiplies A in first (2·m·n² against
      // n³ + m·n²); with structure D·E is n multiplications and A(DE) wins.
      let (s, d) = try compare([.dense(10, 1000), .diagonal(1000), .diagonal(1000)])
      #expect(s.parenthesization.description == "(1 (2 3))")
      #expect(d.parenthesization.description == "((1 2) 3)")
      #expect(s.multiplyAdds == 1000 + 10 * 1000)
      #expect(d.multiplyAdds == 2 * 10 * 1000)
    }

    @Test func kroneckerFactorsInTheMiddle() throws {
      // A·(K₁K₂) with K₁K₂ a Kronecker product again (2·10³), then the vec trick on 5 rows, beats
      // (A·K₁)·K₂, which the dense costing prefers.
      let k = FactorSignature.kronecker(.dense(10, 10), .dense(10, 10))
      let (s, d) = try compare([.dense(5, 100), k, k])
      #expect(s.parenthesization.description == "(1 (2 3))")
      #expect(d.parenthesization.description == "((1 2) 3)")
      #expect(s.multiplyAdds == 2000 + 5 * 2000)
      #expect(d.multiplyAdds == 2 * 5 * 2000)
    }

    @Test func commutationsCancel() throws {
      // K(3,4)·K(4,3) = I is free; then I·B is B: no arithmetic and no permutation at all. The
      // dense costing prefers (1 (2 3)) (2·12·12·2 against 12³ + 12·12·2 multiply-adds), which
      // permutes B twice. (B is 12×2 so that the dense costing does not tie: ties now go to
      // reverse mode, which is the structured optimum here.)
      let (s, d) = try compare([.commutation(3, 4), .commutation(4, 3), .dense(12, 2)])
      #expect(s.parenthesization.description == "((1 2) 3)")
      #expect(d.parenthesization.description == "(1 (2 3))")
      #expect(s.cost == .zero)
      #expect(d.cost == ProductCost(multiplyAdds: 0, entriesMoved: 2 * 24))
    }
  }
}

// MARK: - The cost model is what the product rules do

extension ChainTests {
  @Suite struct ChainCostModelTests {
    func pair(_ l: StructuredMatrix, _ r: StructuredMatrix) -> (
      FactorSignature, ProductCost, StructuredMatrix
    ) {
      let (s, c) = FactorSignature.product(FactorSignature(l), FactorSignature(r))
      return (s, c, l * r)
    }

    @Test func denseAndDiagonal() {
      let a = StructuredMatrix.dense(.randomNormal(7, 5, seed: 1))
      let b = StructuredMatrix.dense(.randomNormal(5, 3, seed: 2))
      let d = StructuredMatrix.diagonal((0..<5).map(Double.init))
      var (s, c, x) = pair(a, b)
      #expect(c.multiplyAdds == 7 * 5 * 3 && s.kind == .dense && x.kind == .dense)
      (s, c, x) = pair(a, d)  // dense·diag: m·n
      #expect(c.multiplyAdds == 7 * 5 && s.kind == .dense && x.kind == .dense)
      (s, c, x) = pair(d, b)  // diag·dense: m·n
      #expect(c.multiplyAdds == 5 * 3 && x.kind == .dense)
      (s, c, x) = pair(d, d)  // diag·diag stays diagonal, n multiplications
      #expect(c.multiplyAdds == 5 && s == .diagonal(5) && x.kind == .diagonal)
      #expect(c.flops == 10)
    }

    @Test func identityAndZeroAreFree() {
      let a = StructuredMatrix.dense(.randomNormal(4, 6, seed: 3))
      var (s, c, x) = pair(.identity(4), a)
      #expect(c == .zero && s.kind == .dense && x.kind == .dense)
      (s, c, x) = pair(a, .zero(6, 2))
      #expect(c == .zero && s == .zero(4, 2) && x.kind == .zero)
      // A scaled identity makes a scaled operator, lazily.
      (s, c, x) = pair(.identity(4, scale: 3), a)
      #expect(c == .zero && s.kind == .scaled && x.kind == .scaled)
    }

    @Test func kroneckerRules() throws {
      let a = Matrix.randomNormal(2, 3, seed: 4)
      let b = Matrix.randomNormal(4, 5, seed: 5)
      let c = Matrix.randomNormal(3, 2, seed: 6)
      let d = Matrix.randomNormal(5, 3, seed: 7)
      let ab = StructuredMatrix.kronecker(.dense(a), .dense(b))
      let cd = StructuredMatrix.kronecker(.dense(c), .dense(d))
      // kron·kron with matching factor sizes stays kron: AC (2×2) ⊗ BD (4×3).
      var (s, cost, x) = pair(ab, cd)
      #expect(s == .kronecker(.dense(2, 2), .dense(4, 3)))
      #expect(FactorSignature(x) == s)
      #expect(cost.multiplyAdds == 2 * 3 * 2 + 4 * 5 * 3)
      // Kronecker × dense by the vec trick: per column min(pqn + pnm, qnm + pqm).
      let m = StructuredMatrix.dense(.randomNormal(15, 7, seed: 8))
      (s, cost, x) = pair(ab, m)
      let (mm, n, p, q) = (2.0, 3.0, 4.0, 5.0)
      #expect(cost.multiplyAdds == 7 * min(p * q * n + p * n * mm, q * n * mm + p * q * mm))
      #expect(s.kind == .dense && x.kind == .dense)
      // I ⊗ B times dense: one GEMM per column, p·q·n.
      let ib = StructuredMatrix.kronecker(.identity(3), .dense(b))
      (s, cost, x) = pair(ib, m)
      #expect(cost.multiplyAdds == 7 * 4 * 5 * 3)
      // Mismatched factor sizes: the rule does not apply and the product stays lazy, for free.
      let ba = StructuredMatrix.kronecker(
        .dense(.randomNormal(3, 3, seed: 9)), .dense(.randomNormal(5, 5, seed: 10)))
      let odd = StructuredMatrix.kronecker(
        .dense(.randomNormal(5, 2, seed: 11)), .dense(.randomNormal(3, 4, seed: 12)))
      (s, cost, x) = pair(ba, odd)
      #expect(cost == .zero && s.kind == .product && x.kind == .product && FactorSignature(x) == s)
    }

    @Test func commutationIsAPermutation() {
      let m = StructuredMatrix.dense(.randomNormal(12, 5, seed: 13))
      var (s, c, x) = pair(.commutation(3, 4), m)
      #expect(c.multiplyAdds == 0 && c.entriesMoved == 12 * 5 && s.kind == .dense && x.kind == .dense)
      (s, c, x) = pair(.commutation(3, 4), .commutation(4, 3))
      #expect(c == .zero && s == .identity(12) && x.kind == .identity)
    }

    @Test func lazyProductsAreChargedWhenApplied() {
      // diag · kron: no rule, lazy, free; then lazy · dense applies both factors to the columns.
      let d = StructuredMatrix.diagonal((1...6).map(Double.init))
      let k = StructuredMatrix.kronecker(
        .dense(.randomNormal(2, 2, seed: 14)), .dense(.randomNormal(3, 3, seed: 15)))
      let m = StructuredMatrix.dense(.randomNormal(6, 4, seed: 16))
      let (s1, c1, x1) = pair(d, k)
      #expect(c1 == .zero && s1.kind == .product && x1.kind == .product)
      let (s2, c2, x2) = pair(x1, m)
      let perColumnKron: Double = 30  // min(p·q·n + p·n·m, q·n·m + p·q·m) with m = n = 2, p = q = 3
      #expect(c2.multiplyAdds == 4 * (perColumnKron + 6))
      #expect(s2.kind == .dense && x2.kind == .dense)
      #expect(s1.applicationCost(columns: 4) == c2)
    }
  }
}

// MARK: - Execution

extension ChainTests {
  @Suite struct ChainExecutionTests {
    @Test(arguments: 1...6) func everyPlanEqualsTheDenseProduct(k: Int) throws {
      for seed in UInt64(1)...5 {
        let spec = randomStructuredChain(k, seed: seed * 7 + UInt64(k))
        let (ops, refs) = build(spec, seed: seed)
        let chain = try JacobianChain(ops)
        let expected = referenceProduct(refs)
        var orders: [ChainOrder] = [.leftToRight, .rightToLeft, .optimal]
        if k <= 5 { orders += try trees(k).map { .custom(try Parenthesization(parsing: $0)) } }
        for order in orders {
          let p = try chain.plan(order)
          let result = try chain.evaluate(p)
          #expect(result.rows == expected.rows && result.cols == expected.cols)
          let err = Reference.relativeError(try result.materialized(), expected)
          #expect(err <= 1e-10, "order \(p.parenthesization) of \(chain.signatures): error \(err)")
          // The structure predicted is the structure executed.
          #expect(FactorSignature(result) == p.result, "order \(p.parenthesization) of \(chain.signatures)")
        }
      }
    }

    @Test func denseChainAllOrders() throws {
      let dims = [7, 3, 9, 2, 6, 5]
      let mats = (0..<5).map { Matrix.randomNormal(dims[$0], dims[$0 + 1], seed: UInt64(20 + $0)) }
      let chain = try JacobianChain(mats.map { StructuredMatrix.dense($0) })
      let expected = referenceProduct(mats)
      for t in trees(5) {
        let r = try chain.evaluate(.custom(try Parenthesization(parsing: t)))
        #expect(Reference.relativeError(try r.materialized(), expected) <= 1e-10)
      }
    }

    @Test func structuredResultsStayStructured() throws {
      let chain = try JacobianChain([.diagonal([1, 2, 3]), .identity(3, scale: 2), .diagonal([4, 5, 6])])
      for order in ChainReport.standardOrders {
        let r = try chain.evaluate(order)
        #expect(r.kind == .diagonal)
        #expect(r.diagonalEntries == [8, 20, 36])
      }
      let a = Matrix.randomNormal(2, 2, seed: 30)
      let k = StructuredMatrix.kronecker(.dense(a), .dense(a))
      #expect(try JacobianChain([k, k, k]).evaluate(.optimal).kind == .kronecker)
    }

    @Test func jacobianShapesAndMeasurement() throws {
      let x = Matrix.randomNormal(3, 2, seed: 31)
      let j1 = try Jacobian.linear(left: .randomNormal(4, 3, seed: 32), right: .identity(2))  // F = A·Y
      let j2 = Jacobian.gram(x)  // Y = XᵀX is 2×2 … shapes differ from j1's input 3×2
      #expect(throws: ChainError.self) { try JacobianChain([j1, j2]) }
      // Sizes agree (6) but shapes do not: F takes a 3×2 Y, Xᵀ of a 3×2 X is 2×3.
      #expect(throws: ChainError.shapesDoNotChain(factor: 1, input: Shape(3, 2), nextOutput: Shape(2, 3))) {
        try JacobianChain([j1, Jacobian.transpose(of: Shape(3, 2))])
      }
      let j3 = Jacobian.transpose(of: Shape(2, 3))  // Y = Xᵀ, 3×2 of a 2×3
      let chain = try JacobianChain([j1, j3])
      let j = try chain.jacobian()
      #expect(j.outputShape == Shape(4, 2) && j.inputShape == Shape(2, 3))
      let t = try chain.measure(try chain.plan(.optimal), ChainMeasurement(warmup: 1, repeats: 3))
      #expect(t.runs.count == 3 && t.median >= 0)
      let r = try chain.measuredReport(ChainReport.standardOrders, ChainMeasurement(warmup: 0, repeats: 1))
      #expect(r.entries.allSatisfy { $0.seconds != nil })
      #expect(r.description.contains("seconds"))
      #expect(throws: ChainError.self) {
        try chain.measure(try chain.plan(.optimal), ChainMeasurement(repeats: 0))
      }
    }

    @Test func hugeSizesPlanWithoutTrapsAndAreNotMeasured() throws {
      let f: [FactorSignature] = [.dense(1_000_000_000, 1_000_000_000), .dense(1_000_000_000, 1)]
      let r = try ChainReport(factors: f)
      #expect(r.optimal.plan.multiplyAdds == 1e18)
      #expect(throws: ChainError.self) { try JacobianChain(random: f) }
      let chain = try JacobianChain(random: [.dense(300, 300), .dense(300, 300), .dense(300, 1)])
      let ltr = try chain.plan(.leftToRight)
      #expect(ltr.peakBytes == 8 * (90_000 + 300))
      #expect(throws: ChainError.self) {
        try chain.measure(ltr, ChainMeasurement(limitBytes: 100_000))
      }
      #expect(
        try chain.measure(chain.plan(.rightToLeft), ChainMeasurement(repeats: 1, limitBytes: 100_000)).runs
          .count == 1)
    }

    @Test func randomChainFromSignatures() throws {
      let sigs = [try FactorSignature(spec: "6x6:kron(2x3,3x2)"), .diagonal(6), .dense(6, 4)]
      let chain = try JacobianChain(random: sigs, seed: 3)
      #expect(chain.signatures == sigs)
      let again = try JacobianChain(random: sigs, seed: 3)
      #expect(try chain.evaluate(.optimal).materialized() == again.evaluate(.optimal).materialized())
    }

    @Test func planForAnotherChainIsRefused() throws {
      let chain = try JacobianChain([
        .dense(.randomNormal(2, 3, seed: 1)), .dense(.randomNormal(3, 4, seed: 2)),
      ])
      let other = try ChainPlan(factors: denseChain([2, 5, 4]), order: .optimal)
      #expect(throws: ChainError.planMismatch("the plan has factor 1 as 2×5 but this chain has 2×3")) {
        try chain.evaluate(other)
      }
    }
  }
}

// MARK: - Errors and text forms

extension ChainTests {
  @Suite struct ChainErrorTests {
    @Test func factorsThatDoNotChain() throws {
      let f: [FactorSignature] = [.dense(2, 5), .dense(5, 3), .dense(4, 7)]
      let e = ChainError.sizesDoNotChain(factor: 2, lhs: Shape(5, 3), rhs: Shape(4, 7))
      #expect(throws: e) { try ChainPlan(factors: f, order: .optimal) }
      #expect(e.description == "factor 2 is 5×3 but factor 3 is 4×7: 3 ≠ 4")
      #expect(throws: ChainError.empty) { try ChainPlan(factors: [], order: .optimal) }
      #expect(throws: ChainError.self) {
        try JacobianChain([.dense(.randomNormal(2, 3, seed: 1)), .dense(.randomNormal(2, 3, seed: 2))])
      }
      #expect(throws: ChainError.nonPositiveSize(factor: 1, shape: Shape(0, 3))) {
        try ChainPlan(factors: [.dense(0, 3)], order: .leftToRight)
      }
      let p = try Parenthesization(parsing: "((1 2) 3)")
      #expect(throws: ChainError.factorCountMismatch(parenthesization: 3, chain: 2)) {
        try ChainPlan(factors: denseChain([2, 3, 4]), order: .custom(p))
      }
      #expect(
        ChainError.factorCountMismatch(parenthesization: 3, chain: 2).description
          == "the parenthesisation has 3 factors but the chain has 2")
    }
  }
}

extension ChainTests {
  @Suite struct ChainParenthesizationTests {
    @Test func roundTrip() throws {
      for k in 1...6 {
        for t in trees(k) {
          let p = try Parenthesization(parsing: t)
          #expect(p.description == t)
          #expect(p.factorCount == k)
          #expect(try Parenthesization(p.root) == p)
        }
      }
      #expect(try Parenthesization(parsing: "  ((1 2)3) ").description == "((1 2) 3)")
      #expect(try Parenthesization(parsing: "(\n1\t(2 3))").description == "(1 (2 3))")
    }

    @Test(arguments: [
      ("", 0, "empty"),
      ("((1 2) 3", 8, "never closed"),
      ("(1 2 3)", 5, "two parts"),
      ("(1)", 2, "one part"),
      ("(1 3)", 3, "factor 3 appears where factor 2 was expected"),
      ("(2 1)", 1, "factor 2 appears where factor 1 was expected"),
      ("((1 2) 3))", 9, "closes no group"),
      ("(1 a)", 3, "unexpected ‘a’"),
      ("0", 0, "start at 1"),
      ("(1, 2)", 2, "unexpected ‘,’"),
      ("()", 1, "before this ‘)’"),
      ("(1 2) 3", 6, "after the end"),
      ("99999999999999999999", 0, "too large"),
    ])
    func malformed(text: String, offset: Int, phrase: String) {
      do {
        _ = try Parenthesization(parsing: text)
        Issue.record("“\(text)” parsed")
      } catch let e as ChainError {
        guard case let .parse(t, o, reason) = e else {
          Issue.record("wrong error \(e)")
          return
        }
        #expect(t == text)
        #expect(o == offset, "offset for “\(text)”: \(e)")
        #expect(reason.contains(phrase), "\(e)")
        #expect(e.caretDiagram?.hasSuffix(String(repeating: " ", count: o) + "^") == true)
      } catch {
        Issue.record("unexpected \(error)")
      }
    }

    @Test func treeOutOfOrderIsRefused() {
      #expect(throws: ChainError.self) { try Parenthesization(.product(.factor(2), .factor(1))) }
    }

    @Test func deepNestingIsRefusedNotTrapped() throws {
      try LargeStack.run { () throws -> Void in
        let deep = String(repeating: "(", count: 20_000) + "1"
        #expect(throws: ChainError.self) { try Parenthesization(parsing: deep) }
        // The deepest accepted: a fully skewed chain of the longest length.
        let skewed = Parenthesization.leftToRight(Parenthesization.maximumDepth + 1)
        #expect(try Parenthesization(parsing: skewed.description) == skewed)
        let tooDeep = Parenthesization.leftToRight(Parenthesization.maximumDepth + 2).description
        #expect(throws: ChainError.self) { try Parenthesization(parsing: tooDeep) }
      }
    }
  }
}

extension ChainTests {
  @Suite struct ChainFactorSpecTests {
    @Test func validSpecs() throws {
      #expect(try FactorSignature(spec: "100x50") == .dense(100, 50))
      #expect(try FactorSignature(spec: "5x5:diag") == .diagonal(5))
      #expect(try FactorSignature(spec: "5×5:identity") == .identity(5))
      #expect(try FactorSignature(spec: "3x4:zero") == .zero(3, 4))
      let k = try FactorSignature(spec: "6x6:kron(2x3,3x2)")
      #expect(k == .kronecker(.dense(2, 3), .dense(3, 2)))
      #expect(k.kind == .kronecker)
      #expect(
        try FactorSignature(spec: "12x8: kron( 4x4:identity , 3x2 )")
          == .kronecker(.identity(4), .dense(3, 2)))
      for s in [
        "100x50", "5x5:diag", "5x5:identity", "3x4:zero", "6x6:kron(2x3,3x2)", "12x8:kron(4x4:identity,3x2)",
      ] {
        #expect(try FactorSignature(spec: s).specText == s)
      }
      #expect(try FactorSignature(spec: "6x6:kron(2x2:identity,3x3:identity)") == .identity(6))
    }

    @Test(arguments: [
      ("10", "write RxC"),
      ("x5", "write RxC"),
      ("10x", "write RxC"),
      ("0x5", "at least 1"),
      ("5x3:diag", "diagonal but 5×3"),
      ("5x4:identity", "must be square"),
      ("4x4:sym", "unknown structure “sym”"),
      ("4x4:", "nothing after"),
      ("6x5:kron(2x3,3x2)", "make 6×6"),
      ("6x6:kron(2x3)", "separated by a comma"),
      ("6x6:kron 2x3,3x2", "in parentheses"),
      ("6x6:kron(2x3,3x2", "‘)’"),
      ("5x5 extra", "unexpected text"),
      ("99999999999999999999x2", "too large"),
      ("4294967296x4294967296", "too large"),
    ])
    func invalidSpecs(text: String, phrase: String) {
      do {
        _ = try FactorSignature(spec: text)
        Issue.record("“\(text)” parsed")
      } catch let e as ChainError {
        #expect(e.description.hasPrefix("factor “\(text)” "), "\(e)")
        #expect(e.description.contains(phrase), "\(e)")
      } catch {
        Issue.record("unexpected \(error)")
      }
    }
  }
}

extension ChainTests {
  @Suite struct ChainReportTests {
    @Test func textAndJSON() throws {
      let f = [try FactorSignature(spec: "10x100"), .dense(100, 5), .dense(5, 50)]
      let r = try ChainReport(
        factors: f, orders: [.leftToRight, .rightToLeft, .optimal, .custom(try .init(parsing: "(1 (2 3))"))])
      let text = r.description
      #expect(text.contains("order"))
      #expect(text.contains("parenthesization"))
      #expect(text.contains("((1 2) 3)"))
      #expect(text.contains("75000"))
      #expect(text.contains("FLOPs = 2 × multiply-adds"))
      #expect(text.contains("reverse accumulation"))
      #expect(text.contains("10× fewer multiply-adds"))
      let json = try #require(
        JSONSerialization.jsonObject(with: try JSONEncoder().encode(r)) as? [String: Any])
      let factors = try #require(json["factors"] as? [[String: Any]])
      #expect(factors.count == 3)
      #expect(factors[0]["rows"] as? Int == 10 && factors[0]["cols"] as? Int == 100)
      #expect(factors[0]["structure"] as? String == "dense")
      let orders = try #require(json["orders"] as? [[String: Any]])
      #expect(
        orders.map { $0["name"] as? String } == ["left-to-right", "right-to-left", "optimal", "custom"])
      #expect(orders[0]["parenthesization"] as? String == "((1 2) 3)")
      #expect(orders[0]["multiplyAdds"] as? Double == 7500)
      #expect(orders[1]["peakBytes"] as? Double == 44000)
      #expect(orders.allSatisfy { $0["seconds"] == nil })
      #expect(json["optimal"] as? String == "((1 2) 3)")
      let structured = try ChainReport(factors: [.diagonal(4), .diagonal(4)])
      #expect(structured.description.contains("stays structured"))
      let kr = try ChainReport(factors: [try FactorSignature(spec: "6x6:kron(2x3,3x2)")])
      let kjson = try #require(
        JSONSerialization.jsonObject(with: try JSONEncoder().encode(kr)) as? [String: Any])
      #expect((kjson["factors"] as? [[String: Any]])?.first?["structure"] as? String == "kron(2x3,3x2)")
    }

    /// The one record: JSON through `JSONEncoder` decodes back to the same record, and every
    /// number in the text has at most 15 significant digits (counted on the JSON text).
    @Test func recordRoundTripsWithFifteenDigits() throws {
      // Counts above 2⁵³ (not exact in a Double) and measured seconds such as 1/3.
      var r = try ChainReport(factors: [.dense(1_234_567, 987_654), .dense(987_654, 456_791), .dense(456_791, 3)])
      for i in r.entries.indices { r.entries[i].seconds = Double(i + 1) / 3 }
      let record = r.record
      let json = try record.json()
      let back = try JSONDecoder().decode(ChainReportRecord.self, from: Data(json.utf8))
      #expect(back == record)
      // Independent of the encoder: scan the number tokens of the text.
      var digitsSeen = 0
      for m in json.matches(of: /-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/) {
        let token = String(m.output.0)
        let mantissa = token.split(whereSeparator: { $0 == "e" || $0 == "E" })[0]
        let digits = mantissa.filter(\.isNumber).drop { $0 == "0" }
        let significant = mantissa.contains(".") ? digits.count : digits.reversed().drop { $0 == "0" }.count
        #expect(significant <= 15, "\(token) in \(json)")
        digitsSeen = max(digitsSeen, significant)
      }
      #expect(digitsSeen >= 10, "the sample has long numbers: \(json)")
      // 1/3 rounded to 15 digits, compared as a number.
      let s = try #require(back.orders[0].seconds)
      #expect(abs(s - 1.0 / 3) <= 1e-15)
      // Integral counts below 10¹⁵ print as integers, and the fields of the contract are there.
      let small = try ChainReport(factors: [.dense(10, 100), .dense(100, 5), .dense(5, 50)]).record
      let text = try small.json()
      #expect(text.contains("\"multiplyAdds\":7500,"), "\(text)")
      let obj = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
      #expect(Set(obj.keys).isSuperset(of: ["factors", "orders", "optimal"]))
      #expect(small.text == (try ChainReport(factors: [.dense(10, 100), .dense(100, 5), .dense(5, 50)])).description)
    }
  }
}
