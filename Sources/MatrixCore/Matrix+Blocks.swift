/// Block matrices: `[A, B; C, D]` from rows of blocks.
extension Matrix {
  /// The block matrix whose block rows are `blocks` (column-major, as every `Matrix`): the blocks
  /// of one block row share their row count, and every block row has the same total column count.
  /// - Parameter blocks: the block rows, each a non-empty list of blocks, left to right.
  /// - Throws: `MatrixError.invalidArgument` when there are no blocks, `MatrixError.shapeMismatch`
  ///   when the blocks do not tile a rectangle.
  public init(blocks: [[Matrix]]) throws {
    guard let first = blocks.first, !first.isEmpty, blocks.allSatisfy({ !$0.isEmpty }) else {
      throw MatrixError.invalidArgument("a block matrix needs at least one block in every block row")
    }
    let cols = first.reduce(0) { $0 + $1.cols }
    for row in blocks {
      let rowCols = row.reduce(0) { $0 + $1.cols }
      for block in row where block.rows != row[0].rows || rowCols != cols {
        throw MatrixError.shapeMismatch(
          operation: "build a block matrix from", lhs: row[0].shape, rhs: block.shape,
          detail: "the blocks of a block row need one row count and every block row \(cols) columns")
      }
    }
    let rows = blocks.reduce(0) { $0 + $1[0].rows }
    var out = Matrix.zeros(rows, cols)
    var r0 = 0
    for row in blocks {
      var c0 = 0
      for block in row {
        for j in 0..<block.cols {
          for i in 0..<block.rows { out[linear: (r0 + i) + (c0 + j) * rows] = block.storage[i + j * block.rows] }
        }
        c0 += block.cols
      }
      r0 += row[0].rows
    }
    self = out
  }
}
