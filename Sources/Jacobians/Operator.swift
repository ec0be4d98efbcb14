import MatrixCore

// The one representation of a structured operator, generic over what its leaves carry:
// `Operator<Numbers>` holds matrices and diagonals (a `StructuredMatrix`, for execution) and
// `Operator<Shapes>` holds only their sizes (a `FactorSignature`, for planning). The product
// rules (`Operator+ProductRules.swift`) and the application rules (`Operator+ApplyRules.swift`)
// are written once over this type; each returns its result, its cost and the kernel that
// computes it. Run on shapes they plan, run on numbers they execute, so a plan's cost is the cost
// of the code that executes it by construction (and, in test builds, by count: `WorkCount`).

/// What the leaves of an operator carry, and the kernels that compute with them.
///
/// `Numbers` computes (BLAS through MatrixCore, loops here) and, in test builds, every kernel
/// counts the multiply-adds it performs; `Shapes` only returns the sizes of the results. The
/// costs are not the kernels' business: the rules compute them from sizes, identically for both.
protocol OperatorCarrier {
  /// A dense block.
  associatedtype Dense: Sendable
  /// The entries of a diagonal.
  associatedtype Diagonal: Sendable
  /// How a dense block is named in descriptions.
  associatedtype Label: Sendable
  static var noLabel: Label { get }
  static func transposed(_ label: Label) -> Label

  static func rows(_ a: Dense) -> Int
  static func cols(_ a: Dense) -> Int
  static func count(_ d: Diagonal) -> Int

  /// The value of a 1×1 dense block (`Shapes`: NaN, "some scale, neither 0 nor 1").
  static func scalar(_ a: Dense) -> Double
  /// `s·d`, n multiplications.
  static func scaled(_ s: Double, _ d: Diagonal) -> Diagonal
  /// `d ⊙ e`, n multiplications.
  static func product(_ d: Diagonal, _ e: Diagonal) -> Diagonal
  /// `A·B` by GEMM.
  static func gemm(_ a: Dense, _ b: Dense) -> Dense
  /// `Aᵀ`, a transposed copy.
  static func transposed(_ a: Dense) -> Dense
  /// `diag(d)·X`, one multiplication per entry of X.
  static func scaleRows(_ d: Diagonal, _ x: Dense) -> Dense
  /// `s·X`, one multiplication per entry.
  static func scaled(_ s: Double, _ x: Dense) -> Dense
  /// `X + Y`, one addition per entry.
  static func sum(_ x: Dense, _ y: Dense) -> Dense
  static func zeros(_ rows: Int, _ cols: Int) -> Dense
  /// `K·X`, a permutation of the rows.
  static func permuteRows(_ k: Commutation, _ x: Dense) -> Dense
  /// `(A⊗B)·X` column by column by the vec trick through BLAS, as `plan` says (see `VecTrick`).
  static func vecTrick(_ plan: VecTrick<Dense>, _ x: Dense, transposedBy k: Commutation?) -> Dense
  /// `(A⊗B)·X` column by column for other factors: each column, viewed as q×n (read through
  /// `k` transposed when given), copied out and handed to `body`, which returns `vec` of the
  /// result column (outRows entries) and its cost; the costs are added up. `Shapes` calls
  /// `body` once and multiplies its cost by the number of columns.
  static func byColumns(
    _ x: Dense, q: Int, n: Int, transposedBy k: Commutation?, outRows: Int,
    _ body: (Dense) -> (Dense, ProductCost)
  ) -> (Dense, ProductCost)
}

/// How `(A⊗B)·vec(X)` with X q×n is computed by BLAS when A or B is dense (A m×n, B p×q).
enum VecTrick<Dense: Sendable>: Sendable {
  /// `vec(s·B·X)` (A = s·Iₘ): one GEMM.
  case leftOnly(s: Double, b: Dense, m: Int)
  /// `vec(s·X·Aᵀ)` (B = s·I_p): one GEMM.
  case rightOnly(a: Dense, s: Double, p: Int)
  /// `vec((B·X)·Aᵀ)`: two GEMMs, B·X first.
  case bFirst(a: Dense, b: Dense)
  /// `vec(B·(X·Aᵀ))`: two GEMMs, X·Aᵀ first.
  case aFirst(a: Dense, b: Dense)
}

/// An operator: dense, diagonal, scaled identity, zero, Kronecker product `A ⊗ B`,
/// commutation `K(m,n)`, scaled, sum, lazy product. `StructuredMatrix` documents each case.
enum Operator<C: OperatorCarrier>: Sendable {
  /// A dense block with a display label (`Rᵀ`) used in descriptions.
  case dense(C.Dense, label: C.Label)
  /// `diag(d)`, square.
  case diagonal(C.Diagonal)
  /// `s·Iₙ`.
  case identity(n: Int, scale: Double)
  case zero(rows: Int, cols: Int)
  /// `A ⊗ B`.
  indirect case kronecker(Operator, Operator)
  /// `K(m,n)`, a permutation of size mn.
  case commutation(Commutation)
  /// `s·A` with `s ≠ 0, 1` and `A` not itself scaled, identity, zero or diagonal.
  indirect case scaled(Double, Operator)
  /// `A₁ + A₂ + …` (at least two terms, flattened, no zeros).
  case sum([Operator])
  /// `A₁·A₂·…` in mathematical order (A₁ leftmost, applied last); at least two factors, none
  /// a product, scaled, identity or zero.
  case product([Operator])

  var rows: Int {
    switch self {
    case .dense(let m, _): return C.rows(m)
    case .diagonal(let d): return C.count(d)
    case .identity(let n, _): return n
    case .zero(let r, _): return r
    case .kronecker(let a, let b): return a.rows * b.rows
    case .commutation(let k): return k.size
    case .scaled(_, let a): return a.rows
    case .sum(let t): return t[0].rows
    case .product(let f): return f[0].rows
    }
  }

  var cols: Int {
    switch self {
    case .dense(let m, _): return C.cols(m)
    case .diagonal(let d): return C.count(d)
    case .identity(let n, _): return n
    case .zero(_, let c): return c
    case .kronecker(let a, let b): return a.cols * b.cols
    case .commutation(let k): return k.size
    case .scaled(_, let a): return a.cols
    case .sum(let t): return t[0].cols
    case .product(let f): return f[f.count - 1].cols
    }
  }

  var kind: StructuredMatrix.Kind {
    switch self {
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

  /// How many numbers the representation stores: `rows·cols` dense, n for a diagonal, the sum
  /// over the parts of a Kronecker product, sum or lazy product, 0 for identity, zero and
  /// commutation (they store sizes and at most a scale).
  var storedEntries: Double {
    switch self {
    case .dense(let m, _): return Double(C.rows(m)) * Double(C.cols(m))
    case .diagonal(let d): return Double(C.count(d))
    case .identity, .zero, .commutation: return 0
    case .kronecker(let a, let b): return a.storedEntries + b.storedEntries
    case .scaled(_, let a): return a.storedEntries
    case .sum(let t), .product(let t): return t.reduce(0) { $0 + $1.storedEntries }
    }
  }
}

/// The kernel a rule runs: what a plan's step records and execution runs.
public enum ProductKernel: String, Sendable, Hashable, CaseIterable {
  /// Nothing computed: a zero absorbs, a unit identity passes its operand through.
  case none
  /// A scale: `s·I` or `s·A` kept as a scale, a diagonal rescaled (n multiplications).
  case scale
  /// `diag(d)·diag(e)`, n multiplications.
  case diagonalProduct
  /// `(A⊗B)(C⊗D) = AC ⊗ BD`.
  case mixedKronecker
  /// `K(n,m)·K(m,n) = I`.
  case commutationsCancel
  /// A dense product, one GEMM.
  case gemm
  /// A structured operator applied to the columns of a dense right operand.
  case applyToDense
  /// A dense left operand times a structured operator, as `(xᵀ·aᵀ)ᵀ`.
  case applyTransposedToDense
  /// No rule applies to the pair: a lazy product (its neighbours may still combine).
  case lazyProduct
}

/// What a rule returns: the result, the work of computing it (multiply-adds and entries moved;
/// `bytes()` of the result for memory), and the kernel that computes it.
struct Ruled<Value> {
  var result: Value
  var cost: ProductCost
  var kernel: ProductKernel
}

extension Ruled {
  /// Bytes of the result's stored numbers (8 per entry; what a plan's peak memory adds up).
  func bytes<C>() -> Double where Value == Operator<C> { 8 * result.storedEntries }
}
