// The planner's dynamic programme for chains with structured factors: for every interval of
// factors, the cheapest way found to each result structure. The products are costed by the
// product rules run on shapes (`Operator.multiply` on `Shapes`), once per pair of distinct
// operand structures; only dense·dense, whose first applicable rule is the GEMM rule, is costed
// inline as the dense recurrence does.

extension ChainPlanner {
  /// At most this many result structures are kept per interval (normally there is one: the
  /// product of a range of factors has one structure whatever the order, except where a lazy
  /// product forms in some orders and not in others).
  static let candidatesPerInterval = 8

  /// The cheapest (dearest when `maximize`) tree over structured factors: for every interval,
  /// the cheapest way to reach each result structure, which is exact because a product's cost
  /// depends only on its operands' structures. Ties in cost go (when minimizing) to the lower
  /// peak bytes, then to the smallest split.
  static func structuredTree(_ f: [Sig], maximize: Bool) -> Node {
    if f.count == 1 { return .factor(1) }
    var programme = StructuredProgramme(f, maximize: maximize)
    return programme.run()
  }
}

/// The state of `ChainPlanner.structuredTree`'s O(k³) loop, a struct so that the loop reads and
/// writes its tables through `self` (checked statically, not through boxed captures).
///
/// Memory layout (the loop is bound by loads, not by arithmetic): every candidate of every
/// interval is in `table` (`offset`/`count` per interval), and the first candidate of interval
/// i…j is also in `heads`, at `i·k + j` and at `j·k + i` (the two triangles of one k×k array),
/// so that the splits s of i…j read their left parts i…s and their right parts s+1…j at
/// consecutive addresses. An interval almost always has one candidate; only a split where one
/// of the two parts has more reads `table`.
struct StructuredProgramme {
  typealias Node = Parenthesization.Node

  /// A candidate of an interval: a result structure (an index into `ops`, so that the loop
  /// copies plain data only), the cheapest known way to reach it (split and the parts'
  /// candidates), its cost, and the peak bytes of that subtree (as `ChainPlanner.walk`) with the
  /// bytes of its result if it is a product (0 for a factor): the tie-break between equal costs.
  struct Candidate {
    var cost: ProductCost
    var peak: Double
    var bytes: Double
    var op: Int32
    var split: Int32
    var left: UInt8
    var right: UInt8
    /// Whether the structure is a dense block (the common case: the loop then takes the GEMM
    /// rule's cost without touching the structure).
    var dense: Bool
    /// In `heads`: whether the interval has further candidates (in `table`).
    var more: Bool
  }

  /// What the product rule answered for a pair of structures.
  struct Answer {
    var op: Int32
    var dense: Bool
    var cost: ProductCost
    var bytes: Double
  }

  let f: [FactorSignature]
  let k: Int
  let maximize: Bool
  /// p₀…p_k: factor i is p_i × p_{i+1} (in Double, for the GEMM rule's cost).
  let dims: [Double]
  var offset: [Int32]
  var count: [Int32]
  var table: [Candidate] = []
  var heads: [Candidate]
  /// Every distinct structure once. Dense blocks are found by size (`denseIDs`, indexed by the
  /// rank of the rows among the factors' row counts and of the columns among their column
  /// counts: an interval's block is f[i].rows × f[j].cols), the others by their signature.
  var ops: [Operator<Shapes>] = []
  var index: [FactorSignature: Int32] = [:]
  let rowRank: [Int32]
  let colRank: [Int32]
  let colRanks: Int
  var denseIDs: [Int32]
  /// The rule's answer for each pair of structures met: a chain repeats structures, so the rules
  /// run once per pair of distinct operands, not once per split.
  var memo: [Int64: Answer] = [:]
  /// The candidates of the interval being closed, and its dense block's id (-1 until needed).
  var cands: [Candidate] = []
  var denseOp: Int32 = -1

  init(_ f: [FactorSignature], maximize: Bool) {
    let k = f.count
    self.f = f
    self.k = k
    self.maximize = maximize
    dims = f.map { Double($0.rows) } + [Double(f[k - 1].cols)]
    offset = [Int32](repeating: 0, count: k * k)
    count = [Int32](repeating: 0, count: k * k)
    table.reserveCapacity(k * (k + 1) / 2)
    heads = [Candidate](
      repeating: Candidate(
        cost: .zero, peak: 0, bytes: 0, op: -1, split: -1, left: 0, right: 0, dense: false, more: false),
      count: k * k)
    func ranks(_ sizes: [Int]) -> ([Int32], Int) {
      let distinct = Array(Set(sizes)).sorted()
      var rank: [Int: Int32] = [:]
      for (r, n) in distinct.enumerated() { rank[n] = Int32(r) }
      return (sizes.map { rank[$0]! }, distinct.count)
    }
    let (rr, nr) = ranks(f.map(\.rows))
    let (cr, nc) = ranks(f.map(\.cols))
    (rowRank, colRank, colRanks) = (rr, cr, nc)
    denseIDs = [Int32](repeating: -1, count: nr * nc)
  }

  /// The id of the dense block of interval i…j (f[i].rows × f[j].cols).
  mutating func denseID(_ i: Int, _ j: Int) -> Int32 {
    let slot = Int(rowRank[i]) * colRanks + Int(colRank[j])
    if denseIDs[slot] >= 0 { return denseIDs[slot] }
    ops.append(.dense(DenseShape(rows: f[i].rows, cols: f[j].cols), label: NoLabel()))
    denseIDs[slot] = Int32(ops.count - 1)
    return denseIDs[slot]
  }

  /// The id of a structure that is not dense.
  mutating func intern(_ op: Operator<Shapes>) -> Int32 {
    let key = FactorSignature(op)
    if let i = index[key] { return i }
    ops.append(op)
    index[key] = Int32(ops.count - 1)
    return Int32(ops.count - 1)
  }

  func better(_ a: ProductCost, _ b: ProductCost) -> Bool { maximize ? b < a : a < b }

  /// Better cost, or (when minimizing) equal cost and lower peak bytes.
  func preferred(_ a: Candidate, _ b: Candidate) -> Bool {
    better(a.cost, b.cost) || (!maximize && a.cost == b.cost && a.peak < b.peak)
  }

  mutating func run() -> Node {
    for i in 0..<k {
      let dense = f[i].kind == .dense
      let c = Candidate(
        cost: .zero, peak: 0, bytes: 0, op: dense ? denseID(i, i) : intern(f[i].op), split: -1, left: 0, right: 0,
        dense: dense, more: false)
      offset[i * k + i] = Int32(table.count)
      count[i * k + i] = 1
      table.append(c)
      heads[i * k + i] = c
    }
    for len in 1..<k {
      for i in 0..<(k - len) { close(i, i + len) }
    }
    let (to, tc) = (Int(offset[k - 1]), Int(count[k - 1]))
    var bestIndex = 0
    for c in 1..<tc where preferred(table[to + c], table[to + bestIndex]) { bestIndex = c }
    return build(0, k - 1, bestIndex)
  }

  func build(_ i: Int, _ j: Int, _ c: Int) -> Node {
    if i == j { return .factor(i + 1) }
    let x = table[Int(offset[i * k + j]) + c]
    let s = Int(x.split)
    return .product(build(i, s, Int(x.left)), build(s + 1, j, Int(x.right)))
  }

  /// Every split of i…j (its parts already closed), then the interval's candidates recorded.
  mutating func close(_ i: Int, _ j: Int) {
    cands.removeAll(keepingCapacity: true)
    denseOp = -1
    for s in i..<j {
      let (a, b) = (heads[i * k + s], heads[j * k + s + 1])
      if !a.more && !b.more {
        consider(a, b, i, s, j, 0, 0)
        continue
      }
      let (lo, lc) = (Int(offset[i * k + s]), Int(count[i * k + s]))
      let (ro, rc) = (Int(offset[(s + 1) * k + j]), Int(count[(s + 1) * k + j]))
      for li in 0..<lc {
        for ri in 0..<rc { consider(table[lo + li], table[ro + ri], i, s, j, li, ri) }
      }
    }
    if cands.count > ChainPlanner.candidatesPerInterval {
      let order = self
      cands.sort { order.preferred($0, $1) }
      cands.removeLast(cands.count - ChainPlanner.candidatesPerInterval)
    }
    offset[i * k + j] = Int32(table.count)
    count[i * k + j] = Int32(cands.count)
    table.append(contentsOf: cands)
    var first = cands[0]
    first.more = cands.count > 1
    heads[i * k + j] = first
    heads[j * k + i] = first
  }

  /// The product of candidate `a` of i…s and `b` of s+1…j, kept if it is the preferred way
  /// (so far, splits in increasing order) to its result structure.
  @inline(__always)
  mutating func consider(_ a: Candidate, _ b: Candidate, _ i: Int, _ s: Int, _ j: Int, _ li: Int, _ ri: Int) {
    var answer: Answer
    if a.dense && b.dense {
      // The first product rule that applies to two dense operands is the GEMM rule (no earlier
      // rule matches them), so its cost is taken directly, as the dense recurrence does.
      if denseOp < 0 { denseOp = denseID(i, j) }
      answer = Answer(op: denseOp, dense: true, cost: .gemm(dims[i], dims[s + 1], dims[j + 1]), bytes: 8 * dims[i] * dims[j + 1])
    } else {
      let key = Int64(a.op) << 32 | Int64(b.op)
      if let known = memo[key] {
        answer = known
      } else {
        let p = Operator.multiply(ops[Int(a.op)], ops[Int(b.op)])
        let dense: Bool
        if case .dense = p.result { dense = true } else { dense = false }
        answer = Answer(op: dense ? denseID(i, j) : intern(p.result), dense: dense, cost: p.cost, bytes: p.bytes())
        memo[key] = answer
      }
    }
    let total = a.cost + b.cost + answer.cost
    let peak = max(a.peak, a.bytes + b.peak, a.bytes + b.bytes + answer.bytes)
    var e = 0
    while e < cands.count, cands[e].op != answer.op { e += 1 }
    if e < cands.count {
      let c = cands[e]
      guard better(total, c.cost) || (!maximize && total == c.cost && peak < c.peak) else { return }
    }
    let cand = Candidate(
      cost: total, peak: peak, bytes: answer.bytes, op: answer.op, split: Int32(s), left: UInt8(li),
      right: UInt8(ri), dense: answer.dense, more: false)
    if e < cands.count { cands[e] = cand } else { cands.append(cand) }
  }
}
