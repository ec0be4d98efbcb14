import MatrixCore

/// The derivation of a derivative by differentials, as Magnus & Neudecker and the lecture notes
/// write it: for every subexpression E that depends on X (children first), its differential in
/// terms of its operands' differentials (`d(RᵀR) = d(Rᵀ)R + Rᵀ dR`), its `vec` as the
/// differentiation rule built it (`vec d(RᵀR) = (R ⊗ I₃) vec d(Rᵀ) + (I₃ ⊗ Rᵀ) vec dR`) with the
/// `vec` identities that connect the two named (`vec(A dX B) = (Bᵀ ⊗ A) vec dX`); then dF in
/// terms of dX, the identified Jacobian (`vec dF = J vec dX`) and, for a 1×1 F, the trace form
/// `dF = tr(Gᵀ dX)` with the gradient G.
///
/// The steps are a trace of the rules of `SymbolicDerivative`: each node's `vec` form is what
/// the forward differentiation rule returns when its operands' Jacobians are replaced by
/// markers, and the differential is read back from that form through the named `vec`
/// identities. Layout: numerator over column-major `vec`, as everywhere.
///
/// ```swift
/// let d = try SymbolicDerivative(of: Expression("R'*R"), wrt: "R", dims: ["R": Shape(3, 3)])
/// let steps = try DerivationSteps(d)
/// steps.steps.last!.differentialText   // "d(RᵀR) = d(Rᵀ)R + Rᵀ dR"
/// steps.differential.unicodeText        // e.g. "dRᵀR + Rᵀ dR"
/// ```
public struct DerivationSteps: Sendable {
  /// A `vec` identity used to read a differential off a rule's Kronecker form.
  public enum VecRule: String, Sendable, CaseIterable {
    case transpose, sandwich, leftProduct, rightProduct, hadamard, trace, sum, scalarDifferential, kronecker

    /// The identity as text, with X the operand.
    public var text: String {
      switch self {
      case .transpose: return "vec(dXᵀ) = K vec dX"
      case .sandwich: return "vec(A dX B) = (Bᵀ ⊗ A) vec dX"
      case .leftProduct: return "vec(A dX) = (I ⊗ A) vec dX"
      case .rightProduct: return "vec(dX B) = (Bᵀ ⊗ I) vec dX"
      case .hadamard: return "vec(G ⊙ dX) = diag(vec G) vec dX"
      case .trace: return "vec(G)ᵀ vec dX = tr(Gᵀ dX)"
      case .sum: return "1ᵀ vec dX = sum(dX)"
      case .scalarDifferential: return "vec(B dα) = vec(B) dα"
      case .kronecker: return "vec(A ⊗ B) = (Iₙ ⊗ K(q,m) ⊗ Iₚ)(vec A ⊗ vec B) for A m×n, B p×q"
      }
    }

    /// The identity as LaTeX.
    public var latex: String {
      let dX = "\\mathrm{d}X"
      switch self {
      case .transpose: return "\\operatorname{vec}(\(dX)^{\\top}) = K \\operatorname{vec} \(dX)"
      case .sandwich: return "\\operatorname{vec}(A \\, \(dX) \\, B) = (B^{\\top} \\otimes A) \\operatorname{vec} \(dX)"
      case .leftProduct: return "\\operatorname{vec}(A \\, \(dX)) = (I \\otimes A) \\operatorname{vec} \(dX)"
      case .rightProduct: return "\\operatorname{vec}(\(dX) \\, B) = (B^{\\top} \\otimes I) \\operatorname{vec} \(dX)"
      case .hadamard:
        return "\\operatorname{vec}(G \\odot \(dX)) = \\operatorname{diag}(\\operatorname{vec} G) \\operatorname{vec} \(dX)"
      case .trace: return "\\operatorname{vec}(G)^{\\top} \\operatorname{vec} \(dX) = \\operatorname{tr}(G^{\\top} \(dX))"
      case .sum: return "\\mathbf{1}^{\\top} \\operatorname{vec} \(dX) = \\operatorname{sum}(\(dX))"
      case .scalarDifferential: return "\\operatorname{vec}(B \\, \\mathrm{d}\\alpha) = \\operatorname{vec}(B) \\, \\mathrm{d}\\alpha"
      case .kronecker:
        return "\\operatorname{vec}(A \\otimes B) = (I_{n} \\otimes K_{q,m} \\otimes I_{p}) "
          + "(\\operatorname{vec} A \\otimes \\operatorname{vec} B)"
      }
    }
  }

  /// One subexpression's step.
  public struct Step: Sendable {
    /// The subexpression E.
    public let node: Expression
    /// dE in terms of the operands' differentials (markers, printed as `d(…)`).
    let differentialForm: Expression
    /// vec dE as the rule built it (markers for the operands' `vec d(…)`).
    let vecForm: Expression
    /// The `vec` identities that connect the two.
    public let rules: [VecRule]
    /// dE in terms of dX (simplified): what the test evaluates against finite differences.
    public let differential: Expression
    /// vec dE as the rule built it, with the operands' differentials in terms of dX.
    public let vecDifferential: Expression
  }

  /// F, the differentiated expression.
  public let expression: Expression
  /// The variable X and the name of dX as a variable of `dims` (`dR` for R).
  public let variable: String
  public let differentialName: String
  /// The shapes of the expression's variables, dX's, and the markers'.
  public let dims: [String: Shape]
  public let steps: [Step]
  /// dF in terms of dX, simplified.
  public let differential: Expression
  /// `∂vec F/∂(vec X)ᵀ` and, for a 1×1 F, the gradient G with `dF = tr(Gᵀ dX)`.
  public let jacobian: Expression
  public let gradient: Expression?
  /// What each marker stands for: the operand whose differential (`D…`) or `vec` differential
  /// (`J…`) it is.
  let markers: [String: Expression]

  /// The steps of `derivative`.
  /// - Throws: `ShapeError`/`DerivativeError` as differentiation does.
  public init(_ derivative: SymbolicDerivative) throws {
    let x = derivative.variable
    var names = Set(derivative.dims.keys)
    var dName = "d" + x
    while names.contains(dName) { dName += "_" }
    names.insert(dName)
    var prefix = "Mk"
    while names.contains(where: { $0.hasPrefix(prefix) }) { prefix += "k" }
    var dims = derivative.dims
    dims[dName] = derivative.inputShape
    variable = x
    expression = derivative.expression
    differentialName = dName
    jacobian = derivative.jacobian
    gradient = derivative.gradient

    // Subexpressions that depend on X, children first.
    var order: [Expression] = []
    var seen = Set<Expression>()
    var dependsMemo: [Expression: Bool] = [:]
    func depends(_ e: Expression) -> Bool {
      if let d = dependsMemo[e] { return d }
      let d = e == .variable(x) || e.children.contains(where: depends)
      dependsMemo[e] = d
      return d
    }
    func visit(_ e: Expression) {
      guard depends(e), !seen.contains(e) else { return }
      seen.insert(e)
      e.children.forEach(visit)
      order.append(e)
    }
    visit(derivative.expression)

    // Markers: one per operand that depends on X.
    var markerOf: [Expression: Int] = [:]
    var markers: [String: Expression] = [:]
    for (k, e) in order.enumerated() {
      markerOf[e] = k
      markers["\(prefix)J\(k)q"] = e
      markers["\(prefix)D\(k)q"] = e
      let shape = try e.shape(in: derivative.dims, maximumEntries: .max)
      dims["\(prefix)D\(k)q"] = shape
      dims["\(prefix)J\(k)q"] = Shape(shape.count, derivative.inputShape.count)
    }
    self.dims = dims
    self.markers = markers

    var composite: [Expression: Expression] = [.variable(x): .variable(dName)]
    var simplifier = Simplifier(dims: dims)
    var steps: [Step] = []
    var inlined: [String: Expression] = [:]
    for e in order where e != .variable(x) {
      var forward = try ForwardDifferentiator(variable: x, dims: derivative.dims)
      for c in e.children {
        if let k = markerOf[c], depends(c) {
          forward.memo[c] = .some(.variable("\(prefix)J\(k)q"))
        } else {
          forward.memo[c] = .some(nil)
        }
      }
      guard let rawVecForm = try forward.jacobian(e) else { continue }
      var reader = DifferentialReader(dims: dims, prefix: prefix)
      var form = try simplifier.simplify(try reader.readBack(rawVecForm))
      // Simplified for reading (`2 − 1` folded, `Iᵀ` dropped); the rules were read off the raw form.
      let simplified = try simplifier.simplify(rawVecForm)
      let vecForm = simplified.variables.contains { $0.hasPrefix(prefix) } ? simplified : rawVecForm
      var rules = reader.rules
      if case .kronecker(let a, let b) = e {
        // The product rule as textbooks write it, d(A ⊗ B) = dA ⊗ B + A ⊗ dB, rather than the
        // reshapes the rule's vec form reads back to.
        var terms: [Expression] = []
        if depends(a), let k = markerOf[a] { terms.append(.kronecker(.variable("\(prefix)D\(k)q"), b)) }
        if depends(b), let k = markerOf[b] { terms.append(.kronecker(a, .variable("\(prefix)D\(k)q"))) }
        if let first = terms.first {
          form = terms.dropFirst().reduce(first, +)
          rules = [.kronecker]
        }
      }
      // The form's vec is right; its shape may be a column or another shape (`vec`, `reshape`).
      let (nodeShape, formShape) = (try e.shape(in: dims, maximumEntries: .max), try form.shape(in: dims, maximumEntries: .max))
      if nodeShape != formShape {
        form = nodeShape.cols == 1 ? .vec(form) : .reshape(form, nodeShape.rows, nodeShape.cols)
      }
      // Operands' differentials in terms of dX.
      var substitution: [String: Expression] = [:]
      for c in e.children where depends(c) {
        if let k = markerOf[c], let dc = composite[c] { substitution["\(prefix)D\(k)q"] = dc }
      }
      let inX = try simplifier.simplify(form.substituting(substitution))
      composite[e] = inX
      var vecSubstitution: [String: Expression] = [:]
      for (name, dc) in substitution { vecSubstitution["\(prefix)J" + name.dropFirst(prefix.count + 1)] = .vec(dc) }
      // Linear bookkeeping (sums, signs, vec, reshape) below F is written into its parent's
      // step instead of a step of its own: d(A + B + C) = dA + dB + dC.
      // Simplified again where an inlined form went in (`u ⊙ −d(t)` becomes `−u ⊙ d(t)`).
      let usesInlined = e.children.contains { c in markerOf[c].map { inlined["\(prefix)D\($0)q"] != nil } ?? false }
      let shownForm = usesInlined ? try simplifier.simplify(form.substituting(inlined)) : form
      let shownVecForm = usesInlined ? try simplifier.simplify(vecForm.substituting(inlined)) : vecForm
      let linear: Bool
      switch e {
      case .vec, .reshape, .add, .subtract, .negate: linear = true
      default: linear = false
      }
      if linear && e != derivative.expression, let k = markerOf[e] {
        inlined["\(prefix)D\(k)q"] = shownForm
        inlined["\(prefix)J\(k)q"] = shownVecForm
      } else {
        steps.append(
          Step(
            node: e, differentialForm: shownForm, vecForm: shownVecForm, rules: rules, differential: inX,
            vecDifferential: rawVecForm.substituting(vecSubstitution)))
      }
    }
    self.steps = steps
    self.differential = composite[derivative.expression] ?? .zeros(derivative.outputShape.rows, derivative.outputShape.cols)
  }
}

/// Reads a matrix differential off a rule's `vec` form `Σ L·(marker)`: an expression D with
/// `vec D = L·vec(dA)`, through the `vec` identities, noting which it used.
struct DifferentialReader {
  let dims: [String: Shape]
  let prefix: String
  private(set) var rules: [DerivationSteps.VecRule] = []

  init(dims: [String: Shape], prefix: String) {
    self.dims = dims
    self.prefix = prefix
  }

  private func shape(_ e: Expression) throws -> Shape { try e.shape(in: dims, maximumEntries: .max) }

  private mutating func use(_ rule: DerivationSteps.VecRule) { if !rules.contains(rule) { rules.append(rule) } }

  private func hasMarker(_ e: Expression) -> Bool {
    if case .variable(let name) = e { return name.hasPrefix(prefix + "J") }
    return e.children.contains(where: hasMarker)
  }

  /// The differential whose vec is `o`, a linear form in the markers.
  mutating func readBack(_ o: Expression) throws -> Expression {
    switch o {
    case .variable(let name) where name.hasPrefix(prefix + "J"):
      return .variable(prefix + "D" + name.dropFirst(prefix.count + 1))
    case .add(let a, let b):
      return try matching(readBack(a), readBack(b)) { $0 + $1 }
    case .subtract(let a, let b):
      return try matching(readBack(a), readBack(b)) { $0 - $1 }
    case .negate(let a):
      return -(try readBack(a))
    case .product(let l, let r) where hasMarker(r) && !hasMarker(l):
      return try apply(l, try readBack(r))
    case .divide(let r, let s) where hasMarker(r):
      return .divide(try readBack(r), s)
    default:
      throw DerivativeError("the derivation steps cannot read the differential of \(o.plainText)")
    }
  }

  /// `a ∘ b` with equal shapes (either side vec'd when they differ).
  private func matching(_ a: Expression, _ b: Expression, _ f: (Expression, Expression) -> Expression) throws -> Expression {
    let (sa, sb) = (try shape(a), try shape(b))
    if sa == sb { return f(a, b) }
    return f(sa.cols == 1 ? a : .vec(a), sb.cols == 1 ? b : .vec(b))
  }

  /// An expression E with `vec E = L·vec D`.
  mutating func apply(_ l: Expression, _ d: Expression) throws -> Expression {
    let sd = try shape(d)
    if case .identity = l { return d }
    if try shape(l).isScalar { return l * d }
    switch l {
    case .negate(let a):
      return -(try apply(a, d))
    case .add(let a, let b):
      return try matching(apply(a, d), apply(b, d)) { $0 + $1 }
    case .subtract(let a, let b):
      return try matching(apply(a, d), apply(b, d)) { $0 - $1 }
    case .product(let a, let b):
      return try apply(a, try apply(b, d))
    case .divide(let a, let s):
      return .divide(try apply(a, d), s)
    case .commutation(let m, let n):
      use(.transpose)
      if sd == Shape(m, n) { return .transpose(d) }
      return .vec(.transpose(.reshape(d, m, n)))
    case .kronecker(let p, let q):
      // vec(Q·D·Pᵀ) = (P ⊗ Q)·vec D, D of shape cols(Q)×cols(P).
      let (sp, sq) = (try shape(p), try shape(q))
      let dd: Expression = sd == Shape(sq.cols, sp.cols) ? d : .reshape(d, sq.cols, sp.cols)
      let pt: Expression = { if case .transpose(let b) = p { return b } else { return .transpose(p) } }()
      var p = p
      if case .transpose(.identity(let n)) = p { p = .identity(n) }
      switch (p, q) {
      case (.identity, .identity): return dd
      case (.identity, _):
        use(.leftProduct)
        return q * dd
      case (_, .identity):
        use(.rightProduct)
        return dd * pt
      default:
        use(.sandwich)
        return q * dd * pt
      }
    case .diag(let v):
      use(.hadamard)
      if case .vec(let g) = v, try shape(g) == sd { return .hadamard(g, d) }
      let column: Expression = try shape(v).cols == 1 ? v : .transpose(v)
      return .hadamard(sd.cols == 1 ? column : .reshape(column, sd.rows, sd.cols), d)
    case .transpose(.vec(let g)) where try shape(g) == sd:
      use(.trace)
      return .trace(.transpose(g) * d)
    case .ones(1, _):
      use(.sum)
      return .sum(d)
    default:
      let sl = try shape(l)
      if sl.isScalar { return l * d }
      if sd.isScalar {
        use(.scalarDifferential)
        if case .vec(let b) = l { return b * d }
        return l * d
      }
      return l * (sd.cols == 1 ? d : .vec(d))
    }
  }
}
