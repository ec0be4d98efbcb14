import MatrixCore

/// The stored entries of a structured operator, generated column range by column range, for
/// materialisation by panels (`StructuredMatrix+Materialize.swift`).
///
/// It is built once from an operator (`init(_:limitBytes:)`): every leaf kept as it is, except
/// products that cannot be enumerated by moving entries (no commutation at either end), which are
/// formed densely once here rather than once per panel. `forEach(inColumns:_:)` then calls its
/// body for the entries of any range of columns without touching the others, so each panel of the
/// output can be zeroed and filled while it is in cache, and disjoint panels filled by different
/// threads.
///
/// Layout: the operator's own rows and columns; a position may come more than once (terms of a
/// sum), the entry being the sum of its values; zeros of dense blocks are skipped.
indirect enum EntryGenerator: Sendable {
  /// A dense block.
  case dense(Matrix)
  /// `diag(d)`.
  case diagonal([Double])
  /// `s·Iₙ`.
  case identity(n: Int, scale: Double)
  case zero(rows: Int, cols: Int)
  /// `K(m,n)`: column c holds a 1 in row `destination(ofColumn: c)`.
  case commutation(Commutation)
  case scaled(Double, EntryGenerator)
  case sum([EntryGenerator])
  /// `A ⊗ B`, with B's size: entry (i·p + k, j·q + l) = A[i,j]·B[k,l].
  case kronecker(EntryGenerator, EntryGenerator, bRows: Int, bCols: Int)
  /// `K·B`: B's row r moves to row `destination(ofColumn: r)`, columns unchanged.
  case permutedRows(Commutation, EntryGenerator)
  /// `A·K`: column c is A's column `destination(ofColumn: c)`.
  case permutedColumns(EntryGenerator, Commutation)

  /// The generator of `op`'s entries; products without a commutation at either end are
  /// materialised here (each checked against `limitBytes`).
  init(_ op: StructuredMatrix.Storage, limitBytes: Int) throws {
    switch op {
    case .dense(let m, _): self = .dense(m)
    case .diagonal(let d): self = .diagonal(d)
    case .identity(let n, let s): self = .identity(n: n, scale: s)
    case .zero(let r, let c): self = .zero(rows: r, cols: c)
    case .commutation(let k): self = .commutation(k)
    case .scaled(let s, let a): self = .scaled(s, try EntryGenerator(a, limitBytes: limitBytes))
    case .sum(let t): self = .sum(try t.map { try EntryGenerator($0, limitBytes: limitBytes) })
    case .kronecker(let a, let b):
      self = .kronecker(
        try EntryGenerator(a, limitBytes: limitBytes), try EntryGenerator(b, limitBytes: limitBytes),
        bRows: b.rows, bCols: b.cols)
    case .product(let f):
      try self.init(product: f[...], limitBytes: limitBytes)
    }
  }

  /// A product of factors (mathematical order): a commutation at either end moves entries;
  /// otherwise the product is formed densely (the rightmost factor materialised, the others
  /// applied to it, as `materialized` does).
  private init(product f: ArraySlice<StructuredMatrix.Storage>, limitBytes: Int) throws {
    if f.count == 1 {
      try self.init(f.first!, limitBytes: limitBytes)
    } else if case .commutation(let k) = f.first! {
      self = .permutedRows(k, try EntryGenerator(product: f.dropFirst(), limitBytes: limitBytes))
    } else if case .commutation(let k) = f.last! {
      self = .permutedColumns(try EntryGenerator(product: f.dropLast(), limitBytes: limitBytes), k)
    } else {
      self = .dense(try StructuredMatrix.Storage.product(Array(f)).materialized(limitBytes: limitBytes))
    }
  }

  /// Calls `body(row, column, value)` for every stored entry whose column lies in `columns`
  /// (`columns` within the operator's columns), column by column in increasing order.
  func forEach(inColumns columns: Range<Int>, _ body: (Int, Int, Double) -> Void) {
    forEach(inColumns: columns, at: .identity, body)
  }

  /// Where an entry (i, j, v) of a part lands in the whole: row `rowOffset + rowStride·i`, column
  /// `columnOffset + j`, value `scale·v`. Kronecker products with a diagonal factor, scaled
  /// operators and column permutations only change the placement, so their entries reach the
  /// final `body` directly instead of through one closure per level.
  struct Placement {
    var rowOffset: Int
    var rowStride: Int
    var columnOffset: Int
    var scale: Double
    static let identity = Placement(rowOffset: 0, rowStride: 1, columnOffset: 0, scale: 1)
  }

  /// The value on the diagonal at `k` when this is diagonal or a scaled identity, else nil.
  private func diagonalValue(_ k: Int) -> Double? {
    switch self {
    case .diagonal(let d): return d[k]
    case .identity(_, let s): return s
    default: return nil
    }
  }

  /// `forEach(inColumns:_:)` with every entry placed by `at` (see `Placement`).
  func forEach(inColumns columns: Range<Int>, at place: Placement, _ body: (Int, Int, Double) -> Void) {
    let (ro, rs, co, s) = (place.rowOffset, place.rowStride, place.columnOffset, place.scale)
    switch self {
    case .dense(let m):
      let rows = m.rows
      m.storage.withUnsafeBufferPointer { p in
        for j in columns {
          let base = j * rows
          for i in 0..<rows where p[base + i] != 0 { body(ro + rs * i, co + j, s * p[base + i]) }
        }
      }
    case .diagonal(let d):
      for i in columns where d[i] != 0 { body(ro + rs * i, co + i, s * d[i]) }
    case .identity(_, let t):
      for i in columns { body(ro + rs * i, co + i, s * t) }
    case .zero:
      break
    case .commutation(let k):
      for c in columns { body(ro + rs * k.destination(ofColumn: c), co + c, s) }
    case .scaled(let t, let a):
      a.forEach(inColumns: columns, at: Placement(rowOffset: ro, rowStride: rs, columnOffset: co, scale: s * t), body)
    case .sum(let terms):
      for t in terms { t.forEach(inColumns: columns, at: place, body) }
    case .kronecker(let a, let b, let p, let q):
      // Column j·q + l is A's column j times B's column l: for each block j met by `columns`,
      // the ls of `columns` in it. Entry (i·p + k, j·q + l) = A[i,j]·B[k,l].
      var c = columns.lowerBound
      while c < columns.upperBound {
        let j = c / q
        let l0 = c - j * q
        let l1 = min(q, l0 + columns.upperBound - c)
        if let v = a.diagonalValue(j) {
          // A's column j holds only A[j,j]: B's columns placed at block row j.
          if v != 0 {
            b.forEach(
              inColumns: l0..<l1, at: Placement(rowOffset: ro + rs * j * p, rowStride: rs, columnOffset: co + j * q, scale: s * v),
              body)
          }
        } else if b.diagonalValue(0) != nil {
          // B's column l holds only B[l,l]: A's column j placed at rows i·p + l.
          for l in l0..<l1 {
            let w = b.diagonalValue(l)!
            if w == 0 { continue }
            a.forEach(
              inColumns: j..<(j + 1),
              at: Placement(rowOffset: ro + rs * l, rowStride: rs * p, columnOffset: co + j * q + l - j, scale: s * w), body)
          }
        } else {
          a.forEach(inColumns: j..<(j + 1)) { i, _, v in
            b.forEach(
              inColumns: l0..<l1, at: Placement(rowOffset: ro + rs * i * p, rowStride: rs, columnOffset: co + j * q, scale: s * v),
              body)
          }
        }
        c += l1 - l0
      }
    case .permutedRows(let k, let b):
      b.forEach(inColumns: columns) { r, c, v in body(ro + rs * k.destination(ofColumn: r), co + c, s * v) }
    case .permutedColumns(let a, let k):
      for c in columns {
        let t = k.destination(ofColumn: c)
        a.forEach(inColumns: t..<(t + 1), at: Placement(rowOffset: ro, rowStride: rs, columnOffset: co + c - t, scale: s), body)
      }
    }
  }
}
