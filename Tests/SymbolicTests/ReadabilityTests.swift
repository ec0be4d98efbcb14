// The readability suite: derivatives as the textbooks write them. Each case holds the textbook's
// form, written here by hand in the expression language; jac's printed form (the gradient for a
// 1×1 F, the Jacobian otherwise) must (a) parse back, in plain and in Unicode text, and equal the
// textbook's form at random points, (b) be at most `budget` times the textbook's length
// (characters of the plain text, spaces removed; 1.25 unless the case says why), and (c) carry none
// of the artifacts a teacher strikes out: `.^-`/`^-` reciprocals, long decimals, `--`, and `ones(`
// where the textbook has none.
import Foundation
import MatrixCore
import Testing

@testable import Symbolic

struct ReadabilityCase: CustomTestStringConvertible, Sendable {
  let expression: String
  let wrt: String
  let dims: [String: Shape]
  let textbook: String
  let budget: Double
  let why: String?

  init(_ expression: String, _ wrt: String, _ dims: String, _ textbook: String, budget: Double = 1.25, why: String? = nil) {
    self.expression = expression
    self.wrt = wrt
    self.dims = MatrixIdentity.parseDims(dims)
    self.textbook = textbook
    self.budget = budget
    self.why = why
  }

  var testDescription: String { "∂(\(expression))/∂\(wrt)" }
}

@Suite struct ReadabilityTests {
  static let cases: [ReadabilityCase] = [
    // Scalar functions of a scalar (the 1×1 Jacobian and the gradient agree).
    ReadabilityCase("log(x)", "x", "x=1x1", "1/x"),
    ReadabilityCase("1/x", "x", "x=1x1", "-1/x^2"),
    ReadabilityCase("x^3/6", "x", "x=1x1", "x^2/2"),
    ReadabilityCase("sqrt(x)", "x", "x=1x1", "1/(2*sqrt(x))"),
    ReadabilityCase("x*log(x)", "x", "x=1x1", "log(x)+1"),
    ReadabilityCase("exp(-x^2/2)", "x", "x=1x1", "-x*exp(-x^2/2)"),
    ReadabilityCase("tanh(x)", "x", "x=1x1", "1-tanh(x)^2"),
    ReadabilityCase("sigmoid(x)", "x", "x=1x1", "sigmoid(x)*(1-sigmoid(x))"),
    ReadabilityCase("log(1+exp(x))", "x", "x=1x1", "sigmoid(x)"),
    ReadabilityCase("-log(1+exp(-x))", "x", "x=1x1", "sigmoid(-x)"),
    ReadabilityCase("sin(x)^2", "x", "x=1x1", "2*sin(x)*cos(x)"),
    ReadabilityCase("x/(1+x^2)", "x", "x=1x1", "(1-x^2)/(1+x^2)^2", budget: 1.6,
      why: "jac keeps the quotient rule's two terms, 1/(1+x²) − 2x²/(1+x²)², instead of a common denominator"),
    ReadabilityCase(
      "sqrt(x^2+exp(x^2))+cos(x^2+exp(x^2))", "x", "x=1x1",
      "2*x*(1/(2*sqrt(x^2+exp(x^2)))-sin(x^2+exp(x^2)))*(1+exp(x^2))"),
    ReadabilityCase("exp(-(x-m)^2/(2*s^2))", "m", "x=1x1,m=1x1,s=1x1", "(x-m)*exp(-(x-m)^2/(2*s^2))/s^2"),
    ReadabilityCase("log(s)+(x-m)^2/(2*s^2)", "s", "x=1x1,m=1x1,s=1x1", "1/s-(x-m)^2/s^3"),
    ReadabilityCase("a*x^2+b*x+c", "x", "a=1x1,b=1x1,c=1x1,x=1x1", "2*a*x+b"),
    // Scalar functions of a vector.
    ReadabilityCase("x'*x/15", "x", "x=3x1", "2*x/15"),
    ReadabilityCase("x'*x/2", "x", "x=3x1", "x"),
    ReadabilityCase("x'*x", "x", "x=3x1", "2*x"),
    ReadabilityCase("a'*x", "x", "a=3x1,x=3x1", "a"),
    ReadabilityCase("x'*A*x", "x", "x=3x1,A=3x3", "(A+A')*x"),
    ReadabilityCase("norm(x)", "x", "x=3x1", "x/norm(x)"),
    ReadabilityCase("norm(x)^2", "x", "x=3x1", "2*x"),
    ReadabilityCase("norm(A*x-b)^2", "x", "A=4x3,x=3x1,b=4x1", "2*A'*(A*x-b)"),
    ReadabilityCase("(A*x-b)'*(A*x-b)/2", "x", "A=4x3,x=3x1,b=4x1", "A'*(A*x-b)"),
    ReadabilityCase("(x-m)'*inv(S)*(x-m)/2", "x", "x=3x1,m=3x1,S=3x3", "(inv(S)+inv(S)')*(x-m)/2"),
    ReadabilityCase("(x-m)'*inv(S)*(x-m)/2", "m", "x=3x1,m=3x1,S=3x3", "-(inv(S)+inv(S)')*(x-m)/2"),
    ReadabilityCase("-(x-m)'*(x-m)/(2*s^2)", "m", "x=3x1,m=3x1,s=1x1", "(x-m)/s^2"),
    ReadabilityCase("log(x'*x)", "x", "x=3x1", "2*x/(x'*x)"),
    ReadabilityCase("sqrt(x'*x)", "x", "x=3x1", "x/sqrt(x'*x)"),
    ReadabilityCase("1/norm(x)", "x", "x=3x1", "-x/norm(x)^3"),
    ReadabilityCase("sum(log(x))", "x", "x=3x1", "1./x"),
    ReadabilityCase("sum(sqrt(x))", "x", "x=3x1", "1./(2*sqrt(x))"),
    ReadabilityCase("sum(exp(x))", "x", "x=3x1", "exp(x)"),
    ReadabilityCase("logsumexp(x)", "x", "x=4x1", "softmax(x)"),
    ReadabilityCase("-p'*log(softmax(z))", "z", "p=4x1,z=4x1", "sum(p)*softmax(z)-p"),
    ReadabilityCase("-p'*log(softmax(W*x))", "W", "p=4x1,W=4x3,x=3x1", "(sum(p)*softmax(W*x)-p)*x'"),
    ReadabilityCase("u'*tanh(W*x+b)", "W", "u=5x1,W=5x3,x=3x1,b=5x1", "(u.*(1-tanh(W*x+b).^2))*x'"),
    ReadabilityCase("u'*sigmoid(z)", "z", "u=4x1,z=4x1", "u.*sigmoid(z).*(1-sigmoid(z))"),
    // Scalar functions of a matrix.
    ReadabilityCase("a'*X*b", "X", "a=3x1,X=3x2,b=2x1", "a*b'"),
    ReadabilityCase("tr(A*X)", "X", "A=3x3,X=3x3", "A'"),
    ReadabilityCase("tr(X'*A*X)", "X", "X=3x2,A=3x3", "(A+A')*X"),
    ReadabilityCase("tr(X'*X)", "X", "X=3x2", "2*X"),
    ReadabilityCase("norm(X)^2/2", "X", "X=3x2", "X"),
    ReadabilityCase("det(X)", "X", "X=3x3", "det(X)*inv(X)'"),
    ReadabilityCase("logdet(X)", "X", "X=3x3", "inv(X)'"),
    ReadabilityCase("tr(inv(X))", "X", "X=3x3", "-inv(X)'*inv(X)'", budget: 1.3,
      why: "jac writes X⁻ᵀX⁻ᵀ with a minus in front where the textbook may write (X⁻²)ᵀ"),
    ReadabilityCase("a'*inv(X)*b", "X", "a=3x1,X=3x3,b=3x1", "-inv(X)'*a*b'*inv(X)'"),
    // Vector and matrix functions (Jacobians in numerator layout).
    ReadabilityCase("A*x", "x", "A=4x3,x=3x1", "A"),
    ReadabilityCase("X'*X", "X", "X=3x2", "kron(I(2),X')+kron(X',I(2))*K(3,2)"),
    ReadabilityCase("A*X*B", "X", "A=2x3,X=3x4,B=4x2", "kron(B',A)"),
    ReadabilityCase("inv(X)", "X", "X=3x3", "-kron(inv(X)',inv(X))"),
    ReadabilityCase("x.*x", "x", "x=3x1", "diag(2*x)"),
    ReadabilityCase("exp(x)", "x", "x=3x1", "diag(exp(x))"),
    ReadabilityCase("tanh(x)", "x", "x=3x1", "diag(1-tanh(x).^2)"),
    ReadabilityCase("sigmoid(x)", "x", "x=3x1", "diag(sigmoid(x).*(1-sigmoid(x)))"),
    ReadabilityCase("u'*tanh(W*x+b)", "b", "u=5x1,W=5x3,x=3x1,b=5x1", "u.*(1-tanh(W*x+b).^2)"),
    // A 1×1 quotient of equal products cancels: −log(softmax(z)ᵀy) (y a column of weights).
    ReadabilityCase("-log(softmax(z)'*y)", "z", "z=4x1,y=4x1", "softmax(z)-softmax(z).*y/(softmax(z)'*y)"),
    ReadabilityCase("-log(y'*softmax(z))", "z", "z=4x1,y=4x1", "softmax(z)-softmax(z).*y/(y'*softmax(z))"),
    // σ written out, as in CS231n: 1/(1 + e⁻ˣ) differentiates to σ(x)(1 − σ(x)).
    ReadabilityCase("1/(1+exp(-x))", "x", "x=1x1", "sigmoid(x)*(1-sigmoid(x))"),
    ReadabilityCase("sum(1 ./ (1+exp(-x)))", "x", "x=3x1", "sigmoid(x).*(1-sigmoid(x))"),
    ReadabilityCase("1/(1+exp(-(w'*x)))", "w", "w=3x1,x=3x1", "sigmoid(w'*x)*(1-sigmoid(w'*x))*x"),
    ReadabilityCase("x/norm(x)", "x", "x=3x1", "(I(3)-x*x'/(x'*x))/norm(x)", budget: 1.5,
      why: "jac writes I/‖x‖ − xxᵀ/‖x‖³ with the norm cubed rather than a projector over ‖x‖"),
    // Gradients that printed as the transpose of a row, (…)ᵀ: now columns, term by term.
    ReadabilityCase("x'*A*x/(x'*x)", "x", "x=3x1,A=3x3", "(A+A')*x/(x'*x)-2*(x'*A*x)*x/(x'*x)^2"),
    ReadabilityCase("x'*A*x/(x'*B*x)", "x", "x=3x1,A=3x3,B=3x3", "(A+A')*x/(x'*B*x)-(x'*A*x)*(B+B')*x/(x'*B*x)^2"),
    ReadabilityCase("(x'*y)^2/(x'*x)", "x", "x=3x1,y=3x1", "2*(x'*y)*y/(x'*x)-2*(x'*y)^2*x/(x'*x)^2"),
    ReadabilityCase("a'*x/(norm(a)*norm(x))", "x", "a=3x1,x=3x1", "a/(norm(a)*norm(x))-(a'*x)*x/(norm(a)*norm(x)^3)"),
    // Logistic regression: y(1 − σ)x − σ(1 − y)x multiplied out cancels to (y − σ)x.
    ReadabilityCase("y*log(sigmoid(w'*x))+(1-y)*log(1-sigmoid(w'*x))", "w", "y=1x1,w=3x1,x=3x1", "(y-sigmoid(w'*x))*x"),
    ReadabilityCase("-y'*log(sigmoid(X*w))-(1-y)'*log(1-sigmoid(X*w))", "w", "y=4x1,X=4x3,w=3x1", "X'*(sigmoid(X*w)-y)"),
    ReadabilityCase("-y'*log(sigmoid(z))-(1-y)'*log(1-sigmoid(z))", "z", "y=4x1,z=4x1", "sigmoid(z)-y"),
    ReadabilityCase("log(1+exp(w'*x))-y*w'*x", "w", "y=1x1,w=3x1,x=3x1", "(sigmoid(w'*x)-y)*x"),
    // The sum form of the loss, σ(−t) for 1 − σ(t), softplus and tanh-based sigmoids: quotients
    // cancel against σ′ = σ(1 − σ) once the entrywise product is distributed.
    ReadabilityCase("-sum(y.*log(sigmoid(X*w))+(1-y).*log(1-sigmoid(X*w)))", "w", "y=4x1,X=4x3,w=3x1", "X'*(sigmoid(X*w)-y)"),
    ReadabilityCase("-sum(y.*log(sigmoid(X*w))+(1-y).*log(sigmoid(-X*w)))", "w", "y=4x1,X=4x3,w=3x1", "X'*(sigmoid(X*w)-y)"),
    ReadabilityCase("sum(softplus(-X*w))+(1-y)'*X*w", "w", "y=4x1,X=4x3,w=3x1", "X'*(sigmoid(X*w)-y)"),
    ReadabilityCase(
      "-sum(y.*log((1+tanh(X*w/2))/2)+(1-y).*log((1-tanh(X*w/2))/2))", "w", "y=4x1,X=4x3,w=3x1",
      "X'*((1+tanh(X*w/2))/2-y)"),
    // Numeric factors folded: 1/(2xᵀx) has the gradient −x/(xᵀx)², not −4x/(2xᵀx)².
    ReadabilityCase("1/2*x'*x", "x", "x=3x1", "-x/(x'*x)^2"),
    ReadabilityCase("exp(-x.^2/2)", "x", "x=3x1", "-diag(exp(-x.^2/2).*x)"),
    // A transposed sum among the terms of a gradient shaped like a row or a matrix is distributed
    // and meets the other terms: (A + Aᵀ)X/tr(XᵀX) − …, not AᵀX/t − … + (XᵀAᵀ/t − …)ᵀ.
    ReadabilityCase("x*A*x'/(x*x')", "x", "x=1x3,A=3x3", "x*(A+A')/(x*x')-2*(x*A*x')*x/(x*x')^2"),
    ReadabilityCase(
      "tr(X'*A*X)/tr(X'*X)", "X", "X=3x2,A=3x3", "(A+A')*X/tr(X'*X)-2*tr(X'*A*X)*X/tr(X'*X)^2"),
    // Least squares and ridge, the log-det barrier (already columns; kept as they are).
    ReadabilityCase("norm(A*x-b)^2+lambda*norm(x)^2", "x", "A=4x3,x=3x1,b=4x1,lambda=1x1", "2*A'*(A*x-b)+2*lambda*x"),
    ReadabilityCase("logdet(X)-tr(S*X)", "X", "X=3x3,S=3x3", "inv(X)'-S'"),
  ]

  /// Plain text without spaces.
  static func length(_ text: String) -> Int { text.filter { $0 != " " }.count }

  @Test(arguments: cases)
  func printedFormIsTheTextbooks(_ c: ReadabilityCase) throws {
    let d = try SymbolicDerivative(of: Expression(c.expression), wrt: c.wrt, dims: c.dims)
    let printed = d.outputShape.isScalar ? try #require(d.gradient) : d.jacobian
    let textbook = try Expression(c.textbook)
    let plain = printed.plainText
    // (a) Read back, in both printed forms, and equal to the textbook's form at random points.
    let readBack = try Expression(plain)
    let readBackUnicode = try Expression(printed.unicodeText)
    let seed: UInt64 = 11
    var g = SeededGenerator(seed: seed)
    let constraints = RandomPoint.constraints(in: [try Expression(c.expression), textbook])
    for trial in 0..<3 {
      var point: [String: Matrix] = [:]
      for (name, shape) in c.dims.sorted(by: { $0.key < $1.key }) {
        point[name] = RandomPoint.draw(shape, constraint: constraints[name], using: &g)
      }
      let expected = try textbook.evaluate(point)
      for (form, e) in [("plain", readBack), ("unicode", readBackUnicode)] {
        let got = try e.evaluate(point)
        #expect(got.shape == expected.shape, "\(form) \(plain): shape \(got.shape), textbook \(expected.shape)")
        guard got.shape == expected.shape else { continue }
        let scale = max(1, expected.storage.map { Swift.abs($0) }.max() ?? 0)
        let err = zip(got.storage, expected.storage).map { Swift.abs($0 - $1) }.max() ?? 0
        #expect(
          err <= 1e-9 * scale,
          "\(form) form \(plain) differs from the textbook's \(c.textbook) by \(err) (seed \(seed), trial \(trial))")
      }
    }
    // (b) Length within the budget.
    let (mine, theirs) = (Self.length(plain), Self.length(c.textbook))
    #expect(
      Double(mine) <= c.budget * Double(theirs),
      "\(plain) has \(mine) characters, the textbook's \(c.textbook) \(theirs) (budget \(c.budget))")
    // (c) No artifacts.
    #expect(!plain.contains(".^-") && !plain.contains("^-"), "\(plain) writes a reciprocal as a negative power")
    #expect(!plain.contains("--"), "\(plain) has a double negation")
    #expect(
      plain.range(of: "[0-9]\\.[0-9]{4,}", options: .regularExpression) == nil, "\(plain) has a long decimal")
    if !c.textbook.contains("ones(") {
      #expect(!plain.contains("ones("), "\(plain) writes ones( where the textbook has a scalar 1")
    }
  }

  /// The length ratios over the whole suite, printed for the record (each case checks its own).
  @Test func lengthRatios() throws {
    var ratios: [Double] = []
    for c in Self.cases {
      let d = try SymbolicDerivative(of: Expression(c.expression), wrt: c.wrt, dims: c.dims)
      let printed = d.outputShape.isScalar ? try #require(d.gradient) : d.jacobian
      ratios.append(Double(Self.length(printed.plainText)) / Double(Self.length(c.textbook)))
    }
    let sorted = ratios.sorted()
    let within = ratios.filter { $0 <= 1.25 }.count
    print(
      "ReadabilityTests: \(ratios.count) cases, length/textbook median \(sorted[sorted.count / 2]), "
        + "max \(sorted.last!), \(within) within 1.25")
    #expect(within >= ratios.count - 3)
  }

  /// The sigmoid written out differentiates to the lecture notes' (1 − σ)σ form, word for word;
  /// σ(−z) alone (the logistic loss) stays as it is.
  @Test func sigmoidWrittenOutGivesTheNotesForm() throws {
    func gradient(_ e: String, _ dims: String) throws -> String {
      let d = try SymbolicDerivative(of: Expression(e), wrt: "x", dims: MatrixIdentity.parseDims(dims))
      return try #require(d.gradient).unicodeText
    }
    #expect(try gradient("1/(1+exp(-x))", "x=1x1") == "sigmoid(x)(1 − sigmoid(x))")
    #expect(try gradient("sum(1 ./ (1+exp(-x)))", "x=3x1") == "sigmoid(x) ⊙ (1 − sigmoid(x))")
    #expect(try gradient("-log(1+exp(-x))", "x=1x1") == "sigmoid(−x)")
  }

  @Test func suiteIsLargeEnough() {
    #expect(Self.cases.count >= 40)
    for c in Self.cases where c.budget != 1.25 { #expect(c.why != nil, "\(c.testDescription) needs a reason") }
  }
}
