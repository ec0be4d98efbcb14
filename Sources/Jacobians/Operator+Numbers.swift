import MatrixCore

// The execution kernels: what the rules run on numbers. Dense products go to BLAS through
// MatrixCore (which counts GEMM, dscal and daxpy work in test builds); the loops written here
// count their own multiplications through `WorkCount.record`.

/// Leaves that carry numbers: dense matrices and the entries of diagonals.
enum Numbers: OperatorCarrier {
  typealias Dense = Matrix
  typealias Diagonal = [Double]
  typealias Label = StructuredMatrix.Label?

  static var noLabel: Label { nil }
  static func transposed(_ label: Label) -> Label {
    label.map { StructuredMatrix.Label(text: "(\($0.text))ᵀ", latex: "\\left(\($0.latex)\\right)^{\\top}") }
  }

  static func rows(_ a: Matrix) -> Int { a.rows }
  static func cols(_ a: Matrix) -> Int { a.cols }
  static func count(_ d: [Double]) -> Int { d.count }
  static func scalar(_ a: Matrix) -> Double { a.storage[0] }

  static func scaled(_ s: Double, _ d: [Double]) -> [Double] {
    WorkCount.record(d.count)
    return d.map { s * $0 }
  }

  static func product(_ d: [Double], _ e: [Double]) -> [Double] {
    WorkCount.record(d.count)
    return zip(d, e).map(*)
  }

  static func gemm(_ a: Matrix, _ b: Matrix) -> Matrix { a * b }
  static func transposed(_ a: Matrix) -> Matrix { a.transposed }

  static func scaleRows(_ d: [Double], _ x: Matrix) -> Matrix {
    var y = x
    let n = d.count
    let k = x.cols
    y.withUnsafeMutableEntries { py in
      for c in 0..<k {
        for i in 0..<n { py[i + c * n] *= d[i] }
      }
    }
    WorkCount.record(n * k)
    return y
  }

  static func scaled(_ s: Double, _ x: Matrix) -> Matrix { x.scaled(by: s) }

  static func sum(_ x: Matrix, _ y: Matrix) -> Matrix {
    var z = x
    z.addInPlace(y)
    return z
  }

  static func zeros(_ rows: Int, _ cols: Int) -> Matrix { .zeros(rows, cols) }
  static func permuteRows(_ k: Commutation, _ x: Matrix) -> Matrix { k.apply(toRowsOf: x) }

  static func vecTrick(_ plan: VecTrick<Matrix>, _ x: Matrix, transposedBy k: Commutation?) -> Matrix {
    let (m, n, p, q): (Int, Int, Int, Int)
    switch plan {
    case let .leftOnly(_, b, mm): (m, n, p, q) = (mm, x.rows / b.cols, b.rows, b.cols)
    case let .rightOnly(a, _, pp): (m, n, p, q) = (a.rows, a.cols, pp, x.rows / a.cols)
    case let .bFirst(a, b), let .aFirst(a, b): (m, n, p, q) = (a.rows, a.cols, b.rows, b.cols)
    }
    return columns(x, q: q, n: n, transposedBy: k, outRows: m * p) { view, out in
      vecTrickColumn(plan, view, m: m, n: n, p: p, q: q, into: out)
    }
  }

  /// Runs `body` on every column of X viewed as a q×n matrix (through `k` transposed when given),
  /// with the place of the corresponding result column (outRows entries) to write.
  private static func columns(
    _ x: Matrix, q: Int, n: Int, transposedBy k: Commutation?, outRows: Int,
    _ body: (MatrixView, UnsafeMutablePointer<Double>) -> Void
  ) -> Matrix {
    var y = [Double](repeating: 0, count: outRows * x.cols)
    x.storage.withUnsafeBufferPointer { px in
      y.withUnsafeMutableBufferPointer { py in
        for c in 0..<x.cols {
          let base = px.baseAddress! + c * x.rows
          let view =
            k.map { MatrixView(base: base, storedRows: $0.m, storedCols: $0.n, transposed: true) }
            ?? MatrixView(base: base, storedRows: q, storedCols: n, transposed: false)
          body(view, py.baseAddress! + c * outRows)
        }
      }
    }
    return Matrix(rows: outRows, cols: x.cols, columnMajor: y)
  }

  /// One column: `vec(B·X·Aᵀ)` written to `out` (length mp) for X (q×n) a view.
  private static func vecTrickColumn(
    _ plan: VecTrick<Matrix>, _ x: MatrixView, m: Int, n: Int, p: Int, q: Int, into out: UnsafeMutablePointer<Double>
  ) {
    func view(_ a: Matrix, transposed: Bool, _ body: (MatrixView) -> Void) {
      a.storage.withUnsafeBufferPointer {
        body(MatrixView(base: $0.baseAddress!, storedRows: a.rows, storedCols: a.cols, transposed: transposed))
      }
    }
    switch plan {
    case let .leftOnly(s, b, _):
      view(b, transposed: false) { Matrix.product($0, x, alpha: s, into: out) }
    case let .rightOnly(a, s, _):
      view(a, transposed: true) { Matrix.product(x, $0, alpha: s, into: out) }
    case let .bFirst(a, b):
      var z = [Double](repeating: 0, count: p * n)
      z.withUnsafeMutableBufferPointer { pz in
        view(b, transposed: false) { Matrix.product($0, x, into: pz.baseAddress!) }
        let zv = MatrixView(base: pz.baseAddress!, storedRows: p, storedCols: n, transposed: false)
        view(a, transposed: true) { Matrix.product(zv, $0, into: out) }
      }
    case let .aFirst(a, b):
      var z = [Double](repeating: 0, count: q * m)
      z.withUnsafeMutableBufferPointer { pz in
        view(a, transposed: true) { Matrix.product(x, $0, into: pz.baseAddress!) }
        let zv = MatrixView(base: pz.baseAddress!, storedRows: q, storedCols: m, transposed: false)
        view(b, transposed: false) { Matrix.product($0, zv, into: out) }
      }
    }
  }

  static func byColumns(
    _ x: Matrix, q: Int, n: Int, transposedBy k: Commutation?, outRows: Int,
    _ body: (Matrix) -> (Matrix, ProductCost)
  ) -> (Matrix, ProductCost) {
    var cost = ProductCost.zero
    let y = columns(x, q: q, n: n, transposedBy: k, outRows: outRows) { view, out in
      let (column, columnCost) = body(view.copy())
      cost = cost + columnCost
      column.storage.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: outRows) }
      WorkCount.recordMoves(outRows)
    }
    return (y, cost)
  }
}
