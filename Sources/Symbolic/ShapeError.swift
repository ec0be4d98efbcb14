import MatrixCore

/// A shape that does not fit: the dimension check people do by hand, naming the
/// sub-expressions (in the plain expression language) and their shapes.
///
/// ```swift
/// try Expression("X'*A").shape(in: ["X": Shape(3, 2), "A": Shape(4, 3)])
/// // throws "in X'*A, X' is 2×3 and A is 4×3: 3 ≠ 4"
/// ```
public enum ShapeError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A variable without a shape.
  case unknownVariable(String)
  /// `A*B` where the columns of A are not the rows of B.
  case innerSizes(expression: String, lhs: String, lhsShape: Shape, rhs: String, rhsShape: Shape)
  /// `A+B`, `A-B` (equal shapes) or `A.*B`, `A./B` (equal shapes or a 1×1 side) that do not fit.
  /// `operation` names it: "sum", "difference", "entrywise product", "entrywise quotient".
  case unequalShapes(
    expression: String, operation: String, lhs: String, lhsShape: Shape, rhs: String, rhsShape: Shape)
  /// `inv`, `det`, `logdet`, `tr`, `diagonal` or `^` of a matrix that is not square.
  case notSquare(expression: String, operand: String, shape: Shape)
  /// The divisor of `/` or the exponent of `^` or `.^` is not 1×1. `role` is "divisor" or
  /// "exponent".
  case notScalar(expression: String, operand: String, shape: Shape, role: String)
  /// `diag` of something that is not a vector.
  case notVector(expression: String, operand: String, shape: Shape)
  /// `softmax` of something that is not a column vector.
  case notColumn(expression: String, operand: String, shape: Shape)
  /// `A^p` with A not 1×1 and p not an integer constant.
  case nonIntegerMatrixPower(expression: String, base: String, baseShape: Shape, exponent: String)
  /// A matrix with a zero or negative size: `I(0)` built in code, a variable given as 0×3.
  case invalidSize(expression: String, rows: Int, cols: Int)
  /// A matrix with more than `Expression.maximumEntryCount` entries; `rows` or `cols` is
  /// `Int.max` when the size itself overflows.
  case tooLarge(expression: String, rows: Int, cols: Int)
  /// `[A, B; C, D]` whose blocks do not fit: blocks side by side with different row counts, or
  /// rows of blocks with different column counts.
  case blocksDoNotFit(expression: String, first: String, firstShape: Shape, second: String, secondShape: Shape, side: String)

  /// `x^T` written for the transpose, as on paper: the way to write it here.
  static func caretTHint(_ expression: String, _ operand: String) -> String {
    expression.hasSuffix("^T") ? "; for the transpose write \(operand)' or \(operand)ᵀ" : ""
  }

  public var description: String {
    switch self {
    case .unknownVariable(let name):
      return "the variable \(name) has no shape: give it with --dims \(name)=RxC"
    case let .innerSizes(expression, lhs, lhsShape, rhs, rhsShape):
      return
        "in \(expression), \(lhs) is \(lhsShape) and \(rhs) is \(rhsShape): \(SizeSymbols.text(lhsShape.cols)) ≠ \(SizeSymbols.text(rhsShape.rows))"
    case let .unequalShapes(expression, operation, lhs, lhsShape, rhs, rhsShape):
      // Broadcasting (docs/language.md): rows and columns each equal, or 1 on one side.
      let rule = "equal shapes, or a size 1 that broadcasts (rows and columns each equal or 1)"
      let article = operation.hasPrefix("entrywise") ? "an" : "a"
      return
        "in \(expression), \(lhs) is \(lhsShape) and \(rhs) is \(rhsShape): \(article) \(operation) needs \(rule)"
    case let .notSquare(expression, operand, shape):
      return "\(expression) needs a square matrix, but \(operand) is \(shape)" + ShapeError.caretTHint(expression, operand)
    case let .notScalar(expression, operand, shape, role):
      let advice = role == "divisor" ? "; use ./ to divide entrywise" : ""
      return "in \(expression), the \(role) \(operand) must be 1×1, but it is \(shape)\(advice)"
    case let .notVector(expression, operand, shape):
      return "\(expression) needs a vector (n×1 or 1×n), but \(operand) is \(shape); "
        + "diagonal(A) takes the diagonal of a square matrix"
    case let .notColumn(expression, operand, shape):
      let advice = shape.rows == 1 ? "; transpose the row first" : ""
      return "\(expression) needs a column vector (n×1), but \(operand) is \(shape)\(advice)"
    case let .nonIntegerMatrixPower(expression, base, baseShape, exponent):
      if exponent == "T" { return "in \(expression), T is read as an exponent" + ShapeError.caretTHint(expression, base) }
      return "in \(expression), the exponent \(exponent) must be an integer constant because \(base) is "
        + "\(baseShape), not 1×1; use .^ for an entrywise power"
    case let .invalidSize(expression, rows, cols):
      return "\(expression) is \(rows)×\(cols), but sizes must be positive"
    case let .blocksDoNotFit(expression, first, firstShape, second, secondShape, side):
      let what = side == "rows" ? "blocks side by side need equal row counts" : "rows of blocks need equal column counts"
      return "in \(expression), \(first) is \(firstShape) and \(second) is \(secondShape): \(what)"
    case let .tooLarge(expression, rows, cols):
      let limit = Expression.maximumEntryCount
      if rows == Int.max || cols == Int.max {
        return "\(expression) would have more entries than can be counted; the limit is \(limit) per matrix"
      }
      return "\(expression) would be \(rows)×\(cols), more than \(limit) entries, the limit for one matrix"
    }
  }
}
