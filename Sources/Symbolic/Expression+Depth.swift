// How deep an expression may be, and depth checks that do not recurse.
//
// Every pass over a tree (shapes, evaluation, differentiation, simplification, printing,
// hashing, and Swift's release of the tree) recurses once per level. The parser refuses input
// beyond `maximumNesting` and `maximumDepth`; the `jac` tool runs on a 1 GiB stack
// (`MatrixCore.LargeStack`), far more than the deepest accepted tree needs. Library code that
// parses or builds trees deeper than a few hundred levels should run on a large stack as well.

extension Expression {
  /// The deepest nesting of parentheses, function calls, signs and exponents the parser
  /// accepts: 1,000 levels.
  public static let maximumNesting = 1_000
  /// The deepest expression tree the parser accepts: 2,000 levels (`a+b+c+…` with 2,000 terms,
  /// `X''…'` with 2,000 transposes).
  public static let maximumDepth = 2_000

  /// Whether the tree is more than `limit` levels deep (a leaf is 0 deep), found without
  /// recursion.
  public func exceedsDepth(_ limit: Int) -> Bool {
    var stack: [(Expression, Int)] = [(self, 0)]
    while let (node, depth) = stack.popLast() {
      if depth > limit { return true }
      for child in node.children { stack.append((child, depth + 1)) }
    }
    return false
  }

  /// Releases a tree without recursion: each node's children are moved to an explicit stack
  /// before the node is released, so no release cascades down more than one level.
  static func dismantle(_ root: consuming Expression) {
    var stack = [root]
    while let node = stack.popLast() { stack.append(contentsOf: node.children) }
  }
}
