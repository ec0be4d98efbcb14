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

extension Matrix {
  /// `f(a, b)` entry by entry under broadcasting (the expression language's `+`, `-`, `.*`,
  /// `./`, `max`, `min`; docs/language.md): the result has the shape `Shape.broadcast(a.shape,
  /// b.shape)` and `R[i, j] = f(a[i′, j′], b[i″, j″])`, where an operand's index is 0 along a size
  /// of 1 and i (j) otherwise. A 1×1 operand, an m×1 column or a 1×n row is read in place, not
  /// expanded first.
  ///
  /// ```swift
  /// let w = Matrix(rows: 2, cols: 3, rowMajor: [1, 2, 3, 4, 5, 6])
  /// try Matrix.broadcasting(w, Matrix(column: [10, 20]), +)  // [11 12 13; 24 25 26]
  /// ```
  /// - Throws: `MatrixError.shapeMismatch` when a size differs and neither is 1.
  public static func broadcasting(_ a: Matrix, _ b: Matrix, _ f: (Double, Double) -> Double) throws -> Matrix {
    guard let s = Shape.broadcast(a.shape, b.shape) else {
      throw MatrixError.shapeMismatch(
        operation: "broadcast", lhs: a.shape, rhs: b.shape,
        detail: "rows and columns must each be equal or 1")
    }
    if a.shape == b.shape {
      return Matrix(rows: s.rows, cols: s.cols, columnMajor: zip(a.storage, b.storage).map { f($0, $1) })
    }
    // Strides in storage: 0 along a broadcast size.
    let (ra, ca) = (a.rows == 1 ? 0 : 1, a.cols == 1 ? 0 : a.rows)
    let (rb, cb) = (b.rows == 1 ? 0 : 1, b.cols == 1 ? 0 : b.rows)
    var out = [Double](repeating: 0, count: s.rows * s.cols)
    for j in 0..<s.cols {
      for i in 0..<s.rows {
        out[i + j * s.rows] = f(a.storage[i * ra + j * ca], b.storage[i * rb + j * cb])
      }
    }
    return Matrix(rows: s.rows, cols: s.cols, columnMajor: out)
  }
}
