/// Errors that input can reach in the matrix core. Each description is one sentence that names
/// the culprit and, where there is one, what to do next.
public enum MatrixError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Two operands whose shapes do not fit; `detail` says why ("inner sizes 2 and 4 differ").
  case shapeMismatch(operation: String, lhs: Shape, rhs: Shape, detail: String)
  /// An operation that needs a square matrix got another shape.
  case notSquare(operation: String, shape: Shape)
  /// A LAPACK routine reported `info ≠ 0`; `meaning` explains that value.
  case lapack(routine: String, info: Int32, meaning: String)
  /// Input with NaN or ±∞ where a finite number is required.
  case nonFinite(operation: String, row: Int, col: Int, value: Double)
  /// An argument outside its valid range (negative size, count mismatch, …).
  case invalidArgument(String)
  /// A file that cannot be read, parsed or written. `reason` completes a sentence that starts
  /// with the path: "x.npy" + " is truncated: …".
  case file(path: String, reason: String)

  public var description: String {
    switch self {
    case let .shapeMismatch(operation, lhs, rhs, detail):
      return "cannot \(operation) \(lhs) by \(rhs): \(detail)"
    case let .notSquare(operation, shape):
      return "\(operation) needs a square matrix, but it is \(shape)"
    case let .lapack(routine, _, meaning):
      return "\(routine): \(meaning)"
    case let .nonFinite(operation, row, col, value):
      return "\(operation) needs finite entries, but entry [\(row),\(col)] is \(value)"
    case let .invalidArgument(message):
      return message
    case let .file(path, reason):
      return "\(path) \(reason)"
    }
  }
}
