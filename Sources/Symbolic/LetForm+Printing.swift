/// The bindings of a `LetForm` printed as equations, in binding order (each uses only names
/// above it): `t1 = tanh(W1 x)` in Unicode text, `t1 = tanh(W1*x)` in the input language,
/// `t_{1} &= \tanh(W_{1} x)` as `align*` rows, and one `<math>` element each in MathML.
extension LetForm {
  /// `t1 = tanh(W1 x)`, one line per binding.
  public var unicodeLines: [String] { bindings.map { "\($0.name) = \($0.value.unicodeText)" } }

  /// `t1 = tanh(W1*x)`, one statement per binding: with the bodies, a program that
  /// `Program(_:)` reads back.
  public var plainLines: [String] { bindings.map { "\($0.name) = \($0.value.plainText)" } }

  /// `t_{1} &= \tanh(W_{1} x)`, rows for an `align*` environment (long values broken after
  /// whole terms, continuation rows `&\quad + …`).
  public func latexRows(width: Int = SymbolicDerivative.lineWidth) -> [String] {
    bindings.flatMap { Expression.latexRows(lhs: Expression.latexName($0.name), rhs: $0.value, width: width) }
  }

  /// One `<math display="block">` element per binding.
  public func mathMLEquations(width: Int = SymbolicDerivative.lineWidth) -> [String] {
    bindings.map { Expression.mathMLEquation(lhs: MathML.name($0.name), rhs: $0.value, width: width) }
  }
}
