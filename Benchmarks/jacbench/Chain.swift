import Jacobians
import MatrixCore

// Jacobian chains (issue 4): planning time for long chains, and evaluation of dense chains in
// the optimal order beside the worst order and beside NumPy's multi_dot (Benchmarks/peers/chain.py
// runs the same chains and prints the same keys with "peer":"numpy").

/// The dense chains of `chain-eval`, as dims p₀…p_k (factor i is p_{i-1}×p_i). The same lists
/// are in Benchmarks/peers/chain.py; keep them in step.
let chainEvalDims: [[Int]] = [
  [1500, 60, 2000, 80, 1200],
  [100, 1800, 300, 1600, 50, 1000],
  [2000, 150, 1000, 50, 1500, 400, 1800],
  [500, 1500, 80, 2000, 300, 1200, 60, 1700, 900],
  [1200, 200, 1800, 50, 1000, 700, 2000, 120, 1600, 400, 900],
  [1000, 1000, 1000, 1000, 1000],
]

private func dimsText(_ dims: [Int]) -> String { dims.map(String.init).joined(separator: "x") }

/// `chain-plan`: planning a 200-factor chain (dense sizes 50…2000; a mix of dense, diagonal and
/// identity factors; a cycle of Kronecker, commutation, diagonal and dense factors), target
/// under 50 ms. Also the full three-order report.
let chainPlanCase = BenchmarkCase(name: "chain-plan") {
  var g = SeededGenerator(seed: 42)
  let k = 200
  let dims = (0...k).map { _ in 50 + Int(g.next() % 1951) }
  let dense = (0..<k).map { FactorSignature.dense(dims[$0], dims[$0 + 1]) }
  // Every third factor square structured (diagonal or identity), keeping the sizes chaining.
  var mixed: [FactorSignature] = []
  var d = dims[0]
  for i in 0..<k {
    switch i % 3 {
    case 1: mixed.append(i % 2 == 0 ? .diagonal(d) : .identity(d))
    default:
      mixed.append(.dense(d, dims[i + 1]))
      d = dims[i + 1]
    }
  }
  // Kronecker, commutation, diagonal and dense factors of size 36 = 6·6 in turn (lazy products
  // form, so the planner multiplies real signatures, not only the inlined simple ones).
  let cycle: [FactorSignature] = [
    .kronecker(.dense(6, 6), .dense(6, 6)), .diagonal(36), .dense(36, 36), .commutation(6, 6),
    .kronecker(.identity(6), .dense(6, 6)),
  ]
  let kron = (0..<k).map { cycle[$0 % cycle.count] }
  for (name, factors) in [("dense", dense), ("mixed", mixed), ("kronecker", kron)] {
    var sink = 0.0
    let t = minMedianSeconds(repeats: 7) {
      sink += (try? ChainPlan(factors: factors, order: .optimal))?.multiplyAdds ?? .nan
    }
    let tr = minMedianSeconds(repeats: 7) {
      sink += (try? ChainReport(factors: factors))?.speedUp ?? .nan
    }
    precondition(sink.isFinite, "chain-plan failed")
    emit([
      "case": "chain-plan", "factors": k, "structure": name, "seconds": t.median, "minSeconds": t.min,
      "reportSeconds": tr.median, "reportMinSeconds": tr.min, "targetSeconds": 0.05,
    ])
  }
}

/// `chain-eval`: dense chains of 4 to 10 factors with sizes 50…2000, evaluated in the optimal and
/// the worst order through `JacobianChain.evaluate`; the in-process reference is the same optimal
/// order with plain `Matrix *` (no structured layer), the peer NumPy's `multi_dot`.
let chainEvalCase = BenchmarkCase(name: "chain-eval") {
  for (n, dims) in chainEvalDims.enumerated() {
    let k = dims.count - 1
    let mats = (0..<k).map { Matrix.randomNormal(dims[$0], dims[$0 + 1], seed: UInt64(100 * n + $0 + 1)) }
    guard let chain = try? JacobianChain(mats.map { StructuredMatrix.dense($0) }),
      let optimal = try? chain.plan(.optimal),
      let worstTree = try? Parenthesization.mostExpensive(for: chain.signatures),
      let worst = try? chain.plan(.custom(worstTree))
    else { preconditionFailure("chain-eval: the chain \(dimsText(dims)) does not plan") }
    // Optimal order: minimum and median of up to 15 runs (the peer reports the same pair).
    let tOpt = minMedianSeconds(repeats: 15) { precondition((try? chain.evaluate(optimal)) != nil) }
    func plain(_ node: Parenthesization.Node) -> Matrix {
      switch node {
      case .factor(let i): return mats[i - 1]
      case .product(let l, let r): return plain(l) * plain(r)
      }
    }
    let tRef = minMedianSeconds(repeats: 15) { precondition(plain(optimal.parenthesization.root).storage[0].isFinite) }
    emit([
      "case": "chain-eval", "chain": dimsText(dims), "factors": k, "order": "optimal",
      "parenthesization": optimal.parenthesization.description, "multiplyAdds": optimal.multiplyAdds,
      "seconds": tOpt.median, "minSeconds": tOpt.min, "reference": "Matrix * in the same order",
      "referenceSeconds": tRef.median, "referenceMinSeconds": tRef.min, "ratio": tOpt.median / tRef.median,
    ])
    let tWorst = medianSeconds(repeats: 3, maxTotal: 10) { precondition((try? chain.evaluate(worst)) != nil) }
    emit([
      "case": "chain-eval", "chain": dimsText(dims), "factors": k, "order": "worst",
      "parenthesization": worst.parenthesization.description, "multiplyAdds": worst.multiplyAdds,
      "seconds": tWorst, "speedUp": tWorst / tOpt.median,
      "predictedSpeedUp": worst.multiplyAdds / optimal.multiplyAdds,
    ])
  }
}
