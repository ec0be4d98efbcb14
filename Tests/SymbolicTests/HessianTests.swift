// Hessians (`SymbolicHessian`) against closed forms from the Matrix Cookbook and Magnus &
// Neudecker written here in the expression language (numerator layout over column-major vec,
// H = ∂vec(∇F)/∂(vec X)ᵀ), against central differences of the gradient taken by
// `TestSupport.Reference.finiteDifferenceJacobian` (written independently of the library), for symmetry, and
// for H[V] three ways: the structured operator applied to vec V, the matrix form, the reference.
import Foundation
import Jacobians
import MatrixCore
import TestSupport
import Testing

@testable import Symbolic

struct HessianCase: CustomStringConvertible, Sendable {
  let f: String
  let wrt: String
  let dims: [String: Shape]
  /// The closed form of H, written from the textbook rule.
  let reference: String
  /// Variables drawn as well-conditioned square matrices (random + 4·I) for inverses.
  var invertible: Set<String> = []
  var description: String { "\(f) wrt \(wrt)" }
}

private func s(_ r: Int, _ c: Int) -> Shape { Shape(r, c) }

let hessianCases: [HessianCase] = [
  // Quadratic forms (Cookbook 2.4.2, M&N ch. 10).
  HessianCase(f: "x'*A*x", wrt: "x", dims: ["x": s(4, 1), "A": s(4, 4)], reference: "A+A'"),
  HessianCase(f: "x'*x", wrt: "x", dims: ["x": s(3, 1)], reference: "2*I(3)"),
  HessianCase(f: "(x-b)'*A*(x-b)", wrt: "x", dims: ["x": s(3, 1), "b": s(3, 1), "A": s(3, 3)], reference: "A+A'"),
  HessianCase(f: "a'*x", wrt: "x", dims: ["x": s(3, 1), "a": s(3, 1)], reference: "zeros(3,3)"),
  HessianCase(f: "(A*x-b)'*(A*x-b)", wrt: "x", dims: ["x": s(3, 1), "A": s(5, 3), "b": s(5, 1)], reference: "2*A'*A"),
  // Traces of products.
  HessianCase(f: "tr(X'*A*X)", wrt: "X", dims: ["X": s(3, 2), "A": s(3, 3)], reference: "kron(I(2),A+A')"),
  HessianCase(f: "tr(X*X')", wrt: "X", dims: ["X": s(2, 3)], reference: "2*I(6)"),
  HessianCase(f: "tr(X'*X*B)", wrt: "X", dims: ["X": s(3, 2), "B": s(2, 2)], reference: "kron(B+B',I(3))"),
  HessianCase(f: "tr(A*X*B)", wrt: "X", dims: ["X": s(3, 2), "A": s(2, 3), "B": s(2, 2)], reference: "zeros(6,6)"),
  HessianCase(
    f: "tr(X*A*X*B)", wrt: "X", dims: ["X": s(3, 3), "A": s(3, 3), "B": s(3, 3)],
    reference: "(kron(A,B')+kron(B,A'))*K(3,3)"),
  HessianCase(f: "norm(A*X-B)^2", wrt: "X", dims: ["X": s(3, 2), "A": s(4, 3), "B": s(4, 2)], reference: "2*kron(I(2),A'*A)"),
  // Log-determinant, determinant, inverse-trace.
  HessianCase(
    f: "logdet(X)", wrt: "X", dims: ["X": s(3, 3)], reference: "-kron(inv(X),inv(X)')*K(3,3)", invertible: ["X"]),
  HessianCase(
    f: "det(X)", wrt: "X", dims: ["X": s(3, 3)],
    reference: "det(X)*(vec(inv(X)')*vec(inv(X)')'-kron(inv(X),inv(X)')*K(3,3))", invertible: ["X"]),
  HessianCase(
    f: "tr(inv(X))", wrt: "X", dims: ["X": s(3, 3)],
    reference: "K(3,3)*(kron((inv(X)*inv(X))',inv(X))+kron(inv(X)',inv(X)*inv(X)))", invertible: ["X"]),
  HessianCase(
    f: "tr(A*inv(X))", wrt: "X", dims: ["X": s(3, 3), "A": s(3, 3)],
    reference: "K(3,3)*(kron((inv(X)*A*inv(X))',inv(X))+kron(inv(X)',inv(X)*A*inv(X)))", invertible: ["X"]),
  // Norms.
  HessianCase(f: "norm(x)", wrt: "x", dims: ["x": s(4, 1)], reference: "I(4)/norm(x)-x*x'/norm(x)^3"),
  HessianCase(f: "norm(X)", wrt: "X", dims: ["X": s(2, 3)], reference: "I(6)/norm(X)-vec(X)*vec(X)'/norm(X)^3"),
  // Entrywise.
  HessianCase(f: "sum(exp(x))", wrt: "x", dims: ["x": s(4, 1)], reference: "diag(exp(x))"),
  HessianCase(f: "sum(x.^3)", wrt: "x", dims: ["x": s(4, 1)], reference: "diag(6*x)"),
  // Logistic loss: Xᵀ diag(y² σ(z)(1 − σ(z))) X with z = y ⊙ Xw.
  HessianCase(
    f: "sum(log(1+exp(-y.*(X*w))))", wrt: "w", dims: ["X": s(6, 3), "w": s(3, 1), "y": s(6, 1)],
    reference: "X'*diag(y.^2.*(1./(1+exp(-(y.*(X*w))))).*(1-1./(1+exp(-(y.*(X*w))))))*X"),
  // Softmax cross-entropy: diag(p) − ppᵀ in z; (x xᵀ) ⊗ (diag(p) − ppᵀ) in W.
  HessianCase(
    f: "logsumexp(z)-y'*z", wrt: "z", dims: ["z": s(4, 1), "y": s(4, 1)],
    reference: "diag(exp(z)/sum(exp(z)))-exp(z)*exp(z)'/sum(exp(z))^2"),
  HessianCase(
    f: "logsumexp(W*x)-y'*W*x", wrt: "W", dims: ["W": s(3, 4), "x": s(4, 1), "y": s(3, 1)],
    reference: "kron(x*x',diag(exp(W*x)/sum(exp(W*x)))-exp(W*x)*exp(W*x)'/sum(exp(W*x))^2)"),
  // A two-layer network: u'·tanh(W x) in W and in x; ½‖W2·tanh(W1 x) − y‖² in W2.
  HessianCase(
    f: "u'*tanh(W*x)", wrt: "W", dims: ["W": s(3, 2), "x": s(2, 1), "u": s(3, 1)],
    reference: "kron(x*x',diag(-2*u.*tanh(W*x).*(1-tanh(W*x).^2)))"),
  HessianCase(
    f: "u'*tanh(W*x)", wrt: "x", dims: ["W": s(3, 2), "x": s(2, 1), "u": s(3, 1)],
    reference: "W'*diag(-2*u.*tanh(W*x).*(1-tanh(W*x).^2))*W"),
  HessianCase(
    f: "0.5*norm(W2*tanh(W1*x)-y)^2", wrt: "W2", dims: ["W1": s(3, 4), "W2": s(2, 3), "x": s(4, 1), "y": s(2, 1)],
    reference: "kron(tanh(W1*x)*tanh(W1*x)',I(2))"),
]

/// A seeded point; invertible variables get 4·I added.
func hessianPoint(_ c: HessianCase, seed: UInt64) -> [String: Matrix] {
  var g = SeededGenerator(seed: seed)
  var values: [String: Matrix] = [:]
  for name in c.dims.keys.sorted() {
    let shape = c.dims[name]!
    var m = Matrix.randomNormal(shape.rows, shape.cols, using: &g)
    if c.invertible.contains(name) {
      for i in 0..<shape.rows { m[i, i] += 4 }
    }
    values[name] = m
  }
  return values
}

@Suite("Hessians")
struct HessianTests {
  @Test("at least 20 closed forms") func enoughCases() { #expect(hessianCases.count >= 20) }

  @Test("closed forms, finite differences of the gradient, symmetry, H[V]", arguments: hessianCases)
  func closedForm(_ c: HessianCase) throws {
    let seed: UInt64 = 0x4e55 &+ UInt64(c.f.utf8.count)
    let values = hessianPoint(c, seed: seed)
    let h = try SymbolicHessian(of: Expression(c.f), wrt: c.wrt, dims: c.dims)
    let n = c.dims[c.wrt]!.count
    let computed = try h.hessian(at: values).materialized()
    #expect(computed.rows == n && computed.cols == n)
    // The closed form from the book.
    let reference = try Expression(c.reference).evaluate(values)
    let closedError = TestSupport.Reference.relativeError(reference, computed)
    #expect(closedError <= 1e-10, "seed \(seed): \(h.hessian.unicodeText) vs \(c.reference): \(closedError)")
    // Central differences of the gradient (the library's gradient, differentiated numerically).
    let fd = try TestSupport.Reference.finiteDifferenceJacobian(
      { x in
        var w = values
        w[c.wrt] = x
        return try h.gradient.evaluate(w)
      }, at: values[c.wrt]!, h: 1e-5)
    let scale = max(reference.maxAbs, 1)
    #expect(fd.maxAbsDifference(computed) <= 1e-6 * scale, "seed \(seed): finite differences of the gradient")
    // Symmetric to 1e-10 relative.
    #expect(computed.maxAbsDifference(computed.transposed) <= 1e-10 * max(computed.maxAbs, 1e-300), "seed \(seed)")
    // H[V]: structured apply, the matrix form and the reference agree.
    var g = SeededGenerator(seed: seed &+ 1)
    let shape = c.dims[c.wrt]!
    let v = Matrix.randomNormal(shape.rows, shape.cols, using: &g)
    let applied = try h.hessianVectorProduct(at: values, direction: v)
    let matrixForm = try h.directionalDerivative(at: values, direction: v)
    let expected = Matrix(rows: shape.rows, cols: shape.cols, columnMajor: (reference * v.vec).storage)
    #expect(TestSupport.Reference.relativeError(expected, applied) <= 1e-10, "seed \(seed): structured H·vec V")
    #expect(TestSupport.Reference.relativeError(expected, matrixForm) <= 1e-10, "seed \(seed): H[V] = \(h.directional.unicodeText)")
  }

  @Test("the printed forms the issue names") func printedForms() throws {
    let quadratic = try SymbolicHessian(of: Expression("x'*A*x"), wrt: "x", dims: ["x": s(3, 1), "A": s(3, 3)])
    #expect(quadratic.hessian.unicodeText == "A + Aᵀ")
    let trace = try SymbolicHessian(of: Expression("tr(X'*A*X)"), wrt: "X", dims: ["X": s(3, 2), "A": s(3, 3)])
    #expect(trace.hessian.unicodeText == "I₂ ⊗ (A + Aᵀ)")
    #expect(trace.directional.unicodeText == "(A + Aᵀ)V")
    let logdet = try SymbolicHessian(of: Expression("logdet(X)"), wrt: "X", dims: ["X": s(3, 3)])
    #expect(logdet.hessian.unicodeText == "−K₃,₃·(X⁻ᵀ ⊗ X⁻¹)")
    // The structure is kept: I ⊗ M, never a dense 6×6.
    let values = hessianPoint(HessianCase(f: "", wrt: "X", dims: ["X": s(3, 2), "A": s(3, 3)], reference: ""), seed: 3)
    #expect(try trace.hessian(at: values).matrix.kroneckerFactors != nil)
  }

  @Test("the direction's name avoids the expression's variables") func directionName() throws {
    let h = try SymbolicHessian(of: Expression("x'*V*x"), wrt: "x", dims: ["x": s(3, 1), "V": s(3, 3)])
    #expect(h.direction == "V1")
    #expect(h.directional.variables.contains("V1"))
  }

  @Test("F that is not 1×1 is refused with a sentence") func notScalar() {
    #expect(throws: DerivativeError.self) {
      _ = try SymbolicHessian(of: Expression("A*x"), wrt: "x", dims: ["x": s(3, 1), "A": s(2, 3)])
    }
  }

  /// F is evaluated for its domain only when it has operations with a restricted domain; either
  /// way a point outside the domain, or with a non-finite value, is refused.
  @Test("the domain check: skipped only for F defined everywhere, never wrong") func domain() throws {
    #expect(try Expression("tr(X'*A*X)").isDefinedEverywhere)
    #expect(try Expression("u'*tanh(W*x)+norm(x)^2+det(W'*W)").isDefinedEverywhere)
    for text in ["logdet(X)", "tr(inv(X))", "sum(exp(x))", "sum(log(x))", "x'*x/y", "sum(X.^-1)", "sum(X.^0.5)"] {
      #expect(try !Expression(text).isDefinedEverywhere, "\(text)")
    }
    // log of a negative entry: F is undefined although H = diag(−1 ⊘ x²) could be evaluated.
    let log = try SymbolicHessian(of: Expression("sum(log(x))"), wrt: "x", dims: ["x": s(2, 1)])
    let x = Matrix(rows: 2, cols: 1, columnMajor: [-1, 2])
    #expect(throws: EvaluationError.self) { _ = try log.hessianVectorProduct(at: ["x": x], direction: x) }
    let negative = Matrix(rows: 2, cols: 2, columnMajor: [0, 1, 1, 0])
    let trace = try SymbolicHessian(of: Expression("tr(X'*A*X)"), wrt: "X", dims: ["X": s(2, 2), "A": s(2, 2)])
    let bad = Matrix(rows: 2, cols: 2, columnMajor: [1, .nan, 0, 1])
    #expect(throws: EvaluationError.self) { _ = try trace.hessian(at: ["X": bad, "A": negative]) }
    #expect(throws: EvaluationError.self) { _ = try trace.hessian(at: ["X": negative]) }
  }

  @Test("DerivativeCheck of the gradient passes at seeded points") func derivativeCheck() throws {
    for (k, c) in hessianCases.enumerated() where c.f.contains("logdet") || c.f.contains("logsumexp") {
      let values = hessianPoint(c, seed: UInt64(100 + k))
      let h = try SymbolicHessian(of: Expression(c.f), wrt: c.wrt, dims: c.dims)
      let check = try DerivativeCheck(h.gradientDerivative, at: values, seed: UInt64(k))
      #expect(check.passed, "seed \(100 + k): \(c)")
    }
  }
}
