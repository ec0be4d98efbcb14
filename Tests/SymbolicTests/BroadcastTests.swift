import Foundation
import Jacobians
import MatrixCore
import Testing
import TestSupport

@testable import Symbolic

/// Broadcasting in `+`, `-`, `.*`, `./` (docs/language.md): shapes, values against loops written
/// here, Jacobians against dense matrices built by definition and against central differences,
/// gradients against closed forms.
@Suite struct BroadcastTests {
  @Test(arguments: [
    ("W*X + b", ["W": Shape(3, 2), "X": Shape(2, 4), "b": Shape(3, 1)], Shape(3, 4)),
    ("X + r", ["X": Shape(3, 4), "r": Shape(1, 4)], Shape(3, 4)),
    ("c - r", ["c": Shape(3, 1), "r": Shape(1, 4)], Shape(3, 4)),
    ("1 - tanh(z).^2", ["z": Shape(5, 1)], Shape(5, 1)),
    ("X .* c", ["X": Shape(3, 4), "c": Shape(3, 1)], Shape(3, 4)),
    ("r ./ X", ["X": Shape(3, 4), "r": Shape(1, 4)], Shape(3, 4)),
  ])
  func shapesExpand(_ text: String, _ dims: [String: Shape], _ shape: Shape) throws {
    #expect(try Expression(text).shape(in: dims) == shape)
  }

  @Test func mismatchNamesBothShapes() throws {
    let dims = ["A": Shape(3, 2), "b": Shape(2, 1)]
    for text in ["A + b", "A - b", "A .* b", "A ./ b"] {
      do {
        _ = try Expression(text).shape(in: dims)
        Issue.record("\(text) was accepted")
      } catch {
        #expect("\(error)".contains("3×2") && "\(error)".contains("2×1"), "\(error)")
      }
    }
  }

  /// Values entry by entry: F[i,j] = A[i,j] ∘ b[i] (column), ∘ r[j] (row), ∘ s.
  @Test func valuesFollowTheDefinition() throws {
    var random = SeededGenerator(seed: 17)
    let A = Matrix.randomNormal(3, 4, using: &random)
    let b = Matrix.randomNormal(3, 1, using: &random)
    let r = Matrix.randomNormal(1, 4, using: &random).map { $0 + 3 }
    let values = ["A": A, "b": b, "r": r]
    let cases: [(String, (Int, Int) -> Double)] = [
      ("A + b", { A[$0, $1] + b[$0, 0] }), ("b - A", { b[$0, 0] - A[$0, $1] }),
      ("A .* r", { A[$0, $1] * r[0, $1] }), ("A ./ r", { A[$0, $1] / r[0, $1] }),
      ("b + r", { b[$0, 0] + r[0, $1] }), ("b .* r", { b[$0, 0] * r[0, $1] }),
      ("2 - A", { 2 - A[$0, $1] }), ("r ./ (A.^2 + 1)", { r[0, $1] / (A[$0, $1] * A[$0, $1] + 1) }),
    ]
    for (text, entry) in cases {
      let v = try Expression(text).evaluate(values)
      #expect(v.shape == Shape(3, 4), "\(text)")
      for i in 0..<3 {
        for j in 0..<4 { #expect(abs(v[i, j] - entry(i, j)) <= 1e-14 * max(1, abs(entry(i, j))), "\(text)") }
      }
    }
  }

  /// ∂vec(W*X + b)/∂bᵀ = 1ₙ ⊗ I_m, built here by definition: J[p + q·m, i] = [p = i], kept as a
  /// Kronecker product; ∂/∂r of X + r (a row) is I_n ⊗ 1_m: J[p + q·m, j] = [q = j].
  @Test func expansionJacobiansByDefinition() throws {
    let (m, n) = (3, 4)
    var random = SeededGenerator(seed: 5)
    let values = [
      "W": Matrix.randomNormal(m, 2, using: &random), "X": Matrix.randomNormal(2, n, using: &random),
      "b": Matrix.randomNormal(m, 1, using: &random), "r": Matrix.randomNormal(1, n, using: &random),
    ]
    let dims = values.mapValues(\.shape)
    let db = try SymbolicDerivative(of: Expression("W*X + b"), wrt: "b", dims: dims)
    let jb = try db.jacobian(at: values)
    #expect(jb.matrix.kind == .kronecker, "\(jb.matrix)")
    #expect(db.jacobian.unicodeText.contains("⊗"), "\(db.jacobian.unicodeText)")
    let denseB = try jb.materialized()
    for q in 0..<n { for p in 0..<m { for i in 0..<m { #expect(denseB[p + q * m, i] == (p == i ? 1 : 0)) } } }

    let dr = try SymbolicDerivative(of: Expression("W*X - r"), wrt: "r", dims: dims)
    let denseR = try dr.jacobian(at: values).materialized()
    for q in 0..<n { for p in 0..<m { for j in 0..<n { #expect(denseR[p + q * m, j] == (q == j ? -1 : 0)) } } }

    let ds = try SymbolicDerivative(of: Expression("W*X .* s"), wrt: "s", dims: dims.merging(["s": Shape(1, 1)]) { a, _ in a })
    let WX = try Expression("W*X").evaluate(values)
    let denseS = try ds.jacobian(at: values.merging(["s": Matrix(rows: 1, cols: 1, columnMajor: [0.5])]) { a, _ in a }).materialized()
    for k in 0..<(m * n) { #expect(abs(denseS[k, 0] - WX.storage[k]) <= 1e-14 * max(1, abs(WX.storage[k]))) }
  }

  /// The derivative of tanh prints the scalar 1, as on paper (`1 − tanh²(z)`), not ones(n,1).
  @Test func derivativesPrintTheScalarOne() throws {
    let d = try SymbolicDerivative(of: Expression("u'*tanh(W*x + b)"), wrt: "b", dims: [
      "u": Shape(5, 1), "W": Shape(5, 3), "x": Shape(3, 1), "b": Shape(5, 1),
    ])
    #expect(d.jacobian.unicodeText.contains("1 − tanh²"), "\(d.jacobian.unicodeText)")
    #expect(!d.jacobian.unicodeText.contains("ones"), "\(d.jacobian.unicodeText)")
    #expect(d.gradient?.unicodeText.contains("1 − tanh²") ?? false, "\(d.gradient?.unicodeText ?? "")")
  }

  /// Logistic loss `sum(log(1 + exp(-y.*(X*w))))`: the gradient against its closed form
  /// `−Xᵀ(y ⊙ σ(−y ⊙ Xw))`, computed here with loops; and broadcast forms of a layer against
  /// central differences (forward Jacobian and reverse gradient).
  @Test func gradientsAgainstClosedFormsAndDifferences() throws {
    var random = SeededGenerator(seed: 23)
    let (N, p) = (6, 3)
    let X = Matrix.randomNormal(N, p, using: &random)
    let w = Matrix.randomNormal(p, 1, using: &random)
    let y = Matrix(column: (0..<N).map { $0 % 2 == 0 ? 1 : -1 })
    let values = ["X": X, "w": w, "y": y]
    let d = try SymbolicDerivative(
      of: Expression("sum(log(1 + exp(-y.*(X*w))))"), wrt: "w", dims: values.mapValues(\.shape))
    let g = try d.gradient(at: values)
    for j in 0..<p {
      var expected = 0.0
      for i in 0..<N {
        let margin = y[i, 0] * (0..<p).reduce(0) { $0 + X[i, $1] * w[$1, 0] }
        expected -= X[i, j] * y[i, 0] / (1 + Foundation.exp(margin))
      }
      #expect(abs(g[j, 0] - expected) <= 1e-12 * max(1, abs(expected)), "∂/∂w[\(j)]")
    }

    let layer = [
      "W": Matrix.randomNormal(4, 3, using: &random), "A": Matrix.randomNormal(3, 5, using: &random),
      "b": Matrix.randomNormal(4, 1, using: &random), "r": Matrix.randomNormal(1, 5, using: &random),
      "s": Matrix(rows: 1, cols: 1, columnMajor: [0.7]),
    ]
    for (text, wrt) in [
      ("tanh(W*A + b)", "b"), ("tanh(W*A + b)", "W"), ("(W*A - r) .* b", "r"), ("(W*A - r) .* b", "b"),
      ("(W*A) ./ (exp(b) + r.^2)", "b"), ("(W*A) ./ (exp(b) + r.^2)", "r"), ("b .* r ./ s", "s"),
      ("sum(sigmoid(W*A + b - s))", "b"), ("sum((b - r).^2)", "r"), ("sum(exp(b) ./ exp(r))", "r"),
    ] {
      let e = try Expression(text)
      let derivative = try SymbolicDerivative(of: e, wrt: wrt, dims: layer.mapValues(\.shape))
      let fd = try TestSupport.Reference.finiteDifferenceJacobian({ x in
        var v = layer
        v[wrt] = x
        return try e.evaluate(v)
      }, at: layer[wrt]!)
      let got = try derivative.jacobian(at: layer).materialized()
      #expect(TestSupport.Reference.relativeError(got, fd) < 1e-7, "\(text) wrt \(wrt): \(derivative.jacobian.plainText)")
      if derivative.outputShape.isScalar {
        let gradient = try derivative.gradient(at: layer)
        #expect(TestSupport.Reference.relativeError(Matrix(rows: 1, cols: gradient.count, columnMajor: gradient.storage), fd) < 1e-7, "\(text)")
      }
    }
  }
}
