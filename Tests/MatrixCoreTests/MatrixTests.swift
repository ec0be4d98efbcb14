import PropertyBased
import Testing

@testable import MatrixCore
import TestSupport

@Suite struct MatrixConstructionTests {
  @Test func columnAndRowMajorAgree() throws {
    let a = Matrix(rows: 2, cols: 3, columnMajor: [1, 4, 2, 5, 3, 6])
    let b = Matrix(rows: 2, cols: 3, rowMajor: [1, 2, 3, 4, 5, 6])
    let c = try Matrix([[1, 2, 3], [4, 5, 6]])
    #expect(a == b)
    #expect(a == c)
    #expect(a[1, 2] == 6)
    #expect(a.row(1) == [4, 5, 6])
    #expect(a.column(2) == [3, 6])
  }

  @Test func raggedRowsThrow() {
    #expect(throws: MatrixError.self) { try Matrix([[1, 2], [3]]) }
  }

  @Test func identityZerosOnes() {
    let i = Matrix.identity(3)
    for r in 0..<3 { for c in 0..<3 { #expect(i[r, c] == (r == c ? 1 : 0)) } }
    #expect(Matrix.zeros(2, 3).storage.allSatisfy { $0 == 0 })
    #expect(Matrix.ones(3, 2).storage.allSatisfy { $0 == 1 })
  }

  @Test func seededRandomIsReproducibleAndNormal() {
    let a = Matrix.randomNormal(200, 50, seed: 7)
    let b = Matrix.randomNormal(200, 50, seed: 7)
    let c = Matrix.randomNormal(200, 50, seed: 8)
    #expect(a == b)
    #expect(a != c)
    let n = Double(a.count)
    let mean = a.sum / n
    let variance = a.storage.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / n
    #expect(abs(mean) < 0.03)
    #expect(abs(variance - 1) < 0.05)
  }
}

@Suite struct ArithmeticTests {
  @Test(arguments: edgeShapes) func sumDifferenceScale(shape: (Int, Int)) throws {
    let (r, c) = shape
    let a = Matrix.randomNormal(r, c, seed: 1)
    let b = Matrix.randomNormal(r, c, seed: 2)
    let s = a + b
    let d = a - b
    let k = 2.5 * a
    let h = try a.hadamard(b)
    let q = try a.hadamardQuotient(b)
    for i in 0..<r {
      for j in 0..<c {
        #expect(approx(s[i, j], a[i, j] + b[i, j]))
        #expect(approx(d[i, j], a[i, j] - b[i, j]))
        #expect(approx(k[i, j], 2.5 * a[i, j]))
        #expect(approx(h[i, j], a[i, j] * b[i, j]))
        #expect(approx(q[i, j], a[i, j] / b[i, j]))
      }
    }
    #expect((-a).storage == a.storage.map { -$0 })
  }

  @Test func shapeMismatchNamesBothShapes() {
    let a = Matrix.zeros(3, 2)
    let b = Matrix.zeros(4, 3)
    #expect(throws: MatrixError.shapeMismatch(operation: "multiply", lhs: Shape(3, 2), rhs: Shape(4, 3), detail: "inner sizes 2 and 4 differ")) {
      try a.multiplied(by: b)
    }
    do {
      _ = try a.multiplied(by: b)
    } catch {
      #expect("\(error)" == "cannot multiply 3×2 by 4×3: inner sizes 2 and 4 differ")
    }
    #expect(throws: MatrixError.self) { try a.adding(b) }
    #expect(throws: MatrixError.self) { try a.hadamard(b) }
  }

  @Test(arguments: edgeShapes) func transposeTraceNorm(shape: (Int, Int)) throws {
    let (r, c) = shape
    let a = Matrix.randomNormal(r, c, seed: 3)
    #expect(a.transposed == Reference.transpose(a))
    let naive = a.storage.map { $0 * $0 }.reduce(0, +).squareRoot()
    #expect(approx(a.frobeniusNorm, naive, 1e-12))
    if r == c {
      #expect(approx(try a.trace(), (0..<r).map { a[$0, $0] }.reduce(0, +)))
    } else {
      #expect(throws: MatrixError.notSquare(operation: "trace", shape: Shape(r, c))) { try a.trace() }
    }
  }

  @Test func largeTransposeIsBlockedCorrectly() {
    let a = Matrix.randomNormal(70, 45, seed: 4)
    #expect(a.transposed == Reference.transpose(a))
    #expect(a.transposed.transposed == a)
  }

  @Test func approximateEqualityIsRelative() {
    let a = Matrix.randomNormal(4, 4, seed: 5).scaled(by: 1e8)
    var b = a
    b[0, 0] += 1e-3  // tiny relative to ‖a‖ ≈ 4e8
    #expect(a.isApproximatelyEqual(to: b, relativeTolerance: 1e-10))
    b[0, 0] += 1e3
    #expect(!a.isApproximatelyEqual(to: b, relativeTolerance: 1e-10))
    #expect(!a.isApproximatelyEqual(to: Matrix.zeros(4, 3)))
  }
}

@Suite struct ProductTests {
  @Test(arguments: [(1, 1, 1), (1, 4, 1), (4, 1, 3), (3, 2, 5), (5, 5, 5), (2, 7, 1), (6, 3, 4)])
  func gemmAgainstDefinition(dims: (Int, Int, Int)) throws {
    let (m, k, n) = dims
    let a = Matrix.randomNormal(m, k, seed: 10)
    let b = Matrix.randomNormal(k, n, seed: 11)
    let ref = Reference.product(a, b)
    #expect((a * b).isApproximatelyEqual(to: ref, relativeTolerance: 1e-13))
    // Transpose flags: no copies, same results as the explicit transposes.
    let at = Reference.transpose(a)
    let bt = Reference.transpose(b)
    #expect(try Matrix.product(at, .transposed, b).isApproximatelyEqual(to: ref, relativeTolerance: 1e-13))
    #expect(try Matrix.product(a, .none, bt, .transposed).isApproximatelyEqual(to: ref, relativeTolerance: 1e-13))
    #expect(
      try Matrix.product(at, .transposed, bt, .transposed, alpha: -2)
        .isApproximatelyEqual(to: ref.scaled(by: -2), relativeTolerance: 1e-13))
    // gemv in both orientations.
    let x = Matrix.randomNormal(k, 1, seed: 12)
    #expect(Matrix(column: try a.apply(x.storage)).isApproximatelyEqual(to: Reference.product(a, x), relativeTolerance: 1e-13))
    let y = Matrix.randomNormal(m, 1, seed: 13)
    #expect(
      Matrix(column: try a.apply(y.storage, .transposed))
        .isApproximatelyEqual(to: Reference.product(at, y), relativeTolerance: 1e-13))
    #expect(throws: MatrixError.self) { try a.apply(y.storage + [1]) }
  }

  @Test func emptyInnerDimensionGivesZeros() throws {
    let a = Matrix.zeros(3, 0)
    let b = Matrix.zeros(0, 2)
    #expect(try a.multiplied(by: b) == Matrix.zeros(3, 2))
  }

  @Test func productPropertyOverRandomShapes() async {
    await seededPropertyCheck(count: 60, input: Gen.int(in: 1...9), Gen.int(in: 1...9), Gen.int(in: 1...9)) { m, k, n in
      let a = Matrix.randomNormal(m, k, seed: UInt64(m * 100 + k))
      let b = Matrix.randomNormal(k, n, seed: UInt64(n * 1000 + k))
      #expect((a * b).isApproximatelyEqual(to: Reference.product(a, b), relativeTolerance: 1e-13))
      // (AB)ᵀ = BᵀAᵀ
      #expect((a * b).transposed.isApproximatelyEqual(to: b.transposed * a.transposed, relativeTolerance: 1e-13))
    }
  }
}
