import MatrixCore
import TestSupport
import Testing

@testable import Jacobians

// The chain planner against an independent brute force: every parenthesisation of a small dense
// chain is multiplied out here, with products written by definition that count each
// multiply-add they perform. The cheapest count must be what `.optimal` plans (and its model cost),
// the dearest what `mostExpensive` plans, and the optimal plan's product must equal the counted
// one. Nothing here uses the cost model to judge the cost model.

/// `A·B` by definition, Σₖ A[i,k]·B[k,j], adding 1 to `count` per multiply-add performed.
private func countedProduct(_ a: Matrix, _ b: Matrix, _ count: inout Int) -> Matrix {
  var c = Matrix.zeros(a.rows, b.cols)
  for i in 0..<a.rows {
    for j in 0..<b.cols {
      var s = 0.0
      for k in 0..<a.cols {
        s += a[i, k] * b[k, j]
        count += 1
      }
      c[i, j] = s
    }
  }
  return c
}

/// Every full parenthesisation of factors i…j: its text (the planner's syntax, 1-based), the
/// product computed by definition, and the multiply-adds counted while computing it.
private func multiplyOut(_ m: [Matrix], _ i: Int, _ j: Int) -> [(text: String, product: Matrix, count: Int)] {
  if i == j { return [("\(i + 1)", m[i], 0)] }
  var out: [(text: String, product: Matrix, count: Int)] = []
  for split in i..<j {
    for l in multiplyOut(m, i, split) {
      for r in multiplyOut(m, split + 1, j) {
        var count = l.count + r.count
        let p = countedProduct(l.product, r.product, &count)
        out.append(("(\(l.text) \(r.text))", p, count))
      }
    }
  }
  return out
}

@Suite struct ChainPlannerByDefinitionTests {
  /// Chains of 2…5 dense factors with sizes 1…7 (seeded): 14 trees at most per chain.
  @Test(arguments: 2...5) func optimalIsTheCheapestCountedProduct(k: Int) throws {
    for seed in UInt64(1)...5 {
      var g = SeededGenerator(seed: 7_000 + seed * 10 + UInt64(k))
      let dims = (0...k).map { _ in 1 + Int(g.next() % 7) }
      let matrices = (0..<k).map { Matrix.randomNormal(dims[$0], dims[$0 + 1], using: &g) }
      let all = multiplyOut(matrices, 0, k - 1)
      let cheapest = all.map(\.count).min()!
      let dearest = all.map(\.count).max()!
      let factors = matrices.map { FactorSignature(StructuredMatrix.dense($0)) }
      let optimal = try ChainPlan(factors: factors, order: .optimal)
      #expect(optimal.multiplyAdds == Double(cheapest), "seed \(seed), dims \(dims)")
      let counted = all.first { $0.text == optimal.parenthesization.description }
      #expect(counted?.count == cheapest, "seed \(seed), dims \(dims): \(optimal.parenthesization) is not a cheapest tree")
      let dear = try ChainPlan(factors: factors, order: .custom(Parenthesization.mostExpensive(for: factors)))
      #expect(dear.multiplyAdds == Double(dearest), "seed \(seed), dims \(dims)")
      // Executing the optimal plan gives the product computed by definition.
      let executed = try JacobianChain(matrices.map { StructuredMatrix.dense($0) }).evaluate(optimal).materialized()
      let reference = all[0].product
      #expect(Reference.relativeError(executed, reference) <= 1e-12, "seed \(seed), dims \(dims)")
    }
  }
}
