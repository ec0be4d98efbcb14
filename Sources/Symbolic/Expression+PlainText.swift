import MatrixCore

extension Expression: CustomStringConvertible {
  /// The expression in the plain ASCII language, with the fewest parentheses the precedence
  /// table allows: what `Expression(_:)` parses back to the same tree (for trees whose
  /// constants are non-negative; a negative constant prints as `-c`, which parses as a
  /// negation).
  ///
  /// ```swift
  /// let X = Expression.variable("X")
  /// (.kron(.I(2), X.transposed) + .kron(X.transposed, .I(2)) * .K(3, 2)).plainText
  /// // "kron(I(2),X')+kron(X',I(2))*K(3,2)"
  /// (-(X * X)).plainText          // "-(X*X)"
  /// Expression.power(X, -1).plainText  // "X^-1"
  /// ```
  public var plainText: String {
    switch self {
    case .variable(let name): return name
    case .constant(let c): return c < 0 ? "-" + Expression.format(-c) : Expression.format(c)
    case .identity(let n): return "I(\(SizeSymbols.plainText(n)))"
    case .commutation(let m, let n): return "K(\(SizeSymbols.plainText(m)),\(SizeSymbols.plainText(n)))"
    case .zeros(let m, let n): return "zeros(\(SizeSymbols.plainText(m)),\(SizeSymbols.plainText(n)))"
    case .ones(let m, let n): return "ones(\(SizeSymbols.plainText(m)),\(SizeSymbols.plainText(n)))"
    case .transpose(let a): return a.plain(atLeast: .postfix) + "'"
    case .negate(let a): return "-" + a.plain(atLeast: .unary)
    case .add(let a, let b): return a.plain(atLeast: .sum) + "+" + b.plain(above: .sum)
    case .subtract(let a, let b): return a.plain(atLeast: .sum) + "-" + b.plain(above: .sum)
    case .divide(let a, let b):
      // A product after `/` is parenthesized although `*` binds tighter: `1/(2*x)`, as people read it.
      return a.plain(atLeast: .division) + "/" + b.plain(atLeast: .unary)
    case .hadamard(let a, let b): return a.plain(atLeast: .hadamard) + ".*" + b.plain(above: .hadamard)
    case .hadamardQuotient(let a, let b):
      return a.plain(atLeast: .hadamard) + "./" + b.plain(atLeast: .unary)
    case .product(let a, let b): return a.plain(atLeast: .product) + "*" + b.plain(above: .product)
    case .power(let a, let k): return a.plain(atLeast: .postfix) + "^" + k.plainExponent(.power)
    case .elementwisePower(let a, let p):
      return a.plain(atLeast: .power) + ".^" + p.plainExponent(.elementwisePower)
    case .kronecker(let a, let b): return "kron(\(a.plainText),\(b.plainText))"
    case .elementwise(let f, let a): return "\(f.name)(\(a.plainText))"
    case .inverse(let a): return "inv(\(a.plainText))"
    case .determinant(let a): return "det(\(a.plainText))"
    case .logDeterminant(let a): return "logdet(\(a.plainText))"
    case .trace(let a): return "tr(\(a.plainText))"
    case .sum(let a): return "sum(\(a.plainText))"
    case .norm(let a): return "norm(\(a.plainText))"
    case .vec(let a): return "vec(\(a.plainText))"
    case .reshape(let a, let m, let n): return "reshape(\(a.plainText),\(SizeSymbols.plainText(m)),\(SizeSymbols.plainText(n)))"
    case .diag(let a): return "diag(\(a.plainText))"
    case .diagonal(let a): return "diagonal(\(a.plainText))"
    case .softmax(let a): return "softmax(\(a.plainText))"
    case .logSumExp(let a): return "logsumexp(\(a.plainText))"
    case .maximum(let a, let b): return "max(\(a.plainText),\(b.plainText))"
    case .minimum(let a, let b): return "min(\(a.plainText),\(b.plainText))"
    case .norm1(let a): return "norm1(\(a.plainText))"
    case .concatenation(let rows):
      return "[" + rows.map { $0.map(\.plainText).joined(separator: ",") }.joined(separator: ";") + "]"
    }
  }

  /// The plain text; the same as `plainText`.
  public var description: String { plainText }

  private func plain(atLeast level: Precedence) -> String {
    precedence < level ? "(\(plainText))" : plainText
  }

  private func plain(above level: Precedence) -> String {
    precedence <= level ? "(\(plainText))" : plainText
  }

  /// After `^` or `.^`, signs need no parentheses (`A^-1`), and the right-associative power
  /// of the same level needs none either (`a^b^c`).
  private func plainExponent(_ level: Precedence) -> String {
    if case .negate(let a) = self { return "-" + a.plainExponent(level) }
    if case .constant(let c) = self, c < 0 { return "-" + Expression.format(-c) }
    return plain(atLeast: level)
  }

  /// A literal as the language writes it: `2`, `0.5`, `1e-05`, `1.5e+20`; integers without
  /// a fractional part. The shortest text that reads back as the same `Double`.
  static func format(_ value: Double) -> String {
    if value.isFinite, value == value.rounded(), Swift.abs(value) < 1e15 {
      return String(Int(value))
    }
    return "\(value)"
  }
}
