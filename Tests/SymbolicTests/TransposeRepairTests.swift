import MatrixCore
import Testing

@testable import Symbolic

/// `Expression.transposeRepairs`: the single transposes that make a non-conforming expression fit,
/// each named by its place, and evaluated against the product written out with MatrixCore.
@Suite struct TransposeRepairTests {
  @Test func repairsOfALeastSquaresGradient() throws {
    let dims = ["A": Shape(3, 2), "x": Shape(2, 1), "b": Shape(3, 1)]
    let claim = try Expression("2*A*(A*x-b)")
    let repairs = claim.transposeRepairs(dims: dims)
    let sentences = repairs.map(\.sentence)
    #expect(sentences.contains("A' in place of the first A"), "\(sentences)")
    #expect(sentences.contains("(2*A)' in place of 2*A"), "\(sentences)")
    #expect(!sentences.contains { $0.contains("the second A") }, "\(sentences)")
    let first = try #require(repairs.first { $0.sentence == "A' in place of the first A" })
    #expect(try first.result.shape(in: dims) == Shape(2, 1))
    var rng = SeededGenerator(seed: 11)
    let a = Matrix(rows: 3, cols: 2, columnMajor: (0..<6).map { _ in Double.random(in: -1...1, using: &rng) })
    let x = Matrix(rows: 2, cols: 1, columnMajor: [0.3, -0.7])
    let b = Matrix(rows: 3, cols: 1, columnMajor: [1, 2, -1])
    // 2Aᵀ(Ax − b), entry by entry.
    var residual = [Double](repeating: 0, count: 3)
    for i in 0..<3 { residual[i] = a[i, 0] * x[0, 0] + a[i, 1] * x[1, 0] - b[i, 0] }
    let expected = (0..<2).map { j in 2 * (0..<3).reduce(0) { $0 + a[$1, j] * residual[$1] } }
    let got = try first.result.evaluate(["A": a, "x": x, "b": b])
    for j in 0..<2 { #expect(abs(got[j, 0] - expected[j]) <= 1e-14 * max(1, abs(expected[j])), "seed 11, entry \(j)") }
  }

  @Test func conformingExpressionsAndSquareNodesHaveNone() throws {
    let dims = ["A": Shape(3, 3), "x": Shape(3, 1)]
    #expect(try Expression("A*x").transposeRepairs(dims: dims).isEmpty)
    // x*A*x: only an x can change shape; the first transposed fits (xᵀA x), the second does not.
    #expect(try Expression("x*A*x").transposeRepairs(dims: dims).map(\.sentence) == ["x' in place of the first x"])
    // Undoing a transpose counts: x'' is x', so (x')'*A is mended by x' in place of x''.
    let undo = try Expression("x''*A").transposeRepairs(dims: dims).map(\.sentence)
    #expect(undo.contains("x' in place of x''"), "\(undo)")
  }
}
