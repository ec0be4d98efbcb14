import Jacobians
import MatrixCore

/// A hand derivation checked against the truth at a point, with a diagnosis of the usual
/// mistakes when they disagree.
///
/// The claim is a dense matrix read in a layout (numerator by default). When it disagrees with
/// the true Jacobian J (numerator layout, (mn)×(ab)), the check says what it matches instead:
/// - the transpose `Jᵀ` (denominator layout),
/// - the Jacobian under row-major flattening `K(m,n)·J·K(b,a)` (NumPy's `ravel`), or its transpose,
/// - a scalar multiple `c·J` (a factor 2, a sign),
/// - the truth minus one of its terms (a missing term), or with one term twice,
/// - for a gradient (shape layout), its transpose;
/// and names the worst entries `∂F[p,q]/∂X[i,j]` (only those above the tolerance).
///
/// The claim holds under the one rule of `Tolerance`: `max|J − C| ≤ rtol·max|J| + atol`, with
/// `atol = 1024·ε·magnitude` (`Tolerance.claims`), where the magnitude is the largest of the
/// terms of the truth's closed form, of the claim's terms (`claimMagnitude`) and of J and C
/// themselves: the same verdict at every scale, and a Jacobian that is exactly zero holds only
/// against a claim that is zero up to the rounding of what it adds up. A claim with a NaN or an
/// infinite entry is refused (it never holds).
public struct ClaimCheck: Sendable {
  /// What a disagreeing claim turned out to match.
  public enum Diagnosis: Sendable, Equatable {
    case transpose
    case rowMajor
    case rowMajorTranspose
    case scalarMultiple(Double)
    case missingTerm(String)
    case doubledTerm(String)
    case gradientTranspose

    public var sentence: String {
      switch self {
      case .transpose:
        return "the claim is the transpose of the Jacobian: it is in denominator layout ((∂vec F/∂(vec X)ᵀ)ᵀ); "
          + "read it with --layout denominator, or transpose it"
      case .rowMajor:
        return "the claim is the Jacobian under row-major flattening (NumPy ravel, C order), K(m,n)·J·K(b,a); "
          + "with vec stacking columns the commutation matrices belong elsewhere"
      case .rowMajorTranspose:
        return "the claim is the transpose of the Jacobian under row-major flattening (denominator layout and NumPy ravel order)"
      case .scalarMultiple(let c):
        if c == -1 { return "the claim has the wrong sign: it is −1 times the Jacobian" }
        return "the claim is \(ClaimCheck.format(c)) times the Jacobian: a factor is off"
      case .missingTerm(let t):
        return "the claim misses the term \(t): it equals the Jacobian minus that term"
      case .doubledTerm(let t):
        return "the claim has the term \(t) twice"
      case .gradientTranspose:
        return "the claim is the transpose of the gradient: a gradient in the shape convention has the shape of the variable"
      }
    }
  }

  public let derivative: SymbolicDerivative
  public let layout: JacobianLayout
  public let holds: Bool
  /// The comparison of the claim (converted to numerator layout where possible) with the truth.
  public let comparison: JacobianComparison?
  public let diagnoses: [Diagnosis]
  /// The claim's shape and the shape expected in `layout`.
  public let claimShape: Shape
  public let expectedShape: Shape
  /// The rule the verdict used.
  public let tolerance: Tolerance

  /// Compares `claim` (read in `layout`) with the derivative at `values`.
  /// - Parameters:
  ///   - tolerance: rtol of the rule (default 10⁻⁸).
  ///   - claimMagnitude: the largest entry among the terms the claim was added up from (0 when
  ///     unknown, e.g. a claim read from a file); see `Expression.termMagnitude(at:)`.
  /// - Throws: when the claim's shape fits neither the expected shape nor its transpose, or the
  ///   claim or the truth has a NaN or infinite entry.
  public init(
    claim: Matrix, layout: JacobianLayout, derivative: SymbolicDerivative, values: [String: Matrix],
    tolerance: Double = 1e-8, claimMagnitude: Double = 0
  ) throws {
    guard tolerance.isFinite, tolerance >= 0 else {
      throw DerivativeError("the tolerance must be a finite non-negative number, not \(tolerance)")
    }
    if let bad = claim.firstNonFinite {
      throw DerivativeError(
        "the claim has a non-finite entry \(bad.value) at row \(bad.row), column \(bad.col): a claim must be finite")
    }
    self.derivative = derivative
    self.layout = layout
    let (a, b) = (derivative.inputShape.rows, derivative.inputShape.cols)
    let jacobian = try derivative.jacobian(at: values)
    let truthNumerator = try jacobian.materialized()
    let truth: Matrix
    switch layout {
    case .numerator:
      truth = truthNumerator
    case .numeratorRowMajor, .tensor, .sympy:
      truth = try jacobian.matrix(in: .numeratorRowMajor).materialized()
    case .denominator:
      truth = truthNumerator.transposed
    case .shape:
      truth = try derivative.gradient(at: values)
    }
    if let bad = truth.firstNonFinite {
      throw DerivativeError(
        "the true derivative is not finite at the point (\(bad.value) at row \(bad.row), column \(bad.col))")
    }
    claimShape = claim.shape
    expectedShape = truth.shape
    // The magnitudes involved: the truth's terms, the claim's terms, both matrices.
    var evaluator = StructuredEvaluator(values: values, dims: derivative.dims)
    var evaluatedTerms: [(Double, Expression, Matrix)] = []
    let terms = derivative.jacobian.topLevelTerms
    if terms.count >= 2 {
      for (sign, term) in terms {
        evaluatedTerms.append((sign, term, try evaluator.structured(term).materialized()))
      }
    }
    let magnitude = ([truth.maxAbs, claim.maxAbs, claimMagnitude] + evaluatedTerms.map { $0.2.maxAbs }).max() ?? 0
    let rule = Tolerance.claims(relative: tolerance, magnitude: magnitude)
    self.tolerance = rule
    func close(_ x: Matrix, _ y: Matrix) -> Bool { rule.accepts(expected: y, actual: x) }
    if claim.shape == truth.shape {
      holds = close(claim, truth)
      // Compare in numerator layout, so that entries are labelled ∂F[p,q]/∂X[i,j].
      let claimNumerator: Matrix
      switch layout {
      case .denominator: claimNumerator = claim.transposed
      case .shape: claimNumerator = Matrix(rows: 1, cols: a * b, columnMajor: claim.storage)
      case .numeratorRowMajor, .tensor, .sympy:
        claimNumerator = try JacobianLayout.convert(
          NPYArray(matrix: claim), from: .numeratorRowMajor, to: .numerator, output: derivative.outputShape,
          input: derivative.inputShape
        ).matrix()
      case .numerator: claimNumerator = claim
      }
      comparison = JacobianComparison(
        expected: truthNumerator, actual: claimNumerator, output: derivative.outputShape, input: derivative.inputShape,
        tolerance: rule)
    } else if claim.shape == truth.shape.transposed {
      holds = false
      comparison = nil
    } else {
      throw DerivativeError(
        "the claim is \(claim.shape), but ∂F/∂\(derivative.variable) in \(layout.rawValue) layout is \(truth.shape) "
          + "(F is \(derivative.outputShape), \(derivative.variable) is \(derivative.inputShape))")
    }
    guard !holds else {
      diagnoses = []
      return
    }
    // Candidates, all in the layout the claim was read in.
    var found: [Diagnosis] = []
    if layout == .shape {
      if close(claim, truth.transposed) { found.append(.gradientTranspose) }
    } else {
      let toLayout: (Matrix) -> Matrix = layout == .denominator ? { $0.transposed } : { $0 }
      if close(claim, truth.transposed) { found.append(.transpose) }
      if layout == .numerator || layout == .denominator {
        let rowMajor = try jacobian.matrix(in: .numeratorRowMajor).materialized()
        if close(claim, toLayout(rowMajor)) { found.append(.rowMajor) }
        // For vectors the transpose and the transposed row-major form coincide: say it once.
        if close(claim, toLayout(rowMajor).transposed) && !found.contains(.transpose) {
          found.append(.rowMajorTranspose)
        }
      }
      if claim.shape == truth.shape {
        // Terms of the closed form.
        for (sign, term, value) in evaluatedTerms {
          let t = toLayout(value.scaled(by: sign))
          if close(claim, truth - t) { found.append(.missingTerm(term.unicodeText)) }
          if close(claim, truth + t) { found.append(.doubledTerm(term.unicodeText)) }
        }
      }
    }
    if claim.shape == truth.shape, found.isEmpty {
      // Least-squares factor c = ⟨claim, J⟩/⟨J, J⟩.
      let tt = truth.storage.reduce(0) { $0 + $1 * $1 }
      if tt > 0 {
        let c = zip(claim.storage, truth.storage).reduce(0) { $0 + $1.0 * $1.1 } / tt
        if abs(c - 1) > 1e-6, abs(c) > 1e-12, c.isFinite, close(claim, truth.scaled(by: c)) {
          found.append(.scalarMultiple((c * 1e6).rounded() / 1e6))
        }
      }
    }
    diagnoses = found
  }

  static func format(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e12 ? String(Int(x)) : "\(x)"
  }
}

extension Expression {
  /// The largest absolute entry among the values of this expression's top-level terms (and of
  /// the whole), the "magnitude involved" of `Tolerance.claims`: `A − B` with A ≈ B has the
  /// magnitude of A, not of the small difference.
  public func termMagnitude(at values: [String: Matrix]) throws -> Double {
    var m = try evaluate(values).maxAbs
    let terms = topLevelTerms
    if terms.count >= 2 {
      for (_, t) in terms { m = max(m, try t.evaluate(values).maxAbs) }
    }
    return m
  }

  /// The terms of a sum with their signs (`A - B` gives `[(1, A), (−1, B)]`); `[(1, self)]` otherwise.
  public var topLevelTerms: [(Double, Expression)] {
    switch self {
    case .add(let a, let b): return a.topLevelTerms + b.topLevelTerms
    case .subtract(let a, let b): return a.topLevelTerms + b.topLevelTerms.map { (-$0.0, $0.1) }
    case .negate(let a): return a.topLevelTerms.map { (-$0.0, $0.1) }
    default: return [(1, self)]
    }
  }
}
