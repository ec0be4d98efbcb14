import MatrixCore

extension Expression {
  /// The expression as LaTeX math (without `$`), with the parentheses of `unicodeText`:
  ///
  /// ```swift
  /// try Expression("kron(I(2),X')+kron(X',I(2))*K(3,2)").latex
  /// // "(I_{2} \otimes X^{\top}) + (X^{\top} \otimes I_{2}) K_{3,2}"
  /// try Expression("logdet(A)+tr(inv(A)*B)").latex
  /// // "\log\lvert\det(A)\rvert + \operatorname{tr}(A^{-1} B)"
  /// ```
  ///
  /// `A.*B` is `A \odot B`, `A./B` is `A \oslash B`, `A.^p` is `A^{\circ p}`, `A/s` is
  /// `\frac{A}{s}`, `ones(m,n)` is `\mathbf{1}_{m \times n}`, `norm(A)` is `\lVert A \rVert_{F}`.
  public var latex: String {
    switch self {
    case .variable(let name): return Expression.latexName(name)
    case .constant(let c): return c < 0 ? "-" + Expression.latexNumber(-c) : Expression.latexNumber(c)
    case .identity(let n): return "I_{\(SizeSymbols.latexText(n))}"
    case .commutation(let m, let n): return "K_{\(SizeSymbols.latexText(m)),\(SizeSymbols.latexText(n))}"
    case .zeros(let m, let n): return "\\mathbf{0}_{\(SizeSymbols.latexText(m)) \\times \(SizeSymbols.latexText(n))}"
    // `\mathbf{1}_{n}` for a column and `\mathbf{1}_{n}^{\top}` for a row, as textbooks write them.
    case .ones(let m, 1): return "\\mathbf{1}_{\(SizeSymbols.latexText(m))}"
    case .ones(1, let n): return "\\mathbf{1}_{\(SizeSymbols.latexText(n))}^{\\top}"
    case .ones(let m, let n): return "\\mathbf{1}_{\(SizeSymbols.latexText(m)) \\times \(SizeSymbols.latexText(n))}"
    case .transpose(.inverse(let a)): return a.latexBase() + "^{-\\top}"
    case .transpose(let a): return a.latexBase() + "^{\\top}"
    case .inverse(let a): return a.latexBase() + "^{-1}"
    case .power(let a, let k): return a.latexBase() + "^{\(k.latex)}"
    case .elementwisePower(let a, let p): return a.latexBase() + "^{\\circ \(p.latex)}"
    case .negate(let a): return "-" + a.latex(atLeast: .unary)
    case .add(let a, let b): return a.latex(atLeast: .sum) + " + " + b.latex(above: .sum)
    case .subtract(let a, let b): return a.latex(atLeast: .sum) + " - " + b.latex(above: .sum)
    case .divide(let a, let b): return "\\frac{\(a.latex)}{\(b.latex)}"
    case .hadamard(let a, let b): return a.latex(atLeast: .hadamard) + " \\odot " + b.latex(above: .hadamard)
    case .hadamardQuotient(let a, let b):
      return a.latex(atLeast: .hadamard) + " \\oslash " + b.latex(above: .hadamard)
    case .kronecker(let a, let b): return a.latex(above: .product) + " \\otimes " + b.latex(above: .product)
    case .product(let a, let b):
      let (l, r) = (a.latex(atLeast: .product), b.latex(above: .product))
      let digitOrSign = r.first.map { $0.isASCIIDigit || $0 == "-" } ?? false
      return l + (digitOrSign ? " \\cdot " : " ") + r
    case .elementwise(let f, let a):
      switch f {
      case .sqrt: return "\\sqrt{\(a.latex)}"
      case .abs: return "\\lvert \(a.latex) \\rvert"
      case .sigmoid: return "\\sigma(\(a.latex))"
      case .relu, .softplus, .heaviside: return "\\operatorname{\(f.name)}(\(a.latex))"
      case .sign: return "\\operatorname{sign}(\(a.latex))"
      case .exp, .log, .sin, .cos, .tanh, .tan, .arcsin, .arccos, .arctan: return "\\\(f.name)(\(a.latex))"
      }
    case .determinant(let a): return "\\det(\(a.latex))"
    case .logDeterminant(let a): return "\\log\\lvert\\det(\(a.latex))\\rvert"
    case .trace(let a): return "\\operatorname{tr}(\(a.latex))"
    case .sum(let a): return "\\operatorname{sum}(\(a.latex))"
    case .norm(let a): return "\\lVert \(a.latex) \\rVert_{F}"
    case .vec(let a): return "\\operatorname{vec}(\(a.latex))"
    case .reshape(let a, let m, let n): return "\\operatorname{reshape}(\(a.latex), \(SizeSymbols.latexText(m)), \(SizeSymbols.latexText(n)))"
    case .diag(let a): return "\\operatorname{diag}(\(a.latex))"
    case .diagonal(let a): return "\\operatorname{diagonal}(\(a.latex))"
    case .softmax(let a): return "\\operatorname{softmax}(\(a.latex))"
    case .logSumExp(let a): return "\\operatorname{logsumexp}(\(a.latex))"
    case .maximum(let a, let b): return "\\max(\(a.latex), \(b.latex))"
    case .minimum(let a, let b): return "\\min(\(a.latex), \(b.latex))"
    case .norm1(let a): return "\\lVert \(a.latex) \\rVert_{1}"
    case .concatenation(let rows):
      return "\\begin{bmatrix} " + rows.map { $0.map(\.latex).joined(separator: " & ") }.joined(separator: " \\\\ ")
        + " \\end{bmatrix}"
    }
  }

  /// LaTeX's own precedence: a fraction is a single box, so it binds like a product.
  private var latexPrecedence: Precedence {
    if case .divide = self { return .product }
    return displayPrecedence
  }

  private func latex(atLeast level: Precedence) -> String {
    let parenthesize: Bool
    if case .kronecker = self { parenthesize = true } else { parenthesize = latexPrecedence < level }
    return parenthesize ? "(\(latex))" : latex
  }

  private func latex(above level: Precedence) -> String {
    latex(atLeast: Precedence(rawValue: level.rawValue + 1) ?? .atom)
  }

  /// The base of a superscript: parenthesized below postfix level, braced when it carries a
  /// superscript itself (`{X^{\top}}^{-1}`, since `X^{\top}^{-1}` is a LaTeX error), and
  /// parenthesized when it ends in a delimiter that would seem to carry the exponent
  /// (`(\log\lvert\det(A)\rvert)^{2}`).
  private func latexBase() -> String {
    switch self {
    case .transpose, .inverse: return "{\(latex)}"
    case .logDeterminant: return "(\(latex))"
    case .divide: return "\\left(\(latex)\\right)"
    default: return latex(atLeast: .postfix)
    }
  }

  private static let greekLetters: Set<String> = [
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda",
    "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega",
    "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
  ]

  /// `X` → `X`, `x1` → `x_{1}`, `W_out` → `W_{\mathrm{out}}`, `alpha` → `\alpha`,
  /// `theta2` → `\theta_{2}`, `loss` → `\mathrm{loss}`.
  static func latexName(_ name: String) -> String {
    var base = name
    var subscriptText = ""
    if let underscore = name.firstIndex(of: "_"), underscore != name.startIndex {
      base = String(name[..<underscore])
      subscriptText = String(name[name.index(after: underscore)...])
    } else if let firstDigit = name.firstIndex(where: \.isASCIIDigit), firstDigit != name.startIndex,
      name[firstDigit...].allSatisfy(\.isASCIIDigit)
    {
      base = String(name[..<firstDigit])
      subscriptText = String(name[firstDigit...])
    }
    func word(_ text: String) -> String {
      if text.count == 1 || text.allSatisfy(\.isASCIIDigit) { return text }
      if greekLetters.contains(text) { return "\\" + text }
      return "\\mathrm{\(text.replacingAll("_", with: "\\_"))}"
    }
    let head = word(base)
    return subscriptText.isEmpty ? head : "\(head)_{\(word(subscriptText))}"
  }

  /// `2` → `2`, `0.5` → `0.5`, `1e-05` → `10^{-5}`, `2.5e+20` → `2.5 \times 10^{20}`.
  static func latexNumber(_ value: Double) -> String {
    let text = format(value)
    guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return text }
    let mantissa = String(text[..<e])
    var exponent = String(text[text.index(after: e)...])
    if exponent.hasPrefix("+") { exponent.removeFirst() }
    if let n = Int(exponent) { exponent = String(n) }
    return mantissa == "1" ? "10^{\(exponent)}" : "\(mantissa) \\times 10^{\(exponent)}"
  }
}

extension String {
  fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
    var result = ""
    for c in self { if c == target { result += replacement } else { result.append(c) } }
    return result
  }
}
