import CLapack

// Sums, differences and scaling go through BLAS level 1 (daxpy, dscal); Hadamard products have
// no BLAS routine and are plain elementwise loops.
extension Matrix {
  private func requireSameShape(_ other: Matrix, _ operation: String) throws {
    guard shape == other.shape else {
      throw MatrixError.shapeMismatch(
        operation: operation, lhs: shape, rhs: other.shape, detail: "the shapes must be equal")
    }
  }

  /// `self + alpha·other` through `cblas_daxpy`. Throws on a shape mismatch.
  public func adding(_ other: Matrix, scaledBy alpha: Double = 1) throws -> Matrix {
    try requireSameShape(other, "add")
    var result = self
    result.addInPlace(other, scaledBy: alpha)
    return result
  }

  /// `self -= other` style accumulation: `self += alpha·other` (shapes must agree).
  public mutating func addInPlace(_ other: Matrix, scaledBy alpha: Double = 1) {
    precondition(shape == other.shape, "cannot add \(shape) and \(other.shape): the shapes must be equal")
    let n = Int32(storage.count)
    guard n > 0 else { return }
    WorkCount.record(Int(n))
    other.storage.withUnsafeBufferPointer { x in
      withUnsafeMutableEntries { y in
        cblas_daxpy(n, alpha, x.baseAddress, 1, y.baseAddress, 1)
      }
    }
  }

  /// `alpha·self` through `cblas_dscal`.
  public func scaled(by alpha: Double) -> Matrix {
    var result = self
    let n = Int32(storage.count)
    guard n > 0 else { return result }
    WorkCount.record(Int(n))
    result.withUnsafeMutableEntries { y in cblas_dscal(n, alpha, y.baseAddress, 1) }
    return result
  }

  /// Entrywise product `self ⊙ other`. Throws on a shape mismatch.
  public func hadamard(_ other: Matrix) throws -> Matrix {
    try requireSameShape(other, "take the Hadamard product of")
    var result = self
    for k in 0..<storage.count { result[linear: k] *= other.storage[k] }
    return result
  }

  /// Entrywise quotient `self ⊘ other`. Throws on a shape mismatch; division by zero follows IEEE.
  public func hadamardQuotient(_ other: Matrix) throws -> Matrix {
    try requireSameShape(other, "take the Hadamard quotient of")
    var result = self
    for k in 0..<storage.count { result[linear: k] /= other.storage[k] }
    return result
  }

  /// Applies `f` to every entry.
  public func map(_ f: (Double) throws -> Double) rethrows -> Matrix {
    Matrix(rows: rows, cols: cols, columnMajor: try storage.map(f))
  }

  public static func + (lhs: Matrix, rhs: Matrix) -> Matrix {
    precondition(lhs.shape == rhs.shape, "cannot add \(lhs.shape) and \(rhs.shape): the shapes must be equal")
    var r = lhs
    r.addInPlace(rhs)
    return r
  }

  public static func - (lhs: Matrix, rhs: Matrix) -> Matrix {
    precondition(
      lhs.shape == rhs.shape, "cannot subtract \(rhs.shape) from \(lhs.shape): the shapes must be equal")
    var r = lhs
    r.addInPlace(rhs, scaledBy: -1)
    return r
  }

  public static prefix func - (m: Matrix) -> Matrix { m.scaled(by: -1) }
  public static func * (s: Double, m: Matrix) -> Matrix { m.scaled(by: s) }
  public static func * (m: Matrix, s: Double) -> Matrix { m.scaled(by: s) }
  public static func / (m: Matrix, s: Double) -> Matrix { m.scaled(by: 1 / s) }

  /// `Aᵀ` (a copy; products avoid it by passing BLAS transpose flags instead).
  public var transposed: Matrix {
    if storage.isEmpty { return Matrix(rows: cols, cols: rows, columnMajor: []) }  // no loop over 0×10⁹
    let r = rows
    let c = cols
    WorkCount.recordMoves(storage.count)
    let t = LargeBuffer.doubles(count: storage.count) { dst in
      storage.withUnsafeBufferPointer { src in Self.transpose(src, rows: r, cols: c, into: dst) }
    }
    return Matrix(rows: c, cols: r, columnMajor: t)
  }

  /// Writes the transpose of the column-major `rows`×`cols` matrix `src` into `dst` (column-major
  /// `cols`×`rows`, every entry set), in 32×32 blocks so that reads and writes stay in cache.
  /// Counts nothing (callers count the moves, or not, as their kernel's convention says).
  @usableFromInline
  static func transpose(
    _ src: UnsafeBufferPointer<Double>, rows r: Int, cols c: Int, into dst: UnsafeMutableBufferPointer<Double>
  ) {
    precondition(src.count >= r * c && dst.count >= r * c, "transpose: buffers smaller than \(r)×\(c)")
    let b = 32
    var j0 = 0
    while j0 < c {
      var i0 = 0
      while i0 < r {
        for j in j0..<min(j0 + b, c) {
          for i in i0..<min(i0 + b, r) { dst[j + i * c] = src[i + j * r] }
        }
        i0 += b
      }
      j0 += b
    }
  }

  /// `tr(A)`. Throws if `A` is not square.
  public func trace() throws -> Double {
    guard isSquare else { throw MatrixError.notSquare(operation: "trace", shape: shape) }
    var s = 0.0
    for i in 0..<rows { s += storage[i + i * rows] }
    return s
  }

  /// Frobenius norm `‖A‖_F` through `cblas_dnrm2` (scaled, so no overflow).
  public var frobeniusNorm: Double {
    guard !storage.isEmpty else { return 0 }
    return storage.withUnsafeBufferPointer { cblas_dnrm2(Int32(storage.count), $0.baseAddress, 1) }
  }

  /// Largest absolute entry (0 for an empty matrix).
  public var maxAbs: Double { storage.reduce(0) { max($0, abs($1)) } }

  /// Sum of all entries.
  public var sum: Double { storage.reduce(0, +) }

  /// `‖self − other‖_F ≤ relativeTolerance · max(‖self‖_F, ‖other‖_F)` plus an absolute floor
  /// `absoluteTolerance` for results that should be zero. Shapes must be equal.
  public func isApproximatelyEqual(
    to other: Matrix, relativeTolerance: Double = 1e-10, absoluteTolerance: Double = 0
  ) -> Bool {
    guard shape == other.shape else { return false }
    let diff = (self - other).frobeniusNorm
    if !diff.isFinite { return false }
    return diff <= absoluteTolerance + relativeTolerance * max(frobeniusNorm, other.frobeniusNorm)
  }

  /// Largest entrywise `|self − other|`. - Precondition: equal shapes.
  public func maxAbsDifference(_ other: Matrix) -> Double {
    precondition(shape == other.shape, "cannot compare \(shape) with \(other.shape)")
    var m = 0.0
    for k in 0..<storage.count { m = max(m, abs(storage[k] - other.storage[k])) }
    return m
  }
}
