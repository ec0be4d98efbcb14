/// A dense real matrix of `Double`.
///
/// ## Memory layout
/// Column-major, as BLAS and LAPACK expect: entry `(i, j)` (0-based) is
/// `storage[i + j·rows]`, so `storage` is exactly `vec(A)`, the columns stacked.
/// The leading dimension is always `rows` (at least 1 for LAPACK calls).
public struct Matrix: Sendable, Equatable {
  public let rows: Int
  public let cols: Int
  /// The entries in column-major order: `storage == vec(self)`, always exactly `rows·cols` of
  /// them (the invariant every BLAS and LAPACK call relies on). Read-only from outside: change an
  /// entry with `self[i, j] = x` or `self[linear: k] = x` (both O(1), in place), or many through
  /// `withUnsafeMutableEntries`, none of which can change the count.
  public private(set) var storage: [Double]

  /// The largest number of rows or columns a matrix may have: BLAS and LAPACK take sizes as
  /// 32-bit integers.
  public static let maximumDimension = Int(Int32.max)

  /// `rows·cols` when both sizes are in `0...maximumDimension` and the product fits in `Int`;
  /// otherwise nil. What every initialiser checks.
  public static func checkedCount(rows: Int, cols: Int) -> Int? {
    guard (0...maximumDimension).contains(rows), (0...maximumDimension).contains(cols) else { return nil }
    let (n, overflow) = rows.multipliedReportingOverflow(by: cols)
    return overflow ? nil : n
  }

  /// A matrix from its entries in column-major order (`vec` order).
  /// - Precondition: sizes in `0...maximumDimension` and `columnMajor.count == rows·cols` (a
  ///   programming error; input from users goes through `init(rows:cols:checkedColumnMajor:)`).
  public init(rows: Int, cols: Int, columnMajor: [Double]) {
    guard let n = Matrix.checkedCount(rows: rows, cols: cols) else {
      preconditionFailure("Matrix sizes must be in 0...\(Matrix.maximumDimension), got \(rows)×\(cols)")
    }
    precondition(columnMajor.count == n, "Matrix \(rows)×\(cols) needs \(n) entries, got \(columnMajor.count)")
    self.rows = rows
    self.cols = cols
    self.storage = columnMajor
  }

  /// A matrix from its entries in column-major order, checked.
  /// - Throws: `MatrixError.invalidArgument` when a size is negative or above
  ///   `maximumDimension`, or the count of entries is not `rows·cols`.
  public init(rows: Int, cols: Int, checkedColumnMajor columnMajor: [Double]) throws {
    guard let n = Matrix.checkedCount(rows: rows, cols: cols) else {
      throw MatrixError.invalidArgument(
        "a matrix of \(rows)×\(cols) is not possible: sizes must be between 0 and \(Matrix.maximumDimension)")
    }
    guard columnMajor.count == n else {
      throw MatrixError.invalidArgument(
        "a \(rows)×\(cols) matrix needs \(n) entries, but \(columnMajor.count) were given")
    }
    self.init(rows: rows, cols: cols, columnMajor: columnMajor)
  }

  /// A matrix from its entries in row-major order (NumPy's C order).
  /// - Precondition: as `init(rows:cols:columnMajor:)`, with `rowMajor.count == rows·cols`.
  public init(rows: Int, cols: Int, rowMajor: [Double]) {
    guard let n = Matrix.checkedCount(rows: rows, cols: cols) else {
      preconditionFailure("Matrix sizes must be in 0...\(Matrix.maximumDimension), got \(rows)×\(cols)")
    }
    precondition(rowMajor.count == n, "Matrix \(rows)×\(cols) needs \(n) entries, got \(rowMajor.count)")
    guard n > 0 else {  // no loop over the sizes of an empty matrix (0×10⁹ would spin)
      self.init(rows: rows, cols: cols, columnMajor: [])
      return
    }
    var s = [Double](repeating: 0, count: n)
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
  /// - Precondition: sizes in `0...maximumDimension`, `rows·cols` representable.
  public init(rows: Int, cols: Int, repeating value: Double) {
    guard let n = Matrix.checkedCount(rows: rows, cols: cols) else {
      preconditionFailure("Matrix sizes must be in 0...\(Matrix.maximumDimension), got \(rows)×\(cols)")
    }
    self.init(rows: rows, cols: cols, columnMajor: LargeBuffer.repeating(value, count: n))
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

  /// Entry `k` of `storage` (column-major, `k = i + j·rows`), readable and writable in O(1).
  /// - Precondition: `k` in `0..<count`.
  public subscript(linear k: Int) -> Double {
    get { storage[k] }
    set { storage[k] = newValue }
  }

  /// Calls `body` with the entries (column-major) as a mutable buffer: fast in-place loops and
  /// BLAS calls that write the matrix. The buffer has exactly `count` entries and cannot change
  /// that count.
  public mutating func withUnsafeMutableEntries<R>(
    _ body: (UnsafeMutableBufferPointer<Double>) throws -> R
  ) rethrows -> R {
    try storage.withUnsafeMutableBufferPointer { buffer in try body(buffer) }
  }

  /// Entry `(i, j)`, 0-based. - Precondition: indices in range.
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

  /// Throws `MatrixError.invalidArgument` ("X must be 3×2, not 2×2") unless the matrix is
  /// `rows×cols`; `name` names the argument (exported functions check their arguments with it).
  public func requireShape(_ rows: Int, _ cols: Int, name: String) throws {
    guard self.rows == rows && self.cols == cols else {
      throw MatrixError.invalidArgument("\(name) must be \(rows)×\(cols), not \(self.rows)×\(self.cols)")
    }
  }
}
