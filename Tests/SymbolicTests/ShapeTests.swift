import MatrixCore
import Testing

@testable import Symbolic

private let dims: [String: Shape] = [
  "X": Shape(3, 2), "A": Shape(4, 3), "S": Shape(2, 2), "x": Shape(3, 1), "r": Shape(1, 3), "s": Shape(1, 1),
  "u": Shape(5, 1), "W": Shape(5, 3), "b": Shape(5, 1),
]

struct ShapeCase: CustomTestStringConvertible, Sendable {
  let source: String
  let rows: Int
  let cols: Int
  init(_ source: String, _ rows: Int, _ cols: Int) {
    self.source = source
    self.rows = rows
    self.cols = cols
  }
  var testDescription: String { source }
}

struct ShapeFailure: CustomTestStringConvertible, Sendable {
  let source: String
  let message: String
  init(_ source: String, _ message: String) {
    self.source = source
    self.message = message
  }
  var testDescription: String { source }
}

@Suite struct ShapeInferenceTests {
  static let cases: [ShapeCase] =
    [
      ShapeCase("X'*X", 2, 2),
      ShapeCase("X*X'", 3, 3),
      ShapeCase("A*X", 4, 2),
      ShapeCase("u'*tanh(W*x+b)", 1, 1),
      ShapeCase("kron(I(2),X')+kron(X',I(2))*K(3,2)", 4, 6),
      ShapeCase("(u.*(ones(5,1)-tanh(W*x+b).^2))*x'", 5, 3),
      ShapeCase("s*X", 3, 2),
      ShapeCase("X*s", 3, 2),
      ShapeCase("2*X", 3, 2),
      ShapeCase("s*s", 1, 1),
      ShapeCase("X.*X", 3, 2),
      ShapeCase("X.*s", 3, 2),
      ShapeCase("s./X", 3, 2),
      ShapeCase("X/s", 3, 2),
      ShapeCase("X/2", 3, 2),
      ShapeCase("S^3", 2, 2),
      ShapeCase("S^-1", 2, 2),
      ShapeCase("S^0", 2, 2),
      ShapeCase("s^0.5", 1, 1),
      ShapeCase("s^s", 1, 1),
      ShapeCase("X.^2", 3, 2),
      ShapeCase("X.^s", 3, 2),
      ShapeCase("-X", 3, 2),
      ShapeCase("transpose(X)", 2, 3),
      ShapeCase("inv(S)", 2, 2),
      ShapeCase("det(S)", 1, 1),
      ShapeCase("logdet(S)", 1, 1),
      ShapeCase("tr(X*X')", 1, 1),
      ShapeCase("sum(X)", 1, 1),
      ShapeCase("norm(X)", 1, 1),
      ShapeCase("kron(X,A)", 12, 6),
      ShapeCase("vec(X)", 6, 1),
      ShapeCase("diag(x)", 3, 3),
      ShapeCase("diag(r)", 3, 3),
      ShapeCase("diagonal(S)", 2, 1),
      ShapeCase("softmax(x)", 3, 1),
      ShapeCase("logsumexp(X)", 1, 1),
      ShapeCase("I(4)", 4, 4),
      ShapeCase("K(3,2)", 6, 6),
      ShapeCase("zeros(2,5)", 2, 5),
      ShapeCase("ones(5,2)", 5, 2),
      ShapeCase("K(3,2)*vec(X)", 6, 1),
      ShapeCase("I(10000)", 10_000, 10_000),
      // Broadcasting (docs/language.md).
      ShapeCase("X+s", 3, 2),
      ShapeCase("X./x", 3, 2),
      ShapeCase("x-r", 3, 3),
      ShapeCase("W*x+b", 5, 1), ShapeCase("W*x*r+b", 5, 3),
      ShapeCase("r.*A", 4, 3),
    ] + ElementwiseFunction.allCases.map { ShapeCase("\($0.name)(X)", 3, 2) }

  @Test(arguments: cases)
  func infersTheShape(_ c: ShapeCase) throws {
    #expect(try Expression(c.source).shape(in: dims) == Shape(c.rows, c.cols))
  }

  static let failures: [ShapeFailure] = [
    ShapeFailure("X'*A", "in X'*A, X' is 2×3 and A is 4×3: 3 ≠ 4"),
    ShapeFailure("X*X", "in X*X, X is 3×2 and X is 3×2: 2 ≠ 3"),
    ShapeFailure("sum(A*X)+X'*A", "in X'*A, X' is 2×3 and A is 4×3: 3 ≠ 4"),
    ShapeFailure("V*x", "the variable V has no shape: give it with --dims V=RxC"),
    ShapeFailure("X'*Y", "the variable Y has no shape: give it with --dims Y=RxC"),
    ShapeFailure("A+X", "in A+X, A is 4×3 and X is 3×2: a sum needs equal shapes, or a size 1 that broadcasts (rows and columns each equal or 1)"),
    ShapeFailure("X-X'", "in X-X', X is 3×2 and X' is 2×3: a difference needs equal shapes, or a size 1 that broadcasts (rows and columns each equal or 1)"),
    ShapeFailure("X+r", "in X+r, X is 3×2 and r is 1×3: a sum needs equal shapes, or a size 1 that broadcasts (rows and columns each equal or 1)"),
    ShapeFailure(
      "A.*X", "in A.*X, A is 4×3 and X is 3×2: an entrywise product needs equal shapes, or a size 1 that broadcasts (rows and columns each equal or 1)"),
    ShapeFailure(
      "X./u", "in X./u, X is 3×2 and u is 5×1: an entrywise quotient needs equal shapes, or a size 1 that broadcasts (rows and columns each equal or 1)"),
    ShapeFailure("inv(X)", "inv(X) needs a square matrix, but X is 3×2"),
    ShapeFailure("det(X'*A')", "det(X'*A') needs a square matrix, but X'*A' is 2×4"),
    ShapeFailure("logdet(X)", "logdet(X) needs a square matrix, but X is 3×2"),
    ShapeFailure("tr(X)", "tr(X) needs a square matrix, but X is 3×2"),
    ShapeFailure("diagonal(x)", "diagonal(x) needs a square matrix, but x is 3×1"),
    ShapeFailure("X^2", "X^2 needs a square matrix, but X is 3×2"),
    ShapeFailure("(X+X)^-1", "(X+X)^-1 needs a square matrix, but X+X is 3×2"),
    ShapeFailure(
      "S^0.5",
      "in S^0.5, the exponent 0.5 must be an integer constant because S is 2×2, not 1×1; use .^ for an entrywise power"
    ),
    ShapeFailure(
      "S^s",
      "in S^s, the exponent s must be an integer constant because S is 2×2, not 1×1; use .^ for an entrywise power"
    ),
    ShapeFailure("S^S", "in S^S, the exponent S must be 1×1, but it is 2×2"),
    ShapeFailure("X.^X", "in X.^X, the exponent X must be 1×1, but it is 3×2"),
    ShapeFailure("X/X", "in X/X, the divisor X must be 1×1, but it is 3×2; use ./ to divide entrywise"),
    ShapeFailure(
      "diag(X)",
      "diag(X) needs a vector (n×1 or 1×n), but X is 3×2; diagonal(A) takes the diagonal of a square matrix"),
    ShapeFailure(
      "softmax(r)", "softmax(r) needs a column vector (n×1), but r is 1×3; transpose the row first"),
    ShapeFailure("softmax(X)", "softmax(X) needs a column vector (n×1), but X is 3×2"),
    ShapeFailure(
      "I(100000000)",
      "I(100000000) would be 100000000×100000000, more than 100000000 entries, the limit for one matrix"),
    ShapeFailure(
      "ones(100000,100000)",
      "ones(100000,100000) would be 100000×100000, more than 100000000 entries, the limit for one matrix"),
    ShapeFailure(
      "K(100,1000)",
      "K(100,1000) would be 100000×100000, more than 100000000 entries, the limit for one matrix"),
    ShapeFailure(
      "K(9999999999,9999999999)",
      "K(9999999999,9999999999) would have more entries than can be counted; the limit is 100000000 per matrix"
    ),
    ShapeFailure(
      "kron(I(10000),I(10000))",
      "kron(I(10000),I(10000)) would be 100000000×100000000, more than 100000000 entries, the limit for one matrix"
    ),
  ]

  @Test(arguments: failures)
  func explainsTheMismatch(_ f: ShapeFailure) throws {
    let e = try Expression(f.source)
    let error = try #require(throws: ShapeError.self) { try e.shape(in: dims) }
    #expect(error.description == f.message)
  }

  @Test func theErrorValuesAreStructured() throws {
    let error = try #require(throws: ShapeError.self) { try Expression("X'*A").shape(in: dims) }
    #expect(
      error
        == .innerSizes(expression: "X'*A", lhs: "X'", lhsShape: Shape(2, 3), rhs: "A", rhsShape: Shape(4, 3)))
    #expect(throws: ShapeError.unknownVariable("V")) { try Expression("V").shape(in: dims) }
  }

  @Test func sizesBuiltInCodeAreChecked() {
    #expect(throws: ShapeError.invalidSize(expression: "I(0)", rows: 0, cols: 0)) {
      try Expression.identity(0).shape(in: [:])
    }
    #expect(throws: ShapeError.invalidSize(expression: "zeros(-1,2)", rows: -1, cols: 2)) {
      try Expression.zeros(-1, 2).shape(in: [:])
    }
    let empty = ShapeError.invalidSize(expression: "E", rows: 0, cols: 3)
    #expect(empty.description == "E is 0×3, but sizes must be positive")
    #expect(throws: empty) { try Expression.variable("E").shape(in: ["E": Shape(0, 3)]) }
    #expect(throws: ShapeError.tooLarge(expression: "V", rows: 20_000, cols: 20_000)) {
      try Expression.variable("V").shape(in: ["V": Shape(20_000, 20_000)])
    }
  }
}
