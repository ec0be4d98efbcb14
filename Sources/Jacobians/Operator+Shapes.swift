import MatrixCore

// The planning "kernels": the rules run on sizes alone (opt_einsum's path without performing
// the contraction). Each returns the size of what the numeric kernel would compute.

/// The size of a dense block, without numbers.
struct DenseShape: Hashable, Sendable {
  var rows: Int
  var cols: Int
}

/// Dense blocks are named only when they carry numbers.
struct NoLabel: Hashable, Sendable {}

/// Leaves that carry sizes only: what the planner multiplies.
enum Shapes: OperatorCarrier {
  typealias Dense = DenseShape
  typealias Diagonal = Int
  typealias Label = NoLabel

  static var noLabel: NoLabel { NoLabel() }
  static func transposed(_ label: NoLabel) -> NoLabel { label }

  static func rows(_ a: DenseShape) -> Int { a.rows }
  static func cols(_ a: DenseShape) -> Int { a.cols }
  static func count(_ d: Int) -> Int { d }
  /// A scale that only data would tell: "some scale, assumed neither 0 nor 1".
  static func scalar(_ a: DenseShape) -> Double { .nan }
  static func scaled(_ s: Double, _ d: Int) -> Int { d }
  static func product(_ d: Int, _ e: Int) -> Int { d }
  static func gemm(_ a: DenseShape, _ b: DenseShape) -> DenseShape { DenseShape(rows: a.rows, cols: b.cols) }
  static func transposed(_ a: DenseShape) -> DenseShape { DenseShape(rows: a.cols, cols: a.rows) }
  static func scaleRows(_ d: Int, _ x: DenseShape) -> DenseShape { x }
  static func scaled(_ s: Double, _ x: DenseShape) -> DenseShape { x }
  static func sum(_ x: DenseShape, _ y: DenseShape) -> DenseShape { x }
  static func zeros(_ rows: Int, _ cols: Int) -> DenseShape { DenseShape(rows: rows, cols: cols) }
  static func permuteRows(_ k: Commutation, _ x: DenseShape) -> DenseShape { x }

  static func vecTrick(_ plan: VecTrick<DenseShape>, _ x: DenseShape, transposedBy k: Commutation?) -> DenseShape {
    switch plan {
    case let .leftOnly(_, b, m): return DenseShape(rows: m * b.rows, cols: x.cols)
    case let .rightOnly(a, _, p): return DenseShape(rows: a.rows * p, cols: x.cols)
    case let .bFirst(a, b), let .aFirst(a, b): return DenseShape(rows: a.rows * b.rows, cols: x.cols)
    }
  }

  static func byColumns(
    _ x: DenseShape, q: Int, n: Int, transposedBy k: Commutation?, outRows: Int,
    _ body: (DenseShape) -> (DenseShape, ProductCost)
  ) -> (DenseShape, ProductCost) {
    let (_, cost) = body(DenseShape(rows: q, cols: n))
    return (DenseShape(rows: outRows, cols: x.cols), cost.scaled(by: Double(x.cols)))
  }
}

extension Operator where C == Shapes {
  /// Equal structure and sizes; scales compared as numbers except that two NaN scales ("some
  /// scale") are equal.
  func same(_ other: Self) -> Bool {
    func same(_ s: Double, _ t: Double) -> Bool { s == t || (s.isNaN && t.isNaN) }
    switch (self, other) {
    case let (.dense(a, _), .dense(b, _)): return a == b
    case let (.diagonal(a), .diagonal(b)): return a == b
    case let (.zero(r, c), .zero(s, t)): return r == s && c == t
    case let (.identity(n, s), .identity(m, t)): return n == m && same(s, t)
    case let (.kronecker(x, y), .kronecker(u, v)): return x.same(u) && y.same(v)
    case let (.commutation(k), .commutation(l)): return k == l
    case let (.scaled(s, x), .scaled(t, y)): return same(s, t) && x.same(y)
    case let (.sum(x), .sum(y)), let (.product(x), .product(y)):
      return x.count == y.count && zip(x, y).allSatisfy { $0.same($1) }
    default: return false
    }
  }

  func hash(into h: inout Hasher) {
    func scale(_ s: Double) { h.combine(s.isNaN ? Double.infinity : s) }
    h.combine(kind)
    switch self {
    case .dense(let a, _): h.combine(a)
    case .diagonal(let n): h.combine(n)
    case .identity(let n, let s):
      h.combine(n)
      scale(s)
    case .zero(let r, let c):
      h.combine(r)
      h.combine(c)
    case .kronecker(let a, let b):
      a.hash(into: &h)
      b.hash(into: &h)
    case .commutation(let k): h.combine(k)
    case .scaled(let s, let a):
      scale(s)
      a.hash(into: &h)
    case .sum(let t), .product(let t):
      h.combine(t.count)
      for x in t { x.hash(into: &h) }
    }
  }
}
