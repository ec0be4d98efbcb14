import Foundation
import MatrixCore
import Testing

@testable import Symbolic

private typealias Expression = Symbolic.Expression

/// `--assume`: points drawn to satisfy the assumptions (checked here by definition, entry by
/// entry, not with `Assumption.violation`), violations named, the `Aᵀ = A` rule.
@Suite struct AssumptionTests {
  /// Largest |Aᵢⱼ − Aⱼᵢ|.
  private func asymmetry(_ a: Matrix) -> Double {
    var worst = 0.0
    for i in 0..<a.rows { for j in 0..<a.cols { worst = max(worst, abs(a[i, j] - a[j, i])) } }
    return worst
  }

  @Test(arguments: [UInt64(1), 7, 42, 2026])
  func drawnPointsSatisfyTheirAssumption(seed: UInt64) throws {
    var g = SeededGenerator(seed: seed)
    let n = 4
    let sym = Assumption.symmetric.draw(Shape(n, n), constraint: nil, using: &g)
    #expect(asymmetry(sym) == 0, "seed \(seed)")
    let spd = Assumption.spd.draw(Shape(n, n), constraint: nil, using: &g)
    #expect(asymmetry(spd) == 0, "seed \(seed)")
    // Positive definite by definition: vᵀSv > 0 for random v (and Cholesky-free).
    for k in 0..<20 {
      let v = Matrix.randomNormal(n, 1, seed: seed &+ UInt64(k))
      let q = (0..<n).reduce(0.0) { s, i in s + (0..<n).reduce(0.0) { $0 + v.storage[i] * spd[i, $1] * v.storage[$1] } }
      #expect(q > 0, "seed \(seed)")
    }
    let d = Assumption.diagonal.draw(Shape(n, n), constraint: nil, using: &g)
    for i in 0..<n { for j in 0..<n where i != j { #expect(d[i, j] == 0) } }
    for i in 0..<n { #expect(abs(d[i, i]) >= 0.5) }
    let q = Assumption.orthogonal.draw(Shape(n, n), constraint: nil, using: &g)
    for i in 0..<n {
      for j in 0..<n {
        let dot = (0..<n).reduce(0.0) { $0 + q[$1, i] * q[$1, j] }
        #expect(abs(dot - (i == j ? 1 : 0)) < 1e-12, "seed \(seed): column \(i)·column \(j) = \(dot)")
      }
    }
    let h = Assumption.onehot.draw(Shape(5, 1), constraint: nil, using: &g)
    #expect(h.storage.filter { $0 == 1 }.count == 1 && h.storage.filter { $0 == 0 }.count == 4, "seed \(seed)")
    let p = Assumption.probability.draw(Shape(1, 6), constraint: nil, using: &g)
    #expect(p.storage.allSatisfy { $0 > 0 } && abs(p.storage.reduce(0, +) - 1) < 1e-14, "seed \(seed)")
    let pos = Assumption.positive.draw(Shape(3, 2), constraint: nil, using: &g)
    #expect(pos.storage.allSatisfy { $0 > 0 }, "seed \(seed)")
    // Symmetric and the argument of inv: well conditioned too.
    let wc = Assumption.symmetric.draw(Shape(n, n), constraint: .wellConditioned, using: &g)
    let det = try wc.determinant()
    #expect(asymmetry(wc) == 0 && abs(det) > 0.1, "seed \(seed)")
  }

  @Test func violationsNameTheEntry() {
    let notSymmetric = Matrix(rows: 2, cols: 2, columnMajor: [1, 3, 2, 1])  // [1 2; 3 1]
    #expect(Assumption.symmetric.violation(by: notSymmetric) == "it is not symmetric: [0,1] is 2 but [1,0] is 3")
    let indefinite = Matrix(rows: 2, cols: 2, columnMajor: [1, 2, 2, 1])  // eigenvalues −1, 3
    #expect(Assumption.spd.violation(by: indefinite)?.contains("not positive definite") == true)
    #expect(Assumption.onehot.violation(by: Matrix(rows: 3, cols: 1, columnMajor: [0, 1, 1])) != nil)
    #expect(Assumption.onehot.violation(by: Matrix(rows: 3, cols: 1, columnMajor: [0, 1, 0])) == nil)
    #expect(Assumption.probability.violation(by: Matrix(rows: 3, cols: 1, columnMajor: [0.5, 0.6, -0.1]))?.contains("< 0") == true)
    #expect(Assumption.probability.violation(by: Matrix(rows: 3, cols: 1, columnMajor: [0.5, 0.6, 0.1]))?.contains("sum to 1.2") == true)
    #expect(Assumption.positive.violation(by: Matrix(rows: 1, cols: 2, columnMajor: [1, 0])) != nil)
    #expect(Assumption.orthogonal.violation(by: Matrix(rows: 2, cols: 2, columnMajor: [0, 1, -1, 0])) == nil)
    #expect(Assumption.orthogonal.violation(by: Matrix(rows: 2, cols: 2, columnMajor: [2, 0, 0, 1])) != nil)
    #expect(Assumption.diagonal.violation(by: notSymmetric)?.contains("not diagonal") == true)
    #expect(Assumption.symmetric.shapeProblem(Shape(2, 3)) != nil)
    #expect(Assumption.onehot.shapeProblem(Shape(2, 3)) != nil)
  }

  @Test func parsing() throws {
    let a = try Assumptions(parsing: "A=symmetric, y=onehot,S=SPD")
    #expect(a["A"] == .symmetric && a["y"] == .onehot && a["S"] == .spd)
    #expect(a.description == "A symmetric, S symmetric positive definite, y one-hot")
    #expect(throws: AssumptionError.self) { try Assumptions(parsing: "A=hermitian") }
    #expect(throws: AssumptionError.self) { try Assumptions(parsing: "A=symmetric,A=spd") }
    #expect(throws: AssumptionError.self) { try Assumptions(parsing: "symmetric") }
    #expect(throws: AssumptionError.self) { try a.validate(shapes: ["A": Shape(2, 3), "y": Shape(3, 1), "S": Shape(2, 2)]) }
    #expect(throws: AssumptionError.self) { try a.validate(shapes: ["A": Shape(2, 2), "S": Shape(2, 2)]) }
  }

  /// The simplifier's rule: with A symmetric the gradient of xᵀAx is 2Ax, and it equals the
  /// unconstrained gradient (A + Aᵀ)x (written here) at a symmetric point.
  @Test func symmetricRuleInDerivatives() throws {
    let dims = ["x": Shape(3, 1), "A": Shape(3, 3)]
    let d = try SymbolicDerivative(
      of: Expression("x'*A*x"), wrt: "x", dims: dims, assumptions: Assumptions(["A": .symmetric]))
    #expect(d.gradient.map { !$0.plainText.contains("'") } == true, "\(d.gradient?.plainText ?? "")")
    var g = SeededGenerator(seed: 5)
    let values = [
      "x": Matrix.randomNormal(3, 1, using: &g), "A": Assumption.symmetric.draw(Shape(3, 3), constraint: nil, using: &g),
    ]
    let (x, a) = (values["x"]!, values["A"]!)
    let expected = (a + a.transposed) * x
    #expect(try d.gradient(at: values).maxAbsDifference(expected) < 1e-12)
    let jacobian = try d.jacobian(at: values).materialized()
    #expect(jacobian.maxAbsDifference(Matrix(rows: 1, cols: 3, columnMajor: expected.storage)) < 1e-12)
  }
}
