import MatrixCore
import TestSupport
import Testing

@testable import Jacobians

// The work a chain's execution performs, counted by the kernels themselves (`WorkCount`, debug
// builds: GEMM, dscal and daxpy count their calls' sizes in MatrixCore, the diagonal loops count
// their trips), must be the work its plan predicted, for every parenthesisation of random
// structured chains: dense, diagonal, identity, Kronecker, commutation, scaled and sum factors.
// The plan's numbers come from the product rules run on sizes; the count from what BLAS and the
// loops were asked to do. Both figures are exact by design: multiply-adds, and entries moved
// (transposed copies, permutations, view copies: `WorkCount`'s convention; 8 bytes each). The
// plan's `peakBytes` is a model of live intermediates (`ChainPlan`), not a count, and is not
// asserted here. Every product is also checked against the dense product by definition.

/// A factor: its operator and its dense matrix built by definition here.
private struct CountedFactor {
  var op: StructuredMatrix
  var dense: Matrix
  var name: String
}

/// Dims are products of 2 and 3 so that Kronecker and commutation factors fit.
private let splits: [Int: [(Int, Int)]] = [4: [(2, 2)], 6: [(2, 3), (3, 2)], 9: [(3, 3)]]

private func randomFactor(rows d: Int, _ g: inout SeededGenerator) -> CountedFactor {
  func pick<T>(_ xs: [T]) -> T { xs[Int(g.next() % UInt64(xs.count))] }
  func dense(_ r: Int, _ c: Int) -> CountedFactor {
    let m = Matrix.randomNormal(r, c, using: &g)
    return CountedFactor(op: .dense(m), dense: m, name: "\(r)x\(c)")
  }
  func diagonal(_ n: Int) -> CountedFactor {
    let e = (0..<n).map { _ in g.nextNormal() }
    var m = Matrix.zeros(n, n)
    for i in 0..<n { m[i, i] = e[i] }
    return CountedFactor(op: .diagonal(e), dense: m, name: "diag\(n)")
  }
  func identity(_ n: Int, _ s: Double) -> CountedFactor {
    var m = Matrix.zeros(n, n)
    for i in 0..<n { m[i, i] = s }
    return CountedFactor(op: .identity(n, scale: s), dense: m, name: "\(s)I\(n)")
  }
  func kron(_ n: Int, square: Bool = false) -> CountedFactor {
    let (p, q) = pick(splits[n]!)
    let a = g.next() % 3 == 0 ? identity(p, 1) : dense(p, square ? p : pick([2, 3]))
    let b = g.next() % 3 == 0 ? diagonal(q) : dense(q, square ? q : pick([2, 3]))
    return CountedFactor(
      op: .kronecker(a.op, b.op), dense: Reference.kron(a.dense, b.dense), name: "kron(\(a.name),\(b.name))")
  }
  func commutation(_ n: Int) -> CountedFactor {
    let (m, k) = pick(splits[n]!)
    return CountedFactor(op: .commutation(m, k), dense: Reference.commutation(m, k), name: "K(\(m),\(k))")
  }
  func scaled(_ f: CountedFactor, _ s: Double) -> CountedFactor {
    var m = f.dense
    for i in 0..<m.count { m[linear: i] *= s }
    return CountedFactor(op: s * f.op, dense: m, name: "\(s)·\(f.name)")
  }
  func sum(_ f: CountedFactor, _ h: CountedFactor) -> CountedFactor {
    CountedFactor(op: f.op + h.op, dense: Reference.sum(f.dense, h.dense), name: "(\(f.name)+\(h.name))")
  }
  let choice = Int(g.next() % 100)
  switch choice {
  case 0..<22: return dense(d, pick([4, 6, 9]))
  case 22..<34: return diagonal(d)
  case 34..<42: return identity(d, pick([1.0, -1.5]))
  case 42..<64: return kron(d)
  case 64..<74: return commutation(d)
  case 74..<87: return scaled(g.next() % 2 == 0 ? kron(d) : dense(d, pick([4, 6, 9])), pick([2.0, -0.5]))
  default:
    // Sums that stay sums: a Kronecker product plus a diagonal, or plus a commutation.
    return sum(kron(d, square: true), g.next() % 2 == 0 ? diagonal(d) : commutation(d))
  }
}

private func randomChain(_ k: Int, seed: UInt64) -> [CountedFactor] {
  var g = SeededGenerator(seed: seed)
  var d = [4, 6, 9][Int(g.next() % 3)]
  var out: [CountedFactor] = []
  for _ in 0..<k {
    let f = randomFactor(rows: d, &g)
    out.append(f)
    d = f.dense.cols
  }
  return out
}

/// Every full parenthesisation of factors i…j (1-based text), by recursion over the last split.
private func trees(_ i: Int, _ j: Int) -> [String] {
  if i == j { return ["\(i)"] }
  var out: [String] = []
  for s in i..<j { for l in trees(i, s) { for r in trees(s + 1, j) { out.append("(\(l) \(r))") } } }
  return out
}

@Suite struct ChainCountedWorkTests {
  @Test func kernelsCountWhatTheyPerform() throws {
    try #require(WorkCount.isAvailable, "debug builds count kernel work (JACOBIANKIT_COUNT_WORK)")
    let a = Matrix.randomNormal(5, 7, seed: 1)
    let b = Matrix.randomNormal(7, 3, seed: 2)
    #expect(WorkCount.counting { a * b }.multiplyAdds == 5 * 7 * 3)
    #expect(WorkCount.counting { a.scaled(by: 2) }.multiplyAdds == 35)
    // Nothing is counted outside `counting`, and nested work is counted once.
    let (_, outer) = WorkCount.counting { _ = a * b; _ = a.scaled(by: 3) }
    #expect(outer == 105 + 35)
    // Entries moved: a transposed copy moves every entry; a permutation of the rows of a 6×4
    // matrix moves 24; a view copied transposed moves its entries twice (copy, then transpose);
    // a product moves none.
    #expect(WorkCount.measuring { a.transposed }.1 == WorkCount.Work(multiplyAdds: 0, entriesMoved: 35))
    let x = Matrix.randomNormal(6, 4, seed: 3)
    #expect(WorkCount.measuring { Commutation(2, 3).apply(toRowsOf: x) }.1.entriesMoved == 24)
    #expect(WorkCount.measuring { Commutation(2, 3).apply(Array(x.storage[0..<6])) }.1.entriesMoved == 6)
    x.storage.withUnsafeBufferPointer { p in
      let view = MatrixView(base: p.baseAddress!, storedRows: 6, storedCols: 4, transposed: true)
      #expect(WorkCount.measuring { view.copy() }.1.entriesMoved == 48)
    }
    #expect(WorkCount.measuring { a * b }.1.entriesMoved == 0)
  }

  /// 2…5 factors (all 1, 2, 5 or 14 trees), 12 seeds each: counted multiply-adds equal the plan's.
  @Test(arguments: 2...5) func countedWorkEqualsPlannedWorkInEveryOrder(k: Int) throws {
    try #require(WorkCount.isAvailable, "debug builds count kernel work (JACOBIANKIT_COUNT_WORK)")
    var kindsSeen = Set<StructuredMatrix.Kind>()
    var movedSeen = 0.0
    for s in UInt64(1)...12 {
      let seed = 9_000 + 100 * UInt64(k) + s
      let fs = randomChain(k, seed: seed)
      kindsSeen.formUnion(fs.map(\.op.kind))
      let chain = try JacobianChain(fs.map(\.op))
      let reference = fs.dropFirst().reduce(fs[0].dense) { Reference.product($0, $1.dense) }
      let names = fs.map(\.name).joined(separator: " · ")
      for text in trees(1, k) {
        let plan = try chain.plan(.custom(Parenthesization(parsing: text)))
        let ((result, kernels), counted) = WorkCount.measuring { chain.execute(plan) }
        #expect(
          counted.multiplyAdds == plan.multiplyAdds,
          "seed \(seed), \(names), order \(text): counted \(counted.multiplyAdds), planned \(plan.multiplyAdds)")
        #expect(
          counted.entriesMoved == plan.cost.entriesMoved,
          "seed \(seed), \(names), order \(text): moved \(counted.entriesMoved), planned \(plan.cost.entriesMoved)")
        movedSeen = max(movedSeen, counted.entriesMoved)
        #expect(kernels == plan.steps.map(\.kernel), "seed \(seed), \(names), order \(text)")
        #expect(FactorSignature(result) == plan.result, "seed \(seed), \(names), order \(text)")
        let product = try result.materialized()
        #expect(
          Reference.relativeError(product, reference) <= 1e-12, "seed \(seed), \(names), order \(text)")
      }
      // The optimal order's count is the least counted over all orders.
      let optimal = try chain.plan(.optimal)
      let (_, optimalCount) = WorkCount.counting { chain.execute(optimal) }
      let least = try trees(1, k).map { text in
        let plan = try chain.plan(.custom(Parenthesization(parsing: text)))
        return WorkCount.counting { chain.execute(plan) }.multiplyAdds
      }.min()!
      #expect(optimalCount == least, "seed \(seed), \(names)")
    }
    // Some orders move entries (commutations applied, transposed copies), so the equality above
    // is tested on nonzero counts.
    #expect(movedSeen > 0)
    if k >= 4 {
      // The generator reaches every kind the issue names (dense, diagonal, identity, Kronecker,
      // commutation, scaled, sum) over the seeds of one length.
      #expect(kindsSeen.isSuperset(of: [.dense, .diagonal, .identity, .kronecker, .commutation, .scaled, .sum]))
    }
  }
}
