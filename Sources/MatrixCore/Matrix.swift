/// A dense real matrix of `Double`.
///
/// ## Memory layout
/// Column-major, as BLAS and LAPACK expect: entry `(i, j)` (0-based) is
/// `storage[i + j·rows]`, so `storage` is exactly `vec(A)`, the columns stacked.
/// The leading dimension is always `rows` (at least 1 for LAPACK calls).
public struct Matrix: Sendable, Equatable {
  public let rows: Int
  public let cols: Int
  /// The entries in column-major order: `storage == vec(self)`. Entries may be changed in
  /// place (`m.storage[k] = x` is O(1)); the count must stay `rows·cols`. (No property observer
  /// checks that: an observer would copy the whole array on every single-entry write.)
  public var storage: [Double]

  /// A matrix from its entries in column-major order (`vec` order).
  /// - Precondition: `columnMajor.count == rows·cols`, sizes non-negative.
  public init(rows: Int, cols: Int, columnMajor: [Double]) {
    precondition(rows >= 0 && cols >= 0, "Matrix sizes must be non-negative, got \(rows)×\(cols)")
    precondition(
      columnMajor.count == rows * cols,
      "Matrix \(rows)×\(cols) needs \(rows * cols) entries, got \(columnMajor.count)")
    self.rows = rows
    self.cols = cols
    self.storage = columnMajor
  }

  /// A matrix from its entries in row-major order (NumPy's C order).
  /// - Precondition: `rowMajor.count == rows·cols`.
  public init(rows: Int, cols: Int, rowMajor: [Double]) {
    precondition(
      rowMajor.count == rows * cols,
      "Matrix \(rows)×\(cols) needs \(rows * cols) entries, got \(rowMajor.count)")
    var s = [Double](repeating: 0, count: rows * cols)
    for i in 0..<rows {
      for j in 0..<cols { s[i + j * rows] = rowMajor[i * cols + j] }
    }
    self.init(rows: rows, cols: cols, columnMajor: s)
  }

  /// A matrix from its rows: `Matrix([[1, 2], [3, 4]])` is `[1 2; 3 4]`.
  /// Throws `MatrixError.invalidArgument` when the rows have different lengths.
  public init(_ rowList: [[Double]]) throws {
    let r = rowList.count
    let c = rowList.first?.count ?? 0
    for (k, row) in rowList.enumerated() where row.count != c {
      throw MatrixError.invalidArgument(
        "row \(k) has \(row.count) entries but row 0 has \(c); every row needs the same length")
    }
    self.init(rows: r, cols: c, rowMajor: rowList.flatMap { $0 })
  }

  /// A column vector `n×1`.
  public init(column: [Double]) {
    self.init(rows: column.count, cols: 1, columnMajor: column)
  }

  /// An `rows×cols` matrix with every entry equal to `value`.
  public init(rows: Int, cols: Int, repeating value: Double) {
    self.init(rows: rows, cols: cols, columnMajor: [Double](repeating: value, count: rows * cols))
  }

  public static func zeros(_ rows: Int, _ cols: Int) -> Matrix {
    Matrix(rows: rows, cols: cols, repeating: 0)
  }

  public static func ones(_ rows: Int, _ cols: Int) -> Matrix {
    Matrix(rows: rows, cols: cols, repeating: 1)
  }

  /// The `n×n` identity.
  public static func identity(_ n: Int) -> Matrix {
    var m = zeros(n, n)
    for i in 0..<n { m.storage[i + i * n] = 1 }
    return m
  }

  /// A square diagonal matrix with `d` on its diagonal.
  public static func diagonal(_ d: [Double]) -> Matrix {
    let n = d.count
    var m = zeros(n, n)
    for i in 0..<n { m.storage[i + i * n] = d[i] }
    return m
  }

  public var shape: Shape { Shape(rows, cols) }
  public var count: Int { storage.count }
  public var isSquare: Bool { rows == cols }

  /// Entry `(i, j)`, 0-based. - Precondition: indices in range.
  @inlinable
  public subscript(i: Int, j: Int) -> Double {
    get {
      precondition(i >= 0 && i < rows && j >= 0 && j < cols, "index (\(i),\(j)) outside \(rows)×\(cols)")
      return storage[i + j * rows]
    }
    set {
      precondition(i >= 0 && i < rows && j >= 0 && j < cols, "index (\(i),\(j)) outside \(rows)×\(cols)")
      storage[i + j * rows] = newValue
    }
  }

  /// The rows as arrays (row-major nesting), for printing and tests.
  public var rowArrays: [[Double]] {
    (0..<rows).map { i in (0..<cols).map { j in storage[i + j * rows] } }
  }

  /// Column `j` as an array.
  public func column(_ j: Int) -> [Double] {
    Array(storage[(j * rows)..<((j + 1) * rows)])
  }

  /// Row `i` as an array.
  public func row(_ i: Int) -> [Double] {
    (0..<cols).map { storage[i + $0 * rows] }
  }

  /// The first entry that is NaN or infinite, if any, as `(row, col, value)`.
  public var firstNonFinite: (row: Int, col: Int, value: Double)? {
    guard let k = storage.firstIndex(where: { !$0.isFinite }) else { return nil }
    return (k % max(rows, 1), k / max(rows, 1), storage[k])
  }

  /// Throws `MatrixError.nonFinite` naming `operation` if an entry is NaN or infinite.
  public func requireFinite(_ operation: String) throws {
    if let bad = firstNonFinite {
      throw MatrixError.nonFinite(operation: operation, row: bad.row, col: bad.col, value: bad.value)
    }
  }
}
