import Foundation
import MatrixCore

// Plans for a chain J₁·J₂·…·J_k, computed from sizes and structures alone (as opt_einsum's
// `contract_path` is separate from `contract`): a parenthesisation, its cost under the cost model
// of the product rules (`CostModel.swift`), its peak memory and which AD mode it is.

// MARK: - Parenthesization

/// A full parenthesisation of `J₁·J₂·…·J_k`: a binary tree whose leaves are the factor numbers
/// 1…k in order.
///
/// Text form (parsed by `init(parsing:)` and printed by `description`, the same syntax): a factor
/// is its 1-based number; a product of two parts is the two parts in parentheses separated by
/// white space. Every group multiplies exactly two parts, so the text is unambiguous:
///
///     ((1 2) 3)            (J₁·J₂)·J₃, left to right
///     (1 (2 3))            J₁·(J₂·J₃), right to left
///     ((1 2) (3 4))        (J₁·J₂)·(J₃·J₄)
///     1                    a chain of one factor
///
/// White space is free where it does not join two numbers (`((1 2)3)` reads as `((1 2) 3)`).
public struct Parenthesization: Hashable, Sendable, CustomStringConvertible {
  /// A node of the tree: a factor `J_i` (1-based) or the product of two subtrees.
  public indirect enum Node: Hashable, Sendable {
    case factor(Int)
    case product(Node, Node)
  }

  /// The tree.
  public let root: Node
  /// The number of factors k (leaves).
  public let factorCount: Int

  /// The deepest nesting accepted (as many groups as the longest chain has factors),
  /// so that no input can exhaust the stack of the recursive walks over the tree.
  public static let maximumDepth = JacobianChain.maximumFactors

  /// A parenthesisation from its tree.
  /// - Throws: `ChainError.parse` (offset 0) when the leaves are not 1, 2, …, k in order.
  public init(_ root: Node) throws {
    var expected = 1
    func check(_ n: Node, _ level: Int) throws {
      switch n {
      case .factor(let i):
        guard i == expected else {
          throw ChainError.parse(
            text: Parenthesization.render(root), offset: 0,
            reason: "factor \(i) appears where factor \(expected) was expected; the factors must appear "
              + "in order 1, 2, …, k")
        }
        expected += 1
      case .product(let l, let r):
        guard level < Parenthesization.maximumDepth else {
          throw ChainError.parse(
            text: "", offset: 0,
            reason: "the tree is nested deeper than \(Parenthesization.maximumDepth) levels")
        }
        try check(l, level + 1)
        try check(r, level + 1)
      }
    }
    try check(root, 0)
    self.root = root
    self.factorCount = expected - 1
  }

  private init(unchecked root: Node, count: Int) {
    self.root = root
    self.factorCount = count
  }

  /// `((1 2) 3)…`: J₁ times J₂ first, then each next factor on the right (reverse accumulation
  /// in numerator layout). - Precondition: `k ≥ 1`.
  public static func leftToRight(_ k: Int) -> Parenthesization {
    precondition(k >= 1, "a parenthesisation needs at least one factor")
    var n = Node.factor(1)
    if k >= 2 { for i in 2...k { n = .product(n, .factor(i)) } }
    return Parenthesization(unchecked: n, count: k)
  }

  /// `(1 (2 3))…`: J_{k-1} times J_k first, then each previous factor on the left (forward
  /// accumulation in numerator layout). - Precondition: `k ≥ 1`.
  public static func rightToLeft(_ k: Int) -> Parenthesization {
    precondition(k >= 1, "a parenthesisation needs at least one factor")
    var n = Node.factor(k)
    if k >= 2 { for i in stride(from: k - 1, through: 1, by: -1) { n = .product(.factor(i), n) } }
    return Parenthesization(unchecked: n, count: k)
  }

  /// Reads the text form, e.g. `((1 2) 3)`.
  /// - Throws: `ChainError.parse` with the 0-based character offset of the problem and a reason
  ///   (unbalanced parentheses, a group of one or three parts, a stray character, factors out
  ///   of order).
  /// - Complexity: O(length of the text).
  public init(parsing text: String) throws {
    var parser = ParenthesizationParser(text: text)
    let root = try parser.parseWhole()
    self.init(unchecked: root, count: parser.factorsSeen)
  }

  /// The text form, `((1 2) 3)`.
  public var description: String { Parenthesization.render(root) }

  static func render(_ n: Node) -> String {
    var out = ""
    func go(_ n: Node) {
      switch n {
      case .factor(let i): out += String(i)
      case .product(let l, let r):
        out += "("
        go(l)
        out += " "
        go(r)
        out += ")"
      }
    }
    go(n)
    return out
  }

  /// The most expensive parenthesisation under the cost model (for benchmarks and teaching:
  /// how much a bad order costs). Ties go to the smallest split.
  /// - Throws: as `JacobianChain.init` for factors that do not chain.
  /// - Complexity: O(k³) signature products.
  public static func mostExpensive(for factors: [FactorSignature]) throws -> Parenthesization {
    try JacobianChain.validate(factors)
    return Parenthesization(unchecked: ChainPlanner.bestTree(factors, maximize: true), count: factors.count)
  }

  /// The cheapest parenthesisation under the cost model. Ties in cost go to the lower peak
  /// memory, then to left-to-right (reverse mode), then right-to-left (forward mode), then the
  /// smallest split.
  static func optimal(for factors: [FactorSignature]) -> Parenthesization {
    let k = factors.count
    let best = Parenthesization(unchecked: ChainPlanner.bestTree(factors, maximize: false), count: k)
    guard k > 2 else { return best }
    var steps: [ChainPlan.Step] = []
    let b = ChainPlanner.walk(best.root, factors, &steps)
    for plain in [leftToRight(k), rightToLeft(k)] where plain != best {
      let w = ChainPlanner.walk(plain.root, factors, &steps)
      // At least as good in (cost, peak): equal for the exact planner, possibly better than greedy.
      if w.cost < b.cost || (w.cost == b.cost && w.peak <= b.peak) { return plain }
    }
    return best
  }
}

/// A recursive-descent reader of the text form, tracking character offsets for messages.
private struct ParenthesizationParser {
  let text: String
  let chars: [Character]
  var pos = 0
  var factorsSeen = 0

  init(text: String) {
    self.text = text
    self.chars = Array(text)
  }

  func fail(_ reason: String, at offset: Int? = nil) -> ChainError {
    .parse(text: text, offset: offset ?? pos, reason: reason)
  }

  mutating func skipSpace() {
    while pos < chars.count, chars[pos].isWhitespace { pos += 1 }
  }

  mutating func parseWhole() throws -> Parenthesization.Node {
    skipSpace()
    guard pos < chars.count else {
      throw fail("the text is empty; write a parenthesisation such as ((1 2) 3)")
    }
    let n = try parseNode(depth: 0)
    skipSpace()
    if pos < chars.count {
      throw fail(
        chars[pos] == ")"
          ? "this ‘)’ closes no group" : "unexpected ‘\(chars[pos])’ after the end of the parenthesisation")
    }
    return n
  }

  mutating func parseNode(depth: Int) throws -> Parenthesization.Node {
    skipSpace()
    guard pos < chars.count else {
      throw fail("the text ends where a factor number or ‘(’ was expected (unbalanced parentheses?)")
    }
    let c = chars[pos]
    if c == "(" {
      guard depth < Parenthesization.maximumDepth else {
        throw fail("the parentheses are nested deeper than \(Parenthesization.maximumDepth) levels")
      }
      let open = pos
      pos += 1
      let l = try parseNode(depth: depth + 1)
      skipSpace()
      if pos < chars.count, chars[pos] == ")" {
        throw fail("this group has one part; every group multiplies exactly two parts, e.g. (1 2)")
      }
      let r = try parseNode(depth: depth + 1)
      skipSpace()
      guard pos < chars.count else {
        throw fail("the ‘(’ at character \(open + 1) is never closed", at: chars.count)
      }
      guard chars[pos] == ")" else {
        throw fail("expected ‘)’ after two parts; every group multiplies exactly two parts, e.g. ((1 2) 3)")
      }
      pos += 1
      return .product(l, r)
    }
    if let d = c.wholeNumberValue, c.isASCII {
      let start = pos
      var value = d
      pos += 1
      while pos < chars.count, chars[pos].isASCII, let e = chars[pos].wholeNumberValue {
        let (v1, o1) = value.multipliedReportingOverflow(by: 10)
        let (v2, o2) = v1.addingReportingOverflow(e)
        if o1 || o2 { throw fail("the factor number is too large", at: start) }
        value = v2
        pos += 1
      }
      if value == 0 { throw fail("factor numbers start at 1", at: start) }
      guard value == factorsSeen + 1 else {
        throw fail(
          "factor \(value) appears where factor \(factorsSeen + 1) was expected; the factors must appear "
            + "in order 1, 2, …, k", at: start)
      }
      factorsSeen += 1
      return .factor(value)
    }
    if c == ")" { throw fail("expected a factor number or ‘(’ before this ‘)’") }
    throw fail("unexpected ‘\(c)’; use factor numbers, spaces and parentheses, e.g. ((1 2) 3)")
  }
}

// MARK: - Orders and plans

/// Which order to multiply a chain in.
public enum ChainOrder: Hashable, Sendable {
  /// `((J₁J₂)J₃)…`: reverse accumulation in numerator layout.
  case leftToRight
  /// `(J₁(J₂J₃))…`: forward accumulation in numerator layout.
  case rightToLeft
  /// The cheapest parenthesisation under the structure-aware cost model (dynamic programming
  /// over intervals and result structures; exact, except that an interval whose products reach
  /// more than 8 different structures keeps the 8 cheapest). Cost is multiply-adds, then entries
  /// moved; ties in cost go to the lower peak bytes, then to left-to-right (reverse mode), then
  /// right-to-left (forward mode), then the smallest split.
  case optimal
  /// A parenthesisation given by the user.
  case custom(Parenthesization)

  /// `left-to-right`, `right-to-left`, `optimal`, `custom`: the names in reports and JSON.
  public var name: String {
    switch self {
    case .leftToRight: return "left-to-right"
    case .rightToLeft: return "right-to-left"
    case .optimal: return "optimal"
    case .custom: return "custom"
    }
  }
}

/// Which mode of automatic differentiation an order is, in numerator layout.
public enum Accumulation: String, Sendable, Hashable {
  /// One factor: nothing to multiply.
  case none
  /// Two factors: one product, forward and reverse coincide.
  case single
  /// Left to right: from the output towards the input (backpropagation, VJPs).
  case reverse
  /// Right to left: from the input towards the output (tangent propagation, JVPs).
  case forward
  /// Any other order ("cross-country" accumulation).
  case mixed
}

/// A plan for a chain: a parenthesisation with its predicted cost, computed from the factors'
/// sizes and structures alone (no numbers), and separate from executing it
/// (`JacobianChain.evaluate(_:)`).
///
/// - `multiplyAdds`: what the product rules perform (see `CostModel.swift` for every rule);
///   a lone multiplication or addition counts as one. `flops` = 2·`multiplyAdds`. Counts are
///   `Double`, so that no size overflows: exact below 2⁵³ ≈ 9·10¹⁵, rounded above.
/// - `peakBytes`: evaluating the tree depth first, left part before right part (as `evaluate`
///   does), the largest total, over the products, of the intermediate results alive at once:
///   both operands of the product that are intermediates (input factors are not counted), the
///   result being computed, and every intermediate already computed and waiting to be used.
///   An intermediate's size is 8 bytes per stored entry of its representation
///   (`FactorSignature.storedBytes`: r·c dense, n diagonal, the parts of a Kronecker product or
///   lazy product, 0 for identity, zero and commutation). Work buffers inside one product (the
///   vec trick's `B·X`, transposed copies) are not counted.
public struct ChainPlan: Sendable {
  /// One product of the plan, in execution order.
  public struct Step: Sendable, Hashable {
    /// Factor numbers (1-based) of the left and right operands.
    public let left: ClosedRange<Int>
    public let right: ClosedRange<Int>
    /// The structure of the product.
    public let result: FactorSignature
    /// The work of this product.
    public let cost: ProductCost
  }

  /// The order this plan was asked for.
  public let order: ChainOrder
  /// The factors planned for.
  public let factors: [FactorSignature]
  public let parenthesization: Parenthesization
  /// Total predicted work.
  public let cost: ProductCost
  /// Peak bytes of intermediates (see the type's documentation).
  public let peakBytes: Double
  /// The structure of the result (dense, or structured where it stays structured).
  public let result: FactorSignature
  /// The products in execution order.
  public let steps: [Step]
  /// Which AD mode the parenthesisation is.
  public let accumulation: Accumulation

  /// Multiply-adds of the whole plan.
  public var multiplyAdds: Double { cost.multiplyAdds }
  /// FLOPs, counted as 2 per multiply-add.
  public var flops: Double { 2 * cost.multiplyAdds }

  /// Plans `factors` (in mathematical order) in the given order.
  /// - Throws: `ChainError` when the factors do not chain or a custom parenthesisation has
  ///   another number of factors.
  /// - Complexity: `.optimal` is O(k³) signature products (dynamic programming over
  ///   parenthesisations; one candidate per interval and result structure); the others O(k).
  public init(factors: [FactorSignature], order: ChainOrder) throws {
    try JacobianChain.validate(factors)
    let k = factors.count
    let p: Parenthesization
    switch order {
    case .leftToRight: p = .leftToRight(k)
    case .rightToLeft: p = .rightToLeft(k)
    case .optimal: p = .optimal(for: factors)
    case .custom(let q):
      guard q.factorCount == k else {
        throw ChainError.factorCountMismatch(parenthesization: q.factorCount, chain: k)
      }
      p = q
    }
    self.order = order
    self.factors = factors
    self.parenthesization = p
    var steps: [Step] = []
    let w = ChainPlanner.walk(p.root, factors, &steps)
    self.cost = w.cost
    self.peakBytes = w.peak
    self.result = w.sig
    self.steps = steps
    switch k {
    case 1: accumulation = .none
    case 2: accumulation = .single
    default:
      if p == .leftToRight(k) {
        accumulation = .reverse
      } else if p == .rightToLeft(k) {
        accumulation = .forward
      } else {
        accumulation = .mixed
      }
    }
  }

  /// Which AD mode this is, in words: numerator layout makes left-to-right reverse
  /// accumulation; a 1-row `J₁` is a VJP seed, a 1-column `J_k` a JVP seed.
  public var adMode: String {
    let k = factors.count
    let first = factors[0]
    let last = factors[k - 1]
    switch accumulation {
    case .none:
      return "no product"
    case .single:
      return "one product: forward and reverse accumulation coincide"
    case .reverse:
      return first.rows == 1
        ? "reverse mode: the 1-row J1 is a VJP seed, every step a vector-Jacobian product"
        : "reverse accumulation (output side first, \(first.rows) VJPs at once)"
    case .forward:
      return last.cols == 1
        ? "forward mode: the 1-column J\(k) is a JVP seed, every step a Jacobian-vector product"
        : "forward accumulation (input side first, \(last.cols) JVPs at once)"
    case .mixed:
      return "mixed (cross-country) accumulation"
    }
  }
}

extension JacobianChain {
  /// The plan for this chain in the given order, from its factors' signatures.
  /// - Complexity: as `ChainPlan.init(factors:order:)`.
  public func plan(_ order: ChainOrder) throws -> ChainPlan {
    try ChainPlan(factors: signatures, order: order)
  }

  /// The report comparing orders (left-to-right, right-to-left and optimal by default).
  public func report(_ orders: [ChainOrder] = ChainReport.standardOrders) throws -> ChainReport {
    try ChainReport(factors: signatures, orders: orders)
  }
}

// MARK: - The planner

/// Dynamic programming over parenthesisations, and the walk that costs a given tree.
enum ChainPlanner {
  typealias Sig = FactorSignature
  typealias Node = Parenthesization.Node

  /// At most this many result structures are kept per interval (normally there is one: the
  /// product of a range of factors has one structure whatever the order, except where a lazy
  /// product forms in some orders and not in others).
  static let candidatesPerInterval = 8

  /// The cheapest (or dearest) tree. Dense chains use the classic O(k³) recurrence on plain
  /// numbers; others keep, for every interval, the cheapest way to reach each result structure,
  /// which is exact because a product's cost depends only on its operands' structures.
  /// Past `exactDenseLimit` dense or `exactStructuredLimit` structured factors the O(k³)
  /// dynamic programming is replaced by the O(k²) greedy pairing of `greedyTree`.
  static func bestTree(_ f: [Sig], maximize: Bool) -> Node {
    guard isExact(f) else { return greedyTree(f, maximize: maximize) }
    if f.allSatisfy({ if case .dense = $0.structure { return true } else { return false } }) {
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
              let outer = p[i] * p[j + 1]
              // Peak bytes of the split (as `walk`): a part's result is held only if it is a
              // product (len > 0); ties in cost go to the lower peak when minimizing.
              let here = 8 * outer
              func peak(_ s: Int) -> Double {
                let lb = s > i ? 8 * p[i] * p[s + 1] : 0
                let rb = s + 1 < j ? 8 * p[s + 1] * p[j + 1] : 0
                return max(pk[i * k + s], lb + pk[(s + 1) * k + j], lb + rb + here)
              }
              var best = c[i * k + i] + c[(i + 1) * k + j] + outer * p[i + 1]
              var bestS = i
              var bestPeak = maximize ? 0 : peak(i)
              var s = i + 1
              while s < j {
                let v = c[i * k + s] + c[(s + 1) * k + j] + outer * p[s + 1]
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

  /// Codes for the structures the DP multiplies inline (the hot path of long chains).
  enum Simple: UInt8 {
    case dense, diagonal, unitIdentity, zero, other

    init(_ s: Sig) {
      switch s.structure {
      case .dense: self = .dense
      case .diagonal: self = .diagonal
      case .identity(let t) where t == 1: self = .unitIdentity
      case .zero: self = .zero
      default: self = .other
      }
    }
  }

  /// `CostModel.multiply` for two simple structures (an m×k times a k×n), inlined: the same
  /// cases in the same order (zero, identity, diag·diag, dense·dense, diag·dense, dense·diag).
  /// The planner tests check it against `CostModel` through the brute-force enumeration.
  @inline(__always)
  static func simpleProduct(_ a: Simple, _ b: Simple, _ m: Double, _ k: Double, _ n: Double) -> (
    Simple, ProductCost
  ) {
    switch (a, b) {
    case (.zero, _), (_, .zero): return (.zero, .zero)
    case (.unitIdentity, _): return (b, .zero)
    case (_, .unitIdentity): return (a, .zero)
    case (.diagonal, .diagonal): return (.diagonal, .mul(m))
    case (.dense, .dense): return (.dense, .mul(m * k * n))
    case (.diagonal, .dense): return (.dense, .mul(m * n))
    case (.dense, .diagonal):
      // aᵀ copied, the diagonal applied to its m columns, the result transposed back.
      return (.dense, ProductCost(multiplyAdds: k * m, entriesMoved: m * k + m * n))
    default: preconditionFailure("simpleProduct is only for simple structures")
    }
  }

  /// A candidate of an interval: plain data, so that the O(k³) loop does no reference counting.
  /// `other` indexes the signature of a structure that is not simple.
  struct Candidate {
    var cost: ProductCost
    /// Peak bytes of the subtree (as `walk`) and bytes of its result if it is a product (0 for
    /// a factor): the tie-break between equal costs.
    var peak: Double = 0
    var bytes: Double = 0
    var simple: Simple
    var other: Int32
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
    var others: [Sig] = []
    for i in 0..<k {
      let code = Simple(f[i])
      if code == .other { others.append(f[i]) }
      offset[i * k + i] = table.count
      count[i * k + i] = 1
      table.append(
        Candidate(
          cost: .zero, simple: code, other: Int32(code == .other ? others.count - 1 : -1), split: -1,
          left: -1, right: -1))
    }
    /// The signature of a candidate for factors i…j.
    func signature(_ c: Candidate, _ i: Int, _ j: Int) -> Sig {
      let (r, cols) = (f[i].rows, f[j].cols)
      switch c.simple {
      case .dense: return Sig(r, cols, .dense)
      case .diagonal: return Sig(r, r, .diagonal)
      case .unitIdentity: return Sig(r, r, .identity(scale: 1))
      case .zero: return Sig(r, cols, .zero)
      case .other: return others[Int(c.other)]
      }
    }
    var cands: [Candidate] = []
    var localOthers: [Sig] = []
    for len in 1..<k {
      for i in 0..<(k - len) {
        let j = i + len
        cands.removeAll(keepingCapacity: true)
        localOthers.removeAll(keepingCapacity: true)
        let m = Double(f[i].rows)
        let n = Double(f[j].cols)
        for s in i..<j {
          let kk = Double(f[s].cols)
          let (lo, lc) = (offset[i * k + s], count[i * k + s])
          let (ro, rc) = (offset[(s + 1) * k + j], count[(s + 1) * k + j])
          for li in 0..<lc {
            let a = table[lo + li]
            for ri in 0..<rc {
              let b = table[ro + ri]
              var code: Simple
              var c: ProductCost
              var res: Sig? = nil
              if a.simple != .other && b.simple != .other {
                (code, c) = simpleProduct(a.simple, b.simple, m, kk, n)
              } else {
                let (r, cc) = CostModel.multiply(signature(a, i, s), signature(b, s + 1, j))
                c = cc
                code = Simple(r)
                if code == .other { res = r }
              }
              let total = a.cost + b.cost + c
              let bytes: Double
              switch code {
              case .dense: bytes = 8 * m * n
              case .diagonal: bytes = 8 * m
              case .unitIdentity, .zero: bytes = 0
              case .other: bytes = res?.storedBytes ?? 0
              }
              var cand = Candidate(
                cost: total, peak: max(a.peak, a.bytes + b.peak, a.bytes + b.bytes + bytes), bytes: bytes,
                simple: code, other: -1, split: Int32(s), left: Int32(li), right: Int32(ri))
              // Within an interval every result has the same size: a simple code identifies it.
              let e: Int?
              if let r = res {
                e = cands.firstIndex { $0.simple == .other && localOthers[Int($0.other)] == r }
              } else {
                e = cands.firstIndex { $0.simple == code }
              }
              if let e {
                if preferred(cand, cands[e]) {
                  cand.other = cands[e].other
                  cands[e] = cand
                }
              } else {
                if let r = res {
                  localOthers.append(r)
                  cand.other = Int32(localOthers.count - 1)
                }
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
        for var c in cands {
          if c.simple == .other {
            others.append(localOthers[Int(c.other)])
            c.other = Int32(others.count - 1)
          }
          table.append(c)
        }
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

  /// Costs a tree with the mirrors of the product rules, in `evaluate`'s order (left part
  /// first), recording the steps and the peak of live intermediates.
  static func walk(_ n: Node, _ f: [Sig], _ steps: inout [ChainPlan.Step]) -> Walked {
    switch n {
    case .factor(let i):
      return Walked(sig: f[i - 1], cost: .zero, peak: 0, intermediateBytes: 0, range: i...i)
    case .product(let ln, let rn):
      let l = walk(ln, f, &steps)
      let r = walk(rn, f, &steps)
      let (res, c) = CostModel.multiply(l.sig, r.sig)
      let bytes = res.storedBytes
      steps.append(ChainPlan.Step(left: l.range, right: r.range, result: res, cost: c))
      let here = l.intermediateBytes + r.intermediateBytes + bytes
      let peak = max(l.peak, l.intermediateBytes + r.peak, here)
      return Walked(
        sig: res, cost: l.cost + r.cost + c, peak: peak, intermediateBytes: bytes,
        range: l.range.lowerBound...r.range.upperBound)
    }
  }
}
