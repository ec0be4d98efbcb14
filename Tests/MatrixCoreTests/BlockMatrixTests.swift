import Testing

@testable import MatrixCore

/// `Matrix(blocks:)` against the block matrix written entry by entry.
struct BlockMatrixTests {
  @Test func blocksTileByDefinition() throws {
    let a = Matrix(rows: 2, cols: 1, columnMajor: [1, 2])
    let b = Matrix(rows: 2, cols: 2, columnMajor: [3, 4, 5, 6])
    let c = Matrix(rows: 1, cols: 2, columnMajor: [7, 8])
    let d = Matrix(rows: 1, cols: 1, columnMajor: [9])
    let m = try Matrix(blocks: [[a, b], [c, d]])
    // [1 3 5; 2 4 6; 7 8 9], written out.
    let expected: [[Double]] = [[1, 3, 5], [2, 4, 6], [7, 8, 9]]
    #expect(m.rows == 3 && m.cols == 3)
    for i in 0..<3 { for j in 0..<3 { #expect(m[i, j] == expected[i][j]) } }
  }

  @Test func blocksThatDoNotTileAreRefused() {
    let a = Matrix(rows: 2, cols: 1, columnMajor: [1, 2])
    let c = Matrix(rows: 1, cols: 1, columnMajor: [7])
    #expect(throws: MatrixError.self) { try Matrix(blocks: [[a, c]]) }
    #expect(throws: MatrixError.self) { try Matrix(blocks: [[a, a], [c]]) }
    #expect(throws: MatrixError.self) { try Matrix(blocks: []) }
  }
}
