/// A lexical unit of the expression language, with where it stands in the source.
struct Token: Equatable, Sendable {
  enum Kind: Equatable, Sendable {
    /// `[A-Za-z_][A-Za-z0-9_]*`: a variable or a function name.
    case identifier(String)
    /// A numeric literal as written (`2`, `0.5`, `1e-3`); its value is checked to be finite.
    case number(String, Double)
    /// Text in quotes right after `(` or `,`: only the `'fro'` of `norm(X,'fro')` means something.
    case quoted(String)
    /// `+`.
    case plus
    /// `-` or `−` (U+2212).
    case minus
    /// `*`, `·` (U+00B7) or `⋅` (U+22C5).
    case star
    /// `.*` or `⊙`.
    case dotStar
    /// `./` or `⊘`.
    case dotSlash
    /// `/`.
    case slash
    /// `^`.
    case caret
    /// `.^`.
    case dotCaret
    /// `⊗`: infix Kronecker product.
    case kron
    /// `'` or `ᵀ`: postfix transpose.
    case transpose
    /// A superscript integer exponent such as `²` or `⁻¹`: its value.
    case superscript(Int)
    /// Subscript sizes after `I` or `K`: `₃` is `[3]`, `₃,₂` is `[3, 2]`.
    case subscripts([Int])
    case leftParen
    case rightParen
    case comma
    /// `[`, `]`, `;`: a block matrix `[A, B; C, D]` (docs/language.md).
    case leftBracket
    case rightBracket
    case semicolon
    /// `‖`: the bars of a norm, `‖A x − b‖` for `norm(A*x-b)`.
    case normBar
    case end
  }

  let kind: Kind
  /// Character offset (0-based) of the first character.
  let offset: Int
  /// The characters as written.
  let text: String

  /// How the token is quoted in messages: `'*'`, or "end of input".
  var quoted: String {
    if case .end = kind { return "end of input" }
    return "'\(text)'"
  }

  /// Whether the token can begin an operand written right after another one, as in `2x`,
  /// `(A+B)C` or `XᵀX`: an implicit product.
  var beginsImplicitFactor: Bool {
    switch kind {
    case .identifier, .leftParen, .leftBracket: return true
    default: return false
    }
  }
}
