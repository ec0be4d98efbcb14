import MatrixCore

/// The symbolic shape of an operator: its size and structure, without any numbers.
///
/// It is what the chain planner works on, so that a plan (`ChainPlan`) needs no data: the same
/// operator type as `StructuredMatrix` (`Operator`), with leaves that carry sizes only, and the
/// same product rules run on it (`Operator+ProductRules.swift`). `FactorSignature(matrix)`
/// reads it off an operator.
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
  /// The structure with sizes as leaves.
  let op: Operator<Shapes>

  init(_ op: Operator<Shapes>) {
    self.rows = op.rows
    self.cols = op.cols
    self.op = op
  }

  public static func == (a: FactorSignature, b: FactorSignature) -> Bool { a.op.same(b.op) }
  public func hash(into h: inout Hasher) { op.hash(into: &h) }

  // MARK: Constructors (the same simplifications as StructuredMatrix's constructors)

  /// A dense `rows×cols` block. - Precondition: sizes non-negative.
  public static func dense(_ rows: Int, _ cols: Int) -> FactorSignature {
    precondition(rows >= 0 && cols >= 0, "sizes must be non-negative, got \(rows)×\(cols)")
    return FactorSignature(.dense(DenseShape(rows: rows, cols: cols), label: NoLabel()))
  }

  /// `diag(d)` with n entries.
  public static func diagonal(_ n: Int) -> FactorSignature {
    precondition(n >= 0, "a diagonal needs a non-negative size, got \(n)")
    return FactorSignature(.diagonal(n))
  }

  /// `s·Iₙ` (`s = 0` gives the zero operator, as `StructuredMatrix.identity` does).
  public static func identity(_ n: Int, scale: Double = 1) -> FactorSignature {
    precondition(n >= 0, "an identity needs a non-negative size, got \(n)")
    return FactorSignature(scale == 0 ? .zero(rows: n, cols: n) : .identity(n: n, scale: scale))
  }

  /// The `rows×cols` zero operator.
  public static func zero(_ rows: Int, _ cols: Int) -> FactorSignature {
    precondition(rows >= 0 && cols >= 0, "sizes must be non-negative, got \(rows)×\(cols)")
    return FactorSignature(.zero(rows: rows, cols: cols))
  }

  /// `K(m,n)`; `K(1,n) = K(m,1) = I` as in `StructuredMatrix.commutation`.
  public static func commutation(_ m: Int, _ n: Int) -> FactorSignature {
    precondition(m >= 0 && n >= 0, "K(m,n) needs non-negative sizes, got K(\(m),\(n))")
    if m == 1 || n == 1 { return identity(m * n) }
    return FactorSignature(.commutation(Commutation(m, n)))
  }

  /// `A ⊗ B`, simplified by the same rule as `StructuredMatrix.kronecker`
  /// (`I ⊗ I = I`, scalars hoisted, zeros absorbed, a `1×1` dense factor becomes a scale).
  public static func kronecker(_ a: FactorSignature, _ b: FactorSignature) -> FactorSignature {
    FactorSignature(Operator.kron(a.op, b.op).result)
  }

  /// The signature of an operator (its sizes and structure; the numbers are dropped).
  public init(_ matrix: StructuredMatrix) {
    self.init(Self.shapes(of: matrix.storage))
  }

  static func shapes(of s: Operator<Numbers>) -> Operator<Shapes> {
    switch s {
    case .dense(let m, _): return .dense(DenseShape(rows: m.rows, cols: m.cols), label: NoLabel())
    case .diagonal(let d): return .diagonal(d.count)
    case .identity(let n, let t): return .identity(n: n, scale: t)
    case .zero(let r, let c): return .zero(rows: r, cols: c)
    case .kronecker(let a, let b): return .kronecker(shapes(of: a), shapes(of: b))
    case .commutation(let k): return .commutation(k)
    case .scaled(let t, let a): return .scaled(t, shapes(of: a))
    case .sum(let t): return .sum(t.map(shapes(of:)))
    case .product(let f): return .product(f.map(shapes(of:)))
    }
  }

  // MARK: Inspection

  /// The kind, as `StructuredMatrix.kind` would report it.
  public var kind: StructuredMatrix.Kind { op.kind }

  /// `rows×cols`.
  public var shape: Shape { Shape(rows, cols) }

  /// How many numbers the representation stores: `rows·cols` dense, n for a diagonal, the sum
  /// over the parts of a Kronecker product, sum or lazy product, 0 for identity, zero and
  /// commutation (they store sizes and at most a scale).
  public var storedEntries: Double { op.storedEntries }

  /// Bytes of the stored numbers, 8 per entry.
  public var storedBytes: Double { 8 * storedEntries }

  /// The cost of applying this operator to a dense matrix with `columns` columns
  /// (`A·X`, what `StructuredMatrix.apply` does), by the same rule.
  /// - Complexity: proportional to the size of the signature.
  public func applicationCost(columns: Int) -> ProductCost {
    op.apply(DenseShape(rows: cols, cols: columns)).cost
  }

  /// The signature of `l·r` and the cost of computing it with the product rules
  /// (`StructuredMatrix *`), run on sizes and structure alone.
  /// - Precondition: `l.cols == r.rows`.
  /// - Complexity: proportional to the size of the two signatures (not of the matrices).
  public static func product(_ l: FactorSignature, _ r: FactorSignature) -> (
    result: FactorSignature, cost: ProductCost
  ) {
    let p = productRule(l, r)
    return (p.result, p.cost)
  }

  /// `product` with the kernel the rule runs.
  static func productRule(_ l: FactorSignature, _ r: FactorSignature) -> Ruled<FactorSignature> {
    precondition(l.cols == r.rows, "cannot multiply \(l.shape) by \(r.shape): inner sizes differ")
    let p = Operator.multiply(l.op, r.op)
    return Ruled(result: FactorSignature(p.result), cost: p.cost, kernel: p.kernel)
  }
}
