/// Common subexpressions named: one or more expressions ("bodies") written with ordered named
/// bindings `t1 = …`, `t2 = …`, found by hash-consing structurally equal subtrees.
///
/// ```swift
/// let g = try Expression("(W2'*(tanh(W2*tanh(W1*x)) .* (1-tanh(W2*tanh(W1*x)).^2)) .* (1-tanh(W1*x).^2))*x'")
/// let form = LetForm(g)
/// form.bindings.map { "\($0.name) = \($0.value.unicodeText)" }  // ["t1 = tanh(W1 x)", "t2 = tanh(W2 t1)"]
/// form.body.unicodeText  // "(W2ᵀ(t2 ⊙ (1 − t2.^2)) ⊙ (1 − t1.^2))xᵀ"
/// form.inlined() == [g]  // true
/// ```
///
/// - Every binding's value refers to inputs and to earlier bindings only (`t2 = tanh(W2 t1)`),
///   so the bindings evaluate top to bottom, as a straight-line program; the bodies refer to
///   inputs and bindings. `inlined()` substitutes the bindings back and gives the bodies exactly.
/// - A subtree is named when, with the names chosen above it, it would still be printed at least
///   twice, and it has at least `minimumNodes` nodes (default 4: `tanh(W1 x)` is named, `W1 x`
///   and `xᵀ` are not). Larger repeated subtrees are named first, so a subtree that only occurs
///   inside one named repeat is not named separately.
/// - `Sharing.perBody` (the default, what `jac derive` prints): a name is made only for a repeat
///   inside one body (counted with that body's own bindings); the names are then used in every
///   body. An expression printed once with no repeat inside is left as it is, even when another
///   body contains the same subtree. `Sharing.acrossBodies`: a subtree that occurs twice anywhere
///   (in two bodies, or a body and a binding) is named, so each distinct repeated value is
///   computed once (what code generation wants).
/// - Printed size: every distinct subtree is written out at most once, so the let-form of a
///   tree with n distinct subtrees prints O(n) symbols, however often they repeat (the gradient
///   of an L-layer nested network grows linearly with L instead of with L²).
/// - Cost: one pass over the distinct boxes of the tree (a subtree shared in memory is visited
///   once) with a hash table keyed by a node and its children's indices (hashing is O(1) per
///   node, not O(subtree)); no recursion, so deep trees need no large stack.
/// - Names: `prefix` followed by 1, 2, 3, … in binding order, skipping every variable of the
///   bodies and every name in `reserved` (`t1` is taken when F uses a t1; the next free number is
///   used).
public struct LetForm: Sendable, Hashable {
  /// One named subexpression, `name = value`.
  public struct Binding: Sendable, Hashable {
    public let name: String
    /// In terms of inputs and earlier bindings.
    public let value: Expression
  }

  /// Which repeats are named (see the type's documentation).
  public enum Sharing: Sendable, Hashable {
    /// Name the repeats inside each body; use the names everywhere.
    case perBody
    /// Name every subtree that occurs twice anywhere.
    case acrossBodies
  }

  /// In dependency order: each value uses only earlier names.
  public let bindings: [Binding]
  /// The expressions, in the order given, written with the names.
  public let bodies: [Expression]
  /// The first body (the only one for `init(_:)`).
  public var body: Expression { bodies[0] }

  /// The let-form of one expression.
  public init(
    _ expression: Expression, sharing: Sharing = .perBody, minimumNodes: Int = 4, prefix: String = "t",
    reserved: Set<String> = []
  ) {
    self.init(sharing: [expression], sharing: sharing, minimumNodes: minimumNodes, prefix: prefix, reserved: reserved)
  }

  /// The let-form of several expressions with one set of bindings.
  public init(
    sharing expressions: [Expression], sharing mode: Sharing = .perBody, minimumNodes: Int = 4, prefix: String = "t",
    reserved: Set<String> = []
  ) {
    let dag = HashConsedDAG(expressions)
    var named = [Bool](repeating: false, count: dag.count)
    switch mode {
    case .acrossBodies:
      named = dag.repeatedNodes(roots: dag.roots, minimumNodes: minimumNodes)
    case .perBody:
      for root in Set(dag.roots) {
        for (id, n) in dag.repeatedNodes(roots: [root], minimumNodes: minimumNodes).enumerated() where n {
          named[id] = true
        }
      }
    }
    // Names, in id order (children before parents), skipping taken names.
    var taken = reserved
    for node in dag.nodes { if case .variable(let name) = node { taken.insert(name) } }
    var counter = 0
    var names: [Int: String] = [:]
    var bindings: [Binding] = []
    // reference[id]: the node as it is written where it is used (a name, or the node itself
    // with its children written by reference).
    var reference: [Expression] = []
    reference.reserveCapacity(dag.count)
    for id in 0..<dag.count {
      let written = dag.nodes[id].replacingChildren(dag.childIDs[id].map { reference[$0] })
      if named[id] {
        var name: String
        repeat {
          counter += 1
          name = prefix + String(counter)
        } while taken.contains(name)
        taken.insert(name)
        names[id] = name
        bindings.append(Binding(name: name, value: written))
        reference.append(.variable(name))
      } else {
        reference.append(written)
      }
    }
    self.bindings = bindings
    // A body that is itself a named node (with `.acrossBodies`) is written as its name.
    self.bodies = dag.roots.map { reference[$0] }
  }

  /// The bodies with every binding substituted back: equal to the expressions given.
  public func inlined() -> [Expression] {
    var values: [String: Expression] = [:]
    for b in bindings { values[b.name] = b.value.substituting(values) }
    return bodies.map { $0.substituting(values) }
  }

  /// The names of the bindings, in order.
  public var names: [String] { bindings.map(\.name) }
}

/// The distinct subtrees of some expressions, each once, children before parents.
struct HashConsedDAG {
  /// One representative subtree per id.
  var nodes: [Expression] = []
  /// The ids of each node's children, in `children` order.
  var childIDs: [[Int]] = []
  /// Nodes in the subtree (counted as a tree, saturating at `Int.max / 2`).
  var treeSizes: [Int] = []
  /// The id of each expression given.
  var roots: [Int] = []
  /// Nodes taken off the walk's stack (the work, counted by tests).
  private(set) var visits = 0

  var count: Int { nodes.count }

  init(_ expressions: [Expression]) {
    // A node's key is the node with its children replaced by `.identity(childID)`: equal keys
    // mean structurally equal subtrees, and hashing a key costs O(children), not O(subtree).
    var table: [Expression: Int] = [:]
    // A subtree shared in memory (the same box) is visited once and then found by the box's
    // address, so the walk costs O(distinct boxes), not O(nodes of the tree written out) (the
    // gradient of an L-layer nested network: O(L) boxes, O(L²) nodes written out). The
    // expressions keep every box alive while this runs, so no address is reused meanwhile.
    var byBox: [UInt: Int] = [:]
    for root in expressions {
      var work: [(Expression, expanded: Bool)] = [(root, false)]
      var done: [Int] = []
      while let (node, expanded) = work.popLast() {
        visits += 1
        let bits = ExpressionTable.boxBits(node)
        if !expanded, let bits, let id = byBox[bits] {
          done.append(id)
          continue
        }
        let children = node.children
        if !expanded && !children.isEmpty {
          work.append((node, true))
          for c in children.reversed() { work.append((c, false)) }
          continue
        }
        let ids = Array(done.suffix(children.count))
        done.removeLast(children.count)
        let key = children.isEmpty ? node : node.replacingChildren(ids.map { .identity($0) })
        if let id = table[key] {
          if let bits { byBox[bits] = id }
          done.append(id)
          continue
        }
        let id = nodes.count
        table[key] = id
        if let bits { byBox[bits] = id }
        nodes.append(node)
        childIDs.append(ids)
        treeSizes.append(ids.reduce(1) { min(Int.max / 2, $0 + treeSizes[$1]) })
        done.append(id)
      }
      roots.append(done[0])
    }
  }

  /// Which nodes a let-form of `roots` names: visiting parents before children (ids
  /// descending), a node is named when it would be written at least twice given the names above
  /// it (a named node's definition writes its children once), is not a leaf, and has at least
  /// `minimumNodes` nodes.
  func repeatedNodes(roots: [Int], minimumNodes: Int) -> [Bool] {
    // Occurrences, capped at 2 (only "at least twice" matters; no overflow on huge DAGs).
    var written = [UInt8](repeating: 0, count: count)
    var named = [Bool](repeating: false, count: count)
    for r in roots { written[r] = min(2, written[r] + 1) }
    for id in stride(from: count - 1, through: 0, by: -1) where written[id] > 0 {
      let isNamed = written[id] >= 2 && !childIDs[id].isEmpty && treeSizes[id] >= minimumNodes
      named[id] = isNamed
      let passedOn = isNamed ? 1 : written[id]
      for c in childIDs[id] { written[c] = min(2, written[c] + passedOn) }
    }
    return named
  }
}
