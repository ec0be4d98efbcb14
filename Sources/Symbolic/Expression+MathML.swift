import MatrixCore

extension Expression {
  /// The expression as presentation MathML (the content of a `<math>` element, one `<mrow>`),
  /// with the parentheses of `latex` and `unicodeText`; browsers render it natively.
  ///
  /// ```swift
  /// try Expression("kron(I(2),X')*K(3,2)").mathML
  /// // <mrow><mrow><mo>(</mo><mrow><msub><mi>I</mi><mn>2</mn></msub><mo>⊗</mo>
  /// //   <msup><mi>X</mi><mo>⊤</mo></msup></mrow><mo>)</mo></mrow><mo>&#x2062;</mo>
  /// //   <msub><mi>K</mi><mrow><mn>3</mn><mo>,</mo><mn>2</mn></mrow></msub></mrow>   (one line)
  /// ```
  ///
  /// `A'` is `A` with the superscript `⊤`, `A.*B` is `A ⊙ B`, `A./B` is `A ⊘ B`, `A.^p` is `A`
  /// with the superscript `∘p`, `A/s` is an `<mfrac>`, `ones(m,n)` is a bold `1` with the
  /// subscript `m×n`, `norm(A)` is `‖A‖` with the subscript `F`, products are juxtaposed with an
  /// invisible times (U+2062), and function calls use the function application (U+2061).
  /// Every name and number is escaped for XML.
  public var mathML: String { MathML.row(mathMLBody) }

  /// A complete `<math>` element in the MathML namespace: `display="block"` or `"inline"`.
  public func mathMLElement(display: Bool = true) -> String {
    MathML.math(mathML, display: display)
  }

  /// The children of the outer `<mrow>` of `mathML`.
  var mathMLBody: String {
    switch self {
    case .variable(let name): return MathML.name(name)
    case .constant(let c): return c < 0 ? MathML.op("−") + MathML.number(-c) : MathML.number(c)
    case .identity(let n): return "<msub><mi>I</mi>\(MathML.int(n))</msub>"
    case .commutation(let m, let n):
      return "<msub><mi>K</mi><mrow>\(MathML.int(m))\(MathML.op(","))\(MathML.int(n))</mrow></msub>"
    case .zeros(let m, let n): return MathML.boldDigit("0", m, n)
    // A bold 1 with the subscript n for a column, and the superscript ⊤ for a row.
    case .ones(let m, 1): return "<msub><mn mathvariant=\"bold\">1</mn>\(MathML.int(m))</msub>"
    case .ones(1, let n): return "<msubsup><mn mathvariant=\"bold\">1</mn>\(MathML.int(n))\(MathML.op("⊤"))</msubsup>"
    case .ones(let m, let n): return MathML.boldDigit("1", m, n)
    case .transpose(let a): return "<msup>\(a.mathMLBase())\(MathML.op("⊤"))</msup>"
    case .inverse(let a): return "<msup>\(a.mathMLBase())<mrow>\(MathML.op("−"))<mn>1</mn></mrow></msup>"
    case .power(let a, let k): return "<msup>\(a.mathMLBase())\(k.mathML)</msup>"
    case .elementwisePower(let a, let p):
      return "<msup>\(a.mathMLBase())<mrow>\(MathML.op("∘"))\(p.mathMLBody)</mrow></msup>"
    case .negate(let a): return MathML.op("−") + a.mathML(atLeast: .unary)
    case .add(let a, let b): return a.mathML(atLeast: .sum) + MathML.op("+") + b.mathML(above: .sum)
    case .subtract(let a, let b): return a.mathML(atLeast: .sum) + MathML.op("−") + b.mathML(above: .sum)
    case .divide(let a, let b): return "<mfrac>\(a.mathML)\(b.mathML)</mfrac>"
    case .hadamard(let a, let b):
      return a.mathML(atLeast: .hadamard) + MathML.op("⊙") + b.mathML(above: .hadamard)
    case .hadamardQuotient(let a, let b):
      return a.mathML(atLeast: .hadamard) + MathML.op("⊘") + b.mathML(above: .hadamard)
    case .kronecker(let a, let b):
      return a.mathML(above: .product) + MathML.op("⊗") + b.mathML(above: .product)
    case .product(let a, let b):
      // An explicit dot where juxtaposition would read as one number or a subtraction (`x·2`, `A·−B`).
      let dot = b.mathMLStartsWithNumberOrSign
      return a.mathML(atLeast: .product) + MathML.op(dot ? "⋅" : "\u{2062}") + b.mathML(above: .product)
    case .elementwise(let f, let a):
      switch f {
      case .sqrt: return "<msqrt>\(a.mathMLBody)</msqrt>"
      case .abs: return MathML.fenced(a.mathMLBody, open: "|", close: "|")
      case .sigmoid: return MathML.call("<mi>σ</mi>", a)
      default: return MathML.call(MathML.functionName(f.name), a)
      }
    case .determinant(let a): return MathML.call(MathML.functionName("det"), a)
    case .logDeterminant(let a):
      let det = MathML.call(MathML.functionName("det"), a)
      return MathML.functionName("log") + MathML.op("\u{2061}") + MathML.fenced(det, open: "|", close: "|")
    case .trace(let a): return MathML.call(MathML.functionName("tr"), a)
    case .sum(let a): return MathML.call(MathML.functionName("sum"), a)
    case .norm(let a): return "<msub>\(MathML.fenced(a.mathMLBody, open: "‖", close: "‖"))<mi>F</mi></msub>"
    case .vec(let a): return MathML.call(MathML.functionName("vec"), a)
    case .reshape(let a, let m, let n):
      let arguments = a.mathMLBody + MathML.op(",") + MathML.int(m) + MathML.op(",") + MathML.int(n)
      return MathML.functionName("reshape") + MathML.op("\u{2061}") + MathML.fenced(arguments, open: "(", close: ")")
    case .diag(let a): return MathML.call(MathML.functionName("diag"), a)
    case .diagonal(let a): return MathML.call(MathML.functionName("diagonal"), a)
    case .softmax(let a): return MathML.call(MathML.functionName("softmax"), a)
    case .logSumExp(let a): return MathML.call(MathML.functionName("logsumexp"), a)
    case .maximum(let a, let b), .minimum(let a, let b):
      let name: String = { if case .maximum = self { return "max" } else { return "min" } }()
      return MathML.functionName(name) + MathML.op("\u{2061}")
        + MathML.fenced(a.mathMLBody + MathML.op(",") + b.mathMLBody, open: "(", close: ")")
    case .norm1(let a): return "<msub>\(MathML.fenced(a.mathMLBody, open: "‖", close: "‖"))<mn>1</mn></msub>"
    case .concatenation(let rows):
      let table = rows.map { row in "<mtr>" + row.map { "<mtd>\($0.mathML)</mtd>" }.joined() + "</mtr>" }.joined()
      return "<mrow>\(MathML.op("["))<mtable>\(table)</mtable>\(MathML.op("]"))</mrow>"
    }
  }

  /// Whether the printed form begins with a number or a sign, so that juxtaposition after
  /// another factor would misread.
  private var mathMLStartsWithNumberOrSign: Bool {
    switch self {
    case .constant, .negate: return true
    case .transpose(let a), .power(let a, _), .elementwisePower(let a, _), .inverse(let a):
      return !a.mathMLBaseIsFenced && a.mathMLStartsWithNumberOrSign
    default: return false
    }
  }

  /// MathML's own precedence, as LaTeX's: a fraction is a single box, so it binds like a product.
  private var mathMLPrecedence: Precedence {
    if case .divide = self { return .product }
    return displayPrecedence
  }

  private func mathML(atLeast level: Precedence) -> String {
    let parenthesize: Bool
    if case .kronecker = self { parenthesize = true } else { parenthesize = mathMLPrecedence < level }
    return parenthesize ? MathML.fenced(mathMLBody, open: "(", close: ")") : mathML
  }

  private func mathML(above level: Precedence) -> String {
    mathML(atLeast: Precedence(rawValue: level.rawValue + 1) ?? .atom)
  }

  /// Whether `mathMLBase()` wraps the expression in parentheses.
  private var mathMLBaseIsFenced: Bool {
    switch self {
    case .transpose, .inverse, .power, .elementwisePower, .logDeterminant, .divide: return true
    case .constant(let c): return c < 0
    default: return mathMLPrecedence < .postfix
    }
  }

  /// The base of a superscript: parenthesized below postfix level and when it carries a
  /// superscript itself (`(Xᵀ)⁻¹`, which reads as the inverse of the transpose, not a double
  /// exponent), or is a fraction or `log|det|`.
  private func mathMLBase() -> String {
    mathMLBaseIsFenced ? MathML.fenced(mathMLBody, open: "(", close: ")") : mathML
  }
}

/// Helpers that write MathML elements with their content escaped.
public enum MathML {
  /// The MathML namespace.
  public static let namespace = "http://www.w3.org/1998/Math/MathML"

  /// A `<math>` element around presentation content.
  public static func math(_ content: String, display: Bool = true) -> String {
    "<math xmlns=\"\(namespace)\" display=\"\(display ? "block" : "inline")\">\(content)</math>"
  }

  /// Text with `&`, `<`, `>`, `"` and `'` escaped.
  public static func escape(_ text: String) -> String {
    var out = ""
    for c in text {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      default: out.append(c)
      }
    }
    return out
  }

  /// An operator, `<mo>+</mo>`.
  public static func op(_ text: String) -> String { "<mo>\(escape(text))</mo>" }

  /// Text as `<mtext>`.
  public static func text(_ text: String) -> String { "<mtext>\(escape(text))</mtext>" }

  /// A size: `<mn>3</mn>`, or under size symbols (`SizeSymbols`) the symbols it stands for:
  /// `<mi>n</mi>`, `2m` as `<mn>2</mn><mi>m</mi>`, `n+1` as `<mi>n</mi><mo>+</mo><mn>1</mn>`.
  static func int(_ n: Int) -> String {
    let text = SizeSymbols.text(n)
    if Int(text) != nil { return "<mn>\(text)</mn>" }
    // A product of symbols (a numeric coefficient first), possibly ± a small constant.
    var body = ""
    var term = ""
    func flush() {
      guard !term.isEmpty else { return }
      let digits = term.prefix { $0.isNumber }
      if !digits.isEmpty { body += "<mn>\(digits)</mn>" }
      let rest = term.dropFirst(digits.count)
      if !rest.isEmpty { body += "<mi>\(escape(String(rest)))</mi>" }
      term = ""
    }
    for c in text {
      if c == "+" || c == "−" {
        flush()
        body += op(String(c))
      } else {
        term.append(c)
      }
    }
    flush()
    return "<mrow>\(body)</mrow>"
  }

  /// `2` → `<mn>2</mn>`, `2.5e+20` → 2.5 × 10²⁰.
  static func number(_ value: Double) -> String {
    let text = Expression.format(value)
    guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return "<mn>\(escape(text))</mn>" }
    let mantissa = String(text[..<e])
    var exponent = String(text[text.index(after: e)...])
    if exponent.hasPrefix("+") { exponent.removeFirst() }
    if let n = Int(exponent) { exponent = String(n) }
    let exponentML = exponent.hasPrefix("-")
      ? "<mrow>\(op("−"))<mn>\(escape(String(exponent.dropFirst())))</mn></mrow>" : "<mn>\(escape(exponent))</mn>"
    let power = "<msup><mn>10</mn>\(exponentML)</msup>"
    return mantissa == "1" ? power : "<mn>\(escape(mantissa))</mn>\(op("×"))\(power)"
  }

  static let greekLetters: [String: String] = [
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ", "eta": "η",
    "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π",
    "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ",
    "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
  ]

  /// A variable name, split as `latexName` splits it: `x1` → x with subscript 1, `W_out` → W with
  /// subscript out, `alpha` → α, `loss` → an upright multi-letter `<mi>`.
  public static func name(_ name: String) -> String {
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
      if !text.isEmpty, text.allSatisfy(\.isASCIIDigit) { return "<mn>\(text)</mn>" }
      return "<mi>\(escape(greekLetters[text] ?? text))</mi>"
    }
    return subscriptText.isEmpty ? word(base) : "<msub>\(word(base))\(word(subscriptText))</msub>"
  }

  /// Content as one element: itself when it is one element already, else inside `<mrow>`.
  public static func row(_ content: String) -> String {
    var depth = 0
    var topLevel = 0
    var index = content.startIndex
    while let open = content[index...].firstIndex(of: "<") {
      let next = content.index(after: open)
      let close = content[next...].firstIndex(of: ">") ?? content.endIndex
      let selfClosing = close > next && content[content.index(before: close)] == "/"
      if next < content.endIndex, content[next] == "/" {
        depth -= 1
      } else {
        if depth == 0 { topLevel += 1 }
        if !selfClosing { depth += 1 }
      }
      index = close < content.endIndex ? content.index(after: close) : content.endIndex
    }
    return topLevel == 1 && content.hasPrefix("<") && content.hasSuffix(">") ? content : "<mrow>\(content)</mrow>"
  }

  /// A function name, upright.
  public static func functionName(_ name: String) -> String { "<mi mathvariant=\"normal\">\(escape(name))</mi>" }

  /// `f(a)` with the function application operator between.
  static func call(_ function: String, _ argument: Expression) -> String {
    function + op("\u{2061}") + fenced(argument.mathMLBody, open: "(", close: ")")
  }

  /// Content between two stretchy delimiters, as one `<mrow>`.
  public static func fenced(_ content: String, open: String, close: String) -> String {
    "<mrow>\(op(open))\(row(content))\(op(close))</mrow>"
  }

  /// A bold `0` or `1` with the subscript `m×n`.
  static func boldDigit(_ digit: String, _ m: Int, _ n: Int) -> String {
    "<msub><mn mathvariant=\"bold\">\(digit)</mn><mrow>\(int(m))\(op("×"))\(int(n))</mrow></msub>"
  }
}
