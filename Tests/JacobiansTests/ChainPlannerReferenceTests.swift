import MatrixCore
import TestSupport
import Testing

@testable import Jacobians

// The planner's structured dynamic programme (`StructuredProgramme`: tables laid out for speed,
// dense·dense costed inline, rule answers memoised, first candidates copied by row and by column)
// against a plain one written here: every interval keeps every result structure it can reach,
// each with its least (cost, peak bytes), every product costed by `FactorSignature.product` (the
// rules), no shortcut, no memo, no limit on candidates. Longer chains than the brute-force tests
// (8 to 16 factors), with Kronecker, commutation, scaled and sum factors so that intervals reach
// several structures (lazy products in some orders only), which the fast layout handles apart.

/// Least (cost, peak) per result structure of every interval, by the plain recurrence.
private func plainProgramme(_ f: [FactorSignature], maximize: Bool) -> (best: (ProductCost, Double), most: Int) {
  struct Entry {
    var cost: ProductCost
    var peak: Double
    var bytes: Double
  }
  let k = f.count
  var table: [[[FactorSignature: Entry]]] = Array(repeating: Array(repeating: [:], count: k), count: k)
  for i in 0..<k { table[i][i] = [f[i]: Entry(cost: .zero, peak: 0, bytes: 0)] }
  func better(_ a: Entry, _ b: Entry) -> Bool {
    if maximize { return b.cost < a.cost }
    return a.cost < b.cost || (a.cost == b.cost && a.peak < b.peak)
  }
  var most = 1
  for len in 1..<k {
    for i in 0..<(k - len) {
      let j = i + len
      var here: [FactorSignature: Entry] = [:]
      for s in i..<j {
        for (ls, l) in table[i][s] {
          for (rs, r) in table[s + 1][j] {
            let (p, cost) = FactorSignature.product(ls, rs)
            let bytes = p.storedBytes
            let e = Entry(
              cost: l.cost + r.cost + cost, peak: max(l.peak, l.bytes + r.peak, l.bytes + r.bytes + bytes), bytes: bytes)
            if let old = here[p], !better(e, old) { continue }
            here[p] = e
          }
        }
      }
      most = max(most, here.count)
      table[i][j] = here
    }
  }
  let all = Array(table[0][k - 1].values)
  let best = all.dropFirst().reduce(all[0]) { better($1, $0) ? $1 : $0 }
  return ((best.cost, best.peak), most)
}

/// A random chain of operators with sizes 4, 6 or 9 (so that Kronecker and commutation factors
/// fit); without dense factors when `structuredOnly` (products then stay structured or lazy).
private func randomSignatures(_ k: Int, seed: UInt64, structuredOnly: Bool) -> [FactorSignature] {
  var g = SeededGenerator(seed: seed)
  func pick<T>(_ xs: [T]) -> T { xs[Int(g.next() % UInt64(xs.count))] }
  let splits: [Int: [(Int, Int)]] = [4: [(2, 2)], 6: [(2, 3), (3, 2)], 9: [(3, 3)]]
  func dense(_ r: Int, _ c: Int) -> StructuredMatrix { .dense(Matrix.randomNormal(r, c, using: &g)) }
  func diagonal(_ n: Int) -> StructuredMatrix { .diagonal((0..<n).map { _ in g.nextNormal() }) }
  func kron(_ n: Int, square: Bool) -> StructuredMatrix {
    let (p, q) = pick(splits[n]!)
    let a = g.next() % 3 == 0 ? StructuredMatrix.identity(p) : dense(p, square ? p : pick([2, 3]))
    let b = g.next() % 3 == 0 ? diagonal(q) : dense(q, square ? q : pick([2, 3]))
    return .kronecker(a, b)
  }
  var d = pick([4, 6, 9])
  var out: [FactorSignature] = []
  for _ in 0..<k {
    let op: StructuredMatrix
    switch structuredOnly ? 25 + Int(g.next() % 75) : Int(g.next() % 100) {
    case 0..<25: op = dense(d, pick([4, 6, 9]))
    case 25..<37: op = diagonal(d)
    case 37..<44: op = .identity(d, scale: pick([1.0, -1.5]))
    case 44..<66: op = kron(d, square: false)
    case 66..<78:
      let (m, n) = pick(splits[d]!)
      op = .commutation(m, n)
    case 78..<88: op = pick([2.0, -0.5]) * kron(d, square: false)
    default:
      let (m, n) = pick(splits[d]!)
      op = kron(d, square: true) + (g.next() % 2 == 0 ? diagonal(d) : .commutation(m, n))
    }
    out.append(FactorSignature(op))
    d = op.cols
  }
  return out
}

@Suite struct ChainPlannerReferenceTests {
  @Test(arguments: [8, 12, 16]) func structuredProgrammeEqualsThePlainOne(k: Int) throws {
    var checked = 0
    var several = 0
    for seed in UInt64(1)...16 {
      let s = 90_000 + seed * 100 + UInt64(k)
      let f = randomSignatures(k, seed: s, structuredOnly: seed % 2 == 1)
      let plain = plainProgramme(f, maximize: false)
      // The planner keeps at most `candidatesPerInterval` structures per interval (exact below).
      guard plain.most <= ChainPlanner.candidatesPerInterval else { continue }
      checked += 1
      if plain.most > 1 { several += 1 }
      let optimal = try ChainPlan(factors: f, order: .optimal)
      #expect(optimal.cost == plain.best.0, "seed \(s): \(f)")
      #expect(optimal.peakBytes == plain.best.1, "seed \(s): \(f)")
      let dearest = plainProgramme(f, maximize: true)
      let dear = try ChainPlan(factors: f, order: .custom(Parenthesization.mostExpensive(for: f)))
      #expect(dear.cost == dearest.best.0, "seed \(s): \(f)")
    }
    #expect(checked >= 8, "most chains are within the candidate limit")
    #expect(several > 0, "some intervals reach several structures")
  }
}
