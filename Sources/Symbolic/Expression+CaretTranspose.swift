extension Expression {
  /// The sentence for `x^T` written for the transpose, as on paper: "in x^T, T is read as an
  /// exponent; for the transpose write x' or xᵀ", for the first power (`^`) whose exponent is the
  /// variable T, when T is not among `given` (the variables given a shape or a value); nil when
  /// there is none, or when T is given: then T is a variable like any other and `x^T` its power,
  /// as the contract says (docs/language.md).
  ///
  /// ```swift
  /// try Expression("x^T A x").caretTransposeSentence(given: ["x", "A"])
  /// // "in x^T, T is read as an exponent; for the transpose write x' or xᵀ"
  /// try Expression("(A*x)^T*y").caretTransposeSentence(given: [])
  /// // "in (A*x)^T, T is read as an exponent; for the transpose write (A*x)' or (A*x)ᵀ"
  /// ```
  public func caretTransposeSentence(given: Set<String>) -> String? {
    guard !given.contains("T") else { return nil }
    return firstCaretTranspose()
  }

  private func firstCaretTranspose() -> String? {
    if case .power(let base, .variable("T")) = self {
      let operand = base.precedence < .postfix ? "(\(base.plainText))" : base.plainText
      return "in \(plainText), T is read as an exponent; for the transpose write \(operand)' or \(operand)ᵀ"
    }
    for child in children {
      if let found = child.firstCaretTranspose() { return found }
    }
    return nil
  }
}
