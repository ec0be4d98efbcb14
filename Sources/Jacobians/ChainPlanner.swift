// The planner: dynamic programming over parenthesisations, and the walk that costs a given tree.
// Every product is costed by the product rules themselves, run on signatures (sizes and
// structure, no numbers): `FactorSignature.productRule`, i.e. `Operator.multiply` on `Shapes`.

/// Dynamic programming over parenthesisations, and the walk that costs a given tree.
enum ChainPlanner {
  typealias Sig = FactorSignature
  typealias Node = Parenthesization.Node

  /// The cheapest (or dearest) tree. Dense chains use the classic O(k³) recurrence on plain
  /// numbers (with the GEMM rule's cost, `ProductCost.gemm`); others keep, for every interval,
  /// the cheapest way to reach each result structure, which is exact because a product's cost
  /// depends only on its operands' structures. Past `exactDenseLimit` dense or
  /// `exactStructuredLimit` structured factors the O(k³) dynamic programming is replaced by the
  /// O(k²) greedy pairing of `greedyTree`.
  static func bestTree(_ f: [Sig], maximize: Bool) -> Node {
    guard isExact(f) else { return greedyTree(f, maximize: maximize) }
    if f.allSatisfy({ $0.kind == .dense }) {
      return denseTree(f.map(\.rows) + [f[f.count - 1].cols], maximize: maximize)
    }
    return structuredTree(f, maximize: maximize)
  }

  /// The matrix-chain recurrence on dims p₀…p_k, costs in Double; ties in cost to the lower
  /// peak bytes when minimizing, then to the smallest split.
  static func denseTree(_ dims: [Int], maximize: Bool) -> Node {
    let k = dims.count - 1
    if k == 1 { return .factor(1) }
    let p = dims.map(Double.init)
    var cost = [Double](repeating: 0, count: k * k)
    var split = [Int](repeating: 0, count: k * k)
    var peaks = [Double](repeating: 0, count: k * k)
    cost.withUnsafeMutableBufferPointer { c in
      split.withUnsafeMutableBufferPointer { sp in
        peaks.withUnsafeMutableBufferPointer { pk in
          for len in 1..<k {
            for i in 0..<(k - len) {
              let j = i + len
              // Peak bytes of the split (as `walk`): a part's result is held only if it is a
              // product (len > 0); ties in cost go to the lower peak when minimizing.
              let here = 8 * p[i] * p[j + 1]
              func peak(_ s: Int) -> Double {
                let lb = s > i ? 8 * p[i] * p[s + 1] : 0
                let rb = s + 1 < j ? 8 * p[s + 1] * p[j + 1] : 0
                return max(pk[i * k + s], lb + pk[(s + 1) * k + j], lb + rb + here)
              }
              func total(_ s: Int) -> Double {
                c[i * k + s] + c[(s + 1) * k + j] + ProductCost.gemm(p[i], p[s + 1], p[j + 1]).multiplyAdds
              }
              var best = total(i)
              var bestS = i
              var bestPeak = maximize ? 0 : peak(i)
              var s = i + 1
              while s < j {
                let v = total(s)
                if maximize ? v > best : v < best {
                  best = v
                  bestS = s
                  if !maximize { bestPeak = peak(s) }
                } else if !maximize, v == best {
                  let q = peak(s)
                  if q < bestPeak {
                    bestS = s
                    bestPeak = q
                  }
                }
                s += 1
              }
              c[i * k + j] = best
              sp[i * k + j] = bestS
              pk[i * k + j] = bestPeak
            }
          }
        }
      }
    }
    func build(_ i: Int, _ j: Int) -> Node {
      if i == j { return .factor(i + 1) }
      let s = split[i * k + j]
      return .product(build(i, s), build(s + 1, j))
    }
    return build(0, k - 1)
  }

  struct Walked {
    var sig: Sig
    var cost: ProductCost
    var peak: Double
    var intermediateBytes: Double
    var range: ClosedRange<Int>
  }

  /// Costs a tree with the product rules run on signatures, in `evaluate`'s order (left part
  /// first), recording the steps (with the kernel each runs) and the peak of live intermediates.
  static func walk(_ n: Node, _ f: [Sig], _ steps: inout [ChainPlan.Step]) -> Walked {
    switch n {
    case .factor(let i):
      return Walked(sig: f[i - 1], cost: .zero, peak: 0, intermediateBytes: 0, range: i...i)
    case .product(let ln, let rn):
      let l = walk(ln, f, &steps)
      let r = walk(rn, f, &steps)
      let p = FactorSignature.productRule(l.sig, r.sig)
      let bytes = p.result.storedBytes
      steps.append(ChainPlan.Step(left: l.range, right: r.range, result: p.result, cost: p.cost, kernel: p.kernel))
      let here = l.intermediateBytes + r.intermediateBytes + bytes
      let peak = max(l.peak, l.intermediateBytes + r.peak, here)
      return Walked(
        sig: p.result, cost: l.cost + r.cost + p.cost, peak: peak, intermediateBytes: bytes,
        range: l.range.lowerBound...r.range.upperBound)
    }
  }
}
