import Foundation
import Testing

@testable import MatrixCore
import TestSupport

@Suite struct LAPACKTests {
  @Test(arguments: [1, 2, 3, 5, 8]) func solveAndInverse(n: Int) throws {
    let a = Matrix.randomNormal(n, n, seed: UInt64(n)) + Matrix.identity(n).scaled(by: Double(n))
    let b = Matrix.randomNormal(n, 3, seed: 99)
    let x = try a.solve(b)
    #expect(Reference.product(a, x).isApproximatelyEqual(to: b, relativeTolerance: 1e-12))
    let inv = try a.inverse()
    #expect(Reference.product(a, inv).isApproximatelyEqual(to: .identity(n), relativeTolerance: 1e-12, absoluteTolerance: 1e-12))
  }

  @Test(arguments: [1, 2, 3, 4, 6]) func determinantAgainstCofactors(n: Int) throws {
    let a = Matrix.randomNormal(n, n, seed: UInt64(40 + n))
    let ref = Reference.det(a)
    #expect(approx(try a.determinant(), ref, 1e-11))
    let (sign, logAbs) = try a.logAbsDeterminant()
    #expect(approx(sign * exp(logAbs), ref, 1e-11))
  }

  @Test func logDeterminantDoesNotOverflow() throws {
    // det(1e3·I₄₀₀) = 1e1200 overflows a Double; its log does not.
    let a = Matrix.identity(400).scaled(by: 1e3)
    let (sign, logAbs) = try a.logAbsDeterminant()
    #expect(sign == 1)
    #expect(approx(logAbs, 400 * log(1e3), 1e-12))
    #expect(try a.determinant() == .infinity)
    // A row swap flips the sign.
    let p = try Matrix([[0, 1], [1, 0]])
    #expect(try p.determinant() == -1)
    #expect(try p.logAbsDeterminant().sign == -1)
  }

  @Test func singularMatrixErrorsNameTheRoutineAndPivot() throws {
    let s = try Matrix([[1, 2, 3], [2, 4, 6], [1, 1, 1]])
    #expect(try s.determinant() == 0)
    #expect(try s.logAbsDeterminant().logAbs == -.infinity)
    do {
      _ = try s.inverse()
      Issue.record("inverse of a singular matrix did not throw")
    } catch let e as MatrixError {
      guard case .lapack(let routine, _, let meaning) = e else { Issue.record("wrong error \(e)"); return }
      #expect(routine == "dgetrf")
      #expect(meaning.hasPrefix("the matrix is singular: U["))
      #expect("\(e)".contains("is exactly zero"))
    }
    let z = Matrix.zeros(3, 3)
    #expect("\(try #require(throws: MatrixError.self) { try z.solve(.ones(3, 1)) })" == "dgesv: the matrix is singular: U[0,0] is exactly zero")
  }

  @Test func nonSquareAndNonFiniteInputs() throws {
    let r = Matrix.zeros(2, 3)
    #expect(throws: MatrixError.notSquare(operation: "inverse", shape: Shape(2, 3))) { try r.inverse() }
    #expect(throws: MatrixError.self) { try r.determinant() }
    #expect(throws: MatrixError.self) { try r.symmetricEigen() }
    var nan = Matrix.identity(2)
    nan[1, 0] = .nan
    let e = try #require(throws: MatrixError.self) { try nan.inverse() }
    #expect("\(e)".contains("entry [1,0] is nan"))
  }

  @Test func singularValuesRankCondition() throws {
    // A = U·diag(3,2,0)·Vᵀ built from orthonormal eigenvectors of a symmetric matrix.
    let sym = { (m: Matrix) in m + m.transposed }
    let u = try sym(.randomNormal(3, 3, seed: 1)).symmetricEigen().vectors
    let v = try sym(.randomNormal(3, 3, seed: 2)).symmetricEigen().vectors
    let a = u * Matrix.diagonal([3, 2, 0]) * v.transposed
    let s = try a.singularValues()
    #expect(approx(s[0], 3, 1e-12) && approx(s[1], 2, 1e-12) && abs(s[2]) < 1e-12)
    #expect(try a.rank() == 2)
    let full = u * Matrix.diagonal([4, 2, 0.5]) * v.transposed
    #expect(approx(try full.conditionNumber(), 8, 1e-10))
    #expect(try Matrix.zeros(2, 5).rank() == 0)
    #expect(try Matrix.randomNormal(1, 4, seed: 3).singularValues().count == 1)
  }

  @Test func symmetricEigenReconstructs() throws {
    let b = Matrix.randomNormal(6, 6, seed: 21)
    let a = b + b.transposed
    let (w, q) = try a.symmetricEigen()
    #expect(w == w.sorted())
    let rebuilt = Reference.product(Reference.product(q, .diagonal(w)), Reference.transpose(q))
    #expect(rebuilt.isApproximatelyEqual(to: a, relativeTolerance: 1e-12))
    #expect(Reference.product(Reference.transpose(q), q).isApproximatelyEqual(to: .identity(6), relativeTolerance: 1e-12))
    // tr(A) = Σλ
    #expect(approx(try a.trace(), w.reduce(0, +), 1e-11))
  }
}
