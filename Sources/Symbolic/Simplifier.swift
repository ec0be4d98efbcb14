import MatrixCore

/// Algebraic simplification of expressions, shape-aware, bottom-up to a fixed point:
/// identities and zeros removed, numeric constants folded and hoisted, `(A')' = A`,
/// `(A⊗B)' = A'⊗B'`, the mixed product `kron(A,B)*kron(C,D) = kron(A*C,B*D)`, `K(n,m)*K(m,n) = I`,
/// `K(p,m)*kron(A,B)*K(n,q) = kron(B,A)`, `diag(u)*diag(v) = diag(u.*v)`, equal terms merged
/// (`A + A = 2*A`), common factors pulled out of sums (`A*C + B*C = (A+B)*C`); `S' = S` for a
/// symmetric form (`inv(X'*X)' = inv(X'*X)`), `s*(A/s) = A`, `vec(B)'*kron(C,A) = vec(A'*B*C)'`
/// (so the Jacobian of `tr(A*X)` is `vec(A')'`), `ones(1,n)*diag(v) = v'`, and exact constants
/// (`I(1) = 1`, `det(I) = 1`, `logdet(I) = 0`, `X.^0 = ones`, `exp(zeros) = ones`, `abs(-2) = 2`).
///
/// Every rule is an identity of matrix algebra, so the value never changes where the input is
/// defined (`s*(A/s) = A` also where s = 0); the tests check that on random expressions
/// numerically (`DifferentialTests`).
public struct Simplifier {
  let dims: [String: Shape]
  /// Every subtree seen, by id (`ExpressionTable`): shapes and the pass's results are cached per
  /// id, so a lookup costs O(1) instead of hashing the subtree, and a subtree shared in memory
  /// is simplified once.
  let table: ExpressionTable
  var memo: [Int: Expression] = [:]
  /// `present`'s results by id.
  var presented: [Int: Expression] = [:]
  /// Rules that joined or replaced factors of a product (pairwise chain rules, the
  /// Kronecker search, cancelled divisions, a recognised sigmoid): `pass` compares the count
  /// before and after normalizing a chain at its top.
  var chainEvents = 0
  /// Product levels that `passOperand` left to the top of their chain.
  var skippedLevels = 0
  /// `containsCommutation`'s results by id.
  var commutationFlags: [Int: Bool] = [:]
  /// `plainLength`'s results by id.
  var plainLengths: [Int: Int] = [:]
  /// Nodes rewritten by `pass` (each distinct subtree once per pass): the work, counted by tests.
  var rewrites = 0
  /// Sums simplified one level at a time, as before `passSum` (the reference its tests compare
  /// with).
  var levelByLevelSums = false
  /// Terms collected by the simplification of sums (`simplifySum`, `passSum`): the work on long
  /// sums, counted by tests.
  var sumTermsVisited = 0

  public init(dims: [String: Shape]) {
    self.dims = dims
    table = ExpressionTable(dims: dims)
  }

  /// The simplified expression (same shape, same value).
  public mutating func simplify(_ e: Expression) throws -> Expression {
    var current = e
    for _ in 0..<8 {
      let next = try pass(current)
      if table.same(next, current) { break }
      current = next
    }
    return try present(current)
  }

  func shape(_ e: Expression) throws -> Shape { try table.shape(of: e) }

  mutating func pass(_ e: Expression) throws -> Expression {
    let key = table.id(e)
    if let m = memo[key] { return m }
    try Cancellation.checkpoint()
    var result: Expression
    if case .product(let a, let b) = e {
      // The chain normalized once, at its top (see `passOperand`). That gives the result of
      // normalizing level by level whenever no rule joins factors (then each level's chain is
      // its factors as they are, in order). When a rule did fire (`chainEvents`) and a level
      // was skipped, the levels are normalized one by one as before, so that the rules apply
      // in the same order and print the same forms.
      let (events, skippedBefore) = (chainEvents, skippedLevels)
      let flat: Expression = .product(try passOperand(a), try passOperand(b))
      rewrites += 1
      result = try rewrite(flat)
      if skippedLevels != skippedBefore, try chainEvents != events || hasUnitSubchain(flat) {
        rewrites += 1
        result = try rewrite(.product(try pass(a), try pass(b)))
      }
    } else if e.isSum, !levelByLevelSums {
      rewrites += 1
      result = try passSum(e)
    } else {
      let rebuilt = e.replacingChildren(try e.children.map { try pass($0) })
      rewrites += 1
      result = try rewrite(rebuilt)
    }
    memo[key] = result
    return result
  }

  /// An operand of a product, simplified. A matrix product inside a product (it and both its
  /// operands more than 1×1: `collect` flattens exactly those into the enclosing chain) is not
  /// normalized on its own: only its operands are, and the chain is normalized once, at its top
  /// node. Normalizing every level of a right-nested chain `D_L(W_L(D_{L−1}(…)))` rewrote the
  /// whole chain below it at each level (O(L²) new nodes for L levels); this way the chain
  /// costs O(L). A 1×1 product (`uᵀv`) is one scalar factor of its parent, so it is simplified
  /// on its own, as before.
  mutating func passOperand(_ e: Expression) throws -> Expression {
    guard case .product(let a, let b) = e, try !shape(e).isScalar, try !shape(a).isScalar, try !shape(b).isScalar
    else {
      return try pass(e)
    }
    if let done = memo[table.id(e)] { return done }
    skippedLevels += 1
    return .product(try passOperand(a), try passOperand(b))
  }

  /// Whether the chain of e has consecutive factors whose product is 1×1 (a factor with one row
  /// before one with one column): normalized level by level, such a run can become a 1×1
  /// factor of a scaling (`(uᵀv)·wᵀ`), which the rules treat differently from a chain.
  mutating func hasUnitSubchain(_ e: Expression) throws -> Bool {
    var form = ProductForm()
    try collect(e, into: &form)
    var oneRow = false
    for f in form.chain {
      let s = try shape(f)
      if oneRow && s.cols == 1 { return true }
      if s.rows == 1 { oneRow = true }
    }
    return false
  }

  func isZero(_ e: Expression) -> Bool {
    switch e {
    case .zeros: return true
    case .constant(let c): return c == 0
    default: return false
    }
  }

  func zero(_ s: Shape) -> Expression { s.isScalar ? .constant(0) : .zeros(s.rows, s.cols) }

  func one(_ s: Shape) -> Expression { s.isScalar ? .constant(1) : .ones(s.rows, s.cols) }

  /// `f` of a constant argument as a constant, where the result is exact: `f(0)` and `f(1)`
  /// when they are 0 or 1 (`exp(zeros) = ones`, `log(ones) = zeros`, `tanh(0) = 0`), and
  /// `relu`, `abs`, `heaviside`, `sign` of any number (`abs(-2) = 2`). Nil otherwise
  /// (`sigmoid(0)` stays, rather than printing 0.5 where the reader expects the function).
  func foldElementwise(_ f: ElementwiseFunction, _ a: Expression) -> Expression? {
    let exact: Set<ElementwiseFunction> = [.relu, .abs, .heaviside, .sign]
    switch a {
    case .constant(let x):
      guard f.isDefined(at: x) else { return nil }
      let y = f.apply(x)
      return exact.contains(f) || y == 0 || y == 1 ? .constant(y) : nil
    case .zeros(let m, let n), .ones(let m, let n):
      let x: Double = isZero(a) ? 0 : 1
      guard f.isDefined(at: x) else { return nil }
      let y = f.apply(x)
      if y == 0 { return .zeros(m, n) }
      if y == 1 { return .ones(m, n) }
      return nil
    default:
      return nil
    }
  }

}

import Foundation

@inline(__always) func Foundation_pow(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
