import MatrixCore

// The parser's names: variables, function calls and their arguments, the aliases pasted from
// MATLAB and NumPy (`trace`, `dot`, `norm(A,'fro')`), and the integer sizes of `I(n)`, `K(m,n)`,
// `zeros`, `ones` and `reshape`. The levels of operators are in Parser.swift.

extension Parser {
  mutating func parseIdentifier(_ name: String) throws(ParseError) -> Expression {
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

  mutating func parseCall(_ signature: FunctionSignature, _ nameToken: Token) throws(ParseError)
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
  mutating func parseArguments(of name: String) throws(ParseError) -> [Expression] {
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

  func wrongArgumentCount(_ name: String, usage: String, expected: Int, given: Int, at token: Token) -> ParseError {
    let count = expected == 1 ? "1 argument" : "\(expected) arguments"
    return error(
      "wrong number of arguments to \(name)", "\(usage) takes \(count), but \(given) \(given == 1 ? "was" : "were") given",
      at: token.offset)
  }

  /// Names people paste from MATLAB and NumPy (docs/language.md): `trace(A)` is `tr(A)`,
  /// `dot(x,y)` is `tr(x'*y)` (Σ xᵢⱼyᵢⱼ, `x'*y` for columns; the shapes must be equal). They are
  /// functions only before `(`: elsewhere `dot` and `trace` stay variables, as in CS231n's
  /// staged `dot = w0*x0 + w1*x1`.
  mutating func parseAlias(_ name: String, _ nameToken: Token) throws(ParseError) -> Expression? {
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
  mutating func parseNorm(_ nameToken: Token) throws(ParseError) -> Expression {
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
  mutating func parseSize(of signature: FunctionSignature) throws(ParseError) -> Int {
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

  func checkedSize(_ n: Int, of name: String, at token: Token) throws(ParseError) -> Int {
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
