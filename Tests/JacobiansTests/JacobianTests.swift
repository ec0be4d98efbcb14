import Foundation
import MatrixCore
import PropertyBased
import TestSupport
import Testing

@testable import Jacobians

private func fdCheck(_ j: Jacobian, _ f: (Matrix) -> Matrix, at x: Matrix, tol: Double = 1e-7) throws {
  let reference = Reference.finiteDifferenceJacobian(f, at: x)
  let err = Reference.relativeError(try j.materialized(), reference)
  #expect(err <= tol, "relative error \(err) against central differences")
}

@Suite struct StandardJacobianTests {
  @Test(arguments: [(3, 2), (1, 4), (4, 1), (2, 2)]) func gramAndOuterGram(shape: (Int, Int)) throws {
    let x = Matrix.randomNormal(shape.0, shape.1, seed: 3)
    try fdCheck(.gram(x), { Reference.product(Reference.transpose($0), $0) }, at: x)
    try fdCheck(.outerGram(x), { Reference.product($0, Reference.transpose($0)) }, at: x)
  }

  @Test func linearTransposeHadamardElementwise() throws {
    let a = Matrix.randomNormal(4, 3, seed: 1)
    let b = Matrix.randomNormal(2, 5, seed: 2)
    let x = Matrix.randomNormal(3, 2, seed: 3)
    try fdCheck(try .linear(left: a, right: b), { Reference.product(Reference.product(a, $0), b) }, at: x)
    try fdCheck(.transpose(of: x.shape), { Reference.transpose($0) }, at: x)
    let y = Matrix.randomNormal(3, 2, seed: 4)
    try fdCheck(.hadamard(with: y), { x in Matrix(rows: 3, cols: 2, columnMajor: zip(x.storage, y.storage).map(*)) }, at: x)
    try fdCheck(.elementwise(at: x, derivative: { 1 - tanh($0) * tanh($0) }), { $0.map(tanh) }, at: x)
  }

  @Test func gramOfLargeMatrixAppliesWithoutMaterialising() throws {
    // ∂(RᵀR)/∂R for R 300×200 is 40000×60000 (19 GB dense); a JVP is two GEMMs.
    let r = Matrix.randomNormal(300, 200, seed: 5)
    let j = Jacobian.gram(r)
    #expect(throws: JacobianError.self) { try j.materialized() }
    let v = Matrix.randomNormal(300, 200, seed: 6)
    // d(RᵀR) = VᵀR + RᵀV
    let expected = Reference.sum(Reference.product(Reference.transpose(v), r), Reference.product(Reference.transpose(r), v))
    #expect(Reference.relativeError(try j.pushforward(v), expected) < 1e-12)
    let check = try NumericDifferentiation.directionalCheck(j, of: { $0.transposed * $0 }, at: r, directions: 2)
    #expect(check.passed, "\(check)")
    // The pullback of U is R(U + Uᵀ).
    let u = Matrix.randomNormal(200, 200, seed: 7)
    let g = Reference.product(r, Reference.sum(u, Reference.transpose(u)))
    #expect(Reference.relativeError(try j.pullback(u), g) < 1e-12)
  }

  @Test func entriesFollowTheEntrywiseRule() throws {
    // ∂(RᵀR)[p,q]/∂R[i,j] = δ(j,p)·R[i,q] + δ(j,q)·R[i,p]
    let r = Matrix.randomNormal(4, 3, seed: 8)
    let j = Jacobian.gram(r)
    for p in 0..<3 {
      for q in 0..<3 {
        for i in 0..<4 {
          for jj in 0..<3 {
            let rule = (jj == p ? r[i, q] : 0) + (jj == q ? r[i, p] : 0)
            #expect(abs(try j.entry(output: p, q, input: i, jj) - rule) < 1e-14)
          }
        }
      }
    }
    #expect(throws: JacobianError.self) { try j.entry(output: 3, 0, input: 0, 0) }
    let grad = try j.gradient(ofOutput: 1, 2)
    #expect(grad.shape == r.shape)
    let d = try j.derivative(withRespectTo: 2, 1)
    #expect(d.shape == Shape(3, 3))
  }

  @Test func chainRuleComposesShapes() throws {
    // F(X) = (AX)ᵀ(AX) = Gram(Y) ∘ Y = AX.
    let a = Matrix.randomNormal(4, 3, seed: 9)
    let x = Matrix.randomNormal(3, 2, seed: 10)
    let inner = try Jacobian.linear(left: a, right: .identity(2))
    let outer = Jacobian.gram(a * x)
    let j = try Jacobian.chain(outer, inner)
    try fdCheck(j, { let y = Reference.product(a, $0); return Reference.product(Reference.transpose(y), y) }, at: x)
    #expect(throws: JacobianError.self) { try Jacobian.chain(inner, outer) }
  }
}

@Suite struct LayoutTests {
  @Test func layoutsAgreeWithTheirDefinitions() throws {
    let x = Matrix.randomNormal(3, 2, seed: 11)
    let j = Jacobian.gram(x)  // F 2×2 of X 3×2
    let num = try j.materialized()
    let (m, n, a, b) = (2, 2, 3, 2)
    let tensor = try j.denseArray(in: .tensor)
    #expect(tensor.shape == [m, n, a, b])
    let rowMajor = try j.matrix(in: .numeratorRowMajor).materialized()
    let den = try j.matrix(in: .denominator).materialized()
    let sympy = try j.denseArray(in: .sympy)
    for p in 0..<m {
      for q in 0..<n {
        for i in 0..<a {
          for jj in 0..<b {
            let v = num[p + q * m, i + jj * a]
            #expect(tensor.values[((p * n + q) * a + i) * b + jj] == v)
            #expect(rowMajor[p * n + q, i * b + jj] == v)
            #expect(den[i + jj * a, p + q * m] == v)
            #expect(sympy.values[((i * b + jj) * m + p) * n + q] == v)
          }
        }
      }
    }
    // NumPy's T.reshape(m*n, a*b, order='F') of the tensor is the numerator matrix.
    let back = try JacobianLayout.convert(tensor, from: .tensor, to: .numerator, output: Shape(m, n), input: Shape(a, b))
    #expect(try back.matrix() == num)
  }

  @Test func roundTripsAreExact() async {
    await seededPropertyCheck(count: 60, input: Gen.int(in: 1...4), Gen.int(in: 1...4), Gen.int(in: 1...4), Gen.int(in: 1...4)) { m, n, a, b in
      let out = Shape(m, n)
      let inp = Shape(a, b)
      let j = Matrix.randomNormal(m * n, a * b, seed: UInt64(m * 1000 + n * 100 + a * 10 + b))
      let start = NPYArray(matrix: j)
      for from in JacobianLayout.allCases where from != .shape || m * n == 1 {
        for to in JacobianLayout.allCases where to != .shape || m * n == 1 {
          guard let x = try? JacobianLayout.convert(start, from: .numerator, to: from, output: out, input: inp),
            let y = try? JacobianLayout.convert(x, from: from, to: to, output: out, input: inp),
            let z = try? JacobianLayout.convert(y, from: to, to: .numerator, output: out, input: inp)
          else { Issue.record("conversion \(from)→\(to) failed"); return }
          #expect(z == start)
        }
      }
      // The structural row-major conversion equals the dense one.
      let sj = Jacobian(output: out, input: inp, dense: j)
      if let s = try? sj.matrix(in: .numeratorRowMajor).materialized(),
        let d = try? JacobianLayout.convert(start, from: .numerator, to: .numeratorRowMajor, output: out, input: inp)
      {
        #expect(NPYArray(matrix: s) == d)
      } else {
        Issue.record("row-major conversion failed")
      }
    }
  }

  @Test func shapeLayoutOnlyForScalars() throws {
    let x = Matrix.randomNormal(3, 2, seed: 12)
    let j = Jacobian.gram(x)
    let e = try #require(throws: JacobianError.self) { try j.gradient() }
    #expect("\(e)".contains("only for a scalar function"))
    // f(X) = sum(X ⊙ X): gradient 2X, as a 1×6 Jacobian.
    let f = Jacobian(output: Shape(1, 1), input: x.shape, dense: Matrix(rows: 1, cols: 6, columnMajor: x.storage.map { 2 * $0 }))
    #expect(try f.gradient() == x.scaled(by: 2))
    let arr = NPYArray(shape: [2, 2], values: [1, 2, 3, 4])
    #expect(throws: JacobianError.self) {
      try JacobianLayout.convert(arr, from: .numerator, to: .tensor, output: Shape(3, 1), input: Shape(2, 1))
    }
  }
}

@Suite struct ComparisonTests {
  @Test func worstEntriesAreLabelled() throws {
    let x = Matrix.randomNormal(3, 2, seed: 13)
    let truth = try Jacobian.gram(x).materialized()
    var wrong = truth
    wrong[1 + 0 * 2, 2 + 1 * 3] += 0.5  // ∂F[1,0]/∂X[2,1]
    let c = JacobianComparison(expected: truth, actual: wrong, output: Shape(2, 2), input: Shape(3, 2))
    #expect(c.worst.first?.label == "∂F[1,0]/∂X[2,1]")
    #expect(abs(c.maxAbsError - 0.5) < 1e-15)
    #expect(!c.holds)
    #expect(JacobianComparison(expected: truth, actual: truth, output: Shape(2, 2), input: Shape(3, 2)).holds)
    // Numeric differentiation through the library agrees with the closed form.
    let fd = try NumericDifferentiation.jacobian(of: { $0.transposed * $0 }, at: x)
    #expect(JacobianComparison(expected: truth, actual: fd, output: Shape(2, 2), input: Shape(3, 2)).passes(relativeTolerance: 1e-8))
  }
}
