import MatrixCore

/// Hash-consing of expressions: every structurally distinct subtree gets a small integer id, so
/// that the caches of differentiation and simplification are keyed by `Int` instead of by whole
/// trees (hashing or comparing a tree costs O(its size), an id O(1)).
///
/// - A node's id is found from its children's ids: the key is the node with each child replaced
///   by `.identity(childID)` (as `HashConsedDAG`), hashed in O(number of children).
/// - A subtree that is shared in memory (the same indirect-enum box, which is how derivatives
///   reuse their operand: `tanh(h)` in `1 − tanh(h)²` is the `tanh(h)` of F) is looked up by the
///   address of its box, in O(1), without visiting its children again. So interning an
///   expression costs O(distinct boxes), not O(nodes of the tree written out): the gradient of an
///   L-layer nested network is O(L²) nodes written out but O(L) boxes.
/// - Every box looked up by address is kept alive by the table, so an address can never be
///   reused for another value while the table exists. When the representation is not one
///   pointer (checked at run time), lookup falls back to the children's ids: slower, same ids.
///
/// `shape(of:)` computes shapes node by node from the children's cached shapes (O(1) per node)
/// with the rules of `Expression.shape(in:)`, whose error messages it reports unchanged.
///
/// A reference type, so that copies of a `Simplifier` or `ForwardDifferentiator` share one
/// table (it only grows; ids never change). Not thread-safe: each computation owns its table.
final class ExpressionTable {
  /// One representative per id.
  private(set) var nodes: [Expression] = []
  /// The children's ids of each node, in `children` order.
  private(set) var childIDs: [[Int]] = []
  private var byKey: [Expression: Int] = [:]
  private var byBox: [UInt: Int] = [:]
  /// The boxes of `byBox`, kept alive so that their addresses stay theirs.
  private var retained: [Expression] = []
  /// Shapes by id (under `shapeDims`); nil where not computed yet.
  private var shapes: [Shape?] = []
  /// The variables' shapes plus one placeholder variable per id whose shape is known.
  private var shapeDims: [String: Shape]
  /// The variables' shapes as given.
  let dims: [String: Shape]
  /// Interning calls that found no box and no key, i.e. new ids (work counted by tests).
  private(set) var lookups = 0

  init(dims: [String: Shape] = [:]) {
    self.dims = dims
    shapeDims = dims
  }

  var count: Int { nodes.count }

  /// The bits of an expression's representation when it is one pointer to a box (how Swift
  /// stores an `indirect enum` whose cases all have payloads), else nil.
  @inline(__always)
  static func boxBits(_ e: Expression) -> UInt? {
    guard MemoryLayout<Expression>.size == MemoryLayout<UInt>.size else { return nil }
    return withUnsafeBytes(of: e) { $0.load(as: UInt.self) }
  }

  /// The id of e's structure (equal ids ⇔ structurally equal expressions).
  func id(_ e: Expression) -> Int {
    let bits = ExpressionTable.boxBits(e)
    if let bits, let known = byBox[bits] { return known }
    let children = e.children
    let ids = children.map { id($0) }
    let key = children.isEmpty ? e : e.replacingChildren(ids.map { .identity($0) })
    let result: Int
    if let known = byKey[key] {
      result = known
    } else {
      lookups += 1
      result = nodes.count
      byKey[key] = result
      nodes.append(e)
      childIDs.append(ids)
      shapes.append(nil)
    }
    if let bits {
      byBox[bits] = result
      retained.append(e)
    }
    return result
  }

  /// The id of e's structure if it was interned before (nil otherwise), without interning it:
  /// `x == y` for an interned y ⇔ `knownID(x) == id(y)`. O(1) for a box seen before, else
  /// O(nodes of e not seen before).
  func knownID(_ e: Expression) -> Int? {
    if let bits = ExpressionTable.boxBits(e), let known = byBox[bits] { return known }
    let children = e.children
    if children.isEmpty { return byKey[e] }
    var ids: [Int] = []
    for c in children {
      guard let i = knownID(c) else { return nil }
      ids.append(i)
    }
    return byKey[e.replacingChildren(ids.map { .identity($0) })]
  }

  /// Whether a and b are structurally equal, in O(1) for interned subtrees.
  func same(_ a: Expression, _ b: Expression) -> Bool { id(a) == id(b) }

  private static func placeholder(_ id: Int) -> String { "\u{1}\(id)" }

  /// The shape of e with the variables' shapes `dims` (entries uncapped, as the structured
  /// layers check Jacobians), computed once per distinct subtree.
  /// - Throws: the `ShapeError` that `e.shape(in: dims, maximumEntries: .max)` throws.
  func shape(of e: Expression) throws -> Shape {
    try shape(id: id(e))
  }

  func shape(id i: Int) throws -> Shape {
    if let s = shapes[i] { return s }
    let node = nodes[i]
    let s: Shape
    if childIDs[i].isEmpty {
      s = try node.shape(in: dims, maximumEntries: .max)
    } else {
      for c in childIDs[i] { _ = try shape(id: c) }
      do {
        // Leaves stay (they shape in O(1)), and so does a power's exponent, whose integer value
        // the rule reads.
        var local = node.replacingChildren(
          zip(node.children, childIDs[i]).map { c, id in
            c.children.isEmpty ? c : .variable(ExpressionTable.placeholder(id))
          })
        if case .power(let a, _) = local, case .power(_, let k) = node { local = .power(a, k) }
        s = try local.shape(in: shapeDims, maximumEntries: .max)
      } catch {
        // The node's own rule failed: the message names the real subexpressions.
        s = try node.shape(in: dims, maximumEntries: .max)
      }
    }
    shapes[i] = s
    shapeDims[ExpressionTable.placeholder(i)] = s
    return s
  }
}
