import Foundation
import MatrixCore

// Plans for a chain J₁·J₂·…·J_k, computed from sizes and structures alone (as opt_einsum's
// `contract_path` is separate from `contract`): a parenthesisation, its cost under the product
// rules run on signatures (`Operator+ProductRules.swift`), its peak memory, the kernel of every
// step, and which AD mode it is. The planner is `ChainPlanner.swift`, execution `Chain+Execute.swift`.

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
/// - `multiplyAdds`: what the product rules perform (`Operator+ProductRules.swift`, run on signatures);
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
    /// The kernel the product rule runs for this product (what execution runs).
    public let kernel: ProductKernel
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
