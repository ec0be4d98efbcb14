// The planner for long chains: exact dynamic programming is O(k³) signature products, which is
// fine for hundreds of factors and minutes for thousands. Past a size, a greedy pairing that is
// O(k²) takes over.

extension ChainPlanner {
  /// The most dense factors planned exactly by the O(k³) recurrence (about a second in a debug
  /// build at this size).
  public static let exactDenseLimit = 500
  /// The most factors planned exactly when some are structured (the recurrence keeps several
  /// result structures per interval and costs each product with the structure-aware model).
  public static let exactStructuredLimit = 200

  /// Whether `.optimal` is exact for these factors (dynamic programming) or greedy.
  static func isExact(_ f: [Sig]) -> Bool {
    let dense = f.allSatisfy { $0.kind == .dense }
    return f.count <= (dense ? exactDenseLimit : exactStructuredLimit)
  }

  /// Greedy pairing: repeatedly multiply the adjacent pair whose product is cheapest (dearest
  /// when `maximize`) under the cost model, ties to the leftmost pair. O(k²) comparisons and
  /// O(k) signature products. Not optimal in general, but never worse than pairing blindly and
  /// usually close: it finds the cheap contractions (a 1-row seed, diagonals) first.
  static func greedyTree(_ f: [Sig], maximize: Bool) -> Node {
    var items: [(sig: Sig, node: Node)] = f.enumerated().map { ($0.element, .factor($0.offset + 1)) }
    func pairCost(_ i: Int) -> ProductCost { FactorSignature.product(items[i].sig, items[i + 1].sig).cost }
    var costs = (0..<(items.count - 1)).map(pairCost)
    while items.count > 1 {
      var best = 0
      for i in 1..<costs.count where maximize ? costs[best] < costs[i] : costs[i] < costs[best] { best = i }
      let (sig, _) = FactorSignature.product(items[best].sig, items[best + 1].sig)
      items[best] = (sig, .product(items[best].node, items[best + 1].node))
      items.remove(at: best + 1)
      costs.remove(at: best)
      if best < costs.count { costs[best] = pairCost(best) }
      if best > 0 { costs[best - 1] = pairCost(best - 1) }
    }
    return items[0].node
  }
}
