import Jacobians
import MatrixCore

/// A symbolic derivative checked against finite differences at a point: the policy of
/// `jac derive --check`, as a library call.
///
/// - Method: the full finite-difference Jacobian (Ridders' extrapolation per entry of X) when X
///   has at most `fullCheckMaximumInputs` (1024) entries and the dense Jacobian at most
///   `fullCheckMaximumEntries` (4·10⁶); otherwise the directional check along
///   `directionalCheckDirections` (4) random unit directions from the seed, 2 when X has more
///   than 10⁶ entries (each direction costs some 15 evaluations of F).
/// - Rule: `Tolerance.finiteDifferences` with rtol `relativeTolerance` (default 10⁻⁶): the finite
///   differences are the expected value, their own estimated error (×4) is the atol.
/// - Verdict: passed, failed, or inconclusive when it would pass only thanks to a
///   finite-difference error above 10⁻³ of the scale (a kink or a near-singularity at the point).
///
/// ```swift
/// let d = try SymbolicDerivative(of: Expression("sum(X.^2)"), wrt: "X", dims: ["X": Shape(40, 40)])
/// let c = try DerivativeCheck(d, at: ["X": x])   // directional (1600 entries > 1024)
/// c.verdict                                     // .passed
/// ```
public struct DerivativeCheck: Sendable {
  /// How the finite differences are taken.
  public enum Method: Sendable, Equatable {
    /// The dense Jacobian, column by column.
    case full
    /// `J·vec V` along this many random unit directions.
    case directional(directions: Int)

    /// "central finite differences" or "central differences along 4 random directions".
    public var description: String {
      switch self {
      case .full: return "central finite differences (Richardson-extrapolated)"
      case .directional(let k):
        return "central differences along \(k) random direction\(k == 1 ? "" : "s") (Richardson-extrapolated)"
      }
    }
  }

  public static let fullCheckMaximumInputs = 1024
  public static let fullCheckMaximumEntries = 4_000_000
  public static let directionalCheckDirections = 4

  /// The policy: the full check for X with at most 1024 entries and a Jacobian of at most
  /// 4·10⁶ entries, the directional check along 4 directions otherwise (2 beyond 10⁶ entries of X).
  public static func method(output: Shape, input: Shape) -> Method {
    let inputs = input.checkedCount ?? .max
    let outputs = output.checkedCount ?? .max
    let entries = outputs.multipliedReportingOverflow(by: inputs)
    if inputs <= fullCheckMaximumInputs, !entries.overflow, entries.partialValue <= fullCheckMaximumEntries {
      return .full
    }
    return .directional(directions: inputs > 1_000_000 ? 2 : directionalCheckDirections)
  }

  public let method: Method
  public let verdict: CheckVerdict
  /// `max|E − A|` (full) or the largest `‖D_V F − J·vec V‖_F` (directional).
  public let maxAbsError: Double
  /// `maxAbsError` over the scale of the finite-difference value.
  public let maxRelError: Double
  /// The finite differences' own estimated error (same norm).
  public let estimatedFiniteDifferenceError: Double
  public let relativeTolerance: Double
  /// The entrywise comparison (full method only), finite differences as the expected value.
  public let comparison: JacobianComparison?

  public var passed: Bool { verdict == .passed }

  /// Checks `derivative` at `values` against finite differences of its expression.
  /// - Parameters:
  ///   - derivative: the symbolic derivative to check.
  ///   - values: the point, a value for every variable.
  ///   - method: default `method(output:input:)`.
  ///   - relativeTolerance: rtol of the rule `Tolerance.finiteDifferences`.
  ///   - seed: the seed of the directional check's directions.
  /// - Throws: `DerivativeError` when the expression does not contain the variable (its
  ///   Jacobian is zero everywhere: nothing to check) or the point has no value for it;
  ///   `EvaluationError` when F or its derivative is undefined at the point.
  public init(
    _ derivative: SymbolicDerivative, at values: [String: Matrix], method: Method? = nil,
    relativeTolerance: Double = 1e-6, seed: UInt64 = 1
  ) throws {
    let (f, variable) = (derivative.expression, derivative.variable)
    guard f.variables.contains(variable) else {
      throw DerivativeError(
        "\(f.plainText) does not contain \(variable): its Jacobian is zero everywhere and there is nothing to check "
          + "against finite differences")
    }
    guard let x = values[variable] else {
      throw DerivativeError("the point has no value for \(variable): give it with --values \(variable)=FILE.npy")
    }
    let jacobian = try derivative.jacobian(at: values)
    let evaluate = { (xv: Matrix) throws -> Matrix in
      var v = values
      v[variable] = xv
      return try f.evaluate(v)
    }
    let chosen = method ?? DerivativeCheck.method(output: derivative.outputShape, input: derivative.inputShape)
    self.method = chosen
    self.relativeTolerance = relativeTolerance
    switch chosen {
    case .full:
      let fd = try NumericDifferentiation.jacobianEstimate(of: evaluate, at: x)
      let exact = try jacobian.materialized()
      let rule = Tolerance.finiteDifferences(
        relative: relativeTolerance, estimatedError: fd.estimatedError, magnitude: max(fd.value.maxAbs, exact.maxAbs))
      let c = JacobianComparison(
        expected: fd.value, actual: exact, output: derivative.outputShape, input: derivative.inputShape, tolerance: rule)
      comparison = c
      maxAbsError = c.maxAbsError
      maxRelError = c.maxRelError
      estimatedFiniteDifferenceError = fd.estimatedError
      if !c.holds {
        verdict = .failed
      } else if FiniteDifferenceEstimate.isTooNoisy(fd.estimatedError, scale: c.scale) {
        verdict = .inconclusive
      } else {
        verdict = .passed
      }
    case .directional(let k):
      let c = try NumericDifferentiation.directionalCheck(
        jacobian, of: evaluate, at: x, directions: k, seed: seed, relativeTolerance: relativeTolerance)
      comparison = nil
      maxAbsError = c.maxAbsError
      maxRelError = c.maxRelError
      estimatedFiniteDifferenceError = c.estimatedFiniteDifferenceError
      verdict = c.verdict
    }
  }
}
