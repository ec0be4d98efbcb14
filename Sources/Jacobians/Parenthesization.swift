import MatrixCore

// Parenthesisations of a chain J₁·J₂·…·J_k: the tree, its text form and its reader.

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
