import Foundation
import Jacobians
import MatrixCore
import Testing

@testable import Symbolic

typealias DiagnosisExpression = Symbolic.Expression

/// One hand derivation over the lecture notes' examples, and what `jac check` must say about it.
struct TableClaim: CustomTestStringConvertible, Sendable {
  let expression: String
  let wrt: String
  let dims: String
  let claim: String
  var layout: JacobianLayout = .numerator
  var assume: String = ""
  /// The diagnosis kind that must be among the diagnoses; nil: the claim must hold.
  var kind: String? = nil

  var testDescription: String { "\(expression) ∂/∂\(wrt) claim \(claim)" + (kind.map { " → \($0)" } ?? " holds") }

  var shapes: [String: Shape] {
    Dictionary(
      uniqueKeysWithValues: dims.split(separator: ",").map { item -> (String, Shape) in
        let p = item.split(separator: "=")
        let rc = p[1].split(separator: "x").map { Int($0)! }
        return (String(p[0]), Shape(rc[0], rc[1]))
      })
  }

  /// Runs the check at a point drawn from `seed` (satisfying the assumptions).
  func check(seed: UInt64 = 1) throws -> (ClaimCheck, [String: Matrix], DiagnosisExpression, DiagnosisExpression) {
    let f = try DiagnosisExpression(expression)
    let c = try DiagnosisExpression(claim)
    let assumptions = try Assumptions(parsing: assume)
    let values = RandomPoint.point(dims: shapes, expressions: [f, c], assumptions: assumptions, seed: seed)
    let d = try SymbolicDerivative(of: f, wrt: wrt, dims: shapes, assumptions: assumptions)
    let result = try ClaimCheck(
      claim: try c.evaluate(values), layout: layout, derivative: d, values: values, claimExpression: c, seed: seed)
    return (result, values, f, c)
  }
}

// Abbreviations of the lecture notes' examples.
private let net = "norm(W3*tanh(W2*tanh(W1*x))-y)^2/2"
private let netDims = "x=4x1,W1=5x4,W2=3x5,W3=2x3,y=2x1"
private let r = "(W3*tanh(W2*tanh(W1*x))-y)"
private let h2 = "tanh(W2*tanh(W1*x))"
private let h1 = "tanh(W1*x)"
private let d2 = "((W3'*\(r)).*(ones(3,1)-\(h2).^2))"
private let staged = "(x + sigmoid(y))/(sigmoid(x) + (x+y)^2)"
private let den = "(sigmoid(x)+(x+y)^2)"
private let num = "(x+sigmoid(y))"
private let window = "u'*tanh(W*x+b)"
private let windowDims = "u=4x1,W=4x6,x=6x1,b=4x1"
private let dtanh = "(ones(4,1)-tanh(W*x+b).^2)"
private let neuron = "sigmoid(w'*x+b)"
private let neuronDims = "w=3x1,x=3x1,b=1x1"
private let sig = "sigmoid(w'*x+b)"
private let xent = "-y'*log(softmax(z))"
private let sqrtcos = "sqrt(x^2+exp(x^2)) + cos(x^2+exp(x^2))"
private let u = "(x^2+exp(x^2))"

/// Slips a student makes, each with the diagnosis kind it must produce.
let diagnosisSlips: [TableClaim] = [
  // RᵀR, R 3×2: truth (I₂ ⊗ Rᵀ) + (Rᵀ ⊗ I₂)K₃,₂.
  TableClaim(expression: "R'*R", wrt: "R", dims: "R=3x2", claim: "kron(I(2),R')*K(2,3) + kron(R',I(2))", kind: "row-major"),
  TableClaim(expression: "R'*R", wrt: "R", dims: "R=3x2", claim: "kron(I(2),R') + kron(R',I(2))*K(2,3)", kind: "swapped-commutation"),
  TableClaim(expression: "R'*R", wrt: "R", dims: "R=3x2", claim: "kron(I(2),R') + kron(R',I(2))", kind: "missing-commutation"),
  TableClaim(expression: "R'*R", wrt: "R", dims: "R=3x2", claim: "kron(I(2),R')", kind: "dropped-term"),
  TableClaim(expression: "R'*R", wrt: "R", dims: "R=3x2", claim: "kron(R',I(2))*K(3,2)", kind: "dropped-term"),
  TableClaim(expression: "R'*R", wrt: "R", dims: "R=3x2", claim: "kron(I(2),R') - kron(R',I(2))*K(3,2)", kind: "sign"),
  TableClaim(expression: "R'*R", wrt: "R", dims: "R=3x2", claim: "(kron(I(2),R') + kron(R',I(2))*K(3,2))'", kind: "transpose"),
  TableClaim(
    expression: "R'*R", wrt: "R", dims: "R=3x2", claim: "kron(I(2),R')*K(3,2) + kron(R',I(2))",
    kind: "row-major+swapped-commutation"),
  TableClaim(expression: "R'*R", wrt: "R", dims: "R=3x2", claim: "2*(kron(I(2),R') + kron(R',I(2))*K(3,2))", kind: "scaled"),
  TableClaim(expression: "R'*R", wrt: "R", dims: "R=3x3", claim: "kron(I(3),R') + kron(R,I(3))*K(3,3)", kind: "transposed-factor"),
  TableClaim(expression: "R'*R", wrt: "R", dims: "R=3x3", claim: "kron(I(3),R) + kron(R',I(3))*K(3,3)", kind: "transposed-factor"),
  TableClaim(expression: "R'*R", wrt: "R", dims: "R=3x3", claim: "2*R", kind: "shape"),
  TableClaim(expression: "R*R'", wrt: "R", dims: "R=3x2", claim: "kron(R,I(3)) + kron(I(3),R)", kind: "missing-commutation"),
  TableClaim(expression: "R*R'", wrt: "R", dims: "R=3x2", claim: "kron(R,I(3))", kind: "dropped-term"),
  // Wx and friends.
  TableClaim(expression: "W*x", wrt: "W", dims: "W=2x3,x=3x1", claim: "kron(I(2),x')", kind: "row-major"),
  TableClaim(expression: "W*x", wrt: "W", dims: "W=2x3,x=3x1", claim: "kron(x,I(2))", kind: "transpose"),
  TableClaim(expression: "W*x", wrt: "x", dims: "W=2x3,x=3x1", claim: "W'", kind: "transpose"),
  TableClaim(expression: "u'*W*x", wrt: "W", dims: "u=2x1,W=2x3,x=3x1", claim: "x*u'", layout: .shape, kind: "gradient-transpose"),
  TableClaim(expression: "u'*W*x", wrt: "W", dims: "u=2x1,W=2x3,x=3x1", claim: "-u*x'", layout: .shape, kind: "sign"),
  TableClaim(expression: "A*X*B", wrt: "X", dims: "A=2x3,X=3x4,B=4x2", claim: "kron(A,B')", kind: "row-major"),
  TableClaim(expression: "X*A", wrt: "X", dims: "X=2x3,A=3x4", claim: "kron(I(2),A')", kind: "row-major"),
  TableClaim(expression: "X'", wrt: "X", dims: "X=2x3", claim: "K(3,2)", kind: "swapped-commutation"),
  TableClaim(expression: "X'", wrt: "X", dims: "X=2x3", claim: "I(6)", kind: "missing-commutation"),
  // The three-layer network (shape layout).
  TableClaim(expression: net, wrt: "W2", dims: netDims, claim: "(W3'*\(r))*\(h1)'", layout: .shape, kind: "missing-derivative"),
  TableClaim(
    expression: net, wrt: "W1", dims: netDims, claim: "(W2'*\(d2))*x'", layout: .shape, kind: "missing-derivative"),
  TableClaim(
    expression: net, wrt: "W1", dims: netDims, claim: "((W2'*(W3'*\(r))).*(ones(5,1)-\(h1).^2))*x'", layout: .shape,
    kind: "missing-derivative"),
  TableClaim(expression: net, wrt: "W3", dims: netDims, claim: "\(h2)*\(r)'", layout: .shape, kind: "gradient-transpose"),
  TableClaim(expression: net, wrt: "W2", dims: netDims, claim: "\(h1)*\(d2)'", layout: .shape, kind: "gradient-transpose"),
  TableClaim(expression: net, wrt: "W3", dims: netDims, claim: "(y-W3*\(h2))*\(h2)'", layout: .shape, kind: "sign"),
  TableClaim(
    expression: net, wrt: "W1", dims: netDims, claim: "(W2'*(W3'*\(r)))*x'", layout: .shape,
    kind: "missing-derivative+missing-derivative"),
  TableClaim(expression: net, wrt: "W2", dims: netDims, claim: "2*\(d2)*\(h1)'", layout: .shape, kind: "missing-constant"),
  TableClaim(expression: net, wrt: "W3", dims: netDims, claim: "\(r)*\(h2)'", kind: "shape"),
  TableClaim(expression: net, wrt: "W3", dims: netDims, claim: "2*\(r)*\(h2)'", layout: .shape, kind: "missing-constant"),
  // CS231n's neuron.
  TableClaim(expression: neuron, wrt: "w", dims: neuronDims, claim: "x", layout: .shape, kind: "missing-derivative"),
  TableClaim(expression: neuron, wrt: "w", dims: neuronDims, claim: "\(sig)*x", layout: .shape, kind: "wrong-derivative"),
  TableClaim(
    expression: neuron, wrt: "x", dims: neuronDims, claim: "\(sig)*(1-\(sig))*w'", layout: .shape, kind: "gradient-transpose"),
  TableClaim(expression: neuron, wrt: "b", dims: neuronDims, claim: "-\(sig)*(1-\(sig))", layout: .shape, kind: "sign"),
  TableClaim(expression: neuron, wrt: "w", dims: neuronDims, claim: "\(sig)*(1-\(sig))*x'", layout: .denominator, kind: "transpose"),
  // CS231n's staged f(x,y): the three paths of x.
  TableClaim(
    expression: staged, wrt: "x", dims: "x=1x1,y=1x1", claim: "1/\(den) - (\(num)/\(den)^2)*(2*(x+y))", kind: "dropped-term"),
  TableClaim(
    expression: staged, wrt: "x", dims: "x=1x1,y=1x1", claim: "1/\(den) - (\(num)/\(den)^2)*(sigmoid(x)*(1-sigmoid(x)))",
    kind: "dropped-term"),
  TableClaim(
    expression: staged, wrt: "x", dims: "x=1x1,y=1x1", claim: "-(\(num)/\(den)^2)*(sigmoid(x)*(1-sigmoid(x))+2*(x+y))",
    kind: "dropped-term"),
  TableClaim(
    expression: staged, wrt: "x", dims: "x=1x1,y=1x1", claim: "1/\(den) + (\(num)/\(den)^2)*(sigmoid(x)*(1-sigmoid(x))+2*(x+y))",
    kind: "sign"),
  TableClaim(
    expression: staged, wrt: "x", dims: "x=1x1,y=1x1", claim: "1/\(den) - (\(num)/\(den)^2)*(1+2*(x+y))",
    kind: "missing-derivative"),
  TableClaim(
    expression: staged, wrt: "y", dims: "x=1x1,y=1x1", claim: "1/\(den) - (\(num)/\(den)^2)*(2*(x+y))",
    kind: "missing-derivative"),
  // sqrt(u) + cos(u), u = x² + exp(x²): one sign, one chain rule stopped early, one branch dropped.
  TableClaim(
    expression: sqrtcos, wrt: "x", dims: "x=1x1",
    claim: "(x+x*exp(x^2))/sqrt\(u) + sin\(u)*(2*x+2*x*exp(x^2))", kind: "sign"),
  TableClaim(expression: sqrtcos, wrt: "x", dims: "x=1x1", claim: "(x+x*exp(x^2))/sqrt\(u) - sin\(u)", kind: "missing-chain"),
  TableClaim(expression: sqrtcos, wrt: "x", dims: "x=1x1", claim: "(x+x*exp(x^2))/sqrt\(u)", kind: "dropped-term"),
  // CS224n's window classifier.
  TableClaim(expression: window, wrt: "W", dims: windowDims, claim: "u*x'", layout: .shape, kind: "missing-derivative"),
  TableClaim(expression: window, wrt: "x", dims: windowDims, claim: "W'*u", layout: .shape, kind: "missing-derivative"),
  TableClaim(expression: window, wrt: "b", dims: windowDims, claim: "u", layout: .shape, kind: "missing-derivative"),
  TableClaim(expression: window, wrt: "W", dims: windowDims, claim: "x*(u.*\(dtanh))'", layout: .shape, kind: "gradient-transpose"),
  TableClaim(expression: window, wrt: "x", dims: windowDims, claim: "(u.*\(dtanh))'*W", layout: .shape, kind: "gradient-transpose"),
  TableClaim(expression: window, wrt: "W", dims: windowDims, claim: "kron(x,u.*\(dtanh))", kind: "transpose"),
  TableClaim(expression: window, wrt: "W", dims: windowDims, claim: "(u.*\(dtanh))*x'", kind: "shape"),
  TableClaim(expression: "u'*relu(W*x+b)", wrt: "W", dims: windowDims, claim: "u*x'", layout: .shape, kind: "missing-derivative"),
  TableClaim(expression: "u'*relu(W*x+b)", wrt: "x", dims: windowDims, claim: "W'*u", layout: .shape, kind: "missing-derivative"),
  // A wrong derivative of an elementwise function: tanh′ as 1 − tanh (no square), as tanh itself,
  // or as 1 − a² with the pre-activation a put for y = tanh(a); σ′ as σ alone or a(1 − a).
  TableClaim(
    expression: window, wrt: "W", dims: windowDims, claim: "(u.*(1-tanh(W*x+b)))*x'", layout: .shape, kind: "wrong-derivative"),
  TableClaim(
    expression: window, wrt: "x", dims: windowDims, claim: "W'*(u.*tanh(W*x+b))", layout: .shape, kind: "wrong-derivative"),
  TableClaim(
    expression: window, wrt: "b", dims: windowDims, claim: "u.*(1-(W*x+b).^2)", layout: .shape, kind: "wrong-derivative"),
  TableClaim(
    expression: net, wrt: "W2", dims: netDims, claim: "((W3'*\(r)).*(ones(3,1)-tanh(W2*\(h1))))*\(h1)'", layout: .shape,
    kind: "wrong-derivative"),
  TableClaim(
    expression: "sum(sigmoid(W*x))", wrt: "W", dims: "W=3x2,x=2x1", claim: "sigmoid(W*x)*x'", layout: .shape,
    kind: "wrong-derivative"),
  TableClaim(
    expression: "sum(sigmoid(W*x))", wrt: "W", dims: "W=3x2,x=2x1", claim: "((W*x).*(1-W*x))*x'", layout: .shape,
    kind: "wrong-derivative"),
  TableClaim(expression: "sum(exp(A*x))", wrt: "x", dims: "A=3x2,x=2x1", claim: "A'*(A*x)", layout: .shape, kind: "wrong-derivative"),
  // The Jacobian of softmax, diag(s) − s sᵀ, written wrong: entrywise, the sign, sᵀs, no diag(s).
  TableClaim(expression: "softmax(z)", wrt: "z", dims: "z=4x1", claim: "diag(softmax(z))", kind: "wrong-derivative"),
  TableClaim(
    expression: "softmax(z)", wrt: "z", dims: "z=4x1", claim: "diag(softmax(z)) + softmax(z)*softmax(z)'",
    kind: "wrong-derivative"),
  TableClaim(
    expression: "softmax(z)", wrt: "z", dims: "z=4x1", claim: "diag(softmax(z)) - softmax(z)'*softmax(z)",
    kind: "wrong-derivative"),
  TableClaim(expression: "softmax(z)", wrt: "z", dims: "z=4x1", claim: "-softmax(z)*softmax(z)'", kind: "wrong-derivative"),
  TableClaim(
    expression: "softmax(W*x)", wrt: "W", dims: "W=3x2,x=2x1", claim: "diag(softmax(W*x))*kron(x',I(3))",
    kind: "wrong-derivative"),
  // Softmax cross-entropy.
  TableClaim(expression: xent, wrt: "z", dims: "z=5x1,y=5x1", claim: "softmax(z)-y", layout: .shape, kind: "assumption"),
  TableClaim(
    expression: xent, wrt: "z", dims: "z=5x1,y=5x1", claim: "softmax(z)'-y'", layout: .shape, assume: "y=probability",
    kind: "gradient-transpose"),
  TableClaim(expression: xent, wrt: "z", dims: "z=5x1,y=5x1", claim: "-y./softmax(z)", layout: .shape, kind: "missing-derivative"),
  TableClaim(expression: "logsumexp(x)", wrt: "x", dims: "x=4x1", claim: "exp(x)", layout: .shape, kind: "proportional"),
  // Quadratic forms.
  TableClaim(expression: "x'*A*x", wrt: "x", dims: "x=3x1,A=3x3", claim: "2*A*x", layout: .shape, kind: "assumption"),
  TableClaim(expression: "x'*A*x", wrt: "x", dims: "x=3x1,A=3x3", claim: "A*x", layout: .shape, kind: "dropped-term"),
  TableClaim(expression: "x'*A*x", wrt: "x", dims: "x=3x1,A=3x3", claim: "A'*x", layout: .shape, kind: "dropped-term"),
  TableClaim(expression: "x'*A*x", wrt: "x", dims: "x=3x1,A=3x3", claim: "x'*A'", kind: "dropped-term"),
  TableClaim(expression: "x'*A*x", wrt: "A", dims: "x=3x1,A=3x3", claim: "x'*x", layout: .shape, kind: "shape"),
  TableClaim(expression: "x'*A*x", wrt: "A", dims: "x=3x1,A=3x3", claim: "kron(x,x)", kind: "transpose"),
  TableClaim(expression: "x'*A*y", wrt: "A", dims: "x=3x1,A=3x2,y=2x1", claim: "y*x'", layout: .shape, kind: "gradient-transpose"),
  TableClaim(
    expression: "(x-m)'*inv(S)*(x-m)", wrt: "x", dims: "x=3x1,m=3x1,S=3x3", claim: "2*inv(S)*(x-m)", layout: .shape,
    kind: "assumption"),
  TableClaim(expression: "(x-m)'*inv(S)*(x-m)", wrt: "x", dims: "x=3x1,m=3x1,S=3x3", claim: "2*(x-m)'*inv(S)", kind: "assumption"),
  TableClaim(expression: "tr(X'*A*X)", wrt: "X", dims: "X=3x2,A=3x3", claim: "2*A*X", layout: .shape, kind: "assumption"),
  TableClaim(expression: "tr(X'*A*X)", wrt: "X", dims: "X=3x2,A=3x3", claim: "A*X", layout: .shape, kind: "dropped-term"),
  TableClaim(expression: "tr(A*X)", wrt: "X", dims: "A=3x2,X=2x3", claim: "A", layout: .shape, kind: "gradient-transpose"),
  TableClaim(expression: "tr(A*X)", wrt: "X", dims: "A=3x2,X=2x3", claim: "A'", kind: "shape"),
  TableClaim(
    expression: "x'*S*x", wrt: "S", dims: "x=3x1,S=3x3", claim: "2*x*x' - diag(diagonal(x*x'))", layout: .shape,
    kind: "diagonal-factor"),
  TableClaim(
    expression: "x'*S*x", wrt: "S", dims: "x=3x1,S=3x3", claim: "x*x' + diag(diagonal(x*x'))", layout: .shape,
    kind: "diagonal-factor"),
  // log det and the inverse.
  TableClaim(expression: "logdet(X)", wrt: "X", dims: "X=3x3", claim: "inv(X)", layout: .shape, kind: "gradient-transpose"),
  TableClaim(expression: "logdet(X)", wrt: "X", dims: "X=3x3", claim: "-inv(X)'", layout: .shape, kind: "sign"),
  TableClaim(expression: "det(X)", wrt: "X", dims: "X=3x3", claim: "inv(X)'", layout: .shape, kind: "proportional"),
  TableClaim(expression: "inv(X)", wrt: "X", dims: "X=3x3", claim: "kron(inv(X)',inv(X))", kind: "sign"),
  TableClaim(expression: "inv(X)", wrt: "X", dims: "X=3x3", claim: "-kron(inv(X),inv(X))", kind: "transposed-factor"),
  TableClaim(expression: "inv(X)", wrt: "X", dims: "X=3x3", claim: "-kron(inv(X)',inv(X)')", kind: "transposed-factor"),
  TableClaim(expression: "inv(X)", wrt: "X", dims: "X=3x3", claim: "-kron(inv(X),inv(X)')", kind: "transpose"),
]

/// Right answers written in unusual forms: each must hold.
let diagnosisRightAnswers: [TableClaim] = [
  TableClaim(expression: "R'*R", wrt: "R", dims: "R=3x2", claim: "kron(I(2),R') + K(2,2)*kron(I(2),R')"),
  TableClaim(expression: "R'*R", wrt: "R", dims: "R=3x2", claim: "(I(4)+K(2,2))*kron(I(2),R')"),
  TableClaim(expression: "R*R'", wrt: "R", dims: "R=3x2", claim: "(I(9)+K(3,3))*kron(R,I(3))"),
  TableClaim(expression: "W*x", wrt: "W", dims: "W=2x3,x=3x1", claim: "kron(x',I(2))*K(2,3)*K(3,2)"),
  TableClaim(expression: "u'*W*x", wrt: "W", dims: "u=2x1,W=2x3,x=3x1", claim: "(x*u')'", layout: .shape),
  TableClaim(expression: "x'*A*x", wrt: "x", dims: "x=3x1,A=3x3", claim: "A*x+A'*x", layout: .shape),
  TableClaim(expression: "x'*A*x", wrt: "x", dims: "x=3x1,A=3x3", claim: "x'*A'+x'*A"),
  TableClaim(expression: "x'*A*x", wrt: "x", dims: "x=3x1,A=3x3", claim: "(x'*(A+A'))'", layout: .denominator),
  TableClaim(expression: "x'*A*x", wrt: "x", dims: "x=3x1,A=3x3", claim: "2*A*x", layout: .shape, assume: "A=symmetric"),
  TableClaim(expression: "x'*A*x", wrt: "x", dims: "x=3x1,A=3x3", claim: "2*A'*x", layout: .shape, assume: "A=spd"),
  TableClaim(expression: "x'*S*x", wrt: "S", dims: "x=3x1,S=3x3", claim: "x*x'", layout: .shape, assume: "S=symmetric"),
  TableClaim(expression: xent, wrt: "z", dims: "z=5x1,y=5x1", claim: "softmax(z)-y", layout: .shape, assume: "y=probability"),
  TableClaim(expression: xent, wrt: "z", dims: "z=5x1,y=5x1", claim: "softmax(z)-y", layout: .shape, assume: "y=onehot"),
  TableClaim(expression: xent, wrt: "z", dims: "z=5x1,y=5x1", claim: "sum(y)*softmax(z)-y", layout: .shape),
  TableClaim(expression: window, wrt: "W", dims: windowDims, claim: "kron(x',(u.*\(dtanh))')"),
  TableClaim(expression: window, wrt: "W", dims: windowDims, claim: "diag(\(dtanh))*u*x'", layout: .shape),
  TableClaim(expression: window, wrt: "x", dims: windowDims, claim: "W'*diag(u)*\(dtanh)", layout: .shape),
  TableClaim(expression: "logdet(X)", wrt: "X", dims: "X=3x3", claim: "inv(X')", layout: .shape),
  TableClaim(expression: "logdet(X)", wrt: "X", dims: "X=3x3", claim: "vec(inv(X)')'"),
  TableClaim(expression: "logdet(Q)", wrt: "Q", dims: "Q=3x3", claim: "Q", layout: .shape, assume: "Q=orthogonal"),
  TableClaim(expression: "det(X)", wrt: "X", dims: "X=3x3", claim: "det(X)*inv(X)'", layout: .shape),
  TableClaim(expression: "inv(X)", wrt: "X", dims: "X=3x3", claim: "-kron(inv(X'),inv(X))"),
  TableClaim(
    expression: staged, wrt: "x", dims: "x=1x1,y=1x1",
    claim: "(1-(\(num)/\(den))*(sigmoid(x)*(1-sigmoid(x))+2*(x+y)))/\(den)"),
  TableClaim(expression: neuron, wrt: "w", dims: neuronDims, claim: "\(sig)*sigmoid(-(w'*x+b))*x", layout: .shape),
  TableClaim(expression: net, wrt: "W3", dims: netDims, claim: "\(r)*\(h2)'", layout: .shape),
  TableClaim(
    expression: net, wrt: "W1", dims: netDims, claim: "((W2'*\(d2)).*(ones(5,1)-\(h1).^2))*x'", layout: .shape),
  TableClaim(expression: "tr(X'*A*X)", wrt: "X", dims: "X=3x2,A=3x3", claim: "A*X+A'*X", layout: .shape),
  TableClaim(
    expression: sqrtcos, wrt: "x", dims: "x=1x1",
    claim: "(x+x*exp(x^2))/sqrt\(u) - sin\(u)*(2*x+2*x*exp(x^2))"),
  TableClaim(expression: "sum(diag(d))", wrt: "d", dims: "d=3x1", claim: "ones(3,1)", layout: .shape, assume: "d=positive"),
]

@Suite struct DiagnosisTableTests {
  @Test func tableSizes() {
    #expect(diagnosisSlips.count >= 60)
    #expect(diagnosisRightAnswers.count >= 20)
  }

  /// Each slip is wrong at the point, and the diagnosis of its kind is among those reported (or
  /// among the equal explanations a diagnosis lists after its first); the other diagnoses are at
  /// most three, and the number of mutants is bounded.
  @Test(arguments: diagnosisSlips) func slipIsNamed(_ claim: TableClaim) throws {
    let (result, _, _, _) = try claim.check()
    #expect(!result.holds, "seed 1")
    let kinds = result.diagnoses.flatMap { [$0.kind] + $0.alternatives.map(\.kind) }
    #expect(
      kinds.contains(claim.kind!), "seed 1: \(claim.testDescription) gave \(result.diagnoses.map(\.text))")
    #expect(result.mutationCount < 2000)
    for d in result.diagnoses {
      #expect(!d.text.isEmpty && d.latex.contains(d.text.first.map(String.init) ?? ""))
    }
  }

  /// Each right answer holds, and (an independent reference) agrees with central finite
  /// differences of F at the point.
  @Test(arguments: diagnosisRightAnswers) func rightAnswerHolds(_ claim: TableClaim) throws {
    let (result, values, f, c) = try claim.check()
    #expect(result.holds, "seed 1: \(claim.testDescription) gave \(result.diagnoses.map(\.text))")
    #expect(result.diagnoses.isEmpty)
    let x = values[claim.wrt]!
    let fd = try NumericDifferentiation.jacobian(
      of: { v in
        var p = values
        p[claim.wrt] = v
        return try f.evaluate(p)
      }, at: x)
    var claimed = try c.evaluate(values)
    switch claim.layout {
    case .denominator: claimed = claimed.transposed
    case .shape: claimed = Matrix(rows: 1, cols: claimed.count, columnMajor: claimed.storage)
    default: break
    }
    #expect(fd.maxAbsDifference(claimed) <= 1e-6 * max(1, fd.maxAbs), "seed 1: \(claim.testDescription)")
  }

  /// The sentence names the sub-expression: the issue's example, word for word where it matters.
  @Test func missingActivationDerivativeNamesTanhAtItsArgument() throws {
    let c = TableClaim(expression: window, wrt: "W", dims: windowDims, claim: "u*x'", layout: .shape, kind: "missing-derivative")
    let (result, _, _, _) = try c.check()
    let d = try #require(result.diagnoses.first { $0.kind == "missing-derivative" })
    #expect(d.text.hasPrefix("the derivative of tanh at W x + b is missing: the claim equals the truth without diag("))
    #expect(d.where == "tanh(W*x+b)")
    #expect(d.latex.contains("$\\operatorname{diag}"), "\(d.latex)")
  }

  /// A wrong local derivative is said as such, first, with what was written and what belongs:
  /// tanh′ without its square, and the sigmoid neuron's σ without 1 − σ (a claim also proportional
  /// to the truth, but the slip is the more specific explanation).
  @Test func wrongActivationDerivativeIsNamedFirst() throws {
    let tanhSlip = TableClaim(
      expression: window, wrt: "W", dims: windowDims, claim: "(u.*(1-tanh(W*x+b)))*x'", layout: .shape)
    let t = try #require(try tanhSlip.check().0.diagnoses.first)
    #expect(t.kind == "wrong-derivative")
    #expect(
      t.text == "the derivative of tanh at W x + b is taken as 1 − tanh(W x + b), without the square; it is 1 − tanh²(W x + b)",
      "\(t.text)")
    let sigmoidSlip = TableClaim(expression: neuron, wrt: "w", dims: neuronDims, claim: "\(sig)*x", layout: .shape)
    let s = try #require(try sigmoidSlip.check().0.diagnoses.first)
    #expect(s.kind == "wrong-derivative", "\(s.text)")
    #expect(s.text.contains("without its factor 1 − sigmoid(…)"), "\(s.text)")
  }

  /// A 1×1 function's wrong claim is no longer "a factor is off": a number that is no slip gets
  /// no diagnosis, not a factor.
  @Test func scalarClaimsAreNotAFactorOff() throws {
    for seed: UInt64 in [1, 2, 3] {
      let c = TableClaim(expression: staged, wrt: "x", dims: "x=1x1,y=1x1", claim: "1/\(den)", kind: nil)
      let (result, _, _, _) = try c.check(seed: seed)
      #expect(!result.holds)
      #expect(!result.diagnoses.contains { $0.kind == "scaled" || $0.kind == "proportional" }, "seed \(seed)")
    }
  }
}
