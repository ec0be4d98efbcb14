/// The length of an expression's plain text without writing it out.
///
/// A simplified derivative of a deep nested expression is a DAG whose tree written out is
/// quadratic in the depth (the gradient of a 300-layer network prints as about 10⁶ characters
/// inline), so comparing two forms by `plainText.count` cost O(L²). The plain-text printer is
/// compositional (a node's text is its children's texts, each parenthesized or not by its own
/// precedence, joined by the node's own symbols), so the length follows from the children's
/// lengths: computed once per distinct subtree (by id), O(distinct subtrees) in all.
extension Simplifier {
  /// `e.plainText.count`, in O(1) per distinct subtree not measured before.
  mutating func plainLength(_ e: Expression) -> Int {
    let key = table.id(e)
    if let n = plainLengths[key] { return n }
    let n = plainLengthOfNode(e)
    plainLengths[key] = n
    return n
  }

  private mutating func plainLengthOfNode(_ e: Expression) -> Int {
    /// A child written with parentheses below `level` (`plain(atLeast:)`).
    func atLeast(_ x: Expression, _ level: Precedence) -> Int {
      plainLength(x) + (x.precedence < level ? 2 : 0)
    }
    /// A child written with parentheses at or below `level` (`plain(above:)`).
    func above(_ x: Expression, _ level: Precedence) -> Int {
      plainLength(x) + (x.precedence <= level ? 2 : 0)
    }
    /// An exponent after `^` or `.^` (`plainExponent`).
    func exponent(_ x: Expression, _ level: Precedence) -> Int {
      if case .negate(let a) = x { return 1 + exponent(a, level) }
      if case .constant(let c) = x, c < 0 { return x.plainText.count }
      return atLeast(x, level)
    }
    /// `name(a)`.
    func call(_ name: String, _ a: Expression) -> Int { name.count + 2 + plainLength(a) }
    switch e {
    case .transpose(let a): return atLeast(a, .postfix) + 1
    case .negate(let a): return 1 + atLeast(a, .unary)
    case .add(let a, let b), .subtract(let a, let b): return atLeast(a, .sum) + 1 + above(b, .sum)
    case .divide(let a, let b): return atLeast(a, .division) + 1 + atLeast(b, .unary)
    case .hadamard(let a, let b): return atLeast(a, .hadamard) + 2 + above(b, .hadamard)
    case .hadamardQuotient(let a, let b): return atLeast(a, .hadamard) + 2 + atLeast(b, .unary)
    case .product(let a, let b): return atLeast(a, .product) + 1 + above(b, .product)
    case .power(let a, let k): return atLeast(a, .postfix) + 1 + exponent(k, .power)
    case .elementwisePower(let a, let p): return atLeast(a, .power) + 2 + exponent(p, .elementwisePower)
    case .kronecker(let a, let b), .maximum(let a, let b), .minimum(let a, let b):
      let name = if case .kronecker = e { "kron" } else if case .maximum = e { "max" } else { "min" }
      return name.count + 3 + plainLength(a) + plainLength(b)
    case .elementwise(let f, let a): return call(f.name, a)
    case .inverse(let a): return call("inv", a)
    case .determinant(let a): return call("det", a)
    case .logDeterminant(let a): return call("logdet", a)
    case .trace(let a): return call("tr", a)
    case .sum(let a): return call("sum", a)
    case .norm(let a): return call("norm", a)
    case .vec(let a): return call("vec", a)
    case .diag(let a): return call("diag", a)
    case .diagonal(let a): return call("diagonal", a)
    case .softmax(let a): return call("softmax", a)
    case .logSumExp(let a): return call("logsumexp", a)
    case .norm1(let a): return call("norm1", a)
    default:
      // Leaves, `reshape` and block matrices: written out (rare, and small in practice).
      return e.plainText.count
    }
  }
}
