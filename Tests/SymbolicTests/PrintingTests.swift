import MatrixCore
import Testing

@testable import Symbolic

private let X = Expression.variable("X")
private let A = Expression.variable("A")
private let B = Expression.variable("B")
private let x = Expression.variable("x")
private let a = Expression.variable("a")
private let b = Expression.variable("b")
private let c = Expression.variable("c")

/// An expression and its three printouts.
struct PrintCase: CustomTestStringConvertible, Sendable {
  let expression: Expression
  let plain: String
  let unicode: String
  let latex: String
  init(_ expression: Expression, _ plain: String, _ unicode: String, _ latex: String) {
    self.expression = expression
    self.plain = plain
    self.unicode = unicode
    self.latex = latex
  }
  var testDescription: String { plain }
}

@Suite struct PrinterTests {
  static let cases: [PrintCase] = [
    PrintCase(
      .kron(.I(2), X.transposed) + .kron(X.transposed, .I(2)) * .K(3, 2),
      "kron(I(2),X')+kron(X',I(2))*K(3,2)",
      "(I₂ ⊗ Xᵀ) + (Xᵀ ⊗ I₂)K₃,₂",
      "(I_{2} \\otimes X^{\\top}) + (X^{\\top} \\otimes I_{2}) K_{3,2}"),
    PrintCase(X.transposed * X, "X'*X", "XᵀX", "X^{\\top} X"),
    PrintCase(.negate(.power(x, 2)), "-x^2", "−x²", "-x^{2}"),
    PrintCase(.power(.negate(x), 2), "(-x)^2", "(−x)²", "(-x)^{2}"),
    PrintCase(.negate(X * X), "-(X*X)", "−(X X)", "-(X X)"),
    PrintCase(.negate(X) * X, "-X*X", "−X X", "-X X"),
    PrintCase(.power(a, .power(b, c)), "a^b^c", "a^b^c", "a^{b^{c}}"),
    PrintCase(.power(.power(a, b), c), "(a^b)^c", "(a^b)^c", "(a^{b})^{c}"),
    PrintCase(.power(.power(a, 2), 3), "(a^2)^3", "(a²)³", "(a^{2})^{3}"),
    PrintCase(.hadamard(A * B, X), "A*B.*X", "A B ⊙ X", "A B \\odot X"),
    PrintCase(A * .hadamard(B, X), "A*(B.*X)", "A·(B ⊙ X)", "A (B \\odot X)"),
    PrintCase(.divide(a, b * c), "a/(b*c)", "a / (b c)", "\\frac{a}{b c}"),
    PrintCase(.divide(a, b) * c, "(a/b)*c", "(a / b)c", "\\frac{a}{b} c"),
    PrintCase(a - (b - c), "a-(b-c)", "a − (b − c)", "a - (b - c)"),
    PrintCase((a - b) - c, "a-b-c", "a − b − c", "a - b - c"),
    PrintCase(a - (-b), "a--b", "a − −b", "a - -b"),
    PrintCase(.power(A, .negate(1)), "A^-1", "A^−1", "A^{-1}"),
    PrintCase(.power(A, .negate(2)), "A^-2", "A⁻²", "A^{-2}"),
    PrintCase(.inverse(A), "inv(A)", "A⁻¹", "A^{-1}"),
    PrintCase(.power(.inverse(A), 2), "inv(A)^2", "(A⁻¹)²", "{A^{-1}}^{2}"),
    PrintCase(.transpose(.inverse(A)), "inv(A)'", "A⁻ᵀ", "A^{-\\top}"),
    PrintCase(.transpose(.transpose(A)), "A''", "Aᵀᵀ", "{A^{\\top}}^{\\top}"),
    PrintCase(.transpose(A * B), "(A*B)'", "(A B)ᵀ", "(A B)^{\\top}"),
    PrintCase(.elementwisePower(x, .negate(1)), "x.^-1", "x.^−1", "x^{\\circ -1}"),
    PrintCase(.elementwisePower(.tanh(x), 2), "tanh(x).^2", "tanh²(x)", "\\tanh(x)^{\\circ 2}"),
    PrintCase(2 * x, "2*x", "2 x", "2 x"),
    PrintCase(x * 2, "x*2", "x·2", "x \\cdot 2"),
    PrintCase(2 * (a + b), "2*(a+b)", "2 (a + b)", "2 (a + b)"),
    // A name that ends in digits is not a number: `theta2 (a + b)` would read as a call.
    PrintCase(.variable("theta2") * (a + b), "theta2*(a+b)", "theta2·(a + b)", "\\theta_{2} (a + b)"),
    PrintCase(.hadamard(2, x), "2.*x", "2 ⊙ x", "2 \\odot x"),
    PrintCase(.elementwisePower(2, x), "2.^x", "2.^x", "2^{\\circ x}"),
    PrintCase(.product(0.001, x), "0.001*x", "0.001 x", "0.001 x"),
    PrintCase(.product(1e-5, x), "1e-05*x", "1e-05 x", "10^{-5} x"),
    PrintCase(.constant(2.5e20), "2.5e+20", "2.5e+20", "2.5 \\times 10^{20}"),
    PrintCase(A * (-B), "A*-B", "A·−B", "A \\cdot -B"),
    PrintCase(.kron(.kron(A, B), X), "kron(kron(A,B),X)", "(A ⊗ B) ⊗ X", "(A \\otimes B) \\otimes X"),
    PrintCase(.tr(.kron(A, B)), "tr(kron(A,B))", "tr(A ⊗ B)", "\\operatorname{tr}(A \\otimes B)"),
    PrintCase(
      .logdet(A) + .tr(.inv(A) * B), "logdet(A)+tr(inv(A)*B)", "logdet(A) + tr(A⁻¹B)",
      "\\log\\lvert\\det(A)\\rvert + \\operatorname{tr}(A^{-1} B)"),
    PrintCase(.det(A), "det(A)", "det(A)", "\\det(A)"),
    PrintCase(.sum(A), "sum(A)", "sum(A)", "\\operatorname{sum}(A)"),
    PrintCase(.norm(A), "norm(A)", "norm(A)", "\\lVert A \\rVert_{F}"),
    PrintCase(.vec(A), "vec(A)", "vec(A)", "\\operatorname{vec}(A)"),
    PrintCase(.diag(x), "diag(x)", "diag(x)", "\\operatorname{diag}(x)"),
    PrintCase(.diagonal(A), "diagonal(A)", "diagonal(A)", "\\operatorname{diagonal}(A)"),
    PrintCase(.softmax(x), "softmax(x)", "softmax(x)", "\\operatorname{softmax}(x)"),
    PrintCase(.logsumexp(x), "logsumexp(x)", "logsumexp(x)", "\\operatorname{logsumexp}(x)"),
    PrintCase(.zeros(2, 3), "zeros(2,3)", "zeros(2,3)", "\\mathbf{0}_{2 \\times 3}"),
    PrintCase(.ones(2, 3) * x, "ones(2,3)*x", "1₂ₓ₃ x", "\\mathbf{1}_{2 \\times 3} x"),
    // Ones as textbooks write them (docs/language.md): 1ₙ, 1ₙᵀ, and the transpose of a column.
    PrintCase(.ones(3, 1), "ones(3,1)", "1₃", "\\mathbf{1}_{3}"),
    PrintCase(.kronecker(.ones(3, 1), .I(2)), "kron(ones(3,1),I(2))", "1₃ ⊗ I₂", "\\mathbf{1}_{3} \\otimes I_{2}"),
    PrintCase(.ones(1, 3) * x, "ones(1,3)*x", "1₃ᵀx", "\\mathbf{1}_{3}^{\\top} x"),
    PrintCase(.sqrt(x), "sqrt(x)", "sqrt(x)", "\\sqrt{x}"),
    PrintCase(.abs(x), "abs(x)", "abs(x)", "\\lvert x \\rvert"),
    PrintCase(.sigmoid(x), "sigmoid(x)", "sigmoid(x)", "\\sigma(x)"),
    PrintCase(.relu(x), "relu(x)", "relu(x)", "\\operatorname{relu}(x)"),
    PrintCase(.hadamardQuotient(x, .exp(x)), "x./exp(x)", "x ⊘ exp(x)", "x \\oslash \\exp(x)"),
    PrintCase(.divide(X, .divide(a, b)), "X/(a/b)", "X / (a / b)", "\\frac{X}{\\frac{a}{b}}"),
    PrintCase(.transpose(.divide(X, a)), "(X/a)'", "(X / a)ᵀ", "\\left(\\frac{X}{a}\\right)^{\\top}"),
    PrintCase(
      .variable("W") * x + .variable("b"), "W*x+b", "W x + b", "W x + b"),
    PrintCase(
      .variable("alpha") * .variable("x_1") + .variable("theta2") * .variable("loss"),
      "alpha*x_1+theta2*loss", "alpha x_1 + theta2 loss", "\\alpha x_{1} + \\theta_{2} \\mathrm{loss}"),
  ]

  @Test(arguments: cases)
  func printsPlainUnicodeAndLaTeX(_ c: PrintCase) {
    #expect(c.expression.plainText == c.plain)
    #expect(c.expression.unicodeText == c.unicode)
    #expect(c.expression.latex == c.latex)
    #expect("\(c.expression)" == c.plain)
  }

  @Test(arguments: cases)
  func plainAndUnicodeParseBackToTheSameTree(_ c: PrintCase) throws {
    #expect(try Expression(c.plain) == c.expression)
    #expect(try Expression(c.unicode) == c.expression)
  }

  @Test func theSpecificationsGradientExampleReadsAsOnPaper() throws {
    let e = try Expression("(u.*(1-tanh(W*x+b).^2))*x'")
    #expect(e.unicodeText == "(u ⊙ (1 − tanh²(W x + b)))xᵀ")
    #expect(try Expression(e.unicodeText) == e)
  }

  @Test func negativeConstantsPrintAsNegations() throws {
    let e = Expression.power(.constant(-2), 2)
    #expect(e.plainText == "(-2)^2")
    #expect(e.unicodeText == "(−2)²")
    // They parse back as a negation: the same value, not the same tree.
    #expect(try Expression(e.plainText) == .power(.negate(2), 2))
    #expect(try Expression(e.plainText).evaluate([:]).storage == [4])
  }
}
