import MatrixCore
import Symbolic

/// The expressions and programs whose exports are executed by `CodeExportTests` (NumPy always;
/// JAX and PyTorch when installed): 1×1 F (gradients) and larger F (JVPs), covering every node
/// of the language, Kronecker products, commutations, broadcasting and blocks.
struct ExportCase: Sendable {
  let source: String
  let wrt: [String]
  let dims: [String: Shape]
  let isProgram: Bool

  init(_ source: String, wrt: String, dims: String, program: Bool = false) {
    self.source = source
    self.wrt = wrt.split(separator: ",").map(String.init)
    self.dims = MatrixIdentity.parseDims(dims)
    self.isProgram = program
  }

  static let all: [ExportCase] = expressions + programs

  static let expressions: [ExportCase] = [
    // 1×1 F: F and the gradients
    ExportCase("x'*A*x", wrt: "x", dims: "x=3x1,A=3x3"),
    ExportCase("tr(X'*A*X)", wrt: "X,A", dims: "X=3x2,A=3x3"),
    ExportCase("logdet(X)", wrt: "X", dims: "X=3x3"),
    ExportCase("det(X)", wrt: "X", dims: "X=3x3"),
    ExportCase("tr(inv(X))", wrt: "X", dims: "X=3x3"),
    ExportCase("norm(X)^2", wrt: "X", dims: "X=2x3"),
    ExportCase("norm(X*y - b)", wrt: "X,y,b", dims: "X=4x3,y=3x1,b=4x1"),
    ExportCase("u'*tanh(W*x+b)", wrt: "W,b,x,u", dims: "u=5x1,W=5x3,x=3x1,b=5x1"),
    ExportCase("sum(sigmoid(W*x))", wrt: "W,x", dims: "W=4x3,x=3x1"),
    ExportCase("-p'*log(softmax(z))", wrt: "z,p", dims: "p=4x1,z=4x1"),
    ExportCase("logsumexp(Z)", wrt: "Z", dims: "Z=3x2"),
    ExportCase("sum(log(1+exp(-y.*(X*w))))", wrt: "w", dims: "y=6x1,X=6x3,w=3x1"),
    ExportCase("sqrt(x^2 + exp(x^2)) + cos(x^2 + exp(x^2))", wrt: "x", dims: "x=1x1"),
    ExportCase("sum(relu(W*x))", wrt: "W,x", dims: "W=5x3,x=3x1"),
    ExportCase("sum(softplus(A*x))", wrt: "x,A", dims: "A=4x3,x=3x1"),
    ExportCase("sum(abs(X))", wrt: "X", dims: "X=3x2"),
    ExportCase("norm1(X*y)", wrt: "X,y", dims: "X=3x2,y=2x1"),
    ExportCase("sum(max(X, Y))", wrt: "X,Y", dims: "X=3x2,Y=3x2"),
    ExportCase("sum(min(X, 0.25))", wrt: "X", dims: "X=3x2"),
    ExportCase("tr(kron(A, B))", wrt: "A,B", dims: "A=2x2,B=3x3"),
    ExportCase("sum(kron(A, B)*v)", wrt: "A,B,v", dims: "A=2x3,B=3x2,v=6x1"),
    ExportCase("vec(X)'*K(3,2)*vec(Y)", wrt: "X,Y", dims: "X=3x2,Y=2x3"),
    ExportCase("sum(diag(x)*A*x)", wrt: "x,A", dims: "x=3x1,A=3x3"),
    ExportCase("sum(diagonal(A*X))", wrt: "X", dims: "A=3x3,X=3x3"),
    ExportCase("sum(reshape(X, 2, 3) .* Y)", wrt: "X,Y", dims: "X=3x2,Y=2x3"),
    ExportCase("sum(vec(X*Y))", wrt: "X,Y", dims: "X=2x3,Y=3x2"),
    ExportCase("tr(X^3)", wrt: "X", dims: "X=3x3"),
    ExportCase("tr(X^-1 * A)", wrt: "X,A", dims: "X=3x3,A=3x3"),
    ExportCase("sum(exp(X) ./ (1 + X.^2))", wrt: "X", dims: "X=3x2"),
    ExportCase("sum(tanh([X, y]) * z)", wrt: "X,y,z", dims: "X=3x2,y=3x1,z=3x1"),
    ExportCase("sum(tanh(W*X + b))", wrt: "W,b", dims: "W=4x3,X=3x5,b=4x1"),
    ExportCase("sum((1 - tanh(z).^2) .* y)", wrt: "z", dims: "z=4x1,y=4x1"),
    ExportCase("x'*x / (1 + x'*x)", wrt: "x", dims: "x=4x1"),
    ExportCase("sum(arctan(X) + arcsin(tanh(X)) + sin(X).*cos(X))", wrt: "X", dims: "X=2x3"),
    ExportCase("sum(tan(X/4) + arccos(tanh(X)/2))", wrt: "X", dims: "X=2x2"),
    ExportCase("exp(-x'*x/2)", wrt: "x", dims: "x=3x1"),
    ExportCase("sum(heaviside(X) .* X + sign(X) .* X.^2)", wrt: "X", dims: "X=3x3"),
    ExportCase("s^3 + 2*s + 1/s", wrt: "s", dims: "s=1x1"),
    ExportCase("tr(A*X*B*X')", wrt: "X", dims: "A=2x2,X=2x3,B=3x3"),
    ExportCase("sum(X'*X)", wrt: "X", dims: "X=4x3"),
    ExportCase("sum(x*x')", wrt: "x", dims: "x=3x1"),
    ExportCase("sum(X ./ s)", wrt: "X,s", dims: "X=2x3,s=1x1"),
    ExportCase("sum(X.^3) * norm(y)", wrt: "X,y", dims: "X=2x2,y=3x1"),
    ExportCase("sum([x; 1]' * [A, b; c', d])", wrt: "x,A,b,c,d", dims: "x=2x1,A=2x2,b=2x1,c=2x1,d=1x1"),
    // F larger than 1×1: F and the JVP along tangents
    ExportCase("R'*R", wrt: "R", dims: "R=3x2"),
    ExportCase("X*Y", wrt: "X,Y", dims: "X=2x3,Y=3x4"),
    ExportCase("inv(X)", wrt: "X", dims: "X=3x3"),
    ExportCase("kron(A, B)", wrt: "A,B", dims: "A=2x2,B=2x3"),
    ExportCase("tanh(W*x + b)", wrt: "W,x,b", dims: "W=4x3,x=3x1,b=4x1"),
    ExportCase("softmax(z)", wrt: "z", dims: "z=4x1"),
    ExportCase("X .* Y ./ (1 + Z.^2)", wrt: "X,Z", dims: "X=2x3,Y=2x3,Z=2x3"),
    ExportCase("vec(X')", wrt: "X", dims: "X=3x2"),
    ExportCase("X^2", wrt: "X", dims: "X=3x3"),
    ExportCase("diag(x)*A", wrt: "x,A", dims: "x=3x1,A=3x2"),
    ExportCase("A*X*B", wrt: "X", dims: "A=2x3,X=3x4,B=4x2"),
    ExportCase("X'", wrt: "X", dims: "X=2x3"),
    ExportCase("reshape(X, 3, 2)", wrt: "X", dims: "X=2x3"),
    ExportCase("exp(X) * inv(Y)", wrt: "X,Y", dims: "X=3x3,Y=3x3"),
    ExportCase("[X; x']", wrt: "X,x", dims: "X=2x3,x=3x1"),
    ExportCase("det(X)*X", wrt: "X", dims: "X=3x3"),
    ExportCase("W*X + b", wrt: "W,b", dims: "W=3x2,X=2x4,b=3x1"),
    ExportCase("max(X, Y) - min(X, 0)", wrt: "X,Y", dims: "X=3x2,Y=3x2"),
    ExportCase("kron(X, X')*v", wrt: "X", dims: "X=2x3,v=6x1"),
    ExportCase("X'*A*X", wrt: "X", dims: "X=3x2,A=3x3"),
  ]

  static let programs: [ExportCase] = [
    ExportCase(
      "h1 = W1*x; z1 = tanh(h1); h2 = W2*z1; z2 = tanh(h2); yhat = W3*z2; f = norm(yhat - y)^2/2",
      wrt: "W1,W2,W3,x", dims: "x=4x1,W1=5x4,W2=3x5,W3=2x3,y=2x1", program: true),
    ExportCase(
      "h1 = W1*X + b1; z1 = tanh(h1); h2 = W2*z1 + b2; f = norm(h2 - Y)^2/2",
      wrt: "W1,b1,W2,b2", dims: "X=3x6,W1=4x3,b1=4x1,W2=2x4,b2=2x1,Y=2x6", program: true),
    ExportCase("a = X'*X; b = a*a; f = tr(b) + sum(a)", wrt: "X", dims: "X=3x2", program: true),
    ExportCase("z = X*w; f = sum(log(1 + exp(-y .* z)))", wrt: "w", dims: "X=5x3,w=3x1,y=5x1", program: true),
    ExportCase("h = W*x; z = tanh(h); F = z*z'", wrt: "W,x", dims: "W=3x2,x=2x1", program: true),
    ExportCase("a = X'*X; b = inv(a); F = X*b", wrt: "X", dims: "X=4x2", program: true),
    ExportCase("s = softmax(W*x); f = -p'*log(s)", wrt: "W,x", dims: "W=4x3,x=3x1,p=4x1", program: true),
    ExportCase("k = kron(A, B); f = sum(k*v)", wrt: "A,B", dims: "A=2x2,B=2x3,v=6x1", program: true),
    ExportCase("y = A*x; F = y .* y + sigmoid(y)", wrt: "x,A", dims: "A=3x2,x=2x1", program: true),
  ]
}
