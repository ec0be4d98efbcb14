import MatrixCore

extension Expression {
  /// Parses an expression of the language (`shared/spec/expression-language.md`).
  ///
  /// ```swift
  /// try Expression("X'*X")        // .product(.transpose(X), X)
  /// try Expression("-x^2")        // .negate(.power(x, 2))
  /// try Expression("(Xᵀ ⊗ I₂)K₃,₂") // .product(.kronecker(X', I(2)), K(3,2))
  /// try Expression("X'*A)")       // throws "unexpected ')' at position 5: it closes no '('"
  /// ```
  ///
  /// Besides the ASCII language, the Unicode forms printed by `unicodeText` parse (see `Lexer`),
  /// and an operand that follows another with no operator between them is a product (at the
  /// precedence of `*`): `2x`, `(A+B)C`, `XᵀX`, `W x`. A name followed by `(` is always a call,
  /// so `W(x)` is an unknown function, not `W*(x)`.
  /// `A ⊗ B` is `kron(A,B)` at the precedence of `*`, left-associative.
  ///
  /// - Throws: `ParseError` with the offset of the culprit.
  public init(_ source: String) throws(ParseError) {
    var parser = try Parser(source)
    self = try parser.parseComplete()
  }

  /// Parses an expression; the same as `Expression(source)`.
  public static func parse(_ source: String) throws(ParseError) -> Expression {
    try Expression(source)
  }
}

/// Recursive descent over the precedence levels of `Precedence`, loosest first.
struct Parser {
  /// The deepest nesting of parentheses, calls, signs and exponents that is accepted
  /// (`Expression.maximumNesting`).
  static let maximumNesting = Expression.maximumNesting
  /// The deepest expression tree that is accepted (`Expression.maximumDepth`).
  static let maximumTreeDepth = Expression.maximumDepth

  private let source: String
  private let characters: [Character]
  private let tokens: [Token]
  private var position = 0
  private var nesting = 0
  /// Whether the innermost bracket or parenthesis being read is a `[ ]` (no implicit products).
  private var insideBrackets = false
  /// Whether the innermost bracket being read is the `‖ ‖` of a norm: then a `‖` after an
  /// operand closes it; elsewhere it starts an implicit product (`lambda‖x‖²`).
  private var insideNorm = false
  /// The chains of operands joined by `*`, `⊗`, implicit products, `.*`, `./` and `/` (one per
  /// level of `parseDivision`), in the order they end, for `ReadingNote`.
  private(set) var chains: [OperatorChain] = []
  private var openChains: [OperatorChain] = []
  /// The operator before the next factor that `parseProduct` reads, set by the levels above it.
  private var pendingOperator: OperatorChain.Operator?

  init(_ source: String) throws(ParseError) {
    self.source = source
    self.characters = Array(source)
    self.tokens = try Lexer.tokenize(source)
  }

  // MARK: Token access

  private var current: Token { tokens[position] }
  private var previous: Token? { position > 0 ? tokens[position - 1] : nil }
  private func peek(_ ahead: Int) -> Token { tokens[min(position + ahead, tokens.count - 1)] }

  private mutating func advance() -> Token {
    let token = tokens[position]
    if position < tokens.count - 1 { position += 1 }
    return token
  }

  private func error(_ message: String, _ hint: String = "", at offset: Int) -> ParseError {
    ParseError(message: message, hint: hint, offset: offset, source: source)
  }

  private func unexpected(_ token: Token, _ hint: String) -> ParseError {
    if case .end = token.kind { return error("unexpected end of input", hint, at: token.offset) }
    let quoted = token.text == "'" ? "\"'\"" : "'\(token.text)'"
    return error("unexpected \(quoted)", hint, at: token.offset)
  }

  /// Guards recursion; balanced by `leave()`.
  private mutating func enter(_ token: Token) throws(ParseError) {
    nesting += 1
    if nesting > Parser.maximumNesting {
      throw error(
        "the expression is nested too deeply", "at most \(Parser.maximumNesting) levels are accepted",
        at: token.offset)
    }
  }

  private mutating func leave() { nesting -= 1 }

  // MARK: Levels

  mutating func parseComplete() throws(ParseError) -> Expression {
    if case .end = current.kind {
      throw error("the expression is empty", "write a matrix expression such as X'*X", at: 0)
    }
    let expression = try parseSum()
    if expression.exceedsDepth(Parser.maximumTreeDepth) {
      Expression.dismantle(consume expression)
      throw error(
        "the expression is nested too deeply",
        "its tree is more than \(Parser.maximumTreeDepth) levels deep; split it into parts", at: 0)
    }
    switch current.kind {
    case .end:
      break
    case .rightParen:
      throw unexpected(current, "it closes no '('")
    case .comma:
      throw unexpected(current, "commas only separate the arguments of a function and the blocks of [A, B]")
    case .rightBracket:
      throw unexpected(current, "it closes no '['")
    case .semicolon:
      throw unexpected(current, "semicolons only separate the rows of a block matrix [A, B; C, D]")
    default:
      throw unexpected(current, "an operator is missing before it")
    }
    return expression
  }

  /// `A+B`, `A-B`.
  private mutating func parseSum() throws(ParseError) -> Expression {
    try enter(current)
    defer { leave() }
    var lhs = try parseDivision()
    while true {
      switch current.kind {
      case .plus:
        _ = advance()
        lhs = .add(lhs, try parseDivision())
      case .minus:
        _ = advance()
        lhs = .subtract(lhs, try parseDivision())
      default:
        return lhs
      }
    }
  }

  /// `A/s`.
  private mutating func parseDivision() throws(ParseError) -> Expression {
    openChains.append(OperatorChain())
    pendingOperator = nil
    var lhs = try parseHadamard()
    while current.kind == .slash {
      _ = advance()
      pendingOperator = .divide
      lhs = .divide(lhs, try parseHadamard())
    }
    chains.append(openChains.removeLast())
    return lhs
  }

  /// `A.*B`, `A./B`.
  private mutating func parseHadamard() throws(ParseError) -> Expression {
    var lhs = try parseProduct()
    while true {
      switch current.kind {
      case .dotStar:
        _ = advance()
        pendingOperator = .hadamard
        lhs = .hadamard(lhs, try parseProduct())
      case .dotSlash:
        _ = advance()
        pendingOperator = .hadamardQuotient
        lhs = .hadamardQuotient(lhs, try parseProduct())
      default:
        return lhs
      }
    }
  }

  /// `A*B`, `A ⊗ B`, and the implicit product `AB`.
  private mutating func parseProduct() throws(ParseError) -> Expression {
    let first = pendingOperator
    pendingOperator = nil
    var lhs = try parseFactor(after: first)
    while true {
      switch current.kind {
      case .star:
        _ = advance()
        lhs = .product(lhs, try parseFactor(after: .product))
      case .kron:
        _ = advance()
        lhs = .kronecker(lhs, try parseFactor(after: .kronecker))
      case .normBar where !insideNorm:
        lhs = .product(lhs, try parseFactor(after: .implicitProduct))
      default:
        guard current.beginsImplicitFactor else { return lhs }
        if insideBrackets, let before = previous, before.offset + before.text.count < current.offset {
          // `[x y]` means two blocks in MATLAB: a space between operands inside [ ] is refused
          // rather than read as a product (`[2x; 1]` and `[(A+B)C, D]` are products).
          throw unexpected(current, "separate the blocks of [ ] with ',' (or write * for a product)")
        }
        lhs = .product(lhs, try parseFactor(after: .implicitProduct))
      }
    }
  }

  /// A factor of `parseProduct`, recorded in the innermost open chain with the operator before
  /// it (nil for the chain's first operand) and where it stands in the source.
  private mutating func parseFactor(after op: OperatorChain.Operator?) throws(ParseError) -> Expression {
    let start = current.offset
    let factor = try parseUnary()
    let end = previous.map { $0.offset + $0.text.count } ?? start
    if !openChains.isEmpty {
      if let op { openChains[openChains.count - 1].operators.append(op) }
      openChains[openChains.count - 1].operands.append(start..<max(start, end))
    }
    return factor
  }

  /// `-A`.
  private mutating func parseUnary() throws(ParseError) -> Expression {
    guard current.kind == .minus else { return try parseElementwisePower() }
    let sign = advance()
    try enter(sign)
    defer { leave() }
    return .negate(try parseUnary())
  }

  /// `A.^p`, right-associative: `a.^b.^c` is `a.^(b.^c)`.
  private mutating func parseElementwisePower() throws(ParseError) -> Expression {
    let base = try parsePower()
    guard current.kind == .dotCaret else { return base }
    _ = advance()
    return .elementwisePower(base, try parseExponent(of: .elementwisePower))
  }

  /// `A^k`, right-associative: `a^b^c` is `a^(b^c)`.
  private mutating func parsePower() throws(ParseError) -> Expression {
    let base = try parsePostfix()
    guard current.kind == .caret else { return base }
    _ = advance()
    return .power(base, try parseExponent(of: .power))
  }

  /// The exponent after `^` or `.^`: signs, then an operand of that power's level, so that
  /// `A^-1` and `x.^-2` need no parentheses.
  private mutating func parseExponent(of level: Precedence) throws(ParseError) -> Expression {
    try enter(current)
    defer { leave() }
    if current.kind == .minus {
      _ = advance()
      return .negate(try parseExponent(of: level))
    }
    return level == .power ? try parsePower() : try parseElementwisePower()
  }

  /// An atom followed by `'`, `ᵀ` or superscript exponents (`X⁻¹` is `inv(X)`).
  private mutating func parsePostfix() throws(ParseError) -> Expression {
    var operand = try parseAtom()
    var applied = 0
    while true {
      if case .transpose = current.kind { applied += 1 } else if case .superscript = current.kind { applied += 1 }
      if applied > Parser.maximumTreeDepth {  // stop before the chain of postfix operators gets deeper
        throw error(
          "the expression is nested too deeply",
          "more than \(Parser.maximumTreeDepth) postfix operators in a row", at: current.offset)
      }
      switch current.kind {
      case .transpose:
        _ = advance()
        operand = .transpose(operand)
      case .superscript(let k):
        _ = advance()
        operand = Parser.superscriptPower(operand, k)
      default:
        return operand
      }
    }
  }

  /// `X⁻¹` is `inv(X)`, `X²` is `X^2`, `X⁻²` is `X^-2`.
  private static func superscriptPower(_ base: Expression, _ k: Int) -> Expression {
    if k == -1 { return .inverse(base) }
    if k < 0 { return .power(base, .negate(.constant(-Double(k)))) }
    return .power(base, .constant(Double(k)))
  }

  // MARK: Atoms

  private mutating func parseAtom() throws(ParseError) -> Expression {
    let token = current
    switch token.kind {
    case .number(let lexeme, let value):
      _ = advance()
      guard case .subscripts(let sizes) = current.kind else { return .constant(value) }
      // Ones as printed (docs/language.md): `1₃` is ones(3,1), `1₃ᵀ` ones(1,3), `1₃ₓ₂` ones(3,2).
      let subscripts = advance()
      guard lexeme == "1", sizes.count <= 2 else {
        throw error(
          "unexpected subscript after '\(lexeme)'", "write 1₃ for ones(3,1), 1₃ᵀ for ones(1,3) and 1₃ₓ₂ for ones(3,2)",
          at: subscripts.offset)
      }
      let m = try checkedSize(sizes[0], of: "ones", at: subscripts)
      if sizes.count == 2 { return .ones(m, try checkedSize(sizes[1], of: "ones", at: subscripts)) }
      if case .transpose = current.kind {
        _ = advance()
        return .ones(1, m)
      }
      return .ones(m, 1)
    case .identifier(let name):
      return try parseIdentifier(name)
    case .leftParen:
      let open = advance()
      let (saved, savedNorm) = (insideBrackets, insideNorm)
      (insideBrackets, insideNorm) = (false, false)
      let inner = try parseSum()
      (insideBrackets, insideNorm) = (saved, savedNorm)
      try expectClosing(open, of: nil)
      return inner
    case .leftBracket:
      return try parseBlockMatrix()
    case .quoted(let text):
      throw error("unexpected quoted text \(token.text)", "quotes only stand in norm(X,'fro')" + (text.isEmpty ? "" : ", not around '\(text)'"), at: token.offset)
    case .normBar:
      // ‖A‖ is norm(A): the bars open and close like parentheses (they do not nest).
      let open = advance()
      try enter(open)
      defer { leave() }
      let (saved, savedNorm) = (insideBrackets, insideNorm)
      (insideBrackets, insideNorm) = (false, true)
      let inner = try parseSum()
      (insideBrackets, insideNorm) = (saved, savedNorm)
      guard case .normBar = current.kind else {
        if case .end = current.kind {
          throw error("missing '‖'", "the '‖' at position \(open.offset + 1) is never closed", at: current.offset)
        }
        throw unexpected(current, "expected '‖' to close the norm opened at position \(open.offset + 1)")
      }
      _ = advance()
      return .norm(inner)
    default:
      throw unexpected(token, missingOperandHint())
    }
  }

  /// `[A, B; C, D]`: rows of blocks separated by `;`, blocks by `,` (docs/language.md).
  private mutating func parseBlockMatrix() throws(ParseError) -> Expression {
    let open = advance()
    try enter(open)
    defer { leave() }
    let (saved, savedNorm) = (insideBrackets, insideNorm)
    (insideBrackets, insideNorm) = (true, false)
    defer { (insideBrackets, insideNorm) = (saved, savedNorm) }
    if current.kind == .rightBracket {
      throw error("the block matrix is empty", "write blocks such as [x; 1] or [A, B]", at: open.offset)
    }
    var rows: [[Expression]] = [[]]
    while true {
      rows[rows.count - 1].append(try parseSum())
      switch current.kind {
      case .comma:
        _ = advance()
      case .semicolon:
        _ = advance()
        if current.kind == .rightBracket { continue }  // `[1; 2;]` as MATLAB
        rows.append([])
      case .rightBracket:
        _ = advance()
        return .concatenation(rows)
      case .end:
        throw error("missing ']'", "the '[' at position \(open.offset + 1) is never closed", at: current.offset)
      default:
        throw unexpected(current, "expected ',' ';' or ']' in the block matrix opened at position \(open.offset + 1)")
      }
    }
  }

  private func missingOperandHint() -> String {
    guard let before = previous else { return "an operand is missing before it" }
    switch before.kind {
    case .leftParen where current.kind == .rightParen: return "the parentheses are empty"
    case .leftParen, .comma: return "an operand is missing"
    default: return "an operand is missing after '\(before.text)'"
    }
  }

  private mutating func expectClosing(_ open: Token, of function: String?) throws(ParseError) {
    let opened =
      function.map { "the '(' of \($0) at position \(open.offset + 1)" }
      ?? "the '(' at position \(open.offset + 1)"
    switch current.kind {
    case .rightParen:
      _ = advance()
    case .end:
      throw error("missing ')'", "\(opened) is never closed", at: current.offset)
    default:
      throw unexpected(current, "expected ')' to close \(opened)")
    }
  }

  private mutating func parseIdentifier(_ name: String) throws(ParseError) -> Expression {
    let token = advance()
    let signature = Expression.functionsByName[name]
    switch current.kind {
    case .leftParen:
      if name == "norm" { return try parseNorm(token) }
      if signature == nil, let call = try parseAlias(name, token) { return call }
      guard let signature else {
        let suggestion = Parser.absentFunctionHints[name] ?? Expression.closestFunctionName(to: name).map { "did you mean \($0)?" }
        throw error(
          "unknown function '\(name)'",
          suggestion
            ?? "write \(name)*(…) for a product; the functions are \(Expression.functionNames.joined(separator: ", "))",
          at: token.offset)
      }
      return try parseCall(signature, token)
    case .subscripts(let sizes):
      let subscripts = advance()
      switch (name, sizes.count) {
      case ("I", 1):
        return .identity(try checkedSize(sizes[0], of: "I", at: subscripts))
      case ("K", 2):
        return .commutation(
          try checkedSize(sizes[0], of: "K", at: subscripts),
          try checkedSize(sizes[1], of: "K", at: subscripts))
      case ("I", _), ("K", _):
        throw error(
          "wrong number of subscripts on \(name)", "write I₃ for I(3) and K₃,₂ for K(3,2)",
          at: subscripts.offset)
      default:
        throw error(
          "unexpected subscript after '\(name)'", "subscripts only give sizes, as in I₃ and K₃,₂",
          at: subscripts.offset)
      }
    case .superscript(let k) where ElementwiseFunction(name: name) != nil && peek(1).kind == .leftParen:
      // `tanh²(x)` is `tanh(x).^2`, as people write it.
      let exponent = advance()
      guard k > 0, let signature else {
        throw error(
          "unexpected '\(exponent.text)' after \(name)",
          "only a positive power such as \(name)²(x) can stand there", at: exponent.offset)
      }
      let call = try parseCall(signature, token)
      return .elementwisePower(call, .constant(Double(k)))
    default:
      if let signature {
        throw error(
          "the function \(name) needs arguments",
          "write \(signature.usage); a variable cannot be named \(name)",
          at: token.offset)
      }
      return .variable(name)
    }
  }

  private mutating func parseCall(_ signature: FunctionSignature, _ nameToken: Token) throws(ParseError)
    -> Expression
  {
    let open = advance()
    let (saved, savedNorm) = (insideBrackets, insideNorm)
    (insideBrackets, insideNorm) = (false, false)
    defer { (insideBrackets, insideNorm) = (saved, savedNorm) }
    var arguments: [Expression] = []
    var sizes: [Int] = []
    if current.kind != .rightParen {
      while true {
        if signature.takesSizes || (signature.name == "reshape" && !arguments.isEmpty) {
          sizes.append(try parseSize(of: signature))
        } else {
          arguments.append(try parseSum())
        }
        guard current.kind == .comma else { break }
        _ = advance()
      }
    }
    try expectClosing(open, of: signature.name)
    let given = signature.takesSizes ? sizes.count : arguments.count + sizes.count
    guard given == signature.arity else {
      let expected = signature.arity == 1 ? "1 argument" : "\(signature.arity) arguments"
      throw error(
        "wrong number of arguments to \(signature.name)",
        "\(signature.usage) takes \(expected), but \(given) \(given == 1 ? "was" : "were") given",
        at: nameToken.offset)
    }
    switch signature.name {
    case "I": return .identity(sizes[0])
    case "K": return .commutation(sizes[0], sizes[1])
    case "zeros": return .zeros(sizes[0], sizes[1])
    case "ones": return .ones(sizes[0], sizes[1])
    case "kron": return .kronecker(arguments[0], arguments[1])
    case "max": return .maximum(arguments[0], arguments[1])
    case "min": return .minimum(arguments[0], arguments[1])
    case "reshape": return .reshape(arguments[0], sizes[0], sizes[1])
    default:
      guard let call = Expression.applying(signature.name, to: arguments[0]) else {
        throw error("unknown function '\(signature.name)'", at: nameToken.offset)
      }
      return call
    }
  }

  /// What to write for functions of MATLAB and NumPy that the language has under another form
  /// (a nearby name such as `tan` for `mean` would mislead).
  static let absentFunctionHints: [String: String] = [
    "mean": "the mean of the n entries of A is written sum(A)/n, with n as a number",
    "eye": "the n×n identity is written I(n)",
    "inverse": "the inverse is written inv(A)",
    "expm": "jac has no matrix exponential; exp(A) is entrywise",
    "logm": "jac has no matrix logarithm; log(A) is entrywise",
    "sqrtm": "jac has no matrix square root; sqrt(A) is entrywise",
  ]

  /// The arguments of a call, between its `(` (the current token) and `)`.
  private mutating func parseArguments(of name: String) throws(ParseError) -> [Expression] {
    let open = advance()
    let (saved, savedNorm) = (insideBrackets, insideNorm)
    (insideBrackets, insideNorm) = (false, false)
    defer { (insideBrackets, insideNorm) = (saved, savedNorm) }
    var arguments: [Expression] = []
    if current.kind != .rightParen {
      while true {
        arguments.append(try parseSum())
        guard current.kind == .comma else { break }
        _ = advance()
      }
    }
    try expectClosing(open, of: name)
    return arguments
  }

  private func wrongArgumentCount(_ name: String, usage: String, expected: Int, given: Int, at token: Token) -> ParseError {
    let count = expected == 1 ? "1 argument" : "\(expected) arguments"
    return error(
      "wrong number of arguments to \(name)", "\(usage) takes \(count), but \(given) \(given == 1 ? "was" : "were") given",
      at: token.offset)
  }

  /// Names people paste from MATLAB and NumPy (docs/language.md): `trace(A)` is `tr(A)`,
  /// `dot(x,y)` is `tr(x'*y)` (Σ xᵢⱼyᵢⱼ, `x'*y` for columns; the shapes must be equal). They are
  /// functions only before `(`: elsewhere `dot` and `trace` stay variables, as in CS231n's
  /// staged `dot = w0*x0 + w1*x1`.
  private mutating func parseAlias(_ name: String, _ nameToken: Token) throws(ParseError) -> Expression? {
    let (usage, arity): (String, Int)
    switch name {
    case "trace": (usage, arity) = ("trace(A)", 1)
    case "dot": (usage, arity) = ("dot(x,y)", 2)
    default: return nil
    }
    let arguments = try parseArguments(of: name)
    guard arguments.count == arity else {
      throw wrongArgumentCount(name, usage: usage, expected: arity, given: arguments.count, at: nameToken)
    }
    return name == "trace" ? .trace(arguments[0]) : .trace(.product(.transpose(arguments[0]), arguments[1]))
  }

  /// `norm(A)`, and MATLAB's `norm(A,'fro')` (`"fro"` too), the same Frobenius norm. `norm(x,2)`
  /// and `norm(x,1)` are refused with the name to write: for a matrix MATLAB means the spectral
  /// norm and the largest column sum, which are not the language's `norm` and `norm1`, and the
  /// parser does not know the shapes.
  private mutating func parseNorm(_ nameToken: Token) throws(ParseError) -> Expression {
    let open = advance()
    let (saved, savedNorm) = (insideBrackets, insideNorm)
    (insideBrackets, insideNorm) = (false, false)
    defer { (insideBrackets, insideNorm) = (saved, savedNorm) }
    guard current.kind != .rightParen else {
      throw wrongArgumentCount("norm", usage: "norm(A)", expected: 1, given: 0, at: nameToken)
    }
    let argument = try parseSum()
    if current.kind == .comma {
      _ = advance()
      let kind = current
      switch kind.kind {
      case .quoted(let text) where text.lowercased() == "fro":
        _ = advance()
      case .number(_, 2):
        throw error(
          "norm(x,2) is written norm(x) here",
          "norm(x) is the Euclidean norm of a vector and the Frobenius norm of a matrix; MATLAB's norm(X,2) of a matrix is its largest singular value, which jac does not have",
          at: kind.offset)
      case .number(_, 1):
        throw error(
          "norm(x,1) is written norm1(x) here",
          "norm1(A) is the sum of the absolute entries of A; MATLAB's norm(X,1) of a matrix is its largest column sum, which jac does not have",
          at: kind.offset)
      default:
        throw error(
          "unsupported second argument \(kind.text.isEmpty ? "(none)" : kind.text) of norm",
          "norm(A) and norm(A,'fro') are the Frobenius norm (Euclidean for a vector), norm1(A) the sum of the absolute entries",
          at: kind.offset)
      }
      if current.kind == .comma {
        throw error("wrong number of arguments to norm", "norm(A,'fro') takes at most 2 arguments", at: nameToken.offset)
      }
    }
    try expectClosing(open, of: "norm")
    return .norm(argument)
  }

  /// A size argument of `I`, `K`, `zeros`, `ones`: a positive integer literal.
  private mutating func parseSize(of signature: FunctionSignature) throws(ParseError) -> Int {
    let token = current
    let needs = "\(signature.usage) needs positive integer sizes"
    if case .number(let lexeme, let value) = token.kind, [.comma, .rightParen].contains(peek(1).kind) {
      _ = advance()
      if lexeme.allSatisfy(\.isASCIIDigit) {
        guard let n = Int(lexeme) else {
          throw error("the size \(lexeme) is too large", needs, at: token.offset)
        }
        return try checkedSize(n, of: signature.name, at: token)
      }
      guard let n = Int(exactly: value) else {
        throw error("\(needs), not \(lexeme)", at: token.offset)
      }
      return try checkedSize(n, of: signature.name, at: token)
    }
    // A size symbol of `--dims R=mxn` (docs/language.md), when the caller instantiates them.
    if case .identifier(let name) = token.kind, [.comma, .rightParen].contains(peek(1).kind),
      let n = SizeSymbols.values[name]
    {
      _ = advance()
      return try checkedSize(n, of: signature.name, at: token)
    }
    // Arithmetic of sizes and size symbols, as sizes are printed in plain text (`I(m*n)`,
    // `ones(n^2,1)`, `I(n+1)`; docs/language.md); else read the argument to quote it whole.
    let argument = try parseSum()
    if let n = Parser.sizeValue(argument) { return try checkedSize(n, of: signature.name, at: token) }
    let end = max(current.offset, token.offset)
    let text = String(characters[token.offset..<end]).trimmingCharacters()
    throw error(
      "\(needs), not '\(text)'", "a size is written as an integer literal such as 3", at: token.offset)
  }

  /// The value of a size written with integers, size symbols (through `SizeSymbols.values`), `+`,
  /// `-`, `*` and `^` by a small integer; nil for anything else or beyond 2²⁴.
  static func sizeValue(_ e: Expression) -> Int? {
    let limit = 1 << 24
    func value(_ e: Expression) -> Int? {
      switch e {
      case .constant(let c): return Int(exactly: c)
      // A product of symbols written together (`mn`, as results print it) is read too.
      case .variable(let name): return SizeSymbols.values[name] ?? SizeSymbols.value(of: name)
      case .add(let a, let b):
        guard let x = value(a), let y = value(b), x + y <= limit else { return nil }
        return x + y
      case .subtract(let a, let b):
        guard let x = value(a), let y = value(b) else { return nil }
        return x - y
      case .product(let a, let b):
        guard let x = value(a), let y = value(b) else { return nil }
        let (p, overflow) = x.multipliedReportingOverflow(by: y)
        return overflow || p > limit ? nil : p
      case .power(let a, let k):
        guard let x = value(a), let k = k.integerConstant, (0...8).contains(k) else { return nil }
        var p = 1
        for _ in 0..<k {
          let (q, overflow) = p.multipliedReportingOverflow(by: x)
          guard !overflow, q <= limit else { return nil }
          p = q
        }
        return p
      default: return nil
      }
    }
    return value(e)
  }

  private func checkedSize(_ n: Int, of name: String, at token: Token) throws(ParseError) -> Int {
    guard n > 0 else {
      let usage = Expression.functionsByName[name]?.usage ?? name
      throw error("\(usage) needs positive integer sizes, not \(n)", at: token.offset)
    }
    return n
  }
}

extension String {
  fileprivate func trimmingCharacters() -> String {
    String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
  }
}
