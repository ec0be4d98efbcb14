import MatrixCore

/// Errors of symbolic differentiation that input can reach.
public struct DerivativeError: Error, Equatable, Sendable, CustomStringConvertible {
  public let description: String
  init(_ message: String) { description = message }
}

/// Forward symbolic differentiation in numerator layout over column-major `vec`.
///
/// For F (m×n) and the variable X (a×b), `jacobian(of:)` returns an `Expression` of shape
/// (mn)×(ab) equal to `∂vec F/∂(vec X)ᵀ`, built by the rules of matrix differentials
/// (Magnus & Neudecker, ch. 8–9):
///
///     vec(A·dX·B) = (Bᵀ ⊗ A)·vec dX        vec(dXᵀ) = K(a,b)·vec dX
///     d f(A) = diag(vec f′(A))·d vec A      d A⁻¹ = −(A⁻ᵀ ⊗ A⁻¹)·d vec A
///     d det A = det A · vec(A⁻ᵀ)ᵀ·d vec A   d vec(A⊗B) = (Iₙ ⊗ K(q,m) ⊗ Iₚ)(d vec A ⊗ vec B + vec A ⊗ d vec B)
///
/// `nil` stands for a zero Jacobian, so that constant branches cost nothing.
struct ForwardDifferentiator {
  let variable: String
  let dims: [String: Shape]
  let columns: Int
  /// The Jacobian of every subexpression derived so far (nil: it does not depend on X), keyed
  /// by subtree id (O(1) per lookup). `DerivationSteps` seeds it with markers for the children
  /// of a node to read off the rule that node applies.
  var memo: JacobianMemo
  /// Rule applications changed on purpose: the Jacobian of `node` becomes `transform` of the
  /// right one (the slips with which `ClaimCheck+Mutations.swift` diagnoses hand derivations).
  var slips: [(node: Expression, transform: (Expression, JacobianMemo) -> Expression?)] = []

  init(variable: String, dims: [String: Shape]) throws {
    guard let s = dims[variable] else {
      throw DerivativeError("the variable \(variable) has no shape: give it with --dims \(variable)=RxC")
    }
    self.variable = variable
    self.dims = dims
    self.columns = s.count
    memo = JacobianMemo(table: ExpressionTable(dims: dims))
  }

  func shape(_ e: Expression) throws -> Shape { try memo.table.shape(of: e) }

  /// `∂vec e/∂(vec X)ᵀ`, or nil when e does not depend on X.
  mutating func jacobian(_ e: Expression) throws -> Expression? {
    let key = memo.table.id(e)
    if let cached = memo.byID[key] { return cached }
    try Cancellation.checkpoint()
    var result = try derive(e)
    for slip in slips where memo.table.same(slip.node, e) { result = result.flatMap { slip.transform($0, memo) } }
    memo.byID[key] = .some(result)
    return result
  }

  private mutating func derive(_ e: Expression) throws -> Expression? {
    switch e {
    case .variable(let name):
      return name == variable ? .identity(columns) : nil
    case .constant, .identity, .commutation, .zeros, .ones:
      return nil
    case .transpose(let a):
      let s = try shape(a)
      return try jacobian(a).map { .commutation(s.rows, s.cols) * $0 }
    case .negate(let a):
      return try jacobian(a).map { -$0 }
    case .add(let a, let b), .subtract(let a, let b):
      // Broadcasting: an expanded operand's Jacobian is preceded by the expansion's, P_c ⊗ P_r.
      let (sa, sb, s) = (try shape(a), try shape(b), try shape(e))
      let da = try jacobian(a).map { expanding($0, from: sa, to: s) }
      let db = try jacobian(b).map { expanding($0, from: sb, to: s) }
      if case .subtract = e { return sum(da, db.map { -$0 }) }
      return sum(da, db)
    case .product(let a, let b):
      return try productRule(a, b)
    case .hadamard(let a, let b):
      let (sa, sb) = (try shape(a), try shape(b))
      if sa.isScalar != sb.isScalar { return try productRule(a, b) }
      // With broadcasting, each side's factor is the other operand expanded to the result.
      let s = try shape(e)
      return sum(
        try jacobian(a).map { .diag(.vec(.expanded(b, from: sb, to: s))) * expanding($0, from: sa, to: s) },
        try jacobian(b).map { .diag(.vec(.expanded(a, from: sa, to: s))) * expanding($0, from: sb, to: s) })
    case .hadamardQuotient(let a, let b), .divide(let a, let b):
      return try quotientRule(a, b)
    case .power(let a, let k):
      return try powerRule(a, k)
    case .elementwisePower(let a, let p):
      let sa = try shape(a)
      // d(A.^p) = diag(vec(p·A.^(p−1)))·dA + vec(A.^p ⊙ log A)·dp
      let da = try jacobian(a).map { da -> Expression in
        let derivative = p * .elementwisePower(a, p - 1)
        return sa.isScalar ? derivative * da : .diag(.vec(derivative)) * da
      }
      let dp = try jacobian(p).map { .vec(.hadamard(.elementwisePower(a, p), .log(a))) * $0 }
      return sum(da, dp)
    case .inverse(let a):
      // d A⁻¹ = −A⁻¹ dA A⁻¹  ⇒  −(A⁻ᵀ ⊗ A⁻¹)
      return try jacobian(a).map { -(.kron(.transpose(.inv(a)), .inv(a)) * $0) }
    case .determinant(let a):
      // The determinant of a 1×1 matrix is its entry: no inverse, so defined at 0 too.
      if try shape(a).isScalar { return try jacobian(a) }
      return try jacobian(a).map { .det(a) * .transpose(.vec(.transpose(.inv(a)))) * $0 }
    case .logDeterminant(let a):
      return try jacobian(a).map { .transpose(.vec(.transpose(.inv(a)))) * $0 }
    case .trace(let a):
      let n = try shape(a).rows
      return try jacobian(a).map { .transpose(.vec(.identity(n))) * $0 }
    case .sum(let a):
      let s = try shape(a)
      return try jacobian(a).map { .ones(1, s.count) * $0 }
    case .norm(let a):
      return try jacobian(a).map { (.transpose(.vec(a)) / .norm(a)) * $0 }
    case .kronecker(let a, let b):
      let (sa, sb) = (try shape(a), try shape(b))
      let (m, n, p, q) = (sa.rows, sa.cols, sb.rows, sb.cols)
      // vec(A⊗B) = (Iₙ ⊗ K(q,m) ⊗ Iₚ)(vec A ⊗ vec B)   (Magnus & Neudecker, Thm 3.10)
      let inner = sum(
        try jacobian(a).map { .kron(.identity(m * n), .vec(b)) * $0 },
        try jacobian(b).map { .kron(.vec(a), .identity(p * q)) * $0 })
      return inner.map { .kron(.identity(n), .kron(.commutation(q, m), .identity(p))) * $0 }
    case .vec(let a):
      return try jacobian(a)
    case .diag(let v):
      let n = try shape(v).count
      // vec diag(v) = diag(vec Iₙ)·(1ₙ ⊗ Iₙ)·v
      return try jacobian(v).map { .diag(.vec(.identity(n))) * .kron(.ones(n, 1), .identity(n)) * $0 }
    case .diagonal(let a):
      let n = try shape(a).rows
      return try jacobian(a).map { .kron(.ones(1, n), .identity(n)) * .diag(.vec(.identity(n))) * $0 }
    case .elementwise(let f, let a):
      let sa = try shape(a)
      return try jacobian(a).map { da in
        let d = ForwardDifferentiator.derivative(of: f, at: a, shape: sa)
        return sa.isScalar ? d * da : .diag(.vec(d)) * da
      }
    case .softmax(let x):
      // ∂softmax(x)/∂x = diag(s) − s·sᵀ
      let s = Expression.softmax(x)
      return try jacobian(x).map { (.diag(s) - s * .transpose(s)) * $0 }
    case .logSumExp(let a):
      let sa = try shape(a)
      let weights: Expression = sa.cols == 1 ? .softmax(a) : .softmax(.vec(a))
      return try jacobian(a).map { .transpose(weights) * $0 }
    case .reshape(let a, _, _):
      return try jacobian(a)
    case .maximum(let a, let b), .minimum(let a, let b):
      var isMax = false
      if case .maximum = e { isMax = true }
      let (sa, sb, s) = (try shape(a), try shape(b), try shape(e))
      let (ia, ib) = Expression.extremumIndicators(a, b, maximum: isMax)
      func through(_ indicator: Expression, _ j: Expression, _ from: Shape) -> Expression {
        s.isScalar ? indicator * j : .diag(.vec(indicator)) * expanding(j, from: from, to: s)
      }
      return sum(try jacobian(a).map { through(ia, $0, sa) }, try jacobian(b).map { through(ib, $0, sb) })
    case .norm1(let a):
      // d Σ|aᵢ| = sign(vec A)ᵀ d vec A (0 at a zero entry, as abs′).
      let sa = try shape(a)
      return try jacobian(a).map { sa.isScalar ? .elementwise(.sign, a) * $0 : .transpose(.vec(.elementwise(.sign, a))) * $0 }
    case .concatenation(let blockRows):
      // vec [A B; C D] = Σ (E_c ⊗ E_r) vec(block), each placement a Kronecker of selections.
      let layout = try Expression.blockLayout(blockRows, shape: shape)
      var total: Expression? = nil
      for (block, r0, c0, s) in layout.blocks {
        guard let j = try jacobian(block) else { continue }
        let placement = Expression.blockPlacement(
          rows: layout.rows, cols: layout.cols, r0: r0, rb: s.rows, c0: c0, cb: s.cols)
        total = sum(total, placement * j)
      }
      return total
    }
  }

  /// f′(A) entrywise, as an expression of A's shape.
  static func derivative(of f: ElementwiseFunction, at a: Expression, shape s: Shape) -> Expression {
    // The scalar 1 broadcasts to A's shape (`1 − tanh²(A)`, as on paper).
    let one: Expression = 1
    switch f {
    case .exp: return .exp(a)
    case .log: return .elementwisePower(a, -1)
    case .sin: return .cos(a)
    case .cos: return -.sin(a)
    case .tanh: return one - .elementwisePower(.tanh(a), 2)
    case .sigmoid: return .hadamard(.sigmoid(a), one - .sigmoid(a))
    case .relu: return .elementwise(.heaviside, a)
    case .softplus: return .sigmoid(a)
    case .sqrt: return 0.5 * .elementwisePower(.sqrt(a), -1)
    case .abs: return .elementwise(.sign, a)
    case .heaviside, .sign: return s.isScalar ? 0 : .zeros(s.rows, s.cols)
    case .tan: return one + .elementwisePower(.elementwise(.tan, a), 2)
    case .arcsin: return .elementwisePower(one - .elementwisePower(a, 2), -0.5)
    case .arccos: return -.elementwisePower(one - .elementwisePower(a, 2), -0.5)
    case .arctan: return .elementwisePower(one + .elementwisePower(a, 2), -1)
    }
  }

  /// The product rule for `A*B`, including the scaling cases where a side is 1×1.
  private mutating func productRule(_ a: Expression, _ b: Expression) throws -> Expression? {
    let (sa, sb) = (try shape(a), try shape(b))
    let (da, db) = (try jacobian(a), try jacobian(b))
    if sa.isScalar && sb.isScalar {
      return sum(da.map { b * $0 }, db.map { a * $0 })
    }
    if sa.isScalar {  // F = a·B: vec F = a·vec B
      return sum(da.map { .vec(b) * $0 }, db.map { a * $0 })
    }
    if sb.isScalar {  // F = A·b
      return sum(da.map { b * $0 }, db.map { .vec(a) * $0 })
    }
    // d(AB) = dA·B + A·dB  ⇒  (Bᵀ ⊗ Iₘ)·dA + (Iₙ ⊗ A)·dB
    return sum(
      da.map { .kron(.transpose(b), .identity(sa.rows)) * $0 },
      db.map { .kron(.identity(sb.cols), a) * $0 })
  }

  /// `A./B` and `A/s`, including the cases where a side is 1×1.
  private mutating func quotientRule(_ a: Expression, _ b: Expression) throws -> Expression? {
    let (sa, sb) = (try shape(a), try shape(b))
    let (da, db) = (try jacobian(a), try jacobian(b))
    let inverseB: Expression = .elementwisePower(b, -1)
    let inverseB2: Expression = .elementwisePower(b, -2)
    if sb.isScalar {
      // d(A/b) = dA/b − vec(A)·db/b²
      return sum(da.map { $0 / b }, db.map { -((.vec(a) / .elementwisePower(b, 2)) * $0) })
    }
    if sa.isScalar {
      // d(a./B) = vec(B.^-1)·da − diag(vec(a·B.^-2))·dB
      return sum(da.map { .vec(inverseB) * $0 }, db.map { -(.diag(.vec(a * inverseB2)) * $0) })
    }
    // Broadcasting: B.^-1 is expanded to the result's shape (A./B.^2 already has it).
    let s = Shape.broadcast(sa, sb) ?? sa
    return sum(
      da.map { .diag(.vec(.expanded(inverseB, from: sb, to: s))) * expanding($0, from: sa, to: s) },
      db.map { -(.diag(.vec(.hadamard(a, inverseB2))) * expanding($0, from: sb, to: s)) })
  }

  /// `A^k`: integer matrix powers, and any real power of a 1×1 base.
  private mutating func powerRule(_ a: Expression, _ k: Expression) throws -> Expression? {
    let sa = try shape(a)
    if sa.isScalar {
      let da = try jacobian(a).map { k * .power(a, k - 1) * $0 }
      let dk = try jacobian(k).map { .power(a, k) * .log(a) * $0 }
      return sum(da, dk)
    }
    guard let power = k.integerConstant else {
      throw DerivativeError("the matrix power \(Expression.power(a, k).plainText) needs an integer exponent")
    }
    guard abs(power) <= 64 else {
      throw DerivativeError(
        "the matrix power \(Expression.power(a, k).plainText) is too high to differentiate symbolically (|k| ≤ 64)")
    }
    guard power != 0, let da = try jacobian(a) else { return nil }
    let n = sa.rows
    let base: Expression = power > 0 ? a : .inv(a)
    let dBase: Expression = power > 0 ? da : -(.kron(.transpose(.inv(a)), .inv(a)) * da)
    // d(B^k) = Σᵢ Bⁱ·dB·B^(k−1−i)  ⇒  Σᵢ ((B^(k−1−i))ᵀ ⊗ Bⁱ)
    let j = abs(power)
    func pow(_ e: Int) -> Expression { e == 0 ? .identity(n) : (e == 1 ? base : .power(base, Expression.constant(Double(e)))) }
    var total: Expression? = nil
    for i in 0..<j {
      total = sum(total, .kron(.transpose(pow(j - 1 - i)), pow(i)))
    }
    return total.map { $0 * dBase }
  }
}

/// `a + b` where nil is zero.
func sum(_ a: Expression?, _ b: Expression?) -> Expression? {
  switch (a, b) {
  case (nil, nil): return nil
  case (let x?, nil), (nil, let x?): return x
  case (let x?, let y?): return x + y
  }
}

/// The Jacobians found by `ForwardDifferentiator`, by subtree: `memo[e]` is nil when e was not
/// derived, `.some(nil)` when its Jacobian is zero. Keyed by `ExpressionTable` ids.
struct JacobianMemo {
  let table: ExpressionTable
  var byID: [Int: Expression?] = [:]

  subscript(_ e: Expression) -> Expression?? {
    get { byID[table.id(e)] }
    set { byID[table.id(e)] = newValue }
  }
}
