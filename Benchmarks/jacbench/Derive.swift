import MatrixCore
import Symbolic

/// The expressions of `jacbench derive` (and of `peers/sympy_derive.py`, in SymPy's notation):
/// text, variable, shapes. They cover the language: linear maps, quadratic forms, inverses,
/// powers, determinants, traces, norms, every elementwise function, Hadamard products and
/// quotients, Kronecker products, vec/diag/diagonal/reshape, softmax, logsumexp and network
/// layers.
let deriveExpressions: [(text: String, wrt: String, dims: String)] = [
  ("X'*X", "X", "X=3x2"),
  ("R'*R", "R", "R=3x3"),
  ("A*X*B", "X", "A=2x3,X=3x4,B=4x2"),
  ("X'*A", "X", "X=3x2,A=3x4"),
  ("A*X'*B", "X", "A=2x3,X=4x3,B=4x2"),
  ("x'*A*x", "x", "x=3x1,A=3x3"),
  ("X'*A*X", "X", "X=3x2,A=3x3"),
  ("tr(X'*A*X)", "X", "X=3x2,A=3x3"),
  ("inv(X)", "X", "X=3x3"),
  ("a'*inv(X)*b", "X", "a=3x1,X=3x3,b=3x1"),
  ("tr(A*inv(X)*B)", "X", "A=2x3,X=3x3,B=3x2"),
  ("X^2", "X", "X=3x3"),
  ("X^3", "X", "X=3x3"),
  ("X^-2", "X", "X=3x3"),
  ("det(X)", "X", "X=3x3"),
  ("logdet(X)", "X", "X=3x3"),
  ("det(A*X*B)", "X", "A=3x3,X=3x3,B=3x3"),
  ("logdet(X'*X)", "X", "X=4x2"),
  ("tr(A*X)", "X", "A=3x3,X=3x3"),
  ("tr(A*X*B*X')", "X", "A=3x3,X=3x2,B=2x2"),
  ("norm(x)", "x", "x=4x1"),
  ("norm(X)^2", "X", "X=3x2"),
  ("norm(A*x-b)", "x", "A=4x3,x=3x1,b=4x1"),
  ("exp(X)", "X", "X=3x2"),
  ("log(X)", "X", "X=3x2"),
  ("sin(X).*cos(X)", "X", "X=3x2"),
  ("tanh(X)", "X", "X=3x2"),
  ("sigmoid(X)", "X", "X=3x2"),
  ("relu(X)", "X", "X=3x2"),
  ("softplus(X)", "X", "X=3x2"),
  ("sqrt(X)", "X", "X=3x2"),
  ("abs(X)", "X", "X=3x2"),
  ("X.*A", "X", "X=3x2,A=3x2"),
  ("X./A", "A", "X=3x2,A=3x2"),
  ("X/s", "s", "X=3x2,s=1x1"),
  ("kron(X,A)", "X", "X=2x3,A=2x2"),
  ("kron(X,X)", "X", "X=2x3"),
  ("vec(X')", "X", "X=3x2"),
  ("diag(x)*A", "x", "x=3x1,A=3x2"),
  ("diagonal(A*X)", "X", "A=3x3,X=3x3"),
  ("reshape(X,2,3)", "X", "X=3x2"),
  ("softmax(x)", "x", "x=4x1"),
  ("logsumexp(X)", "X", "X=2x3"),
  ("W*x+b", "W", "W=5x3,x=3x1,b=5x1"),
  ("tanh(W*x+b)", "W", "W=5x3,x=3x1,b=5x1"),
  ("u'*tanh(W*x+b)", "W", "u=5x1,W=5x3,x=3x1,b=5x1"),
  ("-y'*log(softmax(W*x))", "W", "W=4x3,x=3x1,y=4x1"),
  ("-y'*log(softmax(W3*tanh(W2*tanh(W1*x))))", "W1", "x=4x1,W1=5x4,W2=3x5,W3=2x3,y=2x1"),
  ("sum(exp(X))/sum(X.^2)", "X", "X=3x2"),
  ("(A*x-b)'*(A*x-b)", "x", "A=4x3,x=3x1,b=4x1"),
  // Broadcasting, the added functions and block matrices (docs/language.md).
  ("W*X+b", "b", "W=4x3,X=3x5,b=4x1"),
  ("tanh(W*X+b)", "W", "W=4x3,X=3x5,b=4x1"),
  ("1-tanh(z).^2", "z", "z=5x1"),
  ("X-m", "m", "X=4x3,m=1x3"),
  ("sum(log(1+exp(-y.*(X*w))))", "w", "X=6x3,w=3x1,y=6x1"),
  ("sum(max(1-y.*(X*w),0))", "w", "X=6x3,w=3x1,y=6x1"),
  ("arctan(X).*tan(X)", "X", "X=3x2"),
  ("norm1(A*x-b)", "x", "A=4x3,x=3x1,b=4x1"),
  ("sigmoid(w'*[x;1])", "w", "w=4x1,x=3x1"),
  ("[A,B;C,D]", "B", "A=2x3,B=2x2,C=3x3,D=3x2"),
  // Symbolic sizes: `jac derive` derives `--dims R=mxn` at the generic instantiation, each
  // symbol a distinct prime (docs/language.md), so these are the same work as R=mxn, x=n, ….
  ("R'*R", "R", "R=53x59"),
  ("x'*A*x", "x", "x=53x1,A=53x53"),
  ("tanh(W*X+b)", "b", "W=59x61,X=61x53,b=59x1"),
]

/// `"X=3x2,A=2x3"` as shapes; the list above is fixed, so a malformed entry is a programmer error.
private func benchmarkDims(_ text: String) -> [String: Shape] {
  var dims: [String: Shape] = [:]
  for item in text.split(separator: ",") {
    let parts = item.split(separator: "=")
    let sizes = parts.count == 2 ? parts[1].split(separator: "x").compactMap { Int($0) } : []
    precondition(sizes.count == 2, "jacbench derive: malformed shape \(item)")
    dims[String(parts[0])] = Shape(sizes[0], sizes[1])
  }
  return dims
}

/// `derive`: parse + differentiate (the Jacobian forward, for a 1×1 F also the gradient in
/// reverse mode) + simplify, for each of the 63 expressions; one line per expression with its
/// median seconds, then a summary line with the median over expressions (target < 0.1 ms).
let deriveCase = BenchmarkCase(name: "derive") {
  var medians: [Double] = []
  for (text, wrt, dimsText) in deriveExpressions {
    let dims = benchmarkDims(dimsText)
    let t = medianSeconds(warmup: 3, repeats: 31, maxTotal: 1) {
      do {
        let d = try SymbolicDerivative(of: MatrixExpression(text), wrt: wrt, dims: dims)
        precondition(d.jacobian.nodeCount > 0)
      } catch {
        fatalError("jacbench derive: \(text) failed: \(error)")
      }
    }
    medians.append(t)
    emit(["case": "derive", "expression": text, "wrt": wrt, "seconds": t])
  }
  let sorted = medians.sorted()
  emit([
    "case": "derive", "n": sorted.count, "seconds": sorted[sorted.count / 2], "maxSeconds": sorted.last ?? 0,
    "totalSeconds": sorted.reduce(0, +),
  ])
}
