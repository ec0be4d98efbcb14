// The simplifier rule by rule: for each rule an expression that triggers it, simplified, and
// the simplified value compared with the original expression evaluated by definition (the naive
// reference evaluator of this test target, no BLAS, no LAPACK) at seeded random points, with a
// relative tolerance. A rule that changes a value, or that no longer fires, fails here by name.
import MatrixCore
import Testing

@testable import Symbolic

private let ruleDims: [String: Shape] = [
  "X": Shape(3, 2), "A": Shape(2, 2), "C": Shape(2, 2), "B": Shape(3, 3), "u": Shape(3, 1), "v": Shape(3, 1),
  "s": Shape(1, 1), "w": Shape(2, 1),
]

struct SimplifierRule: Sendable, CustomTestStringConvertible {
  let rule: String
  let input: String
  var testDescription: String { "\(rule): \(input)" }
  init(_ rule: String, _ input: String) {
    self.rule = rule
    self.input = input
  }
}

private let rules: [SimplifierRule] = [
  SimplifierRule("(A')' = A", "(X')'"),
  SimplifierRule("(A⊗B)' = A'⊗B'", "kron(A,B)'"),
  SimplifierRule("(AB)' = B'A'", "(X*A)'"),
  SimplifierRule("(cA)' = cA'", "(2*X)'"),
  SimplifierRule("(−A)' = −A'", "(-X)'"),
  SimplifierRule("K(m,n)' = K(n,m)", "K(3,2)'"),
  SimplifierRule("mixed product", "kron(A,B)*kron(C,B)"),
  SimplifierRule("K(n,m)K(m,n) = I", "K(3,2)*K(2,3)"),
  SimplifierRule("K(p,m)(A⊗B)K(n,q) = B⊗A", "K(3,2)*kron(A,B)*K(2,3)"),
  SimplifierRule("diag(u)diag(v) = diag(u.*v)", "diag(u)*diag(v)"),
  SimplifierRule("A + A = 2A", "X + X"),
  SimplifierRule("A − A = 0", "X - X"),
  SimplifierRule("AC + BC = (A+B)C", "A*C + C*C"),
  SimplifierRule("CA + CB = C(A+B)", "A*C + A*A"),
  SimplifierRule("symmetric S' = S", "inv(X'*X)'"),
  SimplifierRule("s(A/s) = A", "s*(X/s)"),
  SimplifierRule("vec(B)'kron(C,A) = vec(A'BC)'", "vec(X)'*kron(C,B)"),
  SimplifierRule("ones(1,n)diag(v) = v'", "ones(1,3)*diag(u)"),
  SimplifierRule("I(1) = 1", "I(1)*X"),
  SimplifierRule("det(I) = 1", "det(I(3))*X"),
  SimplifierRule("logdet(I) = 0", "logdet(I(3))*X + X"),
  SimplifierRule("X.^0 = ones", "X.^0"),
  SimplifierRule("X.^1 = X", "X.^1"),
  SimplifierRule("exp(zeros) = ones", "exp(zeros(3,2)) .* X"),
  SimplifierRule("abs(−2) = 2", "abs(-2)*X"),
  SimplifierRule("I.*I = I", "I(3).*I(3)"),
  SimplifierRule("ones.*A = A", "ones(3,2).*X"),
  SimplifierRule("A./ones = A", "X./ones(3,2)"),
  SimplifierRule("constants folded in a division", "(6*X)/2"),
  SimplifierRule("I⊗I = I", "kron(I(2),I(3))"),
  SimplifierRule("ones⊗ones = ones", "kron(ones(2,1),ones(1,3))"),
  SimplifierRule("scalars hoisted out of kron", "kron(2*A,3*B)"),
  SimplifierRule("signs hoisted out of kron", "kron(-A,B)"),
  SimplifierRule("K(1,n) = I", "K(1,3)*u"),
  SimplifierRule("inv(I) = I", "inv(I(3))*B"),
  SimplifierRule("inv(c) = 1/c", "inv(4)*X"),
  SimplifierRule("vec(zeros) = zeros", "vec(zeros(2,3)) + vec(X)"),
  SimplifierRule("vec(ones) = ones", "vec(ones(3,2)).*vec(X)"),
  SimplifierRule("reshape(reshape(A)) = reshape(A)", "reshape(reshape(X,2,3),6,1)"),
  SimplifierRule("A^1 = A", "A^1"),
  SimplifierRule("A^0 = I", "A^0 + A"),
  SimplifierRule("I^k = I", "I(3)^4*B"),
  SimplifierRule("sum(ones) = count", "sum(ones(2,3))*X"),
  SimplifierRule("tr(I(n)) = n", "tr(I(4))*X"),
  SimplifierRule("−(−A) = A", "-(-X)"),
  SimplifierRule("−0 = 0", "-(zeros(3,2)) + X"),
  SimplifierRule("identity factors dropped", "I(3)*X*I(2)"),
  SimplifierRule("zero factors absorb", "zeros(2,3)*X + A"),
  SimplifierRule("coefficients multiply", "2*(3*X)"),
]

@Suite struct SimplifierTests {
  @Test(arguments: rules)
  func eachRuleKeepsTheValueByDefinition(_ r: SimplifierRule) throws {
    let e = try Expression(r.input)
    var simplifier = Simplifier(dims: ruleDims)
    let s = try simplifier.simplify(e)
    #expect(s != e, "\(r.rule): \(r.input) was not simplified")
    #expect(try s.shape(in: ruleDims) == e.shape(in: ruleDims))
    for seed in UInt64(1)...3 {
      var g = SeededGenerator(seed: 300 + seed)
      var values = ruleDims.mapValues { Matrix.randomNormal($0.rows, $0.cols, using: &g) }
      // inv(X'*X) needs full column rank (it has it almost surely); s must be nonzero.
      values["s"] = Matrix(rows: 1, cols: 1, columnMajor: [1.5 + Double(seed)])
      let expected = try Reference.evaluate(e, values.mapValues(Dense.init))
      let got = Dense(try s.evaluate(values))
      #expect(got.rows == expected.rows && got.cols == expected.cols)
      let scale = expected.entries.map(abs).max() ?? 0
      let error = zip(got.entries, expected.entries).map { abs($0 - $1) }.max() ?? 0
      #expect(error <= 1e-12 * scale + 1e-300, "\(r.rule): \(r.input) → \(s.plainText), seed \(seed): error \(error)")
    }
  }
}
