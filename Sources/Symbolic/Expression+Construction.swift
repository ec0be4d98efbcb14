// Building expressions in code: literals, arithmetic operators and helpers named like the
// functions of the language, so that a derivative rule reads like its formula:
//
//   let X = Expression.variable("X")
//   let j: Expression = .kron(.I(2), X.transposed) + .kron(X.transposed, .I(2)) * .K(3, 2)
//
// Nothing here simplifies: `X + 0` is `.add(X, .constant(0))`.

extension Expression: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
  /// An integer literal is a constant: `2 * X` is `.product(.constant(2), X)`.
  public init(integerLiteral value: Int) { self = .constant(Double(value)) }
  /// A floating-point literal is a constant: `0.5 * X`.
  public init(floatLiteral value: Double) { self = .constant(value) }
}

extension Expression {
  /// `A+B`.
  public static func + (lhs: Expression, rhs: Expression) -> Expression { .add(lhs, rhs) }
  /// `A-B`.
  public static func - (lhs: Expression, rhs: Expression) -> Expression { .subtract(lhs, rhs) }
  /// `A*B`: the matrix product (scaling when one side is 1×1).
  public static func * (lhs: Expression, rhs: Expression) -> Expression { .product(lhs, rhs) }
  /// `A/s`: division by a 1×1 expression.
  public static func / (lhs: Expression, rhs: Expression) -> Expression { .divide(lhs, rhs) }
  /// `-A`.
  public static prefix func - (operand: Expression) -> Expression { .negate(operand) }

  /// `A'`: `Expression.variable("X").transposed` is `X'`.
  public var transposed: Expression { .transpose(self) }

  /// `I(n)`, the n×n identity.
  public static func I(_ n: Int) -> Expression { .identity(n) }
  /// `K(m,n)`, the (mn)×(mn) commutation matrix.
  public static func K(_ m: Int, _ n: Int) -> Expression { .commutation(m, n) }
  /// `kron(A,B)`.
  public static func kron(_ a: Expression, _ b: Expression) -> Expression { .kronecker(a, b) }
  /// `inv(A)`.
  public static func inv(_ a: Expression) -> Expression { .inverse(a) }
  /// `det(A)`.
  public static func det(_ a: Expression) -> Expression { .determinant(a) }
  /// `logdet(A)` = `log|det A|`.
  public static func logdet(_ a: Expression) -> Expression { .logDeterminant(a) }
  /// `tr(A)`.
  public static func tr(_ a: Expression) -> Expression { .trace(a) }
  /// `logsumexp(A)`.
  public static func logsumexp(_ a: Expression) -> Expression { .logSumExp(a) }

  /// `exp(A)`, entrywise.
  public static func exp(_ a: Expression) -> Expression { .elementwise(.exp, a) }
  /// `log(A)`, entrywise.
  public static func log(_ a: Expression) -> Expression { .elementwise(.log, a) }
  /// `sin(A)`, entrywise.
  public static func sin(_ a: Expression) -> Expression { .elementwise(.sin, a) }
  /// `cos(A)`, entrywise.
  public static func cos(_ a: Expression) -> Expression { .elementwise(.cos, a) }
  /// `tanh(A)`, entrywise.
  public static func tanh(_ a: Expression) -> Expression { .elementwise(.tanh, a) }
  /// `sigmoid(A)`, entrywise.
  public static func sigmoid(_ a: Expression) -> Expression { .elementwise(.sigmoid, a) }
  /// `relu(A)`, entrywise.
  public static func relu(_ a: Expression) -> Expression { .elementwise(.relu, a) }
  /// `softplus(A)`, entrywise.
  public static func softplus(_ a: Expression) -> Expression { .elementwise(.softplus, a) }
  /// `sqrt(A)`, entrywise.
  public static func sqrt(_ a: Expression) -> Expression { .elementwise(.sqrt, a) }
  /// `abs(A)`, entrywise.
  public static func abs(_ a: Expression) -> Expression { .elementwise(.abs, a) }
}
