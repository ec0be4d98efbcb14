// The planner: dynamic programming over parenthesisations, and the walk that costs a given tree.
// Every product is costed by the product rules themselves, run on signatures (sizes and
// structure, no numbers): `FactorSignature.productRule`, i.e. `Operator.multiply` on `Shapes`.

/// Dynamic programming over parenthesisations, and the walk that costs a given tree.
enum ChainPlanner {
  typealias Sig = FactorSignature
  typealias Node = Parenthesization.Node

  /// At most this many result structures are kept per interval (normally there is one: the
  /// product of a range of factors has one structure whatever the order, except where a lazy
  /// product forms in some orders and not in others).
  static let candidatesPerInterval = 8

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

  /// A candidate of an interval: a result structure (an index into the planner's list of
  /// distinct structures, so that the O(k³) loop copies plain data only), the cheapest known way
  /// to reach it, and the peak bytes of that subtree (as `walk`) with the bytes of its result if
  /// it is a product (0 for a factor): the tie-break between equal costs.
  struct Candidate {
    var op: Int32
    /// Whether the structure is a dense block (the common case, kept here so that the loop can
    /// take the GEMM rule's cost without touching the structure).
    var dense: Bool
    var cost: ProductCost
    var peak: Double = 0
    var bytes: Double = 0
    var split: Int32
    var left: Int32
    var right: Int32
  }

  static func structuredTree(_ f: [Sig], maximize: Bool) -> Node {
    let k = f.count
    if k == 1 { return .factor(1) }
    func better(_ a: ProductCost, _ b: ProductCost) -> Bool { maximize ? b < a : a < b }
    /// Better cost, or (when minimizing) equal cost and lower peak bytes.
    func preferred(_ a: Candidate, _ b: Candidate) -> Bool {
      better(a.cost, b.cost) || (!maximize && a.cost == b.cost && a.peak < b.peak)
    }
    var offset = [Int](repeating: 0, count: k * k)
    var count = [Int](repeating: 0, count: k * k)
    var table: [Candidate] = []
    table.reserveCapacity(k * (k + 1) / 2)
    // Every distinct structure once (`ops`, indexed by `index`), and the rule's answer for each
    // pair of structures met (`memo`): a chain repeats structures (every dense m×n block is one),
    // so the rules run once per pair of distinct operands, not once per split.
    var ops: [Operator<Shapes>] = []
    var index: [FactorSignature: Int32] = [:]
    func intern(_ op: Operator<Shapes>) -> Int32 {
      let key = FactorSignature(op)
      if let i = index[key] { return i }
      ops.append(op)
      index[key] = Int32(ops.count - 1)
      return Int32(ops.count - 1)
    }
    var memo: [Int64: (result: Int32, dense: Bool, cost: ProductCost, bytes: Double)] = [:]
    for i in 0..<k {
      offset[i * k + i] = table.count
      count[i * k + i] = 1
      table.append(Candidate(op: intern(f[i].op), dense: f[i].kind == .dense, cost: .zero, split: -1, left: -1, right: -1))
    }
    var cands: [Candidate] = []
    for len in 1..<k {
      for i in 0..<(k - len) {
        let j = i + len
        cands.removeAll(keepingCapacity: true)
        let (m, n) = (Double(f[i].rows), Double(f[j].cols))
        var denseOp: Int32 = -1
        for s in i..<j {
          let (lo, lc) = (offset[i * k + s], count[i * k + s])
          let (ro, rc) = (offset[(s + 1) * k + j], count[(s + 1) * k + j])
          for li in 0..<lc {
            for ri in 0..<rc {
              let (a, b) = (table[lo + li], table[ro + ri])
              // Dense times dense: the first product rule that applies is the GEMM rule (no
              // earlier rule matches two dense operands), so its cost is taken directly, as the
              // dense recurrence does; every other pair runs the rules (once per pair).
              let cost: ProductCost
              var op: Int32
              let dense: Bool
              let bytes: Double
              if a.dense && b.dense {
                cost = .gemm(m, Double(f[s].cols), n)
                (op, dense, bytes) = (denseOp, true, 8 * m * n)
              } else {
                let key = Int64(a.op) << 32 | Int64(b.op)
                if let known = memo[key] {
                  (op, dense, cost, bytes) = known
                } else {
                  let p = Operator.multiply(ops[Int(a.op)], ops[Int(b.op)])
                  if case .dense = p.result { dense = true } else { dense = false }
                  // Within an interval every dense result is the same m×n block.
                  op = dense && denseOp >= 0 ? denseOp : intern(p.result)
                  (cost, bytes) = (p.cost, p.bytes())
                  memo[key] = (op, dense, cost, bytes)
                }
              }
              if dense, op < 0 {
                op = intern(.dense(DenseShape(rows: f[i].rows, cols: f[j].cols), label: NoLabel()))
              }
              if dense { denseOp = op }
              let cand = Candidate(
                op: op, dense: dense, cost: a.cost + b.cost + cost,
                peak: max(a.peak, a.bytes + b.peak, a.bytes + b.bytes + bytes), bytes: bytes,
                split: Int32(s), left: Int32(li), right: Int32(ri))
              if let e = cands.firstIndex(where: { $0.op == op }) {
                if preferred(cand, cands[e]) { cands[e] = cand }
              } else {
                cands.append(cand)
              }
            }
          }
        }
        if cands.count > candidatesPerInterval {
          cands.sort { preferred($0, $1) }
          cands.removeLast(cands.count - candidatesPerInterval)
        }
        offset[i * k + j] = table.count
        count[i * k + j] = cands.count
        table.append(contentsOf: cands)
      }
    }
    let (to, tc) = (offset[k - 1], count[k - 1])
    var bestIndex = 0
    for c in 1..<tc where preferred(table[to + c], table[to + bestIndex]) { bestIndex = c }
    func build(_ i: Int, _ j: Int, _ c: Int) -> Node {
      if i == j { return .factor(i + 1) }
      let x = table[offset[i * k + j] + c]
      let s = Int(x.split)
      return .product(build(i, s, Int(x.left)), build(s + 1, j, Int(x.right)))
    }
    return build(0, k - 1, bestIndex)
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
