import MatrixCore

/// Splits an expression into tokens.
///
/// ASCII is the language; the Unicode forms that `unicodeText` prints are accepted as aliases:
/// `ᵀ` for `'`, `−` for `-`, `·`/`⋅` for `*`, `⊙` (and `∘`) for `.*`, `⊘` for `./`, `⊗` (infix `kron`),
/// `‖A‖` for `norm(A)`, `σ(…)` for `sigmoid(…)`, lowercase Greek letters for the variables they
/// name (`λ` is `lambda`, `σ` not before `(` is `sigma`), and from Python/NumPy `**` (entrywise power,
/// `.^`), `@` (`*`) and `.T` (`'`),
/// superscript integers (`²`, `⁻¹`) and subscript sizes (`I₃`, `K₃,₂`; with size symbols
/// `Iₙ`, `Kₘ,ₙ`, `1ₘₓₙ`, `Iₙ₊₁`, `I_{n²}`, `1_{q×n}`, read with `SizeSymbols.values`).
///
/// A number is `digits[.digits][e[+-]digits]` or `.digits[…]`. A `.` right after a number
/// starts an operator when `*`, `/` or `^` follows (`2.*x` is `2 .* x`); any other `.` there
/// is a malformed number (`1.2.3`, `2.`).
struct Lexer {
  private let characters: [Character]
  private let source: String
  private var index = 0
  /// The kind of the token before the one being read (nil at the start).
  private var previousKind: Token.Kind?

  init(_ source: String) {
    self.source = source
    self.characters = Array(source)
  }

  /// All tokens, ending with `.end`.
  static func tokenize(_ source: String) throws(ParseError) -> [Token] {
    var lexer = Lexer(source)
    var tokens: [Token] = []
    while true {
      let token = try lexer.next()
      lexer.previousKind = token.kind
      tokens.append(token)
      if token.kind == .end { return tokens }
    }
  }

  private func peek(_ ahead: Int = 0) -> Character? {
    let i = index + ahead
    return i < characters.count ? characters[i] : nil
  }

  private func error(_ message: String, _ hint: String = "", at offset: Int) -> ParseError {
    ParseError(message: message, hint: hint, offset: offset, source: source)
  }

  private func text(from start: Int) -> String { String(characters[start..<index]) }

  private mutating func next() throws(ParseError) -> Token {
    while let c = peek(), c.isWhitespace { index += 1 }
    let start = index
    guard let c = peek() else { return Token(kind: .end, offset: start, text: "") }

    func single(_ kind: Token.Kind, length: Int = 1) -> Token {
      index += length
      return Token(kind: kind, offset: start, text: text(from: start))
    }

    if c.isASCIIDigit || (c == "." && peek(1)?.isASCIIDigit == true) { return try number() }
    if startsBracedSubscript() { return try subscripts() }
    if c.isIdentifierHead {
      // `I_{n}`: the subscript is not part of the name.
      while let d = peek(), d.isIdentifierBody, !startsBracedSubscript() { index += 1 }
      let name = text(from: start)
      return Token(kind: .identifier(name), offset: start, text: name)
    }
    switch c {
    case "+": return single(.plus)
    case "-", "−": return single(.minus)
    case "*" where peek(1) == "*":
      // Python's and NumPy's `**` is the entrywise power (on 1×1 the same as `^`).
      return single(.dotCaret, length: 2)
    case "*", "·", "⋅", "@": return single(.star)
    case "/": return single(.slash)
    case "^": return single(.caret)
    case "'" where startsQuotedText, "\"" where startsQuotedText:
      return try quoted()
    case "'", "ᵀ": return single(.transpose)
    case "(": return single(.leftParen)
    case ")": return single(.rightParen)
    case ",": return single(.comma)
    case "[": return single(.leftBracket)
    case "]": return single(.rightBracket)
    case ";": return single(.semicolon)
    case "⊙", "∘": return single(.dotStar)
    case "‖": return single(.normBar)
    case "σ":
      // σ(…) is the sigmoid, as in the lecture notes; σ elsewhere is the variable sigma.
      var k = index + 1
      while k < characters.count, characters[k].isWhitespace { k += 1 }
      index += 1
      guard k < characters.count, characters[k] == "(" else {
        return Token(kind: .identifier("sigma"), offset: start, text: "σ")
      }
      return Token(kind: .identifier("sigmoid"), offset: start, text: "σ")
    case "⊘": return single(.dotSlash)
    case "⊗": return single(.kron)
    case ".":
      switch peek(1) {
      case "*": return single(.dotStar, length: 2)
      case "/": return single(.dotSlash, length: 2)
      case "^": return single(.dotCaret, length: 2)
      case "'":
        // MATLAB's `x.'`, the transpose without conjugation: for real matrices the transpose.
        return single(.transpose, length: 2)
      case "T" where !(peek(2)?.isIdentifierBody ?? false):
        // NumPy's `x.T`.
        return single(.transpose, length: 2)
      default:
        throw error("unexpected '.'", "write .* ./ or .^ for an entrywise operation (or .T for the transpose)", at: start)
      }
    default:
      break
    }
    if let name = c.greekLetterName {
      // `λ` is the variable lambda (one letter, one name: `λx` is λ times x, as on paper).
      return single(.identifier(name))
    }
    if c == "⁻" || c.superscriptDigit != nil { return try superscript() }
    if c.subscriptCharacter != nil { return try subscripts() }
    if let value = c.vulgarFractionValue {
      // `½x'x`: the fractions of one digit over one digit as numbers.
      index += 1
      return Token(kind: .number(String(c), value), offset: start, text: String(c))
    }
    if c == "π" {
      throw error(
        "unexpected character 'π'", "π is no variable here (on paper it is 3.14159…): write the number, or a name such as pi",
        at: start)
    }
    if c.isUppercaseGreekLetter {
      throw error(
        "unexpected character '\(c)'",
        "uppercase Greek letters are not names (Σ, Π, Δ are a sum, a product, a difference on paper): write the name, as in Sigma",
        at: start)
    }
    if c == "\"" || c == "`" || c == "’" || c == "‘" {
      throw error("unexpected \(c)", "a transpose is written A' (with an ASCII apostrophe) or Aᵀ", at: start)
    }
    throw error("unexpected character '\(c)'", at: start)
  }

  /// Whether a quote here opens quoted text: right after `(` or `,`, where a transpose cannot
  /// stand (MATLAB's `norm(X,'fro')`).
  private var startsQuotedText: Bool {
    switch previousKind {
    case .leftParen?, .comma?: return true
    default: return false
    }
  }

  /// `'fro'` or `"fro"`: the characters up to the same quote.
  private mutating func quoted() throws(ParseError) -> Token {
    let start = index
    let quote = characters[index]
    index += 1
    while let c = peek(), c != quote { index += 1 }
    guard peek() == quote else {
      throw error("the quoted text at position \(start + 1) is never closed", "close it with \(quote), as in norm(X,'fro')", at: start)
    }
    index += 1
    let content = String(characters[(start + 1)..<(index - 1)])
    return Token(kind: .quoted(content), offset: start, text: text(from: start))
  }

  private mutating func number() throws(ParseError) -> Token {
    let start = index
    func malformed(_ hint: String) -> ParseError {
      // Report the whole run of number-like characters.
      var end = index
      while end < characters.count, characters[end].isASCIIDigit || characters[end] == "." { end += 1 }
      let lexeme = String(characters[start..<max(end, index)])
      return error("malformed number '\(lexeme)'", hint, at: start)
    }
    while let c = peek(), c.isASCIIDigit { index += 1 }
    if peek() == "." {
      if peek(1)?.isASCIIDigit == true {
        index += 1
        while let c = peek(), c.isASCIIDigit { index += 1 }
      } else if let op = peek(1), op == "*" || op == "/" || op == "^" {
        // `2.*x`: the dot belongs to the operator.
      } else {
        index += 1
        throw malformed("a decimal point needs digits after it, as in 2.0")
      }
    }
    if let e = peek(), e == "e" || e == "E" {
      index += 1
      if let sign = peek(), sign == "+" || sign == "-" { index += 1 }
      guard peek()?.isASCIIDigit == true else {
        throw malformed("an exponent needs digits, as in 1e-3")
      }
      while let c = peek(), c.isASCIIDigit { index += 1 }
    }
    if peek() == ".", peek(1)?.isASCIIDigit == true {
      index += 1
      throw malformed("a number has at most one decimal point")
    }
    let lexeme = text(from: start)
    guard let value = Double(lexeme), value.isFinite else {
      throw error("the number \(lexeme) is too large", "numbers must be finite doubles", at: start)
    }
    return Token(kind: .number(lexeme, value), offset: start, text: lexeme)
  }

  private mutating func superscript() throws(ParseError) -> Token {
    let start = index
    var negative = false
    if peek() == "⁻" {
      negative = true
      index += 1
    }
    if negative && peek() == "ᵀ" {
      // `X⁻ᵀ` is `X⁻¹ᵀ`: the inverse, and the `ᵀ` left for the transpose that follows.
      return Token(kind: .superscript(-1), offset: start, text: text(from: start))
    }
    var digits = ""
    while let d = peek()?.superscriptDigit {
      digits.append(d)
      index += 1
    }
    guard !digits.isEmpty else {
      throw error("unexpected '⁻'", "a superscript exponent needs digits, as in X⁻¹", at: start)
    }
    guard let magnitude = Int(digits) else {
      throw error("the exponent \(text(from: start)) is too large", at: start)
    }
    return Token(
      kind: .superscript(negative ? -magnitude : magnitude), offset: start, text: text(from: start))
  }

  /// `_{` at the current position.
  private func startsBracedSubscript() -> Bool { peek() == "_" && peek(1) == "{" }

  /// Whether a subscript group starts `ahead` characters on (a subscript character or `_{`).
  private func subscriptGroupStarts(_ ahead: Int) -> Bool {
    guard let c = peek(ahead) else { return false }
    return c.subscriptCharacter != nil || (c == "_" && peek(ahead + 1) == "{")
  }

  /// Subscript sizes: groups of subscript characters (`₃`, `ₙ`, `ₘₙ`, `ₙ₊₁`) or braced text
  /// (`_{n²}`, `_{q×n}`), separated by `,` (`K₃,₂`) or `ₓ` (`1₃ₓ₂`) when another group follows.
  private mutating func subscripts() throws(ParseError) -> Token {
    let start = index
    var groups: [(text: String, offset: Int)] = []
    while true {
      let groupStart = index
      if startsBracedSubscript() {
        index += 2
        var content = ""
        var parts: [String] = []
        var depth = 0
        while let c = peek(), c != "}" {
          if c == "(" { depth += 1 }
          if c == ")" { depth -= 1 }
          if depth == 0 && (c == "×" || c == ",") {
            parts.append(content)
            content = ""
          } else {
            content.append(c)
          }
          index += 1
        }
        guard peek() == "}" else {
          throw error("the subscript \(text(from: groupStart)) is not closed", "close it with }, as in I_{n+1}", at: groupStart)
        }
        index += 1
        for part in parts + [content] { groups.append((part, groupStart)) }
      } else {
        var content = ""
        while let c = peek(), let a = c.subscriptCharacter {
          // `ₓ` between two groups separates them (`1ₘₓₙ`).
          if c == "ₓ" && !content.isEmpty && subscriptGroupStarts(1) { break }
          content.append(a)
          index += 1
        }
        groups.append((content, groupStart))
      }
      // `K₃,₂`, `1₃ₓ₂`: a comma or a subscript x continues the subscript only when a group follows.
      guard peek() == "," || peek() == "ₓ", subscriptGroupStarts(1) else { break }
      index += 1
    }
    var sizes: [Int] = []
    for (group, offset) in groups {
      let trimmed = group.filter { $0 != " " }
      if !trimmed.isEmpty && trimmed.allSatisfy(\.isASCIIDigit) {
        guard let size = Int(trimmed) else { throw error("the size \(trimmed) is too large", at: offset) }
        sizes.append(size)
      } else if let size = SizeSymbols.value(of: trimmed) {
        sizes.append(size)
      } else {
        throw error(
          "the subscript size \(trimmed.isEmpty ? "(empty)" : trimmed) is not a number or a size with known symbols",
          "subscripts give sizes (I₃, K₃,₂); size symbols such as Iₙ are read where --dims gives the symbols",
          at: offset)
      }
    }
    return Token(kind: .subscripts(sizes), offset: start, text: text(from: start))
  }
}

extension Character {
  var isASCIIDigit: Bool { isASCII && isNumber }
  var isIdentifierHead: Bool { isASCII && (isLetter || self == "_") }
  var isIdentifierBody: Bool { isASCII && (isLetter || isNumber || self == "_") }

  /// The ASCII name a lowercase Greek letter stands for as a variable (`λ` → `lambda`); nil for
  /// other characters, and for `π` (on paper the number 3.14159…, not a variable) and `ο` (an
  /// omicron looks like the letter o). `σ` followed by `(` is the sigmoid (see `Lexer`).
  var greekLetterName: String? {
    let names: [Character: String] = [
      "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon", "ζ": "zeta", "η": "eta",
      "θ": "theta", "ϑ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "µ": "mu", "ν": "nu", "ξ": "xi",
      "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi",
      "ω": "omega",
    ]
    return names[self]
  }

  /// `½` → 0.5, `⅓`, `⅔`, `¼`, `¾`; nil for other characters.
  var vulgarFractionValue: Double? {
    switch self {
    case "½": return 1.0 / 2
    case "⅓": return 1.0 / 3
    case "⅔": return 2.0 / 3
    case "¼": return 1.0 / 4
    case "¾": return 3.0 / 4
    default: return nil
    }
  }

  /// Α…Ω (U+0391…U+03A9).
  var isUppercaseGreekLetter: Bool {
    guard let scalar = unicodeScalars.first, unicodeScalars.count == 1 else { return false }
    return (0x391...0x3A9).contains(scalar.value)
  }

  /// `"²"` → `"2"`.
  var superscriptDigit: Character? {
    switch self {
    case "⁰": return "0"
    case "¹": return "1"
    case "²": return "2"
    case "³": return "3"
    case "⁴": return "4"
    case "⁵": return "5"
    case "⁶": return "6"
    case "⁷": return "7"
    case "⁸": return "8"
    case "⁹": return "9"
    default: return nil
    }
  }

  /// A character of a subscript size, as ASCII: digits, the letters Unicode has subscripts for
  /// (`ₙ` → `n`), `₊`, `₋`.
  var subscriptCharacter: Character? {
    if let d = subscriptDigit { return d }
    let letters: [Character: Character] = [
      "ₐ": "a", "ₑ": "e", "ₕ": "h", "ᵢ": "i", "ⱼ": "j", "ₖ": "k", "ₗ": "l", "ₘ": "m", "ₙ": "n", "ₒ": "o", "ₚ": "p",
      "ᵣ": "r", "ₛ": "s", "ₜ": "t", "ᵤ": "u", "ᵥ": "v", "ₓ": "x", "₊": "+", "₋": "-",
    ]
    return letters[self]
  }

  /// `"₂"` → `"2"`.
  var subscriptDigit: Character? {
    guard let scalar = unicodeScalars.first, unicodeScalars.count == 1,
      (0x2080...0x2089).contains(scalar.value),
      let digit = Unicode.Scalar(scalar.value - 0x2080 + 0x30)
    else { return nil }
    return Character(digit)
  }
}
