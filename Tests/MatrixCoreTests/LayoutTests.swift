import PropertyBased
import Testing

@testable import MatrixCore
import TestSupport

@Suite struct LayoutTests {
  @Test(arguments: edgeShapes) func vecRoundTripAndRowMajor(shape: (Int, Int)) throws {
    let (r, c) = shape
    let a = Matrix.randomNormal(r, c, seed: 30)
    #expect(a.vec.storage == Reference.vec(a))
    #expect(a.vec.shape == Shape(r * c, 1))
    #expect(try Matrix(unvec: a.vec.storage, rows: r, cols: c) == a)
    #expect(a.rowMajorFlattened == Reference.vec(Reference.transpose(a)))
    #expect(Matrix(rows: r, cols: c, rowMajor: a.rowMajorFlattened) == a)
    #expect(throws: MatrixError.self) { try Matrix(unvec: [1, 2, 3], rows: 2, cols: 2) }
  }

  @Test(arguments: edgeShapes) func commutationMatrix(shape: (Int, Int)) {
    let (m, n) = shape
    let a = Matrix.randomNormal(m, n, seed: 31)
    let k = Commutation(m, n)
    // K(m,n)·vec(A) = vec(Aᵀ), as a permutation and as a dense matrix.
    #expect(k.apply(a.vec.storage) == Reference.vec(Reference.transpose(a)))
    let dense = k.dense()
    #expect(Reference.product(dense, a.vec).storage == Reference.vec(Reference.transpose(a)))
    // K(m,n)ᵀ = K(n,m), and K(n,m)·K(m,n) = I.
    #expect(Reference.transpose(dense) == Commutation(n, m).dense())
    #expect(Reference.product(Commutation(n, m).dense(), dense) == .identity(m * n))
    // Row and column application equal the dense products.
    let x = Matrix.randomNormal(m * n, 3, seed: 32)
    #expect(k.apply(toRowsOf: x) == Reference.product(dense, x))
    let y = Matrix.randomNormal(2, m * n, seed: 33)
    #expect(k.apply(toColumnsOf: y) == Reference.product(y, dense))
    for c in 0..<(m * n) { #expect(k.source(ofRow: k.destination(ofColumn: c)) == c) }
  }

  @Test func kroneckerAgainstDefinition() {
    for (sa, sb) in [((1, 1), (3, 2)), ((2, 3), (1, 1)), ((2, 2), (3, 3)), ((1, 4), (3, 1)), ((3, 2), (2, 4))] {
      let a = Matrix.randomNormal(sa.0, sa.1, seed: 40)
      let b = Matrix.randomNormal(sb.0, sb.1, seed: 41)
      #expect(kron(a, b) == Reference.kron(a, b))
    }
  }

  @Test func vecOfAXBIsKroneckerTimesVec() async {
    await seededPropertyCheck(count: 40, input: Gen.int(in: 1...5), Gen.int(in: 1...5), Gen.int(in: 1...5), Gen.int(in: 1...5)) { m, a, b, n in
      let A = Matrix.randomNormal(m, a, seed: UInt64(m + 10 * a))
      let X = Matrix.randomNormal(a, b, seed: UInt64(b + 10 * a))
      let B = Matrix.randomNormal(b, n, seed: UInt64(n + 10 * b))
      let lhs = Reference.vec(Reference.product(Reference.product(A, X), B))
      let rhs = Reference.product(Reference.kron(Reference.transpose(B), A), X.vec)
      #expect(Matrix(column: lhs).isApproximatelyEqual(to: rhs, relativeTolerance: 1e-12))
      #expect((kron(B.transposed, A) * X.vec).isApproximatelyEqual(to: rhs, relativeTolerance: 1e-12))
    }
  }

  @Test func mixedProductRule() {
    // (A⊗B)(C⊗D) = (AC)⊗(BD)
    let a = Matrix.randomNormal(2, 3, seed: 50)
    let b = Matrix.randomNormal(4, 2, seed: 51)
    let c = Matrix.randomNormal(3, 2, seed: 52)
    let d = Matrix.randomNormal(2, 5, seed: 53)
    let lhs = Reference.product(Reference.kron(a, b), Reference.kron(c, d))
    let rhs = Reference.kron(Reference.product(a, c), Reference.product(b, d))
    #expect(lhs.isApproximatelyEqual(to: rhs, relativeTolerance: 1e-12))
    #expect((kron(a, b) * kron(c, d)).isApproximatelyEqual(to: kron(a * c, b * d), relativeTolerance: 1e-12))
  }
}
