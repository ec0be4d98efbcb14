import Foundation
import MatrixCore

/// Why an expression has no value at a point. Each description is one sentence that names the
/// sub-expression (in the plain language) and the entry:
///
/// ```
/// log(x-y) is undefined at entry [1,0], where x-y = -0.3
/// inv(A) is undefined because A is singular
/// ```
public enum EvaluationError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The values' shapes do not fit the expression.
  case shape(ShapeError)
  /// A variable without a value.
  case missingValue(String)
  /// A value given for a variable has a NaN or infinite entry.
  case nonFiniteValue(variable: String, row: Int, col: Int, value: Double)
  /// A function outside its domain: `log` or `sqrt` of an entry out of range, a negative base
  /// to a fractional power, zero to a negative power. `value` is the operand's entry.
  case outsideDomain(expression: String, operand: String, row: Int, col: Int, value: Double)
  /// `inv`, `logdet` or a negative power of a singular matrix.
  case singular(expression: String, operand: String)
  /// `A/s` with s = 0, or `A./B` with a zero entry in B (at `row`, `col` of B).
  case divisionByZero(expression: String, divisor: String, divisorShape: Shape, row: Int, col: Int)
  /// A result too large for a `Double` (`exp(1000)`), first at this entry.
  case overflow(expression: String, row: Int, col: Int)
  /// A failure reported by the matrix core that none of the above describes.
  case matrix(expression: String, error: MatrixError)
  /// The evaluation was asked to stop (`Cancellation`): a server's time limit, never the CLI.
  case cancelled

  public var description: String {
    switch self {
    case .shape(let error):
      return error.description
    case .missingValue(let name):
      return "the variable \(name) has no value: give it with --values \(name)=FILE.npy"
    case let .nonFiniteValue(variable, row, col, value):
      return "the value of \(variable) has a non-finite entry at [\(row),\(col)]: \(value)"
    case let .outsideDomain(expression, operand, row, col, value):
      return
        "\(expression) is undefined at entry [\(row),\(col)], where \(operand) = \(EvaluationError.format(value))"
    case let .singular(expression, operand):
      return "\(expression) is undefined because \(operand) is singular"
    case let .divisionByZero(expression, divisor, divisorShape, row, col):
      if divisorShape.isScalar { return "\(expression) divides by zero: \(divisor) = 0" }
      return "\(expression) divides by zero: entry [\(row),\(col)] of \(divisor) is 0"
    case let .overflow(expression, row, col):
      return "\(expression) overflows at entry [\(row),\(col)]: the value is too large for a double"
    case let .matrix(expression, error):
      return "\(expression) cannot be evaluated: \(error)"
    case .cancelled:
      return "the evaluation was cancelled before it ended"
    }
  }

  /// A number in messages: at most 6 significant digits (`-0.3`, `1.5e-07`).
  static func format(_ value: Double) -> String {
    String(format: "%.6g", value)
  }
}
