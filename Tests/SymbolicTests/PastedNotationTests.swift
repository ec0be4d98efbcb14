import MatrixCore
import TestSupport
import Testing

@testable import Symbolic

/// Notation students paste from MATLAB, NumPy and paper (docs/language.md, "Pasted notation"):
/// each alias parses to the tree written here by hand and evaluates to a closed form computed
/// in the test; what would be wrong is refused with one sentence.
@Suite struct PastedNotationTests {
  private let A = Expression.variable("A")
  private let X = Expression.variable("X")
  private let x = Expression.variable("x")
  private let y = Expression.variable("y")

  @Test func aliasesParseToTheLanguagesTrees() throws {
    #expect(try Expression("trace(A)") == .trace(A))
    #expect(try Expression("trace(A'*A) + tr(A)") == .add(.trace(.product(.transpose(A), A)), .trace(A)))
    #expect(try Expression("norm(X,'fro')") == .norm(X))
    #expect(try Expression("norm(X,\"fro\")^2") == .power(.norm(X), 2))
    #expect(try Expression("norm(X, 'Fro')") == .norm(X))
    #expect(try Expression("dot(x,y)") == .trace(.product(.transpose(x), y)))
    #expect(try Expression("x.'") == .transpose(x))
    #expect(try Expression("(A*x).'*y") == .product(.transpose(.product(A, x)), y))
    #expect(try Expression("½x'x") == .product(.product(0.5, .transpose(x)), x))
    #expect(try Expression("¼*x") == .product(0.25, x))
    #expect(try Expression("⅓") == .constant(1.0 / 3))
    #expect(try Expression("¾ + ⅔") == .add(.constant(0.75), .constant(2.0 / 3)))
    // Not before `(`, `dot` and `trace` are variables (CS231n's staged `dot = w0*x0 + w1*x1`).
    #expect(try Expression("sigmoid(dot)") == .elementwise(.sigmoid, .variable("dot")))
    #expect(try Expression("trace*2") == .product(.variable("trace"), 2))
  }

  @Test func aliasesEvaluateToClosedForms() throws {
    let a = Matrix(rows: 2, cols: 3, columnMajor: [1, -2, 0.5, 3, -1, 4])
    let b = Matrix(rows: 2, cols: 3, columnMajor: [2, 1, -1, 0.5, 3, -2])
    var dot = 0.0
    var squares = 0.0
    for k in 0..<6 {
      dot += a.storage[k] * b.storage[k]
      squares += a.storage[k] * a.storage[k]
    }
    let values = ["x": a, "y": b]
    #expect(abs(try Expression("dot(x,y)").evaluate(values)[0, 0] - dot) <= 1e-14 * abs(dot))
    #expect(abs(try Expression("norm(x,'fro')").evaluate(values)[0, 0] - squares.squareRoot()) <= 1e-14 * squares)
    let s = Matrix(rows: 2, cols: 2, columnMajor: [3, 1, -2, 5])
    #expect(try Expression("trace(A)").evaluate(["A": s])[0, 0] == 8)
  }

  /// The derivative of `dot(x,y)` with respect to x is yᵀ for columns, checked against central
  /// differences.
  @Test func dotDifferentiates() throws {
    let f = try Expression("dot(x,y)")
    let dims = ["x": Shape(3, 1), "y": Shape(3, 1)]
    let point = RandomPoint.point(dims: dims, expressions: [f], assumptions: Assumptions(), seed: 11)
    let d = try SymbolicDerivative(of: f, wrt: "x", dims: dims)
    let j = try d.jacobian(at: point).materialized()
    let fd = try TestSupport.Reference.finiteDifferenceJacobian(
      { try f.evaluate(["x": $0, "y": point["y"]!]) }, at: point["x"]!)
    #expect(TestSupport.Reference.relativeError(j, fd) < 1e-8, "seed 11")
    for i in 0..<3 { #expect(abs(j[0, i] - point["y"]![i, 0]) <= 1e-14 * abs(point["y"]![i, 0]) + 1e-300) }
  }

  @Test(arguments: [
    ("norm(x,2)", "norm(x,2) is written norm(x) here"),
    ("norm(X,1)", "norm(x,1) is written norm1(x) here"),
    ("norm(X,Inf)", "unsupported second argument Inf of norm"),
    ("norm(X,'nuc')", "unsupported second argument 'nuc' of norm"),
    ("norm(X,'fro',2)", "wrong number of arguments to norm"),
    ("norm()", "wrong number of arguments to norm"),
    ("dot(x)", "wrong number of arguments to dot"),
    ("trace(A,B)", "wrong number of arguments to trace"),
    ("x + 'fro'", "unexpected \"'\""),
    ("f(x,'fro)", "the quoted text at position 5 is never closed"),
    ("sum(x,'fro')", "unexpected quoted text 'fro'"),
  ])
  func refusals(_ source: String, _ message: String) {
    #expect {
      _ = try Expression(source)
    } throws: { error in
      guard let e = error as? ParseError else { return false }
      return e.message == message
    }
  }

  /// `dot` of different shapes does not conform (tr(x'*y) needs equal shapes).
  @Test func dotNeedsEqualShapes() {
    #expect(throws: ShapeError.self) { _ = try Expression("dot(x,y)").shape(in: ["x": Shape(3, 1), "y": Shape(2, 1)]) }
    #expect(throws: ShapeError.self) { _ = try Expression("dot(x,y)").shape(in: ["x": Shape(3, 2), "y": Shape(3, 1)]) }
  }

  @Test func caretTIsNamedUnlessTIsGiven() throws {
    let cases: [(String, String)] = [
      ("x^T A x", "in x^T, T is read as an exponent; for the transpose write x' or xᵀ"),
      ("x^T*A*x", "in x^T, T is read as an exponent; for the transpose write x' or xᵀ"),
      ("(A*x)^T*y", "in (A*x)^T, T is read as an exponent; for the transpose write (A*x)' or (A*x)ᵀ"),
      ("y + exp(X^T)", "in X^T, T is read as an exponent; for the transpose write X' or Xᵀ"),
    ]
    for (source, sentence) in cases {
      #expect(try Expression(source).caretTransposeSentence(given: ["x", "A", "y", "X"]) == sentence, "\(source)")
      #expect(try Expression(source).caretTransposeSentence(given: ["T"]) == nil, "\(source)")
    }
    #expect(try Expression("x'*A*x").caretTransposeSentence(given: []) == nil)
    #expect(try Expression("x^t").caretTransposeSentence(given: []) == nil)
    #expect(try Expression("x.^T").caretTransposeSentence(given: []) == nil)
  }
}
