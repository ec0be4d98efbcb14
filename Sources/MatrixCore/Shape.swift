/// The shape of a matrix, `rows×cols`. A scalar is `1×1`, a column vector `n×1`.
public struct Shape: Hashable, Sendable, CustomStringConvertible {
  public var rows: Int
  public var cols: Int

  public init(_ rows: Int, _ cols: Int) {
    self.rows = rows
    self.cols = cols
  }

  /// Number of entries, `rows·cols`, or `nil` if that overflows `Int`.
  public var checkedCount: Int? {
    let (c, o) = rows.multipliedReportingOverflow(by: cols)
    return o ? nil : c
  }

  /// Number of entries, `rows·cols`; `Int.max` when that overflows (so that size checks such
  /// as `count <= limit` refuse it instead of trapping). `checkedCount` tells the two apart.
  public var count: Int { checkedCount ?? .max }
  public var isSquare: Bool { rows == cols }
  public var isScalar: Bool { rows == 1 && cols == 1 }
  public var transposed: Shape { Shape(cols, rows) }

  /// `3×2`, the notation used in every message (`m×n` under size symbols, `SizeSymbols`).
  public var description: String { "\(SizeSymbols.factor(rows))×\(SizeSymbols.factor(cols))" }
}
