// Mixed second derivatives (`SymbolicHessianBlocks`): every block against a closed form written
// here from the product and chain rules of Magnus & Neudecker (numerator layout over column-major
// vec, H_XY = ∂vec(∇_X F)/∂(vec Y)ᵀ), the stacked Hessian against central differences of the
// stacked gradient (taken by `TestSupport.Reference.finiteDifferenceJacobian`), symmetric to 1e-10
// relative (H_YX is derived on its own, not transposed), and H applied to a stacked direction
// three ways: structured blocks, the matrix forms, the closed forms.
import Foundation
import Jacobians
import MatrixCore
import TestSupport
import Testing

@testable import Symbolic

struct MixedHessianCase: CustomStringConvertible, Sendable {
  let f: String
  let wrt: [String]
  let dims: [String: Shape]
  /// Closed forms of the blocks, row-major over (wrt × wrt).
  let blocks: [String]
  var description: String { "\(f) wrt \(wrt.joined(separator: ","))" }
}

private func s(_ r: Int, _ c: Int) -> Shape { Shape(r, c) }

let mixedHessianCases: [MixedHessianCase] = [
  // Bilinear form xᵀAy: d²F = dxᵀA dy + dyᵀAᵀdx.
  MixedHessianCase(
    f: "x'*A*y", wrt: ["x", "y"], dims: ["x": s(3, 1), "y": s(4, 1), "A": s(3, 4)],
    blocks: ["zeros(3,3)", "A", "A'", "zeros(4,4)"]),
  // tr(XᵀAY): ∇_X = AY, ∇_Y = AᵀX.
  MixedHessianCase(
    f: "tr(X'*A*Y)", wrt: ["X", "Y"], dims: ["X": s(3, 2), "Y": s(4, 2), "A": s(3, 4)],
    blocks: ["zeros(6,6)", "kron(I(2),A)", "kron(I(2),A')", "zeros(8,8)"]),
  // Least squares in two blocks: ‖Ax + By − c‖², H = 2[AᵀA AᵀB; BᵀA BᵀB].
  MixedHessianCase(
    f: "(A*x+B*y-c)'*(A*x+B*y-c)", wrt: ["x", "y"],
    dims: ["x": s(3, 1), "y": s(2, 1), "A": s(5, 3), "B": s(5, 2), "c": s(5, 1)],
    blocks: ["2*A'*A", "2*A'*B", "2*B'*A", "2*B'*B"]),
  // One tanh layer uᵀtanh(Wx), s = 1 − tanh²(Wx), t = tanh(Wx):
  // H_WW = −(x ⊗ I)diag(2u⊙t⊙s)(xᵀ ⊗ I), H_Wx = (I ⊗ (u⊙s)) − (x ⊗ I)diag(2u⊙t⊙s)W, H_xx = −Wᵀdiag(2u⊙t⊙s)W.
  MixedHessianCase(
    f: "u'*tanh(W*x)", wrt: ["W", "x"], dims: ["W": s(3, 2), "x": s(2, 1), "u": s(3, 1)],
    blocks: [
      "-kron(x,I(3))*diag(2*u.*tanh(W*x).*(1-tanh(W*x).^2))*kron(x',I(3))",
      "kron(I(2),u.*(1-tanh(W*x).^2))-kron(x,I(3))*diag(2*u.*tanh(W*x).*(1-tanh(W*x).^2))*W",
      "kron(I(2),(u.*(1-tanh(W*x).^2))')-W'*diag(2*u.*tanh(W*x).*(1-tanh(W*x).^2))*kron(x',I(3))",
      "-W'*diag(2*u.*tanh(W*x).*(1-tanh(W*x).^2))*W",
    ]),
  // A two-layer net ½‖W2 h − y‖², h = tanh(W1 x), r = W2 h − y, s = 1 − h²:
  // H_W2W2 = (h hᵀ) ⊗ I, H_W2W1 = ((h ⊗ W2) + (I ⊗ r))diag(s)(xᵀ ⊗ I),
  // H_W1W1 = (x ⊗ I)(diag(s)W2ᵀW2 diag(s) − diag(2h ⊙ s ⊙ W2ᵀr))(xᵀ ⊗ I).
  MixedHessianCase(
    f: "0.5*norm(W2*tanh(W1*x)-y)^2", wrt: ["W2", "W1"],
    dims: ["W1": s(3, 4), "W2": s(2, 3), "x": s(4, 1), "y": s(2, 1)],
    blocks: [
      "kron(tanh(W1*x)*tanh(W1*x)',I(2))",
      "(kron(tanh(W1*x),W2)+kron(I(3),W2*tanh(W1*x)-y))*diag(1-tanh(W1*x).^2)*kron(x',I(3))",
      "kron(x,I(3))*diag(1-tanh(W1*x).^2)*(kron(tanh(W1*x)',W2')+kron(I(3),(W2*tanh(W1*x)-y)'))",
      "kron(x,I(3))*(diag(1-tanh(W1*x).^2)*W2'*W2*diag(1-tanh(W1*x).^2)-diag(2*tanh(W1*x).*(1-tanh(W1*x).^2).*(W2'*(W2*tanh(W1*x)-y))))*kron(x',I(3))",
    ]),
  // Logistic regression with a bias: F = Σ log(1 + exp(−y ⊙ (Xw + b1))), p = σ(−z) with z = y ⊙ (Xw + b1),
  // the weights q = y² ⊙ p ⊙ (1 − p): H_ww = Xᵀdiag(q)X, H_wb = Xᵀq, H_bb = 1ᵀq.
  MixedHessianCase(
    f: "sum(log(1+exp(-y.*(X*w+b*ones(6,1)))))", wrt: ["w", "b"], dims: ["X": s(6, 3), "w": s(3, 1), "y": s(6, 1), "b": s(1, 1)],
    blocks: [
      "X'*diag(y.^2.*(1./(1+exp(y.*(X*w+b*ones(6,1))))).*(1-1./(1+exp(y.*(X*w+b*ones(6,1))))))*X",
      "X'*(y.^2.*(1./(1+exp(y.*(X*w+b*ones(6,1))))).*(1-1./(1+exp(y.*(X*w+b*ones(6,1))))))",
      "(y.^2.*(1./(1+exp(y.*(X*w+b*ones(6,1))))).*(1-1./(1+exp(y.*(X*w+b*ones(6,1))))))'*X",
      "sum(y.^2.*(1./(1+exp(y.*(X*w+b*ones(6,1))))).*(1-1./(1+exp(y.*(X*w+b*ones(6,1))))))",
    ]),
]

@Suite("Mixed Hessians")
struct MixedHessianTests {
  @Test("blocks against closed forms, the stacked Hessian against central differences, symmetry, H[V]", arguments: mixedHessianCases)
  func blocks(_ c: MixedHessianCase) throws {
    let seed: UInt64 = 0x6d69 &+ UInt64(c.f.utf8.count)
    var generator = SeededGenerator(seed: seed)
    var values: [String: Matrix] = [:]
    for name in c.dims.keys.sorted() {
      values[name] = Matrix.randomNormal(c.dims[name]!.rows, c.dims[name]!.cols, using: &generator)
    }
    let h = try SymbolicHessianBlocks(of: Expression(c.f), wrt: c.wrt, dims: c.dims)
    let k = c.wrt.count
    let sizes = c.wrt.map { c.dims[$0]!.count }
    let offsets = sizes.reduce(into: [0]) { $0.append($0.last! + $1) }
    let n = offsets.last!
    let stacked = try h.hessian(at: values)
    #expect(stacked.rows == n && stacked.cols == n)
    // Each block against its closed form, placed by the stated layout.
    var reference = Matrix.zeros(n, n)
    for i in 0..<k {
      for j in 0..<k {
        let closed = try Expression(c.blocks[i * k + j]).evaluate(values)
        #expect(closed.rows == sizes[i] && closed.cols == sizes[j], "seed \(seed): block (\(i),\(j)) shape")
        for col in 0..<closed.cols {
          for row in 0..<closed.rows { reference[offsets[i] + row, offsets[j] + col] = closed[row, col] }
        }
        let block = try h.block(i, j, at: values).materialized()
        #expect(
          TestSupport.Reference.relativeError(closed, block) <= 1e-10,
          "seed \(seed): block (\(c.wrt[i]), \(c.wrt[j])) = \(h.block(i, j).hessian.unicodeText) vs \(c.blocks[i * k + j])")
      }
    }
    #expect(TestSupport.Reference.relativeError(reference, stacked) <= 1e-10, "seed \(seed): stacked layout")
    // Central differences of the stacked gradient (vec ∇₁F; …; vec ∇ₖF) in the stacked variable.
    let z = Matrix(rows: n, cols: 1, columnMajor: c.wrt.flatMap { values[$0]!.storage })
    let fd = try TestSupport.Reference.finiteDifferenceJacobian(
      { zz in
        var w = values
        for (i, v) in c.wrt.enumerated() {
          w[v] = Matrix(
            rows: c.dims[v]!.rows, cols: c.dims[v]!.cols, columnMajor: Array(zz.storage[offsets[i]..<offsets[i + 1]]))
        }
        return Matrix(rows: n, cols: 1, columnMajor: try h.gradients.flatMap { try $0.evaluate(w).storage })
      }, at: z, h: 1e-5)
    #expect(fd.maxAbsDifference(stacked) <= 1e-6 * max(reference.maxAbs, 1), "seed \(seed): finite differences")
    // Symmetric to 1e-10 relative.
    #expect(stacked.maxAbsDifference(stacked.transposed) <= 1e-10 * max(stacked.maxAbs, 1e-300), "seed \(seed): symmetry")
    // H applied to a stacked direction: structured, matrix forms, the closed forms.
    let directions = c.wrt.map { Matrix.randomNormal(c.dims[$0]!.rows, c.dims[$0]!.cols, using: &generator) }
    let expected = reference * Matrix(rows: n, cols: 1, columnMajor: directions.flatMap(\.storage))
    let applied = try h.hessianVectorProduct(at: values, directions: directions)
    let matrixForms = try h.directionalDerivative(at: values, directions: directions)
    for i in 0..<k {
      let part = Matrix(
        rows: c.dims[c.wrt[i]]!.rows, cols: c.dims[c.wrt[i]]!.cols,
        columnMajor: Array(expected.storage[offsets[i]..<offsets[i + 1]]))
      #expect(TestSupport.Reference.relativeError(part, applied[i]) <= 1e-10, "seed \(seed): structured row \(c.wrt[i])")
      #expect(
        TestSupport.Reference.relativeError(part, matrixForms[i]) <= 1e-10,
        "seed \(seed): matrix form \(h.rowDirectional[i].unicodeText)")
      // Each block's matrix form: H_ij[V_j].
      for j in 0..<k {
        var w = values
        w[h.directions[j]] = directions[j]
        let blockForm = try h.block(i, j).directional.evaluate(w)
        let closed = try Expression(c.blocks[i * k + j]).evaluate(values) * directions[j].vec
        #expect(
          TestSupport.Reference.relativeError(
            Matrix(rows: part.rows, cols: part.cols, columnMajor: closed.storage), blockForm) <= 1e-10,
          "seed \(seed): H_\(c.wrt[i])\(c.wrt[j])[V] = \(h.block(i, j).directional.unicodeText)")
      }
    }
  }

  @Test("printed blocks") func printed() throws {
    let h = try SymbolicHessianBlocks(
      of: Expression("x'*A*y"), wrt: ["x", "y"], dims: ["x": s(3, 1), "y": s(4, 1), "A": s(3, 4)])
    #expect(h.block(0, 1).hessian.unicodeText == "A")
    #expect(h.block(1, 0).hessian.unicodeText == "Aᵀ")
    #expect(h.directions == ["V_x", "V_y"])
    #expect(h.offsets == [0, 3] && h.size == 7)
  }

  @Test("refusals: F not 1×1, a variable named twice") func refusals() {
    #expect(throws: DerivativeError.self) {
      _ = try SymbolicHessianBlocks(of: Expression("A*x"), wrt: ["x", "A"], dims: ["x": s(3, 1), "A": s(2, 3)])
    }
    #expect(throws: DerivativeError.self) {
      _ = try SymbolicHessianBlocks(of: Expression("x'*x"), wrt: ["x", "x"], dims: ["x": s(3, 1)])
    }
  }
}
