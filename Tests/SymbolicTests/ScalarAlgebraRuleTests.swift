// The simplifier's rules of scalar algebra, recognised forms and Kronecker/commutation products,
// one case per rule: the simplified form as written, and its value equal to the input's value
// computed by definition (`Reference.evaluate`, dense, independent of the library) at seeded
// random points.
import MatrixCore
import Testing

@testable import Symbolic

struct RuleCase: CustomTestStringConvertible, Sendable {
  let rule: String
  let input: String
  let dims: [String: Shape]
  let simplified: String

  init(_ rule: String, _ input: String, _ dims: String, _ simplified: String) {
    self.rule = rule
    self.input = input
    self.dims = MatrixIdentity.parseDims(dims)
    self.simplified = simplified
  }

  var testDescription: String { "\(rule): \(input)" }
}

@Suite struct ScalarAlgebraRuleTests {
  static let cases: [RuleCase] = [
    RuleCase("reciprocal of a 1×1 value as a fraction", "x.^-1", "x=1x1", "1/x"),
    RuleCase("reciprocal power", "3*x^-2", "x=1x1", "3/x^2"),
    RuleCase("exact rational coefficient", "x*2/15", "x=3x1", "2*x/15"),
    RuleCase("half", "0.5*x", "x=3x1", "x/2"),
    RuleCase("negative rational on the numerator", "-(x/3)*2", "x=3x1", "-2*x/3"),
    RuleCase("decimal that is no small ratio stays", "0.1234567*x", "x=3x1", "0.1234567*x"),
    RuleCase("powers of one base merge", "x*x*y", "x=1x1,y=1x1", "x^2*y"),
    RuleCase("a factor cancels its reciprocal", "s*(A/s)", "s=1x1,A=2x3", "A"),
    RuleCase("power of a product", "1/(2*s^2)^2", "s=1x1", "1/(4*s^4)"),
    RuleCase("double negation", "-(-x)", "x=3x1", "x"),
    RuleCase("subtracting a negation", "a-(-b)", "a=3x1,b=3x1", "a+b"),
    RuleCase("positive term first", "-a+b", "a=3x1,b=3x1", "b-a"),
    RuleCase("sign of an all-negative sum joins the coefficient", "c'*(-a-b)", "a=3x1,b=3x1,c=3x1", "-c'*(a+b)"),
    RuleCase("common scalar factors of a sum", "2*x+2*x*exp(x)", "x=1x1", "2*x*(1+exp(x))"),
    RuleCase("common reciprocal of a sum", "x/s^2-m/s^2", "x=3x1,m=3x1,s=1x1", "(x-m)/s^2"),
    RuleCase("common coefficient of a sum", "0.5*inv(S)+0.5*inv(S)'", "S=3x3", "(inv(S)+inv(S)')/2"),
    RuleCase("broadcast ones as the scalar 1", "ones(3,1)-tanh(v).^2", "v=3x1", "1-tanh(v).^2"),
    RuleCase("ones that set the shape stay", "ones(3,1)-t", "t=1x1", "ones(3,1)-t"),
    RuleCase("an inner product equals its transpose", "u'*v+v'*u", "u=3x1,v=3x1", "2*u'*v"),
    RuleCase("equal terms merged", "A*x+A*x", "A=2x3,x=3x1", "2*A*x"),
    RuleCase("sigmoid from exp(t)/(1+exp(t))", "exp(t)/(1+exp(t))", "t=1x1", "sigmoid(t)"),
    RuleCase("sigmoid from 1/(1+exp(-t))", "1/(1+exp(-t))", "t=1x1", "sigmoid(t)"),
    RuleCase("sigmoid entrywise", "exp(v)./(ones(3,1)+exp(v))", "v=3x1", "sigmoid(v)"),
    RuleCase("sigmoid times its complement", "exp(-t)/(1+exp(-t))^2", "t=1x1", "sigmoid(t)*(1-sigmoid(t))"),
    RuleCase("entrywise reciprocal cancels", "s.*(p./s)", "s=3x1,p=3x1", "p"),
    RuleCase("entrywise powers merge", "v.*v.*w", "v=3x1,w=3x1", "v.^2.*w"),
    RuleCase("entrywise reciprocal as a quotient", "0.5*sqrt(v).^-1", "v=3x1", "1./(2*sqrt(v))"),
    RuleCase("inner product with a reciprocal", "s'*(p.*s.^-1)", "s=3x1,p=3x1", "sum(p)"),
    RuleCase("inverse of a transpose", "inv(X')", "X=3x3", "inv(X)'"),
    RuleCase("K(p,m)(a ⊗ B) = B ⊗ a for a column a", "K(3,2)*kron(a,B)", "a=2x1,B=3x4", "kron(B,a)"),
    RuleCase("(a ⊗ B)K(n,q) = B ⊗ a for a row a", "kron(a,B)*K(2,4)", "a=1x2,B=3x4", "kron(B,a)"),
    RuleCase("K(p,m)(A ⊗ B)K(n,q) = B ⊗ A", "K(3,2)*kron(A,B)*K(4,5)", "A=2x4,B=3x5", "kron(B,A)"),
    RuleCase("mixed product", "kron(A,B)*kron(C,D)", "A=2x3,B=2x2,C=3x2,D=2x3", "kron(A*C,B*D)"),
    // A column is not written as the transpose of a row (docs/simplification.md, "Transposes").
    RuleCase("transpose of a row sum, term by term", "(x'*A+b')'", "x=3x1,A=3x3,b=3x1", "A'*x+b"),
    RuleCase(
      "transpose of a row difference of quotients", "(x'*A/(x'*x)-2*b'*x*x'/(x'*x)^2)'", "x=3x1,A=3x3,b=3x1",
      "A'*x/(x'*x)-2*(b'*x)*x/(x'*x)^2"),
    RuleCase("row times diag(v), transposed, entrywise", "(u'*diag(v))'", "u=3x1,v=3x1", "v.*u"),
    RuleCase("a transposed row sum of diag products", "(y'*diag(s)-(1-y)'*diag(t))'", "y=3x1,s=3x1,t=3x1", "s.*y-t.*(1-y)"),
    RuleCase("the transpose of a column sum stays", "(A*x+b)'", "x=3x1,A=3x3,b=3x1", "(A*x+b)'"),
    RuleCase("the transpose of a matrix sum stays", "(A+B)'", "A=3x2,B=3x2", "(A+B)'"),
    RuleCase("A + Aᵀ is symmetric", "(A+A')'", "A=3x3", "A+A'"),
    RuleCase("a transpose follows its twin", "A-B+A'", "A=3x3,B=3x3", "A+A'-B"),
    RuleCase("a transposed sum among terms is distributed", "A'*X+(X'*A')'", "A=3x3,X=3x2", "(A+A')*X"),
    RuleCase("a transposed difference among terms", "X*B+(B*X'-C')'", "X=3x2,B=2x2,C=3x2", "X*(B+B')-C"),
    // Multiplied out where terms cancel (docs/simplification.md).
    RuleCase("1×1 products of sums cancel", "y*(1-s)*x-s*(1-y)*x", "y=1x1,s=1x1,x=3x1", "(y-s)*x"),
    RuleCase("entrywise products of sums cancel", "s.*(1-y)-(1-s).*y", "s=3x1,y=3x1", "s-y"),
    RuleCase(
      "products of sums that do not cancel stay", "y*(1-s)*x+s*(1-y)*x", "y=1x1,s=1x1,x=3x1", "(y*(1-s)+s*(1-y))*x"),
    RuleCase("products of sums that cancel to a sum", "y*(1-s)*x+s*(1+y)*x", "y=1x1,s=1x1,x=3x1", "(y+s)*x"),
    RuleCase("a common tail with 1×1 factors", "s*x-y*x", "y=1x1,s=1x1,x=3x1", "(s-y)*x"),
    RuleCase("different tails stay", "s*x-y*z", "y=1x1,s=1x1,x=3x1,z=3x1", "s*x-y*z"),
    // Numeric factors folded into one coefficient (docs/simplification.md).
    RuleCase("numeric factors of a 1×1 chain join the coefficient", "-4*x'/(2*x'*x)^2", "x=3x1", "-x'/(x'*x)^2"),
    RuleCase("a 1×1 chain with a negated factor", "(x'*(-A)*x)^2", "x=3x1,A=3x3", "(x'*A*x)^2"),
    RuleCase("diag takes a 1×1 factor out", "diag(2*v)/2", "v=3x1", "diag(v)"),
    RuleCase("diag takes a sign out", "diag(-v)", "v=3x1", "-diag(v)"),
    RuleCase("sum takes a 1×1 factor out", "sum(s*A)", "s=1x1,A=2x3", "s*sum(A)"),
    RuleCase("trace takes a divisor out", "tr(A/s)", "s=1x1,A=3x3", "tr(A)/s"),
    RuleCase("vec takes a 1×1 factor out", "vec(3*A)", "A=2x3", "3*vec(A)"),
    // Logistic-loss identities (docs/simplification.md).
    RuleCase("diagonal matrices of one size join", "diag(a)-diag(b)", "a=3x1,b=3x1", "diag(a-b)"),
    RuleCase("ones times a difference of diagonals", "ones(1,3)*(diag(a)-2*diag(b))*X", "a=3x1,b=3x1,X=3x2", "(a-2*b)'*X"),
    RuleCase("one minus a sigmoid of a negation", "1-sigmoid(-t)", "t=3x1", "sigmoid(t)"),
    RuleCase("one minus a transposed sigmoid of a negation", "1-sigmoid(-t)'", "t=3x1", "sigmoid(t)'"),
    RuleCase("sigmoid of a negation is the complement", "sigmoid(u).*(1-sigmoid(u))./sigmoid(-u)", "u=3x1", "sigmoid(u)"),
    RuleCase("entrywise product distributed where quotients cancel", "((1-y)./(1-s)-y./s).*s.*(1-s)", "s=3x1,y=3x1", "s-y"),
    RuleCase("distributed, one quotient cancels", "(a./u+b).*u", "a=3x1,b=3x1,u=3x1", "a+b.*u"),
    RuleCase("distributed over a difference of squares", "(a./(1-t)-b./(1+t)).*(1-t.^2)", "a=3x1,b=3x1,t=3x1", "a.*(1+t)-b.*(1-t)"),
    RuleCase("a product of a sum that cancels nothing stays", "(a+b).*c", "a=3x1,b=3x1,c=3x1", "(a+b).*c"),
    RuleCase("a quotient by a scaled vector", "p./(u/2)", "p=3x1,u=3x1", "2*p./u"),
    RuleCase("a negated difference is turned round", "-(y-s)'*X", "s=3x1,y=3x1,X=3x2", "(s-y)'*X"),
    RuleCase("a negated sum stays negated", "-(y+s)'*X", "s=3x1,y=3x1,X=3x2", "-(y+s)'*X"),
    // A 1×1 product that scales a matrix is printed in parentheses (docs/printing.md).
    RuleCase("a 1×1 product before a matrix", "2*x'*A*x*x", "x=3x1,A=3x3", "2*(x'*A*x)*x"),
    RuleCase("a 1×1 product after 1×1 factors alone", "2*u'*v", "u=3x1,v=3x1", "2*u'*v"),
  ]

  @Test(arguments: cases)
  func ruleGivesItsFormAndKeepsTheValue(_ c: RuleCase) throws {
    let input = try Expression(c.input)
    var simplifier = Simplifier(dims: c.dims)
    let output = try simplifier.simplify(input)
    #expect(output.plainText == c.simplified)
    let seed: UInt64 = 2026
    var g = SeededGenerator(seed: seed)
    for trial in 0..<3 {
      var values: [String: Matrix] = [:]
      for (name, shape) in c.dims.sorted(by: { $0.key < $1.key }) {
        let z = Matrix.randomNormal(shape.rows, shape.cols, using: &g)
        // Positive entries (sqrt) and well-conditioned square matrices (inv).
        values[name] = shape.isSquare && !shape.isScalar
          ? Matrix.identity(shape.rows).scaled(by: 2) + z.scaled(by: 0.3) : z.map { Swift.abs($0) + 0.5 }
      }
      let reference = try Reference.evaluate(input, values.mapValues { Dense($0) })
      let value = try output.evaluate(values)
      #expect(close(value, reference), "\(c.input) → \(output.plainText): values differ (seed \(seed), trial \(trial))")
      // The printed form reads back to the same value.
      #expect(close(try Expression(output.plainText).evaluate(values), reference))
      #expect(close(try Expression(output.unicodeText).evaluate(values), reference))
    }
  }
}
