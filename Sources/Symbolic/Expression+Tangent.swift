import MatrixCore

/// Forward mode written as expressions: the differential `dF` of F along given tangents, an
/// expression shaped like F in F's own terms (`dX'*A*X + X'*A*dX` for `F = X'*A*X`).
///
/// It is `vec dF = Σ J_X·vec dX` with `J_X = ∂vec F/∂(vec X)ᵀ` (numerator layout over
/// column-major vec), without forming J: the rules of matrix differentials applied node by node
/// (Magnus & Neudecker, ch. 8–9), each node's tangent from its children's:
///
///     d(AB) = dA·B + A·dB        d(A⁻¹) = −A⁻¹·dA·A⁻¹       d det A = det A · tr(A⁻¹dA)
///     d f(A) = f′(A) ⊙ dA        d softmax(x) = s ⊙ (dx − sᵀdx)   d(A./B) = (dA − (A./B) ⊙ dB) ./ B
///
/// The exports use it for JVPs (`CodeExport`, kind `.jvp`), so that a JVP costs about what F
/// costs and reads like the differential on paper; `ExportPlan.shareSubexpressions` then computes
/// what F and dF share once. `nil` stands for a zero tangent, so constant branches cost nothing.
struct TangentBuilder {
  /// The shapes of every variable (the tangents' names included).
  let dims: [String: Shape]
  /// The tangent of each variable that has one (an expression shaped like the variable).
  let seeds: [String: Expression]
  private var memo: [Expression: Expression?] = [:]

  init(dims: [String: Shape], seeds: [String: Expression]) {
    self.dims = dims
    self.seeds = seeds
  }

  private func shape(_ e: Expression) throws -> Shape { try e.shape(in: dims, maximumEntries: .max) }

  /// `dE`, shaped like `e`, or nil when e does not depend on a seeded variable.
  mutating func tangent(_ e: Expression) throws -> Expression? {
    if let cached = memo[e] { return cached }
    let result = try derive(e)
    memo[e] = result
    return result
  }

  /// `t` (shaped `from`) expanded to `to` by the language's broadcasting.
  private func expanded(_ t: Expression?, from: Shape, to: Shape) -> Expression? {
    t.map { Expression.expanded($0, from: from, to: to) }
  }

  private mutating func derive(_ e: Expression) throws -> Expression? {
    switch e {
    case .variable(let name):
      return seeds[name]
    case .constant, .identity, .commutation, .zeros, .ones:
      return nil
    case .transpose(let a):
      return try tangent(a).map { .transpose($0) }
    case .negate(let a):
      return try tangent(a).map { -$0 }
    case .add(let a, let b), .subtract(let a, let b):
      let s = try shape(e)
      let (sa, sb) = (try shape(a), try shape(b))
      let (da, db) = (try tangent(a), try tangent(b))
      var isSum = true
      if case .subtract = e { isSum = false }
      switch (da, db) {
      case (nil, nil): return nil
      case (let x?, nil): return expanded(x, from: sa, to: s)
      case (nil, let y?): return expanded(isSum ? y : -y, from: sb, to: s)
      case (let x?, let y?): return isSum ? x + y : x - y  // the sum broadcasts as F's does
      }
    case .product(let a, let b):
      // d(AB) = dA·B + A·dB (a 1×1 side scales, in both terms alike).
      return sum(try tangent(a).map { $0 * b }, try tangent(b).map { a * $0 })
    case .hadamard(let a, let b):
      return sum(try tangent(a).map { .hadamard($0, b) }, try tangent(b).map { .hadamard(a, $0) })
    case .hadamardQuotient(let a, let b), .divide(let a, let b):
      // d(A./B) = (dA − (A./B) ⊙ dB) ./ B, with A./B the value F already has.
      let (da, db) = (try tangent(a), try tangent(b))
      guard da != nil || db != nil else { return nil }
      let numerator: Expression
      switch (da, db) {
      case (let x?, let y?): numerator = x - .hadamard(e, y)
      case (let x?, nil): numerator = x
      default: numerator = -.hadamard(e, db!)
      }
      return .hadamardQuotient(numerator, b)
    case .power(let a, let k):
      return try powerTangent(e, a, k)
    case .elementwisePower(let a, let p):
      // d(A.^p) = p·A.^(p−1) ⊙ dA + (A.^p ⊙ log A)·dp
      let da = try tangent(a).map { da -> Expression in
        let lower: Expression = p.scalarConstant.map { .constant($0 - 1) } ?? p - 1
        if p.scalarConstant == 2 { return .hadamard(2 * a, da) }
        return .hadamard(p * .elementwisePower(a, lower), da)
      }
      let dp = try tangent(p).map { .hadamard(e, .log(a)) * $0 }
      return sum(da, dp)
    case .inverse(let a):
      return try tangent(a).map { -(e * $0 * e) }
    case .determinant(let a):
      if try shape(a).isScalar { return try tangent(a) }
      return try tangent(a).map { e * .trace(.inverse(a) * $0) }
    case .logDeterminant(let a):
      return try tangent(a).map { .trace(.inverse(a) * $0) }
    case .trace(let a):
      return try tangent(a).map { .trace($0) }
    case .sum(let a):
      return try tangent(a).map { .sum($0) }
    case .norm(let a):
      return try tangent(a).map { .sum(.hadamard(a, $0)) / e }
    case .norm1(let a):
      return try tangent(a).map { .sum(.hadamard(.elementwise(.sign, a), $0)) }
    case .kronecker(let a, let b):
      return sum(try tangent(a).map { .kronecker($0, b) }, try tangent(b).map { .kronecker(a, $0) })
    case .vec(let a):
      return try tangent(a).map { .vec($0) }
    case .reshape(let a, let r, let c):
      return try tangent(a).map { .reshape($0, r, c) }
    case .diag(let v):
      return try tangent(v).map { .diag($0) }
    case .diagonal(let a):
      return try tangent(a).map { .diagonal($0) }
    case .elementwise(let f, let a):
      let sa = try shape(a)
      let d = ForwardDifferentiator.derivative(of: f, at: a, shape: sa)
      if d.isZeroMatrix { return nil }
      return try tangent(a).map { sa.isScalar ? d * $0 : .hadamard(d, $0) }
    case .softmax(let x):
      // d softmax(x) = s ⊙ (dx − sᵀdx), s = softmax(x) (x a column).
      return try tangent(x).map { .hadamard(e, $0 - .transpose(e) * $0) }
    case .logSumExp(let a):
      // d logsumexp(A) = softmax(vec A)ᵀ·vec dA
      return try tangent(a).map { .transpose(.softmax(.vec(a))) * .vec($0) }
    case .maximum(let a, let b), .minimum(let a, let b):
      var isMax = false
      if case .maximum = e { isMax = true }
      let (ia, ib) = Expression.extremumIndicators(a, b, maximum: isMax)
      let s = try shape(e)
      let through = { (indicator: Expression, t: Expression, from: Shape) -> Expression in
        s.isScalar ? indicator * t : .hadamard(indicator, Expression.expanded(t, from: from, to: s))
      }
      return sum(
        try tangent(a).map { through(ia, $0, try shape(a)) }, try tangent(b).map { through(ib, $0, try shape(b)) })
    case .concatenation(let blockRows):
      var any = false
      var rows: [[Expression]] = []
      for row in blockRows {
        var out: [Expression] = []
        for block in row {
          if let t = try tangent(block) {
            any = true
            out.append(t)
          } else {
            let s = try shape(block)
            out.append(.zeros(s.rows, s.cols))
          }
        }
        rows.append(out)
      }
      return any ? .concatenation(rows) : nil
    }
  }

  /// `A^k`: any real power of a 1×1 base; integer powers of a square matrix,
  /// `d(Bᵏ) = Σᵢ Bⁱ·dB·B^(k−1−i)` with `B = A` (k > 0) or `B = A⁻¹`, `dB = −A⁻¹·dA·A⁻¹` (k < 0).
  private mutating func powerTangent(_ e: Expression, _ a: Expression, _ k: Expression) throws -> Expression? {
    let sa = try shape(a)
    if sa.isScalar {
      let lower: Expression = k.scalarConstant.map { .constant($0 - 1) } ?? k - 1
      let da = try tangent(a).map { k * .power(a, lower) * $0 }
      let dk = try tangent(k).map { e * .log(a) * $0 }
      return sum(da, dk)
    }
    guard let power = k.integerConstant else {
      throw DerivativeError("the matrix power \(e.plainText) needs an integer exponent")
    }
    guard abs(power) <= 64 else {
      throw DerivativeError("the matrix power \(e.plainText) is too high to differentiate symbolically (|k| ≤ 64)")
    }
    guard power != 0, let da = try tangent(a) else { return nil }
    let base: Expression = power > 0 ? a : .inverse(a)
    let dBase: Expression = power > 0 ? da : -(base * da * base)
    let j = abs(power)
    func pow(_ n: Int) -> Expression? { n == 0 ? nil : (n == 1 ? base : .power(base, .constant(Double(n)))) }
    var total: Expression? = nil
    for i in 0..<j {
      var term = dBase
      if let left = pow(i) { term = left * term }
      if let right = pow(j - 1 - i) { term = term * right }
      total = sum(total, term)
    }
    return total
  }
}
