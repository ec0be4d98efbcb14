import MatrixCore
import Testing

@testable import Symbolic

private let A = Expression.variable("A")
private let B = Expression.variable("B")
private let C = Expression.variable("C")
private let X = Expression.variable("X")
private let a = Expression.variable("a")
private let b = Expression.variable("b")
private let c = Expression.variable("c")
private let x = Expression.variable("x")

/// A named case of the precedence table: the source and the tree it must parse to.
struct ParseCase: CustomTestStringConvertible, Sendable {
  let source: String
  let expected: Expression
  init(_ source: String, _ expected: Expression) {
    self.source = source
    self.expected = expected
  }
  var testDescription: String { source }
}

@Suite struct PrecedenceTests {
  static let cases: [ParseCase] = [
    // `'` binds tightest.
    ParseCase("X'*X", .product(.transpose(X), X)),
    ParseCase("A+B*C'", .add(A, .product(B, .transpose(C)))),
    ParseCase("A''", .transpose(.transpose(A))),
    ParseCase("(A+B)'", .transpose(.add(A, B))),
    ParseCase("A'^2", .power(.transpose(A), 2)),
    ParseCase("A^2'", .power(A, .transpose(2))),
    // `^` and `.^` associate to the right; `^` binds tighter than `.^`.
    ParseCase("a^b^c", .power(a, .power(b, c))),
    ParseCase("a.^b.^c", .elementwisePower(a, .elementwisePower(b, c))),
    ParseCase("a^b.^c", .elementwisePower(.power(a, b), c)),
    ParseCase("a.^b^c", .elementwisePower(a, .power(b, c))),
    ParseCase("A^-1", .power(A, .negate(1))),
    ParseCase("x.^-2", .elementwisePower(x, .negate(2))),
    ParseCase("x^-a^b", .power(x, .negate(.power(a, b)))),
    // Unary minus: looser than the powers, tighter than `*`.
    ParseCase("-x^2", .negate(.power(x, 2))),
    ParseCase("-x.^2", .negate(.elementwisePower(x, 2))),
    ParseCase("-A*B", .product(.negate(A), B)),
    ParseCase("A*-B", .product(A, .negate(B))),
    ParseCase("--a", .negate(.negate(a))),
    ParseCase("a - -b", .subtract(a, .negate(b))),
    // `*`, then `.*` `./`, then `/`, then `+` `-`; left-associative.
    ParseCase("A*B.*C", .hadamard(.product(A, B), C)),
    ParseCase("A.*B*C", .hadamard(A, .product(B, C))),
    ParseCase("A./B.*C", .hadamard(.hadamardQuotient(A, B), C)),
    ParseCase("a/b*c", .divide(a, .product(b, c))),
    ParseCase("a.*b/c", .divide(.hadamard(a, b), c)),
    ParseCase("a/b.*c", .divide(a, .hadamard(b, c))),
    ParseCase("A/b/c", .divide(.divide(A, b), c)),
    ParseCase("A+B/c", .add(A, .divide(B, c))),
    ParseCase("A-B-C", .subtract(.subtract(A, B), C)),
    ParseCase("A-B+C", .add(.subtract(A, B), C)),
    ParseCase("A*B*C", .product(.product(A, B), C)),
    ParseCase("A*(B*C)", .product(A, .product(B, C))),
    // Literals.
    ParseCase("2.*x", .hadamard(2, x)),
    ParseCase("2.^x", .elementwisePower(2, x)),
    ParseCase("1.5./x", .hadamardQuotient(1.5, x)),
    ParseCase("1e-3*x", .product(0.001, x)),
    ParseCase(".5*x", .product(0.5, x)),
    ParseCase("2.5E+2", .constant(250)),
    // Spaces do not matter.
    ParseCase("  X '  *  X ", .product(.transpose(X), X)),
  ]

  @Test(arguments: cases)
  func parsesWithTheTablePrecedence(_ c: ParseCase) throws {
    #expect(try Expression(c.source) == c.expected)
  }

  static let unicodeCases: [ParseCase] = [
    ParseCase("XᵀX", .product(.transpose(X), X)),
    ParseCase("Xᵀ·X", .product(.transpose(X), X)),
    ParseCase("X⁻¹", .inverse(X)),
    ParseCase("X²", .power(X, 2)),
    ParseCase("X⁻²", .power(X, .negate(2))),
    ParseCase("X¹⁰", .power(X, 10)),
    ParseCase("X⁻¹ᵀ", .transpose(.inverse(X))),
    ParseCase("X⁻ᵀ", .transpose(.inverse(X))),
    ParseCase("−a", .negate(a)),
    ParseCase("a − b", .subtract(a, b)),
    ParseCase("A ⊙ B ⊘ C", .hadamardQuotient(.hadamard(A, B), C)),
    ParseCase("A ⊗ B", .kronecker(A, B)),
    // ⊗ has the precedence of `*` and associates to the left.
    ParseCase("A ⊗ B*C", .product(.kronecker(A, B), C)),
    ParseCase("A*B ⊗ C", .kronecker(.product(A, B), C)),
    ParseCase("A ⊗ B ⊗ C", .kronecker(.kronecker(A, B), C)),
    ParseCase("A + B ⊗ C", .add(A, .kronecker(B, C))),
    ParseCase("I₃", .identity(3)),
    ParseCase("I₁₂", .identity(12)),
    ParseCase("K₃,₂", .commutation(3, 2)),
    ParseCase(
      "(I₂ ⊗ Xᵀ) + (Xᵀ ⊗ I₂)K₃,₂", .kron(.I(2), X.transposed) + .kron(X.transposed, .I(2)) * .K(3, 2)),
    ParseCase("tanh²(x)", .elementwisePower(.tanh(x), 2)),
    // Implicit products.
    ParseCase("2x", .product(2, x)),
    ParseCase("W x", .product(.variable("W"), x)),
    ParseCase("(A+B)C", .product(.add(A, B), C)),
    ParseCase("(A)(B)", .product(A, B)),
    ParseCase("2 exp(x)", .product(2, .exp(x))),
    ParseCase("-A B", .product(.negate(A), B)),
    ParseCase("A B.*C", .hadamard(.product(A, B), C)),
    // The notation of papers and lecture notes: ∘ for the entrywise product, ‖·‖, σ(·).
    ParseCase("A ∘ B", .hadamard(A, B)),
    ParseCase("‖A x − b‖²", .power(.norm(.subtract(.product(A, x), b)), 2)),
    ParseCase("‖A‖*‖B‖", .product(.norm(A), .norm(B))),
    ParseCase("‖ ‖a‖ x ‖", .norm(.product(.norm(a), x))),
    ParseCase("σ(W x)", .sigmoid(.product(.variable("W"), x))),
    ParseCase("σ (a)", .sigmoid(a)),
    // Outside a norm a bar after an operand starts an implicit product; inside one it closes it.
    ParseCase("a‖x‖²", .product(a, .power(.norm(x), 2))),
    ParseCase("‖a x‖ ‖b‖", .product(.norm(.product(a, x)), .norm(b))),
    ParseCase("‖(a ‖x‖)‖", .norm(.product(a, .norm(x)))),
    ParseCase("‖[x; ‖a‖]‖", .norm(.concatenation([[x], [.norm(a)]]))),
    // Lowercase Greek letters are the variables they name, one letter one name; σ before ( is
    // the sigmoid.
    ParseCase("λ‖x‖²", .product(.variable("lambda"), .power(.norm(x), 2))),
    ParseCase("λx", .product(.variable("lambda"), x)),
    ParseCase("x − ηAᵀ(A x − b)", .subtract(x, .product(.product(.variable("eta"), .transpose(A)), .subtract(.product(A, x), b)))),
    ParseCase("αβ", .product(.variable("alpha"), .variable("beta"))),
    ParseCase("lambda*λ", .product(.variable("lambda"), .variable("lambda"))),
    ParseCase("σ²", .power(.variable("sigma"), 2)),
    ParseCase("σ*σ(a)", .product(.variable("sigma"), .sigmoid(a))),
    ParseCase("(x − μ)ᵀ", .transpose(.subtract(x, .variable("mu")))),
    ParseCase("ϵ + ε + ϑ + θ + ϕ + φ", .add(.add(.add(.add(.add(.variable("epsilon"), .variable("epsilon")), .variable("theta")), .variable("theta")), .variable("phi")), .variable("phi"))),
    // Python and NumPy: ** is the entrywise power, @ the product, .T the transpose.
    ParseCase("a**2", .elementwisePower(a, 2)),
    ParseCase("x**-1", .elementwisePower(x, .negate(1))),
    ParseCase("A @ B", .product(A, B)),
    ParseCase("A.T @ x", .product(.transpose(A), x)),
    ParseCase("(A + B).T", .transpose(.add(A, B))),
    ParseCase("A.T.T", .transpose(.transpose(A))),
  ]

  @Test(arguments: unicodeCases)
  func parsesTheUnicodeExtensions(_ c: ParseCase) throws {
    #expect(try Expression(c.source) == c.expected)
  }
}

@Suite struct FunctionParsingTests {
  static let cases: [ParseCase] =
    [
      ParseCase("transpose(A)", .transpose(A)),
      ParseCase("inv(A)", .inverse(A)),
      ParseCase("det(A)", .determinant(A)),
      ParseCase("logdet(A)", .logDeterminant(A)),
      ParseCase("tr(A)", .trace(A)),
      ParseCase("sum(A)", .sum(A)),
      ParseCase("norm(A)", .norm(A)),
      ParseCase("kron(A,B)", .kronecker(A, B)),
      ParseCase("vec(A)", .vec(A)),
      ParseCase("diag(x)", .diag(x)),
      ParseCase("diagonal(A)", .diagonal(A)),
      ParseCase("softmax(x)", .softmax(x)),
      ParseCase("logsumexp(x)", .logSumExp(x)),
      ParseCase("I(3)", .identity(3)),
      ParseCase("K(3,2)", .commutation(3, 2)),
      ParseCase("zeros(2,3)", .zeros(2, 3)),
      ParseCase("ones(2,3)", .ones(2, 3)),
      ParseCase("I(1e2)", .identity(100)),
      ParseCase("K( 3 , 2 )", .commutation(3, 2)),
      ParseCase("kron(A+B, C')", .kronecker(A + B, C.transposed)),
      ParseCase("tr(inv(A)*B)", .trace(.inverse(A) * B)),
    ] + ElementwiseFunction.allCases.map { ParseCase("\($0.name)(x)", .elementwise($0, x)) }

  @Test(arguments: cases)
  func parsesEveryFunction(_ c: ParseCase) throws {
    #expect(try Expression(c.source) == c.expected)
  }

  @Test func everyFunctionNameIsInTheTable() {
    let names = Set(Expression.functionNames)
    let spec = [
      "transpose", "inv", "det", "logdet", "tr", "sum", "norm", "kron", "vec", "diag", "diagonal", "exp",
      "log",
      "sin", "cos", "tanh", "sigmoid", "relu", "softplus", "sqrt", "abs", "softmax", "logsumexp", "I", "K",
      "zeros", "ones",
    ]
    // The extensions: the derivatives of relu and abs, column-major reshape, and those of
    // docs/language.md.
    let extensions = [
      "heaviside", "sign", "reshape", "tan", "arcsin", "arccos", "arctan", "asin", "acos", "atan", "max", "min", "norm1",
    ]
    #expect(names == Set(spec + extensions))
  }

  @Test func variablesAreCollected() throws {
    #expect(try Expression("u'*tanh(W*x+b)").variables == ["W", "b", "u", "x"])
    #expect(try Expression("kron(I(2),X')+kron(X',I(2))*K(3,2)").variables == ["X"])
    #expect(try Expression("x_1 + _y2").variables == ["_y2", "x_1"])
  }
}

/// A named input that must fail to parse, with its one-sentence description and the caret.
struct ParseFailure: CustomTestStringConvertible, Sendable {
  let source: String
  let description: String
  let offset: Int
  init(_ source: String, _ description: String, offset: Int) {
    self.source = source
    self.description = description
    self.offset = offset
  }
  var testDescription: String { source }
}

@Suite struct ParseErrorTests {
  static let failures: [ParseFailure] = [
    ParseFailure("X'*A)", "unexpected ')' at position 5: it closes no '('", offset: 4),
    ParseFailure("(A+B", "missing ')' at position 5: the '(' at position 1 is never closed", offset: 4),
    ParseFailure("((A+B)", "missing ')' at position 7: the '(' at position 1 is never closed", offset: 6),
    ParseFailure("tr(A", "missing ')' at position 5: the '(' of tr at position 3 is never closed", offset: 4),
    ParseFailure(
      "(A B 3)", "unexpected '3' at position 6: expected ')' to close the '(' at position 1", offset: 5),
    ParseFailure("()", "unexpected ')' at position 2: the parentheses are empty", offset: 1),
    ParseFailure(
      "1e", "malformed number '1e' at position 1: an exponent needs digits, as in 1e-3", offset: 0),
    ParseFailure(
      "2*1e+", "malformed number '1e+' at position 3: an exponent needs digits, as in 1e-3", offset: 2),
    ParseFailure(
      "1.2.3", "malformed number '1.2.3' at position 1: a number has at most one decimal point", offset: 0),
    ParseFailure(
      "x+2.", "malformed number '2.' at position 3: a decimal point needs digits after it, as in 2.0",
      offset: 2),
    ParseFailure(
      "1e999*x", "the number 1e999 is too large at position 1: numbers must be finite doubles", offset: 0),
    ParseFailure("tanhh(x)", "unknown function 'tanhh' at position 1: did you mean tanh?", offset: 0),
    ParseFailure(
      "x+frobenius(x)",
      "unknown function 'frobenius' at position 3: write frobenius*(…) for a product; the functions are transpose, inv, det, logdet, tr, sum, norm, "
        + "kron, vec, diag, diagonal, exp, log, sin, cos, tanh, sigmoid, relu, softplus, sqrt, abs, heaviside, sign, "
        + "tan, arcsin, arccos, arctan, acos, asin, atan, max, min, norm1, "
        + "softmax, logsumexp, I, K, zeros, ones, reshape", offset: 2),
    ParseFailure(
      "kron(A)",
      "wrong number of arguments to kron at position 1: kron(A,B) takes 2 arguments, but 1 was given",
      offset: 0),
    ParseFailure(
      "tr(A,B)", "wrong number of arguments to tr at position 1: tr(A) takes 1 argument, but 2 were given",
      offset: 0),
    ParseFailure(
      "tr()", "wrong number of arguments to tr at position 1: tr(A) takes 1 argument, but 0 were given",
      offset: 0),
    ParseFailure("I(2.5)", "I(n) needs positive integer sizes, not 2.5 at position 3", offset: 2),
    ParseFailure("I(0)", "I(n) needs positive integer sizes, not 0 at position 3", offset: 2),
    ParseFailure(
      "I(-1)",
      "I(n) needs positive integer sizes, not '-1' at position 3: a size is written as an integer "
        + "literal such as 3", offset: 2),
    ParseFailure(
      "K(m,2)",
      "K(m,n) needs positive integer sizes, not 'm' at position 3: a size is written as an integer "
        + "literal such as 3", offset: 2),
    ParseFailure(
      "I(99999999999999999999)",
      "the size 99999999999999999999 is too large at position 3: I(n) needs positive integer sizes", offset: 2
    ),
    ParseFailure("I(1e30)", "I(n) needs positive integer sizes, not 1e30 at position 3", offset: 2),
    ParseFailure("", "the expression is empty: write a matrix expression such as X'*X", offset: 0),
    ParseFailure("   ", "the expression is empty: write a matrix expression such as X'*X", offset: 0),
    ParseFailure("A 3", "unexpected '3' at position 3: an operator is missing before it", offset: 2),
    ParseFailure(
      "A,B", "unexpected ',' at position 2: commas only separate the arguments of a function and the blocks of [A, B]", offset: 1),
    ParseFailure("A+", "unexpected end of input at position 3: an operand is missing after '+'", offset: 2),
    ParseFailure("A+*B", "unexpected '*' at position 3: an operand is missing after '+'", offset: 2),
    ParseFailure("*B", "unexpected '*' at position 1: an operand is missing before it", offset: 0),
    ParseFailure("'A", "unexpected \"'\" at position 1: an operand is missing before it", offset: 0),
    ParseFailure("kron(A,)", "unexpected ')' at position 8: an operand is missing", offset: 7),
    ParseFailure(
      "det + 1",
      "the function det needs arguments at position 1: write det(A); a variable cannot be named det",
      offset: 0),
    ParseFailure("A $ B", "unexpected character '$' at position 3", offset: 2),
    ParseFailure(
      "A.B", "unexpected '.' at position 2: write .* ./ or .^ for an entrywise operation (or .T for the transpose)",
      offset: 1),
    ParseFailure(
      "A.Tx", "unexpected '.' at position 2: write .* ./ or .^ for an entrywise operation (or .T for the transpose)",
      offset: 1),
    ParseFailure("a***b", "unexpected '*' at position 4: an operand is missing after '**'", offset: 3),
    ParseFailure(
      "x₁", "unexpected subscript after 'x' at position 2: subscripts only give sizes, as in I₃ and K₃,₂",
      offset: 1),
    ParseFailure(
      "K₃", "wrong number of subscripts on K at position 2: write I₃ for I(3) and K₃,₂ for K(3,2)", offset: 1),
    ParseFailure(
      "X⁻", "unexpected '⁻' at position 2: a superscript exponent needs digits, as in X⁻¹", offset: 1),
    ParseFailure("A^", "unexpected end of input at position 3: an operand is missing after '^'", offset: 2),
    ParseFailure(
      "tanh⁻¹(x)",
      "unexpected '⁻¹' after tanh at position 5: only a positive power such as tanh²(x) can stand there",
      offset: 4),
    ParseFailure(
      "A’", "unexpected ’ at position 2: a transpose is written A' (with an ASCII apostrophe) or Aᵀ",
      offset: 1),
    ParseFailure("‖x", "missing '‖' at position 3: the '‖' at position 1 is never closed", offset: 2),
    ParseFailure("‖x)", "unexpected ')' at position 3: expected '‖' to close the norm opened at position 1", offset: 2),
    ParseFailure(
      "2*π*x",
      "unexpected character 'π' at position 3: π is no variable here (on paper it is 3.14159…): write the number, or a name such as pi",
      offset: 2),
    ParseFailure(
      "x'*Σ*x",
      "unexpected character 'Σ' at position 4: uppercase Greek letters are not names (Σ, Π, Δ are a sum, a product, a difference on paper): write the name, as in Sigma",
      offset: 3),
  ]

  @Test func aVariableBeforeParenthesesIsNotTakenForAMisspeltFunction() throws {
    let error = try #require(throws: ParseError.self) { try Expression("W(x)") }
    #expect(error.message == "unknown function 'W'")
    #expect(error.hint.hasPrefix("write W*(…) for a product; the functions are transpose, inv,"))
    let misspelt = try #require(throws: ParseError.self) { try Expression("sofmax(x)") }
    #expect(misspelt.hint == "did you mean softmax?")
  }

  @Test(arguments: failures)
  func reportsTheCulpritAndItsPosition(_ f: ParseFailure) {
    #expect(throws: ParseError.self) { try Expression(f.source) }
    do {
      _ = try Expression(f.source)
    } catch {
      #expect(error.description == f.description)
      #expect(error.offset == f.offset)
      #expect(error.source == f.source)
    }
  }

  @Test func rendersTheLineWithACaret() throws {
    let error = try #require(throws: ParseError.self) { try Expression("X'*A)") }
    #expect(
      error.rendered() == """
        unexpected ')' at position 5: it closes no '('
          X'*A)
              ^
        """)
  }

  @Test func caretAtTheEndOfInputAndUnderUnicode() throws {
    let open = try #require(throws: ParseError.self) { try Expression("(A+B") }
    #expect(
      open.rendered(indent: "") == """
        missing ')' at position 5: the '(' at position 1 is never closed
        (A+B
            ^
        """)
    let unicode = try #require(throws: ParseError.self) { try Expression("Xᵀ ⊗ $") }
    #expect(
      unicode.rendered() == """
        unexpected character '$' at position 6
          Xᵀ ⊗ $
               ^
        """)
  }

  @Test func rendersOnlyTheOffendingLineOfAMultiLineInput() throws {
    let error = try #require(throws: ParseError.self) { try Expression("A +\n\tB )") }
    #expect(error.offset == 7)
    #expect(
      error.rendered() == "unexpected ')' at position 8: it closes no '('\n  \tB )\n  \t  ^")
  }

  @Test func emptyInputRendersWithoutACaret() throws {
    let error = try #require(throws: ParseError.self) { try Expression("") }
    #expect(error.rendered() == "the expression is empty: write a matrix expression such as X'*X")
  }

  /// Past `Expression.maximumNesting` (1,000) and `maximumDepth` (2,000) the parser refuses, with
  /// one message, and without exhausting the stack even for 100,000 levels (run, as the jac tool
  /// runs, on a `LargeStack` thread: the walks recurse once per level).
  @Test func hostileNestingIsAnErrorNotACrash() throws {
    try LargeStack.run { () throws -> Void in
      let n = 100_000
      let deepParentheses = String(repeating: "(", count: n) + "x" + String(repeating: ")", count: n)
      let parentheses = try #require(throws: ParseError.self) { try Expression(deepParentheses) }
      #expect(parentheses.message == "the expression is nested too deeply")
      let signs = try #require(throws: ParseError.self) { try Expression(String(repeating: "-", count: n) + "x") }
      #expect(signs.message == "the expression is nested too deeply")
      let powers = try #require(throws: ParseError.self) {
        try Expression(Array(repeating: "x", count: n).joined(separator: "^"))
      }
      #expect(powers.message == "the expression is nested too deeply")
      let transposes = try #require(throws: ParseError.self) { try Expression("x" + String(repeating: "'", count: n)) }
      #expect(transposes.message == "the expression is nested too deeply")
      let sums = try #require(throws: ParseError.self) {
        try Expression(Array(repeating: "x", count: n).joined(separator: "+"))
      }
      #expect(sums.message == "the expression is nested too deeply")
      let products = try #require(throws: ParseError.self) {
        try Expression(Array(repeating: "x", count: n).joined(separator: "*"))
      }
      #expect(products.message == "the expression is nested too deeply")
      // A long line is quoted as a window around the culprit, not whole.
      #expect(transposes.rendered().count < 300)
    }
  }

  @Test func deepExpressionsWithinTheLimitsParse() throws {
    try LargeStack.run { () throws -> Void in
      let m = Expression.maximumNesting
      let fine = String(repeating: "(", count: m - 1) + "x" + String(repeating: ")", count: m - 1)
      #expect(try Expression(fine) == x)
      let tooDeep = String(repeating: "(", count: m) + "x" + String(repeating: ")", count: m)
      #expect(throws: ParseError.self) { try Expression(tooDeep) }
      let d = Expression.maximumDepth
      #expect(try Expression(Array(repeating: "x", count: d + 1).joined(separator: "+")).nodeCount == 2 * d + 1)
      #expect(throws: ParseError.self) { try Expression(Array(repeating: "x", count: d + 2).joined(separator: "+")) }
      #expect(try Expression("x" + String(repeating: "'", count: d)).depth == d)
      #expect(throws: ParseError.self) { try Expression("x" + String(repeating: "'", count: d + 1)) }
      // At least ten times the old limits (nesting 64, depth 200), for deep networks.
      #expect(m >= 640 && d >= 2000)
    }
  }
}

@Suite struct RandomInputTests {
  /// Random strings over the language's characters (and some hostile numbers): parsing never
  /// traps, every failure renders, and whatever parses prints back to the same tree in both
  /// the plain and the Unicode form.
  @Test func randomInputNeverTrapsAndWhatParsesRoundTrips() throws {
    let alphabet = Array(
      "XAxs12.0e+-*/^'(),ᵀ⁻¹²₃⊗⊙⊘·− Ikron(I(K(tr(inv(log(sqrt(zeros(1,2) 99999999999999999999 1e999 ")
    var random = SeededGenerator(seed: 11)
    var parsed = 0
    for _ in 0..<20_000 {
      let length = Int.random(in: 1...14, using: &random)
      let source = String(
        (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] })
      do {
        let e = try Expression(source)
        parsed += 1
        #expect((try? Expression(e.plainText)) == e, "\(source) → \(e.plainText)")
        #expect((try? Expression(e.unicodeText)) == e, "\(source) → \(e.unicodeText)")
      } catch {
        #expect(error.rendered().hasPrefix(error.description))
      }
    }
    #expect(parsed > 1_000)
  }
}
