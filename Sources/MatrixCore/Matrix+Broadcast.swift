extension Shape {
  /// The shape of an entrywise operation (`+`, `-`, `.*`, `./`) of operands shaped `a` and `b`
  /// under broadcasting (MATLAB's implicit expansion, NumPy's rules), or nil when no rule applies.
  ///
  /// Rows and columns are matched separately: equal sizes stay, a size 1 expands to the other's.
  /// So a 1×1 operand expands to the other's shape, an m×1 column across n columns, a 1×n row
  /// down m rows (and an m×1 column with a 1×n row gives m×n).
  ///
  /// ```swift
  /// Shape.broadcast(Shape(3, 4), Shape(3, 1))  // 3×4
  /// Shape.broadcast(Shape(3, 4), Shape(2, 1))  // nil
  /// ```
  public static func broadcast(_ a: Shape, _ b: Shape) -> Shape? {
    func size(_ x: Int, _ y: Int) -> Int? { x == y ? x : (x == 1 ? y : (y == 1 ? x : nil)) }
    guard let rows = size(a.rows, b.rows), let cols = size(a.cols, b.cols) else { return nil }
    return Shape(rows, cols)
  }
}

extension Matrix {
  /// The matrix expanded to `shape` by broadcasting: a row of size 1 repeated down `shape.rows`
  /// rows, a column of size 1 repeated across `shape.cols` columns.
  /// `E[i, j] = A[rows == 1 ? 0 : i, cols == 1 ? 0 : j]`.
  /// - Precondition: each size of `self` equals that of `shape` or is 1.
  public func broadcast(to shape: Shape) -> Matrix {
    if self.shape == shape { return self }
    precondition(
      (rows == shape.rows || rows == 1) && (cols == shape.cols || cols == 1),
      "cannot broadcast \(self.shape) to \(shape)")
    var s = [Double](repeating: 0, count: shape.rows * shape.cols)
    for j in 0..<shape.cols {
      let sourceColumn = cols == 1 ? 0 : j
      for i in 0..<shape.rows {
        s[i + j * shape.rows] = storage[(rows == 1 ? 0 : i) + sourceColumn * rows]
      }
    }
    return Matrix(rows: shape.rows, cols: shape.cols, columnMajor: s)
  }
}
