extension Expression {
  /// The number of nodes of the tree written out (every shared subtree counted at each of its
  /// occurrences), saturating at `Int.max / 2`, computed in O(distinct subtrees) (a subtree
  /// shared in memory is visited once): the gradient of a 300-layer nested network has about
  /// 10⁶ nodes written out but a few thousand distinct ones.
  public var writtenNodeCount: Int {
    let dag = HashConsedDAG([self])
    return dag.treeSizes[dag.roots[0]]
  }

  /// Whether `unicodeText` is longer than `width` characters, without writing out a large tree:
  /// every leaf and every unary operator prints at least one character, and they are at least
  /// half of the nodes, so a tree of more than 2·width nodes written out prints more than
  /// width characters; a smaller tree is printed and counted.
  public func unicodeTextIsLonger(than width: Int) -> Bool {
    writtenNodeCount > 2 * width || unicodeText.count > width
  }
}
