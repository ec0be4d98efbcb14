import Jacobians
import MatrixCore

/// The derivative of an expression F (m×n) with respect to one of its variables X (a×b), in
/// closed form:
/// - `jacobian`: `∂vec F/∂(vec X)ᵀ`, (mn)×(ab), numerator layout over column-major vec,
///   simplified, in the same expression language (`kron(I(3),R')+kron(R',I(3))*K(3,3)`);
/// - `gradient`, for a scalar F (1×1) only: the gradient in matrix form (shape convention, a×b),
///   from reverse-mode differentiation (`(A+A')*x` for `x'*A*x`).
///
/// ```swift
/// let d = try SymbolicDerivative(of: Expression("R'*R"), wrt: "R", dims: ["R": Shape(3, 3)])
/// d.jacobian.unicodeText   // "(I₃ ⊗ Rᵀ) + (Rᵀ ⊗ I₃)K₃,₃"
/// ```
public struct SymbolicDerivative: Sendable {
  public let expression: Expression
  public let variable: String
  public let dims: [String: Shape]
  /// Shape of F, m×n.
  public let outputShape: Shape
  /// Shape of X, a×b.
  public let inputShape: Shape
  /// `∂vec F/∂(vec X)ᵀ`, simplified; (mn)×(ab).
  public let jacobian: Expression
  /// For 1×1 F: the gradient shaped like X, simplified; nil otherwise.
  public let gradient: Expression?
  /// What the variables are assumed to be (`Aᵀ = A` used in `jacobian` and `gradient`).
  public let assumptions: Assumptions

  /// Differentiates `expression` with respect to `variable`.
  /// - Throws: `ShapeError` (unknown variable, mismatched shapes), `DerivativeError`.
  /// With `assumptions`, the simplified results use them (`Aᵀ = A` for symmetric A); the derivative
  /// is still the unconstrained one, equal to the result at every point that satisfies them.
  public init(
    of expression: Expression, wrt variable: String, dims: [String: Shape], assumptions: Assumptions = Assumptions()
  ) throws {
    guard let inputShape = dims[variable] else {
      throw DerivativeError("the variable \(variable) has no shape: give it with --dims \(variable)=RxC")
    }
    let outputShape = try expression.shape(in: dims)
    var forward = try ForwardDifferentiator(variable: variable, dims: dims)
    var simplifier = Simplifier(dims: dims)
    let raw = try forward.jacobian(expression) ?? .zeros(outputShape.count, inputShape.count)
    self.expression = expression
    self.variable = variable
    self.dims = dims
    self.outputShape = outputShape
    self.inputShape = inputShape
    self.assumptions = assumptions
    func simplified(_ e: Expression) throws -> Expression {
      let s = try simplifier.simplify(e)
      return assumptions.isEmpty ? s : try simplifier.simplify(s.usingAssumptions(assumptions))
    }
    var jacobian = try simplified(raw)
    if outputShape.isScalar {
      let reverse = ReverseDifferentiator(variable: variable, dims: dims)
      let g = try reverse.gradient(of: expression) ?? .zeros(inputShape.rows, inputShape.cols)
      var gradient = try simplified(g)
      // One derivative, two layouts (J = vec(G)ᵀ). For a 1×1 X both lines print the shorter of
      // the forms that forward and reverse differentiation found. Otherwise the forward form
      // (`uᵀdiag(f′(z))`, `(xᵀ ⊗ I)`) stays, as the vec calculus teaches it, unless the other
      // form is less than 3/4 of its length (the softmax cross-entropy: `(sum(p)softmax(z) − p)ᵀ`).
      if inputShape.isScalar {
        if simplifier.plainLength(gradient) < simplifier.plainLength(jacobian) { jacobian = gradient } else { gradient = jacobian }
      } else {
        let fromGradient = try simplified(.transpose(.vec(gradient)))
        if 4 * simplifier.plainLength(fromGradient) < 3 * simplifier.plainLength(jacobian) { jacobian = fromGradient }
        if inputShape.cols == 1 {
          let fromJacobian = try simplified(.transpose(jacobian))
          if 4 * simplifier.plainLength(fromJacobian) < 3 * simplifier.plainLength(gradient) { gradient = fromJacobian }
        }
      }
      self.gradient = gradient
    } else {
      self.gradient = nil
    }
    self.jacobian = jacobian
  }

  /// The Jacobian at a point as a structured operator (never dense unless a factor is): `kron`
  /// becomes a Kronecker factor, `K(m,n)` a commutation, `I(n)` an identity, `diag(v)` a
  /// diagonal; every other subexpression is evaluated to a dense matrix labelled by its text.
  /// - Throws: `EvaluationError` when F itself is undefined at the point (`log` of a negative
  ///   entry), even where the closed form would evaluate (`sum(log(x))` has the Jacobian
  ///   `vec(x.^-1)ᵀ`, finite at x = −2); `DerivativeError` naming the function of F whose
  ///   derivative is undefined at the point (`norm(x)` at x = 0, `det(A)` at a singular A).
  public func jacobian(at values: [String: Matrix]) throws -> Jacobian {
    try requireDefined(at: values)
    let m = try namingTheUsersFunction(at: values) {
      var evaluator = StructuredEvaluator(values: values, dims: dims)
      return try evaluator.structured(jacobian)
    }
    return Jacobian(output: outputShape, input: inputShape, matrix: m)
  }

  /// `jacobian(at:)` without evaluating F first, for a caller that has (`SymbolicHessian`).
  func structuredJacobian(at values: [String: Matrix]) throws -> Jacobian {
    let m = try namingTheUsersFunction(at: values) {
      var evaluator = StructuredEvaluator(values: values, dims: dims)
      return try evaluator.structured(jacobian)
    }
    return Jacobian(output: outputShape, input: inputShape, matrix: m)
  }

  /// The gradient at a point (1×1 F only), shaped like X.
  /// - Throws: `EvaluationError` when F itself is undefined at the point, as `jacobian(at:)`.
  public func gradient(at values: [String: Matrix]) throws -> Matrix {
    guard let g = gradient else {
      throw DerivativeError(
        "a gradient shaped like \(variable) exists only for a 1×1 expression, but \(expression.plainText) is \(outputShape)")
    }
    try requireDefined(at: values)
    return try namingTheUsersFunction(at: values) { try g.evaluate(values) }
  }

  /// A derivative exists only where F is defined: evaluates F and reports the sub-expression
  /// outside its domain.
  private func requireDefined(at values: [String: Matrix]) throws {
    _ = try expression.evaluate(values)
  }
}

/// Evaluates a Jacobian expression into a `StructuredMatrix`, keeping the structure the
/// expression spells out.
///
/// Values are cached by subtree id (`ExpressionTable`): the Jacobian of a deep nested network
/// is a chain of 2L factors over a DAG whose tree written out is quadratic in L, and hashing
/// each factor or evaluating it written out cost O(L²) or more.
struct StructuredEvaluator {
  let values: [String: Matrix]
  let dims: [String: Shape]
  private let table: ExpressionTable
  private var numeric: [Int: Matrix] = [:]

  init(values: [String: Matrix], dims: [String: Shape]) {
    self.values = values
    self.dims = dims
    table = ExpressionTable(dims: dims)
  }

  mutating func value(_ e: Expression) throws -> Matrix {
    let key = table.id(e)
    if let v = numeric[key] { return v }
    // `X⁻¹` and `X⁻ᵀ` side by side (a Hessian of logdet) share one inverse.
    if case .transpose(let inner) = e, case .inverse = inner {
      let v = try value(inner).transposed
      numeric[key] = v
      return v
    }
    let v: Matrix
    do {
      v = try nodeValue(e)
    } catch {
      // The message names the real subexpressions, as evaluating e written out reports them.
      _ = try e.evaluate(values)
      throw error
    }
    return v
  }

  /// e's value with every distinct subtree evaluated once (a dense factor `diag(1 − tanh²(W₂₀₀ t))`
  /// of a deep network's Jacobian contains the whole network below it, and the L factors share
  /// it): a node is evaluated with each child that is not a leaf replaced by a placeholder
  /// variable holding the child's value (a transposed child keeps its transpose, so that a
  /// product passes BLAS the transpose flag as `evaluate` does, and a power keeps its exponent).
  private mutating func nodeValue(_ e: Expression) throws -> Matrix {
    let key = table.id(e)
    if let v = numeric[key] { return v }
    try Cancellation.checkpoint()
    var local: [String: Matrix] = [:]
    func placeholder(_ c: Expression) throws -> Expression {
      if c.children.isEmpty {
        if case .variable(let name) = c, let v = values[name] { local[name] = v }
        return c
      }
      let id = table.id(c)
      let name = "\u{1}\(id)"
      local[name] = try nodeValue(c)
      return .variable(name)
    }
    let v: Matrix
    if e.children.isEmpty {
      v = try e.evaluate(values)
    } else if case .power(let a, let k) = e {
      // A matrix power reads its integer exponent from the tree.
      for name in k.variables { local[name] = values[name] }
      v = try Expression.power(try placeholder(a), k).evaluate(local)
    } else {
      let children = try e.children.map { c -> Expression in
        if case .transpose(let x) = c { return .transpose(try placeholder(x)) }
        return try placeholder(c)
      }
      v = try e.replacingChildren(children).evaluate(local)
    }
    numeric[key] = v
    return v
  }

  mutating func structured(_ e: Expression) throws -> StructuredMatrix {
    switch e {
    case .identity(let n): return .identity(n)
    case .commutation(let m, let n): return .commutation(m, n)
    case .zeros(let m, let n): return .zero(m, n)
    case .kronecker(let a, let b): return .kronecker(try structured(a), try structured(b))
    case .add, .subtract:
      return try sum(e)
    case .negate(let a): return -(try structured(a))
    case .transpose(let a) where isStructural(a): return try structured(a).transposed
    case .product(let a, let b):
      let (x, y) = (try structured(a), try structured(b))
      if x.shape.isScalar && !y.shape.isScalar { return try x.materialized().storage[0] * y }
      if y.shape.isScalar && !x.shape.isScalar { return try y.materialized().storage[0] * x }
      return x * y
    case .divide(let a, let s):
      let divisor = try scalar(s)
      guard divisor != 0, (1 / divisor).isFinite else {
        throw EvaluationError.divisionByZero(
          expression: e.plainText, divisor: s.plainText, divisorShape: Shape(1, 1), row: 0, col: 0)
      }
      return (1 / divisor) * (try structured(a))
    case .diag(let v):
      return .diagonal(try value(v).storage)
    default:
      return .dense(try value(e), label: e.unicodeText, latex: e.latex)
    }
  }

  /// Whether `structured` keeps structure for e; the transpose of anything else (`R'`,
  /// `inv(A)'`) is one labelled dense factor rather than a transposed operator.
  private func isStructural(_ e: Expression) -> Bool {
    switch e {
    case .identity, .commutation, .zeros, .kronecker, .add, .subtract, .negate, .product, .divide, .diag:
      return true
    case .transpose(let a):
      return isStructural(a)
    default:
      return false
    }
  }

  private mutating func scalar(_ e: Expression) throws -> Double { try value(e).storage[0] }

  /// A chain of sums and differences, added pairwise (a structured sum keeps its terms in a
  /// list, so adding them one by one would copy O(n²) terms for an n-term sum; pairwise copies
  /// O(n log n)). The operands' shapes are read off their values, in O(1) each. A sum that
  /// broadcasts an operand (docs/language.md) is evaluated as one dense factor: structured
  /// operators add only at equal sizes.
  private mutating func sum(_ e: Expression) throws -> StructuredMatrix {
    var operands: [(negative: Bool, expression: Expression)] = []
    func collect(_ x: Expression, _ negative: Bool) {
      switch x {
      case .add(let a, let b):
        collect(a, negative)
        collect(b, negative)
      case .subtract(let a, let b):
        collect(a, negative)
        collect(b, !negative)
      default:
        operands.append((negative, x))
      }
    }
    collect(e, false)
    var terms: [StructuredMatrix] = []
    for (negative, x) in operands {
      let t = try structured(x)
      terms.append(negative ? -t : t)
    }
    guard terms.allSatisfy({ $0.shape == terms[0].shape }) else {
      return .dense(try value(e), label: e.unicodeText, latex: e.latex)
    }
    while terms.count > 1 {
      terms = stride(from: 0, to: terms.count, by: 2).map { i in i + 1 < terms.count ? terms[i] + terms[i + 1] : terms[i] }
    }
    return terms[0]
  }
}

extension SymbolicDerivative {
  /// The closed form to show in a layout: the Jacobian (numerator), its simplified transpose
  /// (denominator), or the gradient (shape, 1×1 F only).
  public func display(in layout: JacobianLayout) throws -> (title: String, expression: Expression, rows: Int, cols: Int) {
    let (mn, ab) = (outputShape.count, inputShape.count)
    switch layout {
    case .denominator:
      var s = Simplifier(dims: dims)
      return ("(∂vec F/∂(vec \(variable))ᵀ)ᵀ", try s.simplify(.transpose(jacobian)), ab, mn)
    case .shape:
      guard let g = gradient else {
        throw DerivativeError("the shape layout exists only for a 1×1 expression, but F is \(outputShape)")
      }
      return ("∂F/∂\(variable) shaped like \(variable)", g, inputShape.rows, inputShape.cols)
    default:
      return ("∂vec F/∂(vec \(variable))ᵀ", jacobian, mn, ab)
    }
  }
}
