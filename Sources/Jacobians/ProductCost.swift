/// The work of a product or an application as the code performs it (see the counting convention
/// in `Operator+ProductRules.swift`).
///
/// Ordered lexicographically: first by multiply-adds, then by entries moved, so that among
/// orders with equal arithmetic the one that permutes and copies less wins. Costs are `Double`:
/// exact for integers below 2⁵³ ≈ 9·10¹⁵, never overflowing, and rounded (by at most one part in
/// 10¹⁶) above that.
public struct ProductCost: Hashable, Sendable, Comparable, AdditiveArithmetic, CustomStringConvertible {
  /// Multiply-adds; a lone multiplication or addition counts as one.
  public var multiplyAdds: Double
  /// Entries copied by permutations (commutations) and transposed copies, no arithmetic.
  public var entriesMoved: Double

  public init(multiplyAdds: Double = 0, entriesMoved: Double = 0) {
    self.multiplyAdds = multiplyAdds
    self.entriesMoved = entriesMoved
  }

  /// FLOPs, counted as 2 per multiply-add (opt_einsum's convention; NumPy's `multi_dot`
  /// reports multiplications, i.e. our multiply-adds).
  public var flops: Double { 2 * multiplyAdds }

  public static let zero = ProductCost()

  public static func + (a: ProductCost, b: ProductCost) -> ProductCost {
    ProductCost(multiplyAdds: a.multiplyAdds + b.multiplyAdds, entriesMoved: a.entriesMoved + b.entriesMoved)
  }

  public static func - (a: ProductCost, b: ProductCost) -> ProductCost {
    ProductCost(multiplyAdds: a.multiplyAdds - b.multiplyAdds, entriesMoved: a.entriesMoved - b.entriesMoved)
  }

  public static func < (a: ProductCost, b: ProductCost) -> Bool {
    a.multiplyAdds != b.multiplyAdds ? a.multiplyAdds < b.multiplyAdds : a.entriesMoved < b.entriesMoved
  }

  public var description: String {
    "\(formatCount(multiplyAdds)) multiply-adds, \(formatCount(entriesMoved)) entries moved"
  }

  static func mul(_ x: Double) -> ProductCost { ProductCost(multiplyAdds: x) }
  /// One GEMM, `m×k · k×n`: m·k·n multiply-adds (the dense rule; the dense planner's recurrence).
  @inline(__always)
  static func gemm(_ m: Double, _ k: Double, _ n: Double) -> ProductCost { ProductCost(multiplyAdds: m * k * n) }
  static func moves(_ x: Double) -> ProductCost { ProductCost(entriesMoved: x) }

  func scaled(by k: Double) -> ProductCost {
    ProductCost(multiplyAdds: multiplyAdds * k, entriesMoved: entriesMoved * k)
  }
}

/// An integer-valued count as digits (below 10¹⁵) or in scientific notation above.
func formatCount(_ x: Double) -> String {
  guard x.isFinite else { return "\(x)" }
  if abs(x) < 1e15, x == x.rounded() { return String(Int64(x)) }
  return String(describing: x)
}
