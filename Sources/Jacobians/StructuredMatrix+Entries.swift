import Foundation
import MatrixCore

/// Errors of structured Jacobians that input can reach.
public enum JacobianError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Materialising would need more memory than allowed.
  case tooLargeToMaterialize(rows: Int, cols: Int, limitBytes: Int)
  /// An index outside the operator or the Jacobian.
  case indexOutOfRange(String)
  /// Shapes that do not fit (named).
  case shapeMismatch(String)
  /// Finite differences that cannot be taken (the function is undefined at every step tried).
  case finiteDifferences(String)

  public var description: String {
    switch self {
    case let .tooLargeToMaterialize(r, c, limit):
      let bytes = Double(r) * Double(c) * 8
      return "a dense \(r)×\(c) Jacobian needs \(formatBytes(bytes)), above the limit of "
        + "\(formatBytes(Double(limit))); use the matrix-free operations (apply, applyTransposed, entry, "
        + "row, column) or raise the limit"
    case let .indexOutOfRange(m), let .shapeMismatch(m), let .finiteDifferences(m):
      return m
    }
  }
}

/// `1.5 GiB`-style sizes.
func formatBytes(_ b: Double) -> String {
  let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
  var v = b
  var u = 0
  while v >= 1024 && u < units.count - 1 {
    v /= 1024
    u += 1
  }
  return u == 0 ? "\(Int(v)) bytes" : String(format: "%.1f %@", v, units[u])
}


extension StructuredMatrix {
  /// The default memory limit for `materialized`: 2 GiB.
  public static let defaultMaterializationLimit = 2 << 30

  /// Entry `(r, c)`, computed without materialising (one column of the operator at most).
  public func entry(_ r: Int, _ c: Int) throws -> Double {
    guard r >= 0, r < rows, c >= 0, c < cols else {
      throw JacobianError.indexOutOfRange("entry (\(r),\(c)) is outside a \(rows)×\(cols) operator")
    }
    return storage.entry(r, c)
  }

  /// Column `c` (`A·e_c`).
  public func column(_ c: Int) throws -> [Double] {
    guard c >= 0, c < cols else {
      throw JacobianError.indexOutOfRange("column \(c) is outside a \(rows)×\(cols) operator")
    }
    var e = [Double](repeating: 0, count: cols)
    e[c] = 1
    return apply(vector: e)
  }

  /// Row `r` (`e_rᵀ·A`).
  public func row(_ r: Int) throws -> [Double] {
    guard r >= 0, r < rows else {
      throw JacobianError.indexOutOfRange("row \(r) is outside a \(rows)×\(cols) operator")
    }
    var e = [Double](repeating: 0, count: rows)
    e[r] = 1
    return applyTransposed(vector: e)
  }

  /// The dense matrix, the one named entry point that densifies (layout: the operator's rows
  /// and columns, column-major storage).
  ///
  /// Sums, Kronecker products, scaled operators and products with a commutation at either end
  /// are written from their structure, column panel by column panel (see
  /// `StructuredMatrix+Materialize.swift`); `threads` is how many threads write the panels (nil:
  /// `StructuredMatrix.materializationThreads`: one below 4 MiB of output, else the active
  /// processors, at most 4). The result does not depend on it.
  /// - Throws: `JacobianError.tooLargeToMaterialize` when it or an intermediate would exceed
  ///   `limitBytes` (default 2 GiB).
  public func materialized(
    limitBytes: Int = StructuredMatrix.defaultMaterializationLimit, threads: Int? = nil
  ) throws -> Matrix {
    try storage.materialized(limitBytes: limitBytes, threads: threads)
  }
}

extension StructuredMatrix.Storage {
  func entry(_ r: Int, _ c: Int) -> Double {
    switch self {
    case .dense(let m, _): return m[r, c]
    case .diagonal(let d): return r == c ? d[r] : 0
    case .identity(_, let s): return r == c ? s : 0
    case .zero: return 0
    case .commutation(let k): return k.destination(ofColumn: c) == r ? 1 : 0
    case .scaled(let s, let a): return s * a.entry(r, c)
    case .sum(let t): return t.reduce(0) { $0 + $1.entry(r, c) }
    case .kronecker(let a, let b):
      return a.entry(r / b.rows, c / b.cols) * b.entry(r % b.rows, c % b.cols)
    case .product:
      var e = [Double](repeating: 0, count: cols)
      e[c] = 1
      return apply(Matrix(column: e)).result.storage[r]
    }
  }

  static func checkSize(_ r: Int, _ c: Int, _ limit: Int) throws {
    let (n, o1) = r.multipliedReportingOverflow(by: c)
    let (bytes, o2) = n.multipliedReportingOverflow(by: 8)
    if o1 || o2 || bytes > limit {
      throw JacobianError.tooLargeToMaterialize(rows: r, cols: c, limitBytes: limit)
    }
  }

  func materialized(limitBytes: Int, threads: Int? = nil) throws -> Matrix {
    try Self.checkSize(rows, cols, limitBytes)
    switch self {
    case .dense(let m, _): return m
    case .diagonal(let d): return .diagonal(d)
    case .identity(let n, let s): return Matrix.identity(n).scaled(by: s)
    case .zero(let r, let c): return .zeros(r, c)
    case .commutation(let k): return k.dense()
    case .kronecker(.dense(let a, _), .dense(let b, _)):
      return Matrix.kronecker(a, b)
    case .scaled, .sum, .kronecker:
      // One zeroed buffer and each term's stored entries added (StructuredMatrix+Materialize).
      return try materializedByStructure(limitBytes: limitBytes, threads: threads)
    case .product(let f):
      if case .commutation = f[0] { return try materializedByStructure(limitBytes: limitBytes, threads: threads) }
      if case .commutation = f[f.count - 1] { return try materializedByStructure(limitBytes: limitBytes, threads: threads) }
      // Rightmost factor dense, then the others applied to it; every intermediate is checked.
      var m = try f[f.count - 1].materialized(limitBytes: limitBytes)
      for g in f.dropLast().reversed() {
        try Self.checkSize(g.rows, m.cols, limitBytes)
        m = g.apply(m).result
      }
      return m
    }
  }
}
