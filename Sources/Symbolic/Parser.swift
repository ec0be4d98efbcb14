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

  let source: String
  let characters: [Character]
  let tokens: [Token]
  var position = 0
  var nesting = 0
  /// Whether the innermost bracket or parenthesis being read is a `[ ]` (no implicit products).
  var insideBrackets = false
  /// Whether the innermost bracket being read is the `‖ ‖` of a norm: then a `‖` after an
  /// operand closes it; elsewhere it starts an implicit product (`lambda‖x‖²`).
  var insideNorm = false
  /// The chains of operands joined by `*`, `⊗`, implicit products, `.*`, `./` and `/` (one per
  /// level of `parseDivision`), in the order they end, for `ReadingNote`.
  private(set) var chains: [OperatorChain] = []
  var openChains: [OperatorChain] = []
  /// The operator before the next factor that `parseProduct` reads, set by the levels above it.
  var pendingOperator: OperatorChain.Operator?

  init(_ source: String) throws(ParseError) {
    self.source = source
    self.characters = Array(source)
    self.tokens = try Lexer.tokenize(source)
  }

  // MARK: Token access

  var current: Token { tokens[position] }
  var previous: Token? { position > 0 ? tokens[position - 1] : nil }
  func peek(_ ahead: Int) -> Token { tokens[min(position + ahead, tokens.count - 1)] }

  mutating func advance() -> Token {
    let token = tokens[position]
    if position < tokens.count - 1 { position += 1 }
    return token
  }

  func error(_ message: String, _ hint: String = "", at offset: Int) -> ParseError {
    ParseError(message: message, hint: hint, offset: offset, source: source)
  }

  func unexpected(_ token: Token, _ hint: String) -> ParseError {
    if case .end = token.kind { return error("unexpected end of input", hint, at: token.offset) }
    let quoted = token.text == "'" ? "\"'\"" : "'\(token.text)'"
    return error("unexpected \(quoted)", hint, at: token.offset)
  }

  /// Guards recursion; balanced by `leave()`.
  mutating func enter(_ token: Token) throws(ParseError) {
    nesting += 1
    if nesting > Parser.maximumNesting {
      throw error(
        "the expression is nested too deeply", "at most \(Parser.maximumNesting) levels are accepted",
        at: token.offset)
    }
  }

  mutating func leave() { nesting -= 1 }

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
  mutating func parseSum() throws(ParseError) -> Expression {
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
  mutating func parseDivision() throws(ParseError) -> Expression {
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
  mutating func parseHadamard() throws(ParseError) -> Expression {
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
  mutating func parseProduct() throws(ParseError) -> Expression {
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
  mutating func parseFactor(after op: OperatorChain.Operator?) throws(ParseError) -> Expression {
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
  mutating func parseUnary() throws(ParseError) -> Expression {
    guard current.kind == .minus else { return try parseElementwisePower() }
    let sign = advance()
    try enter(sign)
    defer { leave() }
    return .negate(try parseUnary())
  }

  /// `A.^p`, right-associative: `a.^b.^c` is `a.^(b.^c)`.
  mutating func parseElementwisePower() throws(ParseError) -> Expression {
    let base = try parsePower()
    guard current.kind == .dotCaret else { return base }
    _ = advance()
    return .elementwisePower(base, try parseExponent(of: .elementwisePower))
  }

  /// `A^k`, right-associative: `a^b^c` is `a^(b^c)`.
  mutating func parsePower() throws(ParseError) -> Expression {
    let base = try parsePostfix()
    guard current.kind == .caret else { return base }
    _ = advance()
    return .power(base, try parseExponent(of: .power))
  }

  /// The exponent after `^` or `.^`: signs, then an operand of that power's level, so that
  /// `A^-1` and `x.^-2` need no parentheses.
  mutating func parseExponent(of level: Precedence) throws(ParseError) -> Expression {
    try enter(current)
    defer { leave() }
    if current.kind == .minus {
      _ = advance()
      return .negate(try parseExponent(of: level))
    }
    return level == .power ? try parsePower() : try parseElementwisePower()
  }

  /// An atom followed by `'`, `ᵀ` or superscript exponents (`X⁻¹` is `inv(X)`).
  mutating func parsePostfix() throws(ParseError) -> Expression {
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
  static func superscriptPower(_ base: Expression, _ k: Int) -> Expression {
    if k == -1 { return .inverse(base) }
    if k < 0 { return .power(base, .negate(.constant(-Double(k)))) }
    return .power(base, .constant(Double(k)))
  }

  // MARK: Atoms

  mutating func parseAtom() throws(ParseError) -> Expression {
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
  mutating func parseBlockMatrix() throws(ParseError) -> Expression {
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

  func missingOperandHint() -> String {
    guard let before = previous else { return "an operand is missing before it" }
    switch before.kind {
    case .leftParen where current.kind == .rightParen: return "the parentheses are empty"
    case .leftParen, .comma: return "an operand is missing"
    default: return "an operand is missing after '\(before.text)'"
    }
  }

  mutating func expectClosing(_ open: Token, of function: String?) throws(ParseError) {
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
}
