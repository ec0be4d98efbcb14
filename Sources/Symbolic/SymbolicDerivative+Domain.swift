import Jacobians
import MatrixCore

extension SymbolicDerivative {
  /// Runs an evaluation of the closed form (Jacobian or gradient); when it fails although F
  /// itself is defined at the point, the error names the function the user wrote, not a piece
  /// of the closed form: the innermost sub-expression of F whose own derivative cannot be
  /// evaluated there (`norm(x)` at x = 0, `det(A)` at a singular A, `sqrt(x)` at 0).
  func namingTheUsersFunction<T>(at values: [String: Matrix], _ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as EvaluationError {
      if let culprit = innermostUndifferentiable(at: values, original: error) { throw culprit }
      throw error
    }
  }

  /// The first sub-expression of F, innermost first, that contains the variable and whose
  /// derivative's closed form fails to evaluate at the point, as a one-sentence error.
  private func innermostUndifferentiable(at values: [String: Matrix], original: EvaluationError) -> NotDifferentiableError? {
    var candidates: [Expression] = []
    func visit(_ e: Expression) {
      e.children.forEach(visit)
      if e.variables.contains(variable) { candidates.append(e) }
    }
    visit(expression)
    for e in candidates {
      guard let d = try? SymbolicDerivative(of: e, wrt: variable, dims: dims) else { continue }
      var evaluator = StructuredEvaluator(values: values, dims: dims)
      do {
        _ = try evaluator.structured(d.jacobian)
      } catch let error as EvaluationError {
        return NotDifferentiableError(function: e, error: error)
      } catch {
        continue
      }
    }
    return nil
  }
}

/// F is defined at the point but one of its functions, as the user wrote it, has no derivative
/// there (or none that jac's closed form can evaluate):
///
/// ```
/// norm(x) is not differentiable where x = 0, and x is zero at the point (…)
/// det(A) has no closed-form derivative in jac where A is singular (…), and A is singular at the point
/// ```
public struct NotDifferentiableError: Error, Equatable, Sendable, CustomStringConvertible {
  public enum Reason: Equatable, Sendable {
    /// `norm(a)` with a = 0: the norm has only a subgradient at the origin.
    case normAtZero
    /// `det(A)` with A singular: the closed form det(A)·A⁻ᵀ needs the inverse.
    case singularDeterminant
    /// Any other function whose derivative's closed form fails (`sqrt(x)` at 0).
    case other(EvaluationError)
  }

  /// The sub-expression of F, as written (plain text).
  public let function: String
  /// Its argument (plain text).
  public let argument: String
  public let reason: Reason

  init(function e: Expression, error: EvaluationError) {
    function = e.plainText
    switch e {
    case .norm(let a):
      argument = a.plainText
      reason = .normAtZero
    case .determinant(let a):
      argument = a.plainText
      reason = .singularDeterminant
    default:
      argument = e.children.first?.plainText ?? e.plainText
      reason = .other(error)
    }
  }

  public var description: String {
    switch reason {
    case .normAtZero:
      return "\(function) is not differentiable where \(argument) = 0, and \(argument) is zero at the point "
        + "(the norm has no gradient at the origin, only a subgradient); choose another point"
    case .singularDeterminant:
      return "\(function) has no closed-form derivative in jac where \(argument) is singular (det(A)·A⁻ᵀ needs the "
        + "inverse), and \(argument) is singular at the point; choose another point"
    case .other(let error):
      return "\(function) is not differentiable at the point: its derivative is undefined there (\(error))"
    }
  }
}
