import MatrixCore

extension Expression {
  /// The expression as people write it: `Xᵀ`, `X⁻¹`, `X²`, `⊗`, `⊙`, `⊘`, `−`, `I₂`,
  /// `K₃,₂`, products by juxtaposition (`Wx` is printed `W x`, `(A + B)C` without a sign,
  /// `·` where juxtaposition would be unclear), and `tanh²(z)` for `tanh(z).^2`.
  ///
  /// It parses back with `Expression(_:)` to the same tree (for trees with non-negative
  /// constants). A Kronecker product is parenthesized whenever it is an operand, for
  /// readability: `(I₂ ⊗ Xᵀ) + (Xᵀ ⊗ I₂)K₃,₂`.
  ///
  /// ```swift
  /// try Expression("kron(I(2),X')+kron(X',I(2))*K(3,2)").unicodeText
  /// // "(I₂ ⊗ Xᵀ) + (Xᵀ ⊗ I₂)K₃,₂"
  /// try Expression("(u.*(1-tanh(W*x+b).^2))*x'").unicodeText
  /// // "(u ⊙ (1 − tanh²(W x + b)))xᵀ"
  /// ```
  public var unicodeText: String {
    switch self {
    case .variable(let name): return name
    case .constant(let c): return c < 0 ? "−" + Expression.format(-c) : Expression.format(c)
    case .identity(let n): return "I" + Expression.subscriptDigits(n)
    case .commutation(let m, let n):
      return "K" + Expression.subscriptDigits(m) + "," + Expression.subscriptDigits(n)
    case .zeros(let m, let n): return "zeros(\(SizeSymbols.text(m)),\(SizeSymbols.text(n)))"
    case .ones(let m, let n): return Expression.onesText(m, n)
    // `(1ₙ)ᵀ`: the transpose of a column of ones, kept apart from the row `1ₙᵀ` (ones(1,n)).
    case .transpose(.ones(let m, 1)): return "(" + Expression.onesText(m, 1) + ")ᵀ"
    case .transpose(.inverse(let a)): return a.unicode(atLeast: .postfix) + "⁻ᵀ"
    case .transpose(let a): return a.unicode(atLeast: .postfix) + "ᵀ"
    case .inverse(let a): return a.unicode(atLeast: .postfix) + "⁻¹"
    case .negate(let a): return "−" + a.unicode(atLeast: .unary)
    case .add(let a, let b): return a.unicode(atLeast: .sum) + " + " + b.unicode(above: .sum)
    case .subtract(let a, let b): return a.unicode(atLeast: .sum) + " − " + b.unicode(above: .sum)
    case .divide(let a, let b): return a.unicode(atLeast: .division) + " / " + b.unicode(atLeast: .unary)
    case .hadamard(let a, let b): return a.unicode(atLeast: .hadamard) + " ⊙ " + b.unicode(above: .hadamard)
    case .hadamardQuotient(let a, let b):
      return a.unicode(atLeast: .hadamard) + " ⊘ " + b.unicode(atLeast: .unary)
    case .kronecker(let a, let b): return a.unicode(above: .product) + " ⊗ " + b.unicode(above: .product)
    case .product(let a, let b):
      let (l, r) = (a.unicode(atLeast: .product), b.unicode(above: .product))
      return l + Expression.juxtaposition(l, r) + r
    case .power(let a, let k):
      let base = a.unicode(atLeast: .postfix)
      if case .constant(let c) = k, c >= 0, let n = Int(exactly: c) {
        // `(A⁻¹)²`, not `A⁻¹²`, which reads as one exponent.
        let separated = base.last?.superscriptDigit != nil ? "(\(base))" : base
        return separated + Expression.superscriptDigits(n)
      }
      if case .negate(.constant(let c)) = k, c > 1, let n = Int(exactly: c) {
        return base + "⁻" + Expression.superscriptDigits(n)
      }
      return base + "^" + k.unicodeExponent(.power)
    case .elementwisePower(let a, let p):
      if case .elementwise(let f, let z) = a, case .constant(let c) = p, c >= 1, let n = Int(exactly: c) {
        return f.name + Expression.superscriptDigits(n) + "(\(z.unicodeText))"
      }
      return a.unicode(atLeast: .power) + ".^" + p.unicodeExponent(.elementwisePower)
    case .elementwise(let f, let a): return "\(f.name)(\(a.unicodeText))"
    case .determinant(let a): return "det(\(a.unicodeText))"
    case .logDeterminant(let a): return "logdet(\(a.unicodeText))"
    case .trace(let a): return "tr(\(a.unicodeText))"
    case .sum(let a): return "sum(\(a.unicodeText))"
    case .norm(let a): return "norm(\(a.unicodeText))"
    case .vec(let a): return "vec(\(a.unicodeText))"
    case .reshape(let a, let m, let n): return "reshape(\(a.unicodeText), \(SizeSymbols.text(m)), \(SizeSymbols.text(n)))"
    case .diag(let a): return "diag(\(a.unicodeText))"
    case .diagonal(let a): return "diagonal(\(a.unicodeText))"
    case .softmax(let a): return "softmax(\(a.unicodeText))"
    case .logSumExp(let a): return "logsumexp(\(a.unicodeText))"
    case .maximum(let a, let b): return "max(\(a.unicodeText), \(b.unicodeText))"
    case .minimum(let a, let b): return "min(\(a.unicodeText), \(b.unicodeText))"
    case .norm1(let a): return "norm1(\(a.unicodeText))"
    case .concatenation(let rows):
      return Expression.$insideBlockMatrix.withValue(true) {
        "[" + rows.map { $0.map(\.unicodeText).joined(separator: ", ") }.joined(separator: "; ") + "]"
      }
    }
  }

  /// The level of the outermost form as `unicodeText` and `latex` print it: the Kronecker
  /// product is infix `⊗` at the level of `*`, the inverse a postfix `⁻¹`.
  var displayPrecedence: Precedence {
    switch self {
    case .kronecker: return .product
    case .inverse: return .postfix
    default: return precedence
    }
  }

  /// Whether an operand must be parenthesized in the displayed forms: when its level is too
  /// loose, and always for a Kronecker product (`(A ⊗ B)C`, `(A ⊗ B) + C`).
  func needsDisplayParentheses(atLeast level: Precedence) -> Bool {
    if case .kronecker = self { return true }
    return displayPrecedence < level
  }

  private func unicode(atLeast level: Precedence) -> String {
    needsDisplayParentheses(atLeast: level) ? "(\(unicodeText))" : unicodeText
  }

  private func unicode(above level: Precedence) -> String {
    let successor = Precedence(rawValue: level.rawValue + 1) ?? .atom
    return unicode(atLeast: successor)
  }

  private func unicodeExponent(_ level: Precedence) -> String {
    if case .negate(let a) = self { return "−" + a.unicodeExponent(level) }
    if case .constant(let c) = self, c < 0 { return "−" + Expression.format(-c) }
    return unicode(atLeast: level)
  }

  /// What stands between two printed factors of a product so that it reads, and parses, as one:
  /// nothing after `)`, `ᵀ` or a superscript (`(A + B)C`, `XᵀX`); a space before a name
  /// (`W x`, `2 x`) and between a number and a parenthesis (`2 (xᵀA x)x`); `·` otherwise
  /// (`x·(a + b)` is not a call of x; `2·3`; `A·−B`).
  static func juxtaposition(_ left: String, _ right: String) -> String {
    guard let last = left.last, let first = right.first else { return "·" }
    let closesCleanly = last == ")" || last == "ᵀ" || last.superscriptDigit != nil
    if first == "(" && !closesCleanly && endsWithNumber(left) && !insideBlockMatrix { return " " }
    if first == "(" || first == "[" { return closesCleanly ? "" : "·" }
    // Inside a block matrix a space would separate blocks (`[W x]` is refused), so `W·x`.
    if first.isIdentifierHead { return closesCleanly ? "" : (insideBlockMatrix ? "·" : " ") }
    return "·"
  }

  /// Whether the text ends with a numeric literal (`2`, `−0.5`), not a name that ends in digits
  /// (`W2`, which `W2 (x)` would call).
  static func endsWithNumber(_ text: String) -> Bool {
    let number = text.reversed().prefix { $0.isASCIIDigit || $0 == "." }
    guard !number.isEmpty else { return false }
    let before = text.dropLast(number.count).last
    return before.map { !$0.isIdentifierHead && !$0.isASCIIDigit } ?? true
  }

  /// Whether the text being printed is a block of `[A, B; C, D]`.
  @TaskLocal static var insideBlockMatrix = false

  /// Ones as textbooks write them: `1ₙ` (n×1), `1ₙᵀ` (1×n), `1ₘₓₙ` (m×n); `1_{q×n}` where a
  /// symbol has no subscript letter. With numbers they parse back (`1₃`, `1₃ᵀ`, `1₃ₓ₂`).
  static func onesText(_ m: Int, _ n: Int) -> String {
    if n == 1 { return "1" + subscriptDigits(m) }
    if m == 1 { return "1" + subscriptDigits(n) + "ᵀ" }
    let (r, c) = (subscriptDigits(m), subscriptDigits(n))
    if r.hasPrefix("_{") || c.hasPrefix("_{") { return "1_{\(SizeSymbols.text(m))×\(SizeSymbols.text(n))}" }
    return "1" + r + "ₓ" + c
  }

  static func superscriptDigits(_ n: Int) -> String {
    let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
    return (n < 0 ? "⁻" : "")
      + String(String(n.magnitude).compactMap { $0.wholeNumberValue.map { digits[$0] } })
  }

  static func subscriptDigits(_ n: Int) -> String {
    let digits: [Character] = ["₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"]
    let text = SizeSymbols.text(n)
    if text.allSatisfy(\.isASCIIDigit) {
      return String(text.compactMap { $0.wholeNumberValue.map { digits[$0] } })
    }
    // A size symbol (docs/language.md): Unicode subscript letters where they exist (`Iₙ`, `Kₘ,ₙ`),
    // else `_{…}`; never `ₓ`, which separates the sizes of `1ₘₓₙ`. Both forms parse back.
    let letters: [Character: Character] = [
      "a": "ₐ", "e": "ₑ", "h": "ₕ", "i": "ᵢ", "j": "ⱼ", "k": "ₖ", "l": "ₗ", "m": "ₘ", "n": "ₙ", "o": "ₒ", "p": "ₚ",
      "r": "ᵣ", "s": "ₛ", "t": "ₜ", "u": "ᵤ", "v": "ᵥ", "+": "₊", "−": "₋",
      "0": "₀", "1": "₁", "2": "₂", "3": "₃", "4": "₄", "5": "₅", "6": "₆", "7": "₇", "8": "₈", "9": "₉",
    ]
    let mapped = text.compactMap { letters[$0] }
    return mapped.count == text.count ? String(mapped) : "_{\(text)}"
  }
}
