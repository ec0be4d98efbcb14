import Jacobians
import MatrixCore

/// A hand derivation checked against the truth at a point, with a diagnosis of the usual
/// mistakes when they disagree.
///
/// The claim is a dense matrix read in a layout (numerator by default). When it disagrees with
/// the true Jacobian J (numerator layout, (mn)×(ab)), the check names the worst entries
/// `∂F[p,q]/∂X[i,j]` (only those above the tolerance) and says what the claim is
/// (`DiagnosisSearch`, `SlipCatalogue`): the truth with a slip at one rule application of its
/// derivation (a missing activation derivative or commutation matrix, a forgotten path, a sign, a
/// transposed factor, …), or as a whole transposed (denominator layout), row-major, scaled, with a
/// factor 2 on or off the diagonal, or two of these; a claim that holds only under an assumption
/// (`2Ax` for `xᵀAx`, A symmetric) gets the hint; a claim of the wrong shape is wrong (not bad
/// input) and is told which shapes fit which layout.
///
/// The claim holds under the one rule of `Tolerance`: `max|J − C| ≤ rtol·max|J| + atol`, with
/// `atol = 1024·ε·magnitude` (`Tolerance.claims`), where the magnitude is the largest of the
/// terms of the truth's closed form, of the claim's terms (`claimMagnitude`) and of J and C
/// themselves: the same verdict at every scale, and a Jacobian that is exactly zero holds only
/// against a claim that is zero up to the rounding of what it adds up. A claim with a NaN or an
/// infinite entry is refused (it never holds).
public struct ClaimCheck: Sendable {
  public let derivative: SymbolicDerivative
  public let layout: JacobianLayout
  public let holds: Bool
  /// The comparison of the claim (converted to numerator layout where possible) with the truth.
  public let comparison: JacobianComparison?
  public internal(set) var diagnoses: [Diagnosis]
  /// The number of mutants of the truth the diagnosis evaluated.
  public let mutationCount: Int
  /// Whether the diagnosis stopped at its work budget (`DiagnosisSearch.defaultBudget` nodes
  /// differentiated) with slips or assumption hints left untried. The verdict does not depend
  /// on it; with no diagnosis, the report says that none was found within the budget.
  public let diagnosisBudgetExhausted: Bool
  /// The expression nodes the diagnosis differentiated and evaluated (its counted work, at most
  /// about `diagnosisBudget`).
  public let diagnosisWork: Int
  /// The claim's shape and the shape expected in `layout`.
  public let claimShape: Shape
  public let expectedShape: Shape
  /// The rule the verdict used.
  public let tolerance: Tolerance

  /// Compares `claim` (read in `layout`) with the derivative at `values`.
  /// - Parameters:
  ///   - claim: the claimed derivative, dense, read in `layout`.
  ///   - layout: the layout the claim is written in.
  ///   - derivative: the true derivative.
  ///   - values: the point, a value for every variable.
  ///   - tolerance: rtol of the rule (default 10⁻⁸).
  ///   - claimMagnitude: the largest entry among the terms the claim was added up from (0 when
  ///     unknown, e.g. a claim read from a file); see `Expression.termMagnitude(at:)`.
  ///   - claimExpression: the claim as written (its value at `values` is `claim`): the diagnoses
  ///     are then confirmed at a second random point drawn from `seed`, and assumption hints are
  ///     tried; without it (a claim read from a file) they rest on the one point.
  ///   - seed: the seed of that second point.
  ///   - diagnose: false to give the verdict only (no search for what a wrong claim is).
  ///   - diagnosisBudget: the most expression nodes the diagnosis may differentiate and evaluate
  ///     (`DiagnosisSearch.defaultBudget`); the verdict is computed first and does not depend on it.
  /// - Throws: when the claim or the truth has a NaN or infinite entry. A claim of the wrong
  ///   shape does not hold (its diagnosis names the shapes that fit each layout).
  public init(
    claim: Matrix, layout: JacobianLayout, derivative: SymbolicDerivative, values: [String: Matrix],
    tolerance: Double = 1e-8, claimMagnitude: Double = 0, claimExpression: Expression? = nil, seed: UInt64 = 1,
    diagnose: Bool = true, diagnosisBudget: Int = ClaimCheck.defaultDiagnosisBudget
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
    } else {
      holds = false
      comparison = nil
    }
    guard !holds, diagnose else {
      diagnoses = []
      mutationCount = 0
      diagnosisBudgetExhausted = false
      diagnosisWork = 0
      return
    }
    let context = DiagnosisContext(
      derivative: derivative, layout: layout, tolerance: tolerance, claimExpression: claimExpression, seed: seed)
    (diagnoses, mutationCount, diagnosisBudgetExhausted, diagnosisWork) = try context.diagnose(
      claim: claim, truth: truthNumerator, values: values, budget: diagnosisBudget)
  }

  /// The default work budget of the diagnosis, in expression nodes differentiated and
  /// evaluated: about 10 s of a debug build and 1–2 s of a release build at worst, and far more
  /// than any expression of a few hundred nodes needs.
  public static let defaultDiagnosisBudget = DiagnosisSearch.defaultBudget

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
