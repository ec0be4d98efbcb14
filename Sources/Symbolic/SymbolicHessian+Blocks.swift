import Jacobians
import MatrixCore

/// Mixed second derivatives of a scalar (1×1) expression F with respect to several variables
/// X₁ (a₁×b₁), …, X_k (a_k×b_k).
///
/// Layout: the Hessian over the stacked vector `x = (vec X₁; …; vec X_k)` (column-major vec of each
/// variable, in the order given) is the symmetric N×N block matrix, N = Σ aᵢbᵢ,
///
///     H = [H₁₁ … H₁ₖ; …; Hₖ₁ … Hₖₖ],   Hᵢⱼ = ∂vec(∇ᵢF)/∂(vec Xⱼ)ᵀ = ∂²F/∂vec Xᵢ ∂(vec Xⱼ)ᵀ,
///
/// (aᵢbᵢ)×(aⱼbⱼ), numerator layout over column-major vec:
/// `Hᵢⱼ[p + q·aᵢ, r + s·aⱼ] = ∂²F/∂Xᵢ[p,q]∂Xⱼ[r,s]`, and `Hⱼᵢ = Hᵢⱼᵀ`. Each block is the forward
/// Jacobian of the gradient ∇ᵢF (reverse mode, shaped like Xᵢ) with respect to Xⱼ, simplified;
/// `Hⱼᵢ` is derived on its own (not transposed from `Hᵢⱼ`), so that the symmetry check at a point
/// compares two derivations.
///
/// Matrix form: `Hᵢⱼ[Vⱼ] = d/dt ∇ᵢF(Xⱼ + tVⱼ)` at t = 0, shaped like Xᵢ, with a direction Vⱼ
/// shaped like Xⱼ (named `V_X` for a variable X, or `V_X1`, … when F uses that name); it is the
/// gradient of `tr((∇ⱼF)ᵀVⱼ)` with respect to Xᵢ (equal because mixed partials commute).
/// `rowDirectional[i]` is the i-th block row of H applied to the stacked direction,
/// `Σⱼ Hᵢⱼ[Vⱼ]`, shaped like Xᵢ.
///
/// ```swift
/// let h = try SymbolicHessianBlocks(of: Expression("x'*A*y"), wrt: ["x", "y"], dims: ["x": Shape(3, 1), "y": Shape(4, 1), "A": Shape(3, 4)])
/// h.block(0, 1).hessian.unicodeText   // "A"
/// h.block(1, 0).hessian.unicodeText   // "Aᵀ"
/// ```
public struct SymbolicHessianBlocks: Sendable {
  /// One block Hᵢⱼ.
  public struct Block: Sendable {
    /// The row variable Xᵢ (the gradient ∇ᵢF) and the column variable Xⱼ.
    public let row: String
    public let column: String
    /// `∂vec(∇ᵢF)/∂(vec Xⱼ)ᵀ`, simplified; (aᵢbᵢ)×(aⱼbⱼ).
    public let hessian: Expression
    /// `Hᵢⱼ[Vⱼ]` shaped like Xᵢ, in the direction variable `direction` (shaped like Xⱼ).
    public let directional: Expression
    public let direction: String
    /// The derivative of ∇ᵢF with respect to Xⱼ: its `jacobian` is `hessian`.
    public let derivative: SymbolicDerivative
  }

  public let expression: Expression
  public let variables: [String]
  public let dims: [String: Shape]
  /// The shapes of the variables, in order.
  public let shapes: [Shape]
  /// ∇ᵢF shaped like Xᵢ (the shape convention), simplified.
  public let gradients: [Expression]
  /// The names of the directions Vᵢ (shaped like Xᵢ).
  public let directions: [String]
  /// Blocks in row-major order of (i, j): use `block(i, j)`.
  public let blocks: [Block]
  /// `Σⱼ Hᵢⱼ[Vⱼ]`, shaped like Xᵢ.
  public let rowDirectional: [Expression]
  /// The first derivatives the blocks were computed from.
  public let firstDerivatives: [SymbolicDerivative]

  /// N = Σ aᵢbᵢ, the side of the stacked Hessian.
  public var size: Int { shapes.reduce(0) { $0 + $1.count } }
  /// Where vec Xᵢ starts in the stacked vector.
  public var offsets: [Int] { shapes.reduce(into: [0]) { $0.append($0.last! + $1.count) }.dropLast() }

  public func block(_ i: Int, _ j: Int) -> Block { blocks[i * variables.count + j] }

  /// Differentiates the 1×1 `expression` twice with respect to each pair of `variables`.
  /// - Throws: `DerivativeError` when F is not 1×1, a variable is named twice or has no shape;
  ///   `ShapeError` as `SymbolicDerivative`.
  public init(of expression: Expression, wrt variables: [String], dims: [String: Shape]) throws {
    guard !variables.isEmpty else { throw DerivativeError("mixed second derivatives need at least one variable") }
    if let twice = variables.first(where: { v in variables.filter { $0 == v }.count > 1 }) {
      throw DerivativeError("\(twice) is named twice: give each variable once")
    }
    let first = try variables.map { try SymbolicDerivative(of: expression, wrt: $0, dims: dims) }
    let gradients = try first.map { d -> Expression in
      guard let g = d.gradient else {
        throw DerivativeError(
          "a Hessian needs a 1×1 expression, but \(expression.plainText) is \(d.outputShape): "
            + "each of its \(d.outputShape.count) entries has its own Hessian")
      }
      return g
    }
    let shapes = first.map(\.inputShape)
    var taken = Set(expression.variables).union(variables)
    let directions = variables.map { v -> String in
      var name = "V_\(v)"
      var k = 0
      while taken.contains(name) {
        k += 1
        name = "V_\(v)\(k)"
      }
      taken.insert(name)
      return name
    }
    var withDirections = dims
    for (v, s) in zip(directions, shapes) { withDirections[v] = s }
    var blocks: [Block] = []
    var rows: [Expression] = []
    let pairings = zip(gradients, directions).map { g, v in Expression.trace(.transpose(g) * .variable(v)) }
    for (i, xi) in variables.enumerated() {
      for (j, xj) in variables.enumerated() {
        let d = try SymbolicDerivative(of: gradients[i], wrt: xj, dims: dims)
        let matrixForm = try SymbolicDerivative(of: pairings[j], wrt: xi, dims: withDirections)
        blocks.append(
          Block(
            row: xi, column: xj, hessian: d.jacobian,
            directional: SymbolicHessian.droppingSymmetricTransposes(
              matrixForm.gradient ?? .zeros(shapes[i].rows, shapes[i].cols)),
            direction: directions[j], derivative: d))
      }
      let all = pairings.dropFirst().reduce(pairings[0]) { $0 + $1 }
      let row = try SymbolicDerivative(of: all, wrt: xi, dims: withDirections)
      rows.append(SymbolicHessian.droppingSymmetricTransposes(row.gradient ?? .zeros(shapes[i].rows, shapes[i].cols)))
    }
    self.expression = expression
    self.variables = variables
    self.dims = dims
    self.shapes = shapes
    self.gradients = gradients
    self.directions = directions
    self.blocks = blocks
    self.rowDirectional = rows
    self.firstDerivatives = first
  }

  /// Hᵢⱼ at a point as a structured operator (a `Jacobian` of ∇ᵢF, shaped like Xᵢ, with respect
  /// to Xⱼ).
  /// - Throws: `EvaluationError` / `DerivativeError` where F or the closed form is undefined.
  public func block(_ i: Int, _ j: Int, at values: [String: Matrix]) throws -> Jacobian {
    try SymbolicHessian.requireDefined(expression, at: values)
    return try block(i, j).derivative.structuredJacobian(at: values)
  }

  /// The stacked N×N Hessian at a point, dense (layout above).
  public func hessian(at values: [String: Matrix]) throws -> Matrix {
    try SymbolicHessian.requireDefined(expression, at: values)
    let n = size
    var h = Matrix.zeros(n, n)
    let offsets = self.offsets
    for i in variables.indices {
      for j in variables.indices {
        let b = try block(i, j).derivative.structuredJacobian(at: values).materialized()
        for c in 0..<b.cols {
          for r in 0..<b.rows { h[offsets[i] + r, offsets[j] + c] = b[r, c] }
        }
      }
    }
    return h
  }

  /// H applied to the stacked direction (V₁; …; V_k), each Vⱼ shaped like Xⱼ: returns
  /// `Σⱼ Hᵢⱼ·vec Vⱼ` reshaped like Xᵢ, for each i, from the structured blocks (never materialised).
  /// - Throws: `JacobianError.shapeMismatch` when a direction has the wrong shape.
  public func hessianVectorProduct(at values: [String: Matrix], directions v: [Matrix]) throws -> [Matrix] {
    guard v.count == variables.count else {
      throw JacobianError.shapeMismatch("\(variables.count) directions are needed, one per variable, not \(v.count)")
    }
    try SymbolicHessian.requireDefined(expression, at: values)
    return try variables.indices.map { i in
      var sum = Matrix.zeros(shapes[i].rows, shapes[i].cols)
      for j in variables.indices {
        sum = sum + (try block(i, j).derivative.structuredJacobian(at: values).pushforward(v[j]))
      }
      return sum
    }
  }

  /// `Σⱼ Hᵢⱼ[Vⱼ]` for each i, evaluated from the matrix forms `rowDirectional` (an independent
  /// route to the numbers of `hessianVectorProduct`).
  public func directionalDerivative(at values: [String: Matrix], directions v: [Matrix]) throws -> [Matrix] {
    guard v.count == variables.count else {
      throw JacobianError.shapeMismatch("\(variables.count) directions are needed, one per variable, not \(v.count)")
    }
    for (k, m) in v.enumerated() where m.shape != shapes[k] {
      throw JacobianError.shapeMismatch("the direction for \(variables[k]) must be \(shapes[k]), not \(m.shape)")
    }
    try SymbolicHessian.requireDefined(expression, at: values)
    var w = values
    for (name, m) in zip(directions, v) { w[name] = m }
    return try rowDirectional.map { try $0.evaluate(w) }
  }
}
