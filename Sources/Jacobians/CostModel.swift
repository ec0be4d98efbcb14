// The cost model of the product rules: what `StructuredMatrix.Storage.multiply` does, predicted
// from sizes and structure alone. Every function here mirrors one in
// `StructuredMatrix+ProductRules.swift`, `StructuredMatrix+Apply.swift` or `Kronecker.swift`,
// case by case, in the same order and under the same conditions, so that the plan a chain
// reports is the work its execution performs. Change a rule there, change its mirror here (the
// tests in `ChainTests.swift` check that the predicted structure is the executed one).
//
// Counting convention (what `ProductCost.multiplyAdds` counts):
// - a dense `m×k · k×n` product (one GEMM) is `m·k·n` multiply-adds;
// - a lone multiplication (scaling, a diagonal times a vector) or a lone addition (the terms of
//   a sum, through daxpy) counts as one multiply-add;
// - permutations and transposed copies cost no multiply-adds; the entries they move are counted
//   separately in `entriesMoved` (a commutation applied to k columns of length n moves n·k);
// - FLOPs are 2 per multiply-add (opt_einsum's convention; NumPy's `multi_dot` reports
//   multiplications, i.e. our multiply-adds).
// Costs are `Double`: exact for integers below 2⁵³ ≈ 9·10¹⁵, never overflowing, and rounded
// (by at most one part in 10¹⁶) above that.
//
// A lazy product (the fallback when no rule applies, e.g. diagonal·Kronecker) costs nothing to
// form: forming it is what the code does. Its factors are applied later, when the lazy product
// meets a dense operand (`x·dense` applies x to the columns), and that application is charged
// to the product that performs it. A plan whose result stays a lazy product therefore reports
// only the work actually done; `FactorSignature.applicationCost(columns:)` gives the cost of
// applying the result afterwards.

import MatrixCore

/// The symbolic shape of an operator: its size and structure, without any numbers.
///
/// It is what the chain planner works on, so that a plan (`ChainPlan`) needs no data: a dense
/// `m×n` block, a diagonal of n entries, a scaled identity, a zero block, a Kronecker product of
/// two signatures, a commutation `K(m,n)`, a scaled operator, a sum, or a lazy product (factors
/// in mathematical order). It mirrors `StructuredMatrix`'s storage case for case, and
/// `FactorSignature(matrix)` reads it off an operator.
///
/// Scales are kept because the product rules treat `1`, `0` and other scales differently. A
/// scale that only data would tell (a `1×1` dense block turned into a scalar by a Kronecker rule)
/// is `Double.nan`, meaning "some scale, assumed neither 0 nor 1"; two NaN scales compare equal.
///
///     let k = FactorSignature.kronecker(.dense(2, 3), .dense(3, 2))
///     print(k)            // 6x6:kron(2x3,3x2)
public struct FactorSignature: Hashable, Sendable, CustomStringConvertible {
  /// Number of rows.
  public let rows: Int
  /// Number of columns.
  public let cols: Int
  /// The structure, mirroring `StructuredMatrix`'s kinds.
  public let structure: Structure

  /// The structure of an operator, one case per `StructuredMatrix.Kind`.
  public indirect enum Structure: Hashable, Sendable {
    /// A dense block, `rows·cols` stored numbers.
    case dense
    /// `diag(d)`, square.
    case diagonal
    /// `s·Iₙ`, square.
    case identity(scale: Double)
    /// The zero operator.
    case zero
    /// `A ⊗ B`.
    case kronecker(FactorSignature, FactorSignature)
    /// `K(m,n)`, a permutation of size mn.
    case commutation(m: Int, n: Int)
    /// `s·A`.
    case scaled(Double, FactorSignature)
    /// `A₁ + A₂ + …`.
    case sum([FactorSignature])
    /// `A₁·A₂·…` kept lazy, in mathematical order.
    case product([FactorSignature])

    public static func == (a: Structure, b: Structure) -> Bool {
      func same(_ s: Double, _ t: Double) -> Bool { s == t || (s.isNaN && t.isNaN) }
      switch (a, b) {
      case (.dense, .dense), (.diagonal, .diagonal), (.zero, .zero): return true
      case let (.identity(s), .identity(t)): return same(s, t)
      case let (.kronecker(x, y), .kronecker(u, v)): return x == u && y == v
      case let (.commutation(m, n), .commutation(p, q)): return m == p && n == q
      case let (.scaled(s, x), .scaled(t, y)): return same(s, t) && x == y
      case let (.sum(x), .sum(y)), let (.product(x), .product(y)): return x == y
      default: return false
      }
    }

    public func hash(into h: inout Hasher) {
      func scale(_ s: Double) { h.combine(s.isNaN ? Double.infinity : s) }
      switch self {
      case .dense: h.combine(0)
      case .diagonal: h.combine(1)
      case .identity(let s):
        h.combine(2)
        scale(s)
      case .zero: h.combine(3)
      case .kronecker(let a, let b):
        h.combine(4)
        h.combine(a)
        h.combine(b)
      case .commutation(let m, let n):
        h.combine(5)
        h.combine(m)
        h.combine(n)
      case .scaled(let s, let a):
        h.combine(6)
        scale(s)
        h.combine(a)
      case .sum(let t):
        h.combine(7)
        h.combine(t)
      case .product(let f):
        h.combine(8)
        h.combine(f)
      }
    }
  }

  /// A signature as it is, without simplification (the mirror functions build these).
  init(_ rows: Int, _ cols: Int, _ structure: Structure) {
    self.rows = rows
    self.cols = cols
    self.structure = structure
  }

  // MARK: Constructors (the same simplifications as StructuredMatrix's constructors)

  /// A dense `rows×cols` block. - Precondition: sizes non-negative.
  public static func dense(_ rows: Int, _ cols: Int) -> FactorSignature {
    precondition(rows >= 0 && cols >= 0, "sizes must be non-negative, got \(rows)×\(cols)")
    return FactorSignature(rows, cols, .dense)
  }

  /// `diag(d)` with n entries.
  public static func diagonal(_ n: Int) -> FactorSignature {
    precondition(n >= 0, "a diagonal needs a non-negative size, got \(n)")
    return FactorSignature(n, n, .diagonal)
  }

  /// `s·Iₙ` (`s = 0` gives the zero operator, as `StructuredMatrix.identity` does).
  public static func identity(_ n: Int, scale: Double = 1) -> FactorSignature {
    precondition(n >= 0, "an identity needs a non-negative size, got \(n)")
    return FactorSignature(n, n, scale == 0 ? .zero : .identity(scale: scale))
  }

  /// The `rows×cols` zero operator.
  public static func zero(_ rows: Int, _ cols: Int) -> FactorSignature {
    precondition(rows >= 0 && cols >= 0, "sizes must be non-negative, got \(rows)×\(cols)")
    return FactorSignature(rows, cols, .zero)
  }

  /// `K(m,n)`; `K(1,n) = K(m,1) = I` as in `StructuredMatrix.commutation`.
  public static func commutation(_ m: Int, _ n: Int) -> FactorSignature {
    precondition(m >= 0 && n >= 0, "K(m,n) needs non-negative sizes, got K(\(m),\(n))")
    if m == 1 || n == 1 { return identity(m * n) }
    return FactorSignature(m * n, m * n, .commutation(m: m, n: n))
  }

  /// `A ⊗ B`, simplified exactly as `StructuredMatrix.kronecker` simplifies
  /// (`I ⊗ I = I`, scalars hoisted, zeros absorbed, a `1×1` dense factor becomes a scale).
  public static func kronecker(_ a: FactorSignature, _ b: FactorSignature) -> FactorSignature {
    CostModel.kron(a, b).0
  }

  /// The signature of an operator (its sizes and structure; the numbers are dropped).
  public init(_ matrix: StructuredMatrix) {
    self = FactorSignature(storage: matrix.storage)
  }

  init(storage: StructuredMatrix.Storage) {
    let (r, c) = (storage.rows, storage.cols)
    switch storage {
    case .dense: self.init(r, c, .dense)
    case .diagonal: self.init(r, c, .diagonal)
    case .identity(_, let s): self.init(r, c, .identity(scale: s))
    case .zero: self.init(r, c, .zero)
    case .kronecker(let a, let b): self.init(r, c, .kronecker(.init(storage: a), .init(storage: b)))
    case .commutation(let k): self.init(r, c, .commutation(m: k.m, n: k.n))
    case .scaled(let s, let a): self.init(r, c, .scaled(s, .init(storage: a)))
    case .sum(let t): self.init(r, c, .sum(t.map { .init(storage: $0) }))
    case .product(let f): self.init(r, c, .product(f.map { .init(storage: $0) }))
    }
  }

  // MARK: Inspection

  /// The kind, as `StructuredMatrix.kind` would report it.
  public var kind: StructuredMatrix.Kind {
    switch structure {
    case .dense: return .dense
    case .diagonal: return .diagonal
    case .identity: return .identity
    case .zero: return .zero
    case .kronecker: return .kronecker
    case .commutation: return .commutation
    case .scaled: return .scaled
    case .sum: return .sum
    case .product: return .product
    }
  }

  /// `rows×cols`.
  public var shape: Shape { Shape(rows, cols) }

  /// How many numbers the representation stores: `rows·cols` dense, n for a diagonal, the sum
  /// over the parts of a Kronecker product, sum or lazy product, 0 for identity, zero and
  /// commutation (they store sizes and at most a scale).
  public var storedEntries: Double {
    switch structure {
    case .dense: return Double(rows) * Double(cols)
    case .diagonal: return Double(rows)
    case .identity, .zero, .commutation: return 0
    case .kronecker(let a, let b): return a.storedEntries + b.storedEntries
    case .scaled(_, let a): return a.storedEntries
    case .sum(let t), .product(let t): return t.reduce(0) { $0 + $1.storedEntries }
    }
  }

  /// Bytes of the stored numbers, 8 per entry.
  public var storedBytes: Double { 8 * storedEntries }

  /// The cost of applying this operator to a dense matrix with `columns` columns
  /// (`A·X`, what `StructuredMatrix.apply` does).
  /// - Complexity: proportional to the size of the signature.
  public func applicationCost(columns: Int) -> ProductCost {
    CostModel.apply(self, columns: columns)
  }

  /// The signature of `l·r` and the cost of computing it with the product rules
  /// (`StructuredMatrix *`), from sizes and structure alone.
  /// - Precondition: `l.cols == r.rows`.
  /// - Complexity: proportional to the size of the two signatures (not of the matrices).
  public static func product(_ l: FactorSignature, _ r: FactorSignature) -> (
    result: FactorSignature, cost: ProductCost
  ) {
    precondition(l.cols == r.rows, "cannot multiply \(l.shape) by \(r.shape): inner sizes differ")
    let (s, c) = CostModel.multiply(l, r)
    return (s, c)
  }
}

/// The work of a product or an application as the code performs it.
///
/// Ordered lexicographically: first by multiply-adds, then by entries moved, so that among
/// orders with equal arithmetic the one that permutes and copies less wins.
public struct ProductCost: Hashable, Sendable, Comparable, AdditiveArithmetic, CustomStringConvertible {
  /// Multiply-adds; a lone multiplication or addition counts as one.
  public var multiplyAdds: Double
  /// Entries copied by permutations (commutations) and transposed copies, no arithmetic.
  public var entriesMoved: Double

  public init(multiplyAdds: Double = 0, entriesMoved: Double = 0) {
    self.multiplyAdds = multiplyAdds
    self.entriesMoved = entriesMoved
  }

  /// FLOPs, counted as 2 per multiply-add.
  public var flops: Double { 2 * multiplyAdds }

  public static let zero = ProductCost()

  public static func + (a: ProductCost, b: ProductCost) -> ProductCost {
    ProductCost(multiplyAdds: a.multiplyAdds + b.multiplyAdds, entriesMoved: a.entriesMoved + b.entriesMoved)
  }

  public static func - (a: ProductCost, b: ProductCost) -> ProductCost {
    ProductCost(multiplyAdds: a.multiplyAdds - b.multiplyAdds, entriesMoved: a.entriesMoved - b.entriesMoved)
  }

  public static func < (a: ProductCost, b: ProductCost) -> Bool {
    a.multiplyAdds != b.multiplyAdds ? a.multiplyAdds < b.multiplyAdds : a.entriesMoved < b.entriesMoved
  }

  public var description: String {
    "\(formatCount(multiplyAdds)) multiply-adds, \(formatCount(entriesMoved)) entries moved"
  }

  static func mul(_ x: Double) -> ProductCost { ProductCost(multiplyAdds: x) }
  static func moves(_ x: Double) -> ProductCost { ProductCost(entriesMoved: x) }
}

/// An integer-valued count as digits (below 10¹⁵) or in scientific notation above.
func formatCount(_ x: Double) -> String {
  guard x.isFinite else { return "\(x)" }
  if abs(x) < 1e15, x == x.rounded() { return String(Int64(x)) }
  return String(describing: x)
}

/// The mirrors of the product rules. Each function's comment names the function it mirrors.
enum CostModel {
  typealias Sig = FactorSignature

  private static func d(_ x: Int) -> Double { Double(x) }

  /// Mirrors `Storage.scale(_:_:)`.
  static func scale(_ s: Double, _ a: Sig) -> (Sig, ProductCost) {
    if s == 1 { return (a, .zero) }
    if s == 0 { return (Sig(a.rows, a.cols, .zero), .zero) }
    switch a.structure {
    case .zero: return (a, .zero)
    case .identity(let t): return (Sig(a.rows, a.cols, .identity(scale: s * t)), .zero)
    case .diagonal: return (a, .mul(d(a.rows)))  // d.map { s * $0 }
    case .scaled(let t, let b): return scale(s * t, b)
    default: return (Sig(a.rows, a.cols, .scaled(s, a)), .zero)
    }
  }

  /// Mirrors `Storage.kron(_:_:)`.
  static func kron(_ a: Sig, _ b: Sig) -> (Sig, ProductCost) {
    let rows = a.rows * b.rows
    let cols = a.cols * b.cols
    switch (a.structure, b.structure) {
    case (.zero, _), (_, .zero):
      return (Sig(rows, cols, .zero), .zero)
    case let (.identity(s), .identity(t)):
      return (Sig(rows, cols, .identity(scale: s * t)), .zero)
    case (.identity(let s), _) where a.rows == 1:
      return scale(s, b)
    case (_, .identity(let s)) where b.rows == 1:
      return scale(s, a)
    case (.dense, _) where a.rows == 1 && a.cols == 1:
      return scale(.nan, b)  // the scale is a data value
    case (_, .dense) where b.rows == 1 && b.cols == 1:
      return scale(.nan, a)
    case (.scaled(let s, let x), _):
      let (k, c1) = kron(x, b)
      let (r, c2) = scale(s, k)
      return (r, c1 + c2)
    case (_, .scaled(let s, let y)):
      let (k, c1) = kron(a, y)
      let (r, c2) = scale(s, k)
      return (r, c1 + c2)
    case (.identity(let s), _) where s != 1:
      let (k, c1) = kron(Sig(a.rows, a.cols, .identity(scale: 1)), b)
      let (r, c2) = scale(s, k)
      return (r, c1 + c2)
    case (_, .identity(let s)) where s != 1:
      let (k, c1) = kron(a, Sig(b.rows, b.cols, .identity(scale: 1)))
      let (r, c2) = scale(s, k)
      return (r, c1 + c2)
    default:
      return (Sig(rows, cols, .kronecker(a, b)), .zero)
    }
  }

  /// Mirrors `Storage.combine(_:_:)`: nil when no rule applies.
  static func combine(_ l: Sig, _ r: Sig) -> (Sig, ProductCost)? {
    switch (l.structure, r.structure) {
    case (.zero, _), (_, .zero):
      return (Sig(l.rows, r.cols, .zero), .zero)
    case (.identity(let s), _):
      return scale(s, r)
    case (_, .identity(let s)):
      return scale(s, l)
    case (.scaled(let s, let x), _):
      let (p, c1) = multiply(x, r)
      let (q, c2) = scale(s, p)
      return (q, c1 + c2)
    case (_, .scaled(let s, let y)):
      let (p, c1) = multiply(l, y)
      let (q, c2) = scale(s, p)
      return (q, c1 + c2)
    case (.diagonal, .diagonal):
      return (l, .mul(d(l.rows)))
    case let (.kronecker(a, b), .kronecker(c, e)) where a.cols == c.rows:
      // (A⊗B)(C⊗D) = AC ⊗ BD
      let (ac, c1) = multiply(a, c)
      let (bd, c2) = multiply(b, e)
      let (k, c3) = kron(ac, bd)
      return (k, c1 + c2 + c3)
    case let (.commutation(m1, n1), .commutation(m2, n2)) where m1 == n2 && n1 == m2:
      return (Sig(l.rows, r.cols, .identity(scale: 1)), .zero)
    case (.dense, .dense):
      return (Sig(l.rows, r.cols, .dense), .mul(d(l.rows) * d(l.cols) * d(r.cols)))
    case (_, .dense):
      // x applied to the columns of the dense right operand.
      return (Sig(l.rows, r.cols, .dense), apply(l, columns: r.cols))
    case (.dense, _):
      // (xᵀ·aᵀ)ᵀ: aᵀ copied, x transposed structurally, applied to l.rows columns, result
      // transposed back.
      let (xt, ct) = transposed(r)
      let cost =
        ProductCost.moves(d(l.rows) * d(l.cols)) + ct + apply(xt, columns: l.rows)
        + .moves(d(l.rows) * d(r.cols))
      return (Sig(l.rows, r.cols, .dense), cost)
    default:
      return nil
    }
  }

  /// Mirrors `Storage.multiply(_:_:)`: a rule, or a flattened lazy product built by `pushFactor`.
  static func multiply(_ l: Sig, _ r: Sig) -> (Sig, ProductCost) {
    if let c = combine(l, r) { return c }
    var stack: [Sig] = []
    var cost = ProductCost.zero
    for f in flatten(l) + flatten(r) { pushFactor(f, onto: &stack, cost: &cost) }
    if stack.count == 1 { return (stack[0], cost) }
    return (Sig(l.rows, r.cols, .product(stack)), cost)
  }

  private static func flatten(_ a: Sig) -> [Sig] {
    if case .product(let f) = a.structure { return f }
    return [a]
  }

  /// Mirrors `Storage.pushFactor(_:onto:)`, including `K(p,m)·(A⊗B)·K(n,q) = B⊗A` and the
  /// hoisting of a scaled factor to the front.
  private static func pushFactor(_ f: Sig, onto stack: inout [Sig], cost: inout ProductCost) {
    stack.append(f)
    while stack.count >= 2 {
      let n = stack.count
      if n >= 3, case .commutation(let k2m, let k2n) = stack[n - 1].structure,
        case .kronecker(let a, let b) = stack[n - 2].structure,
        case .commutation(let k1m, let k1n) = stack[n - 3].structure,
        k1m == b.rows, k1n == a.rows, k2m == a.cols, k2n == b.cols
      {
        stack.removeLast(3)
        stack.append(Sig(b.rows * a.rows, b.cols * a.cols, .kronecker(b, a)))
        continue
      }
      if let (c, cc) = combine(stack[n - 2], stack[n - 1]) {
        cost = cost + cc
        stack.removeLast(2)
        if case .product(let inner) = c.structure {
          for g in inner { pushFactor(g, onto: &stack, cost: &cost) }
        } else {
          stack.append(c)
        }
        continue
      }
      break
    }
    if stack.count >= 2,
      let i = stack.firstIndex(where: { if case .scaled = $0.structure { return true } else { return false } }
      ),
      case .scaled(let s, let x) = stack[i].structure
    {
      stack[i] = x
      let rest = stack
      let (p, c) = scale(s, Sig(rest[0].rows, rest[rest.count - 1].cols, .product(rest)))
      cost = cost + c
      stack = [p]
    }
  }

  /// Mirrors `Storage.transposed`; dense blocks are copied transposed.
  static func transposed(_ a: Sig) -> (Sig, ProductCost) {
    switch a.structure {
    case .dense:
      return (Sig(a.cols, a.rows, .dense), .moves(d(a.rows) * d(a.cols)))
    case .diagonal, .identity:
      return (a, .zero)
    case .zero:
      return (Sig(a.cols, a.rows, .zero), .zero)
    case .kronecker(let x, let y):
      let (xt, c1) = transposed(x)
      let (yt, c2) = transposed(y)
      return (Sig(a.cols, a.rows, .kronecker(xt, yt)), c1 + c2)
    case .commutation(let m, let n):
      return (Sig(a.cols, a.rows, .commutation(m: n, n: m)), .zero)
    case .scaled(let s, let x):
      let (xt, c) = transposed(x)
      return (Sig(a.cols, a.rows, .scaled(s, xt)), c)
    case .sum(let t):
      let parts = t.map(transposed)
      return (Sig(a.cols, a.rows, .sum(parts.map(\.0))), parts.reduce(.zero) { $0 + $1.1 })
    case .product(let f):
      let parts = f.reversed().map(transposed)
      return (Sig(a.cols, a.rows, .product(parts.map(\.0))), parts.reduce(.zero) { $0 + $1.1 })
    }
  }

  /// Mirrors `Storage.apply(_:)` on a dense matrix with `k` columns.
  static func apply(_ a: Sig, columns k: Int) -> ProductCost {
    let kk = d(k)
    switch a.structure {
    case .dense:
      return .mul(d(a.rows) * d(a.cols) * kk)
    case .diagonal:
      return .mul(d(a.rows) * kk)
    case .identity(let s):
      return s == 1 ? .zero : .mul(d(a.rows) * kk)
    case .zero:
      return .zero
    case .commutation:
      return .moves(d(a.rows) * kk)
    case .scaled(_, let b):
      return apply(b, columns: k) + .mul(d(a.rows) * kk)
    case .sum(let t):
      return t.reduce(.zero) { $0 + apply($1, columns: k) } + .mul(d(t.count - 1) * d(a.rows) * kk)
    case .product(let f):
      return applyProduct(f, columns: k)
    case .kronecker(let x, let y):
      return kronApplyPerColumn(x, y, transposedInput: false).scaled(by: kk)
    }
  }

  /// Mirrors `Storage.applyProduct(_:_:)`: right to left, a commutation in front of a Kronecker
  /// factor read through BLAS flags for free.
  static func applyProduct(_ f: [Sig], columns k: Int) -> ProductCost {
    var cost = ProductCost.zero
    var i = f.count - 1
    while i >= 0 {
      if i >= 1, case .commutation(let km, let kn) = f[i].structure,
        case .kronecker(let a, let b) = f[i - 1].structure, b.cols == kn, a.cols == km
      {
        cost = cost + kronApplyPerColumn(a, b, transposedInput: true).scaled(by: d(k))
        i -= 2
        continue
      }
      cost = cost + apply(f[i], columns: k)
      i -= 1
    }
    return cost
  }

  /// Mirrors `Storage.kronApply` for one column: `(A ⊗ B)·vec(X)` with X q×n by the vec trick.
  static func kronApplyPerColumn(_ a: Sig, _ b: Sig, transposedInput: Bool) -> ProductCost {
    let (m, n, p, q) = (d(a.rows), d(a.cols), d(b.rows), d(b.cols))
    switch (a.structure, b.structure) {
    case (.identity, .dense):
      return .mul(p * q * n)  // vec(s·B·X), one GEMM
    case (.dense, .identity):
      return .mul(q * n * m)  // vec(s·X·Aᵀ), one GEMM
    case (.dense, .dense):
      return .mul(min(p * q * n + p * n * m, q * n * m + p * q * m))  // two GEMMs, cheaper association
    default:
      // Z = B·X (X copied out of its view), then (A·Zᵀ)ᵀ copied into place.
      let copy = ProductCost.moves(transposedInput ? 2 * q * n : q * n)
      return copy + apply(b, columns: a.cols) + .moves(p * n) + apply(a, columns: b.rows) + .moves(2 * m * p)
    }
  }
}

extension ProductCost {
  func scaled(by k: Double) -> ProductCost {
    ProductCost(multiplyAdds: multiplyAdds * k, entriesMoved: entriesMoved * k)
  }
}
