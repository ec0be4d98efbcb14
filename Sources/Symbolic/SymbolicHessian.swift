import Jacobians
import MatrixCore

/// The second derivative of a scalar (1×1) expression F with respect to one variable X (a×b):
///
/// - `hessian`: `H = ∂vec(∇F)/∂(vec X)ᵀ`, (ab)×(ab), numerator layout over column-major vec
///   (`H[i + j·a, k + l·a] = ∂²F/∂X[i,j]∂X[k,l]`), in Kronecker/commutation form. It is the
///   forward Jacobian of the gradient expression that `SymbolicDerivative` produces (reverse mode,
///   shape convention), simplified: `x'*A*x` gives `A + Aᵀ`, `tr(X'*A*X)` gives `I ⊗ (A + Aᵀ)`,
///   `logdet(X)` gives `−K(n,n)(X⁻ᵀ ⊗ X⁻¹)` (or an equal form).
/// - `directional`: the same derivative in matrix form, the directional derivative of the
///   gradient `H[V] = d/dt ∇F(X + tV)` at t = 0, shaped like X, written with the direction variable
///   `direction` (`V` unless the expression uses that name): `tr(X'*A*X)` gives `(A + Aᵀ)V`. It is
///   obtained as the gradient of `tr((∇F)ᵀV)` with respect to X, equal to H·vec V because H is
///   symmetric.
///
/// Numbers: `hessian(at:)` keeps the structure (Kronecker factors, commutations, identities) and
/// `hessianVectorProduct(at:direction:)` applies it to vec V without materialising H (the vec
/// trick through BLAS: `(I ⊗ M)·vec V = vec(M·V)`). F is evaluated first to check that the point
/// is in its domain, unless F `isDefinedEverywhere` (then only the values and shapes are checked).
///
/// ```swift
/// let h = try SymbolicHessian(of: Expression("tr(X'*A*X)"), wrt: "X", dims: ["X": Shape(3, 2), "A": Shape(3, 3)])
/// h.hessian.unicodeText      // "I₂ ⊗ (A + Aᵀ)"
/// h.directional.unicodeText  // "(A + Aᵀ)V"
/// ```
public struct SymbolicHessian: Sendable {
  public let expression: Expression
  public let variable: String
  public let dims: [String: Shape]
  /// Shape of X, a×b.
  public let inputShape: Shape
  /// ∇F shaped like X (the shape convention), simplified.
  public let gradient: Expression
  /// `∂vec(∇F)/∂(vec X)ᵀ`, simplified; (ab)×(ab).
  public let hessian: Expression
  /// The name of the direction variable in `directional` (shaped like X).
  public let direction: String
  /// `H[V]` shaped like X, simplified.
  public let directional: Expression
  /// The first derivative (Jacobian and gradient) the Hessian was computed from.
  public let firstDerivative: SymbolicDerivative
  /// The derivative of the gradient expression: its `jacobian` is `hessian`.
  public let gradientDerivative: SymbolicDerivative

  /// Differentiates the 1×1 `expression` twice with respect to `variable`.
  /// - Parameters:
  ///   - expression: F, 1×1.
  ///   - variable: X.
  ///   - dims: the shapes of the variables.
  ///   - direction: the name of V in `directional`; default `V` (or `V1`, `V2`, … when
  ///     the expression already uses the name).
  /// - Throws: `DerivativeError` when F is not 1×1 (its Hessian would be a stack of Hessians,
  ///   one per entry), `ShapeError` as `SymbolicDerivative`.
  public init(of expression: Expression, wrt variable: String, dims: [String: Shape], direction: String? = nil) throws {
    let first = try SymbolicDerivative(of: expression, wrt: variable, dims: dims)
    guard let g = first.gradient else {
      throw DerivativeError(
        "a Hessian needs a 1×1 expression, but \(expression.plainText) is \(first.outputShape): "
          + "each of its \(first.outputShape.count) entries has its own Hessian")
    }
    let x = first.inputShape
    var name = direction ?? "V"
    if direction == nil {
      var k = 0
      while expression.variables.contains(name) || name == variable {
        k += 1
        name = "V\(k)"
      }
    } else if expression.variables.contains(name) || name == variable {
      throw DerivativeError("the direction \(name) is already a variable of \(expression.plainText)")
    }
    let second = try SymbolicDerivative(of: g, wrt: variable, dims: dims)
    var withDirection = dims
    withDirection[name] = x
    let pairing: Expression = .trace(.transpose(g) * .variable(name))
    let directionalDerivative = try SymbolicDerivative(of: pairing, wrt: variable, dims: withDirection)
    self.expression = expression
    self.variable = variable
    self.dims = dims
    self.inputShape = x
    self.gradient = g
    self.hessian = second.jacobian
    self.direction = name
    self.directional = Self.droppingSymmetricTransposes(directionalDerivative.gradient ?? .zeros(x.rows, x.cols))
    self.firstDerivative = first
    self.gradientDerivative = second
  }

  /// H at a point as a structured (ab)×(ab) operator in numerator layout (a `Jacobian` of the
  /// gradient, a×b, with respect to X, a×b).
  /// - Throws: `EvaluationError` / `DerivativeError` where F or the closed form is undefined.
  public func hessian(at values: [String: Matrix]) throws -> Jacobian {
    try SymbolicHessian.requireDefined(expression, at: values)
    return try gradientDerivative.structuredJacobian(at: values)
  }

  /// `H[V]`, shaped like X: the structured Hessian applied to vec V (never materialised).
  /// - Throws: `JacobianError.shapeMismatch` when V is not shaped like X; as `hessian(at:)`.
  public func hessianVectorProduct(at values: [String: Matrix], direction v: Matrix) throws -> Matrix {
    try hessian(at: values).pushforward(v)
  }

  /// `H[V]` evaluated from the matrix form `directional` (an independent route to the same
  /// numbers as `hessianVectorProduct`).
  public func directionalDerivative(at values: [String: Matrix], direction v: Matrix) throws -> Matrix {
    guard v.shape == inputShape else {
      throw JacobianError.shapeMismatch("the direction must have the shape of \(variable), \(inputShape), not \(v.shape)")
    }
    try SymbolicHessian.requireDefined(expression, at: values)
    var w = values
    w[direction] = v
    return try directional.evaluate(w)
  }

  /// A derivative exists only where F is defined: F is evaluated at the point unless it is built
  /// only of operations defined everywhere (`isDefinedEverywhere`), where the point's values and
  /// shapes are checked without the arithmetic (H[V] of tr(XᵀAX) needs one GEMM, F two).
  static func requireDefined(_ f: Expression, at values: [String: Matrix]) throws {
    if f.isDefinedEverywhere {
      try f.requireValidPoint(values)
    } else {
      _ = try f.evaluate(values)
    }
  }

  /// `(M + Mᵀ)ᵀ → M + Mᵀ` (and `(Mᵀ + M)ᵀ`): the pairing `tr((∇F)ᵀV)` transposes the symmetric
  /// factors of the gradient, which the simplifier leaves as written.
  static func droppingSymmetricTransposes(_ e: Expression) -> Expression {
    let rebuilt = e.replacingChildren(e.children.map(droppingSymmetricTransposes))
    if case .transpose(let inner) = rebuilt, case .add(let a, let b) = inner,
      a == .transpose(b) || b == .transpose(a)
    {
      return inner
    }
    return rebuilt
  }
}
