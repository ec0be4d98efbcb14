import MatrixCore

/// Random points for evaluating derivatives, as `jac` draws them: standard normal entries, except
/// that a variable that is the argument of `inv`, `det`, `logdet` or a negative matrix power is
/// drawn well conditioned (`2I + Z/(2√n)`, singular values within about [1, 3]), and one that is
/// the argument of `log`, `sqrt` or a non-integer `.^` is drawn positive (`|z| + 0.5`), so that the
/// point is inside every function's domain.
public enum RandomPoint {
  public enum Constraint: Sendable, Equatable {
    case wellConditioned
    case positive
  }

  /// The constraint on each variable that appears directly as such an argument.
  public static func constraints(in expressions: [Expression]) -> [String: Constraint] {
    var result: [String: Constraint] = [:]
    func visit(_ e: Expression) {
      switch e {
      case .inverse(.variable(let v)), .determinant(.variable(let v)), .logDeterminant(.variable(let v)):
        result[v] = .wellConditioned
      case .power(.variable(let v), let k) where (k.integerConstant ?? 1) < 0:
        result[v] = .wellConditioned
      case .elementwise(let f, .variable(let v)) where f == .log || f == .sqrt:
        if result[v] == nil { result[v] = .positive }
      case .elementwisePower(.variable(let v), let p) where p.integerConstant == nil:
        if result[v] == nil { result[v] = .positive }
      default:
        break
      }
      e.children.forEach(visit)
    }
    expressions.forEach(visit)
    return result
  }

  /// A matrix of the given shape drawn under the constraint and, when given, to satisfy the
  /// assumption (`Assumption.draw`).
  public static func draw(
    _ shape: Shape, constraint: Constraint?, assumption: Assumption?, using g: inout SeededGenerator
  ) -> Matrix {
    guard let assumption else { return draw(shape, constraint: constraint, using: &g) }
    return assumption.draw(shape, constraint: constraint, using: &g)
  }

  /// A matrix of the given shape drawn under the constraint.
  public static func draw(_ shape: Shape, constraint: Constraint?, using g: inout SeededGenerator) -> Matrix {
    let z = Matrix.randomNormal(shape.rows, shape.cols, using: &g)
    switch constraint {
    case .wellConditioned? where shape.isSquare:
      let n = shape.rows
      return Matrix.identity(n).scaled(by: 2) + z.scaled(by: 0.5 / Double(n).squareRoot())
    case .positive?:
      return z.map { Swift.abs($0) + 0.5 }
    default:
      return z
    }
  }
}
