// Flattening conventions. `vec` stacks columns (Magnus & Neudecker); NumPy's `ravel` stacks rows.
extension Matrix {
  /// `vec(A)`: the columns stacked into one `(rows·cols)×1` column.
  public var vec: Matrix { Matrix(rows: count, cols: 1, columnMajor: storage) }

  /// The inverse of `vec`: the `rows×cols` matrix whose columns are consecutive pieces of `v`.
  /// - Throws: `MatrixError.invalidArgument` if `v` does not have `rows·cols` entries.
  public init(unvec v: [Double], rows: Int, cols: Int) throws {
    guard rows >= 0, cols >= 0, v.count == rows * cols else {
      throw MatrixError.invalidArgument(
        "cannot reshape \(v.count) entries into \(rows)×\(cols), which needs \(rows * cols)")
    }
    self.init(rows: rows, cols: cols, columnMajor: v)
  }

  /// Row-major flattening (NumPy `ravel`, C order): `vec(Aᵀ)`.
  public var rowMajorFlattened: [Double] { transposed.storage }

  /// The same entries read in a different shape (column-major reinterpretation, like
  /// NumPy's `reshape(order='F')`). - Throws if the counts differ.
  public func reshaped(rows r: Int, cols c: Int) throws -> Matrix {
    try Matrix(unvec: storage, rows: r, cols: c)
  }
}
