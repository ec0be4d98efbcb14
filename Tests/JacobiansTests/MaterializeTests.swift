import MatrixCore
import TestSupport
import Testing

@testable import Jacobians

// Dense materialisation from the structure (StructuredMatrix+Materialize): one zeroed buffer and
// each term's stored entries added, commutations moving entries. Checked against matrices built
// by definition here (`Reference`: Kronecker products and commutation matrices entry by entry,
// products as Σₖ A[i,k]·B[k,j]) and against the closed-form entry rule of ∂(RᵀR)/∂R.

@Suite struct MaterializeTests {
  private func rand(_ r: Int, _ c: Int, _ seed: UInt64) -> Matrix { .randomNormal(r, c, seed: seed) }

  /// ∂(RᵀR)[p,q]/∂R[i,j] = δ(j,p)·R[i,q] + δ(j,q)·R[i,p], at row p + q·n, column i + j·m.
  private func gramRule(_ r: Matrix) -> Matrix {
    let (m, n) = (r.rows, r.cols)
    var j = Matrix.zeros(n * n, m * n)
    for p in 0..<n {
      for q in 0..<n {
        for i in 0..<m {
          for c in 0..<n { j[p + q * n, i + c * m] = (c == p ? r[i, q] : 0) + (c == q ? r[i, p] : 0) }
        }
      }
    }
    return j
  }

  @Test(arguments: [(1, 1), (3, 3), (4, 3), (2, 5), (7, 6)])
  func gramJacobianEqualsTheEntryRule(_ size: (Int, Int)) throws {
    let r = rand(size.0, size.1, UInt64(size.0 * 10 + size.1))
    let j = Jacobian.gram(r)
    let dense = try j.materialized()
    // Exact: every entry is one product of stored values or a sum of two.
    #expect(dense == gramRule(r), "R \(size.0)×\(size.1)")
  }

  @Test func commutationsAtEitherEndMoveEntries() throws {
    let a = rand(6, 6, 1)
    let kr = StructuredMatrix.kronecker(.dense(rand(2, 3, 2)), .identity(2))  // 4×6
    let cases: [(StructuredMatrix.Storage, Matrix)] = [
      (.product([.commutation(Commutation(2, 3)), .dense(a, label: nil)]), Reference.product(Reference.commutation(2, 3), a)),
      (.product([.dense(a, label: nil), .commutation(Commutation(3, 2))]), Reference.product(a, Reference.commutation(3, 2))),
      (
        .product([.commutation(Commutation(2, 3)), .dense(a, label: nil), .commutation(Commutation(2, 3))]),
        Reference.product(Reference.product(Reference.commutation(2, 3), a), Reference.commutation(2, 3))
      ),
      (
        .product([kr.storage, .commutation(Commutation(2, 3))]),
        Reference.product(Reference.kron(rand(2, 3, 2), Reference.identity(2)), Reference.commutation(2, 3))
      ),
      (
        .sum([.scaled(2.5, .kronecker(.diagonal([1, -2]), .dense(rand(3, 3, 3), label: nil))), .identity(n: 6, scale: -1)]),
        Reference.sum(
          Reference.kron(Reference.product(Reference.identity(2), Matrix(rows: 2, cols: 2, rowMajor: [2.5, 0, 0, -5])), rand(3, 3, 3)),
          Reference.product(Reference.identity(6), Matrix.identity(6).scaled(by: -1)))
      ),
    ]
    for (k, (storage, expected)) in cases.enumerated() {
      let got = try storage.materialized(limitBytes: 1 << 20)
      #expect(got.shape == expected.shape && Reference.relativeError(got, expected) <= 1e-15, "case \(k)")
    }
  }

  /// `materialize(into:)` overwrites every entry of a reused matrix (filled with NaN first, and
  /// then with the previous result) with the entry rule's values, and refuses a matrix of another
  /// size with a sentence naming both sizes.
  @Test func materializeIntoAReusedMatrixOverwritesEveryEntry() throws {
    // 20×20 R: a 400×400 output; 7×5: not square; 48×48 (2304², 42 MB): large enough for huge
    // pages, as in `jacbench materialize`.
    for (m, n) in [(20, 20), (7, 5), (48, 48)] {
      var out = Matrix(rows: n * n, cols: m * n, repeating: .nan)
      for seed in [UInt64(5), 6] {
        let r = rand(m, n, seed)
        try Jacobian.gram(r).materialize(into: &out)
        #expect(out == gramRule(r), "R \(m)×\(n), seed \(seed)")
      }
    }
    let storage = StructuredMatrix.Storage.sum([
      .scaled(-2, .kronecker(.dense(rand(3, 2, 7), label: nil), .diagonal([1, 2]))),
      .product([.dense(rand(6, 4, 8), label: nil), .commutation(Commutation(2, 2))]),
    ])
    var out = Matrix(rows: 6, cols: 4, repeating: 99)
    try StructuredMatrix(storage).materialize(into: &out)
    #expect(out == (try storage.materialized(limitBytes: 1 << 20)))
    var wrong = Matrix.zeros(4, 6)
    #expect {
      try StructuredMatrix(storage).materialize(into: &wrong)
    } throws: { e in
      "\(e)" == "cannot materialise a 6×4 operator into a 4×6 matrix: the sizes differ"
    }
  }

  @Test func theMemoryGuardRefusesBeforeWriting() {
    let j = Jacobian.gram(rand(64, 64, 4))  // 4096×4096, 128 MiB
    #expect(throws: JacobianError.self) { try j.materialized(limitBytes: 64 << 20) }
  }
}
