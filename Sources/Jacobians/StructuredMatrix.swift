import MatrixCore

/// A linear operator of size `rows×cols` that keeps its structure: dense, diagonal, scaled
/// identity, zero, Kronecker product `A ⊗ B`, commutation `K(m,n)`, scaled, sum, and lazy product.
///
/// It is what a `Jacobian` holds (`∂vec F/∂(vec X)ᵀ`, numerator layout over column-major
/// `vec`) and what a Jacobian chain multiplies. The representation is a closed enum; every
/// structure-preserving rule lives in `StructuredMatrix+ProductRules.swift`, in one ordered
/// `switch` per operation that ends in a lazy fallback, so structure is never lost silently and a
/// product of operators whose outer sizes agree never fails.
///
/// Nothing here materialises a dense matrix except `materialized(limitBytes:)` and a product
/// with an operand that is already dense (whose result is dense by nature, computed by applying
/// the structured side to it).
public struct StructuredMatrix: Sendable {
  indirect enum Storage: Sendable {
    /// A dense matrix, with an optional display label (`Rᵀ`) used in descriptions.
    case dense(Matrix, label: Label?)
    /// `diag(d)`, square of size `d.count`.
    case diagonal([Double])
    /// `s·Iₙ`.
    case identity(n: Int, scale: Double)
    case zero(rows: Int, cols: Int)
    /// `A ⊗ B`.
    case kronecker(Storage, Storage)
    /// `K(m,n)`, a permutation of size mn.
    case commutation(Commutation)
    /// `s·A` with `s ≠ 0, 1` and `A` not itself scaled, identity, zero or diagonal.
    case scaled(Double, Storage)
    /// `A₁ + A₂ + …` (at least two terms, flattened, no zeros).
    case sum([Storage])
    /// `A₁·A₂·…` in mathematical order (A₁ leftmost, applied last); at least two factors, none
    /// a product, scaled, identity or zero.
    case product([Storage])

    var rows: Int {
      switch self {
      case .dense(let m, _): return m.rows
      case .diagonal(let d): return d.count
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
      case .dense(let m, _): return m.cols
      case .diagonal(let d): return d.count
      case .identity(let n, _): return n
      case .zero(_, let c): return c
      case .kronecker(let a, let b): return a.cols * b.cols
      case .commutation(let k): return k.size
      case .scaled(_, let a): return a.cols
      case .sum(let t): return t[0].cols
      case .product(let f): return f[f.count - 1].cols
      }
    }
  }

  let storage: Storage

  /// How a dense factor is named in descriptions: Unicode text and LaTeX.
  public struct Label: Sendable, Equatable {
    public var text: String
    public var latex: String
    public init(text: String, latex: String) {
      self.text = text
      self.latex = latex
    }
  }

  init(_ storage: Storage) { self.storage = storage }

  /// The kinds of structure, for inspection and tests (`kron(3A, 2B).kind == .scaled`).
  public enum Kind: String, Sendable, CaseIterable {
    case dense, diagonal, identity, zero, kronecker, commutation, scaled, sum, product
  }

  public var kind: Kind {
    switch storage {
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

  public var rows: Int { storage.rows }
  public var cols: Int { storage.cols }
  public var shape: Shape { Shape(rows, cols) }

  // MARK: Constructors

  /// A dense operator; `label` (e.g. `"Rᵀ"`, LaTeX `"R^{\\top}"`) names it in descriptions.
  public static func dense(_ m: Matrix, label: String? = nil, latex: String? = nil) -> StructuredMatrix {
    StructuredMatrix(.dense(m, label: label.map { Label(text: $0, latex: latex ?? $0) }))
  }

  /// `diag(d)`.
  public static func diagonal(_ d: [Double]) -> StructuredMatrix { StructuredMatrix(.diagonal(d)) }

  /// `s·Iₙ` (`s = 1` by default).
  public static func identity(_ n: Int, scale: Double = 1) -> StructuredMatrix {
    precondition(n >= 0, "identity size must be non-negative")
    return StructuredMatrix(scale == 0 ? .zero(rows: n, cols: n) : .identity(n: n, scale: scale))
  }

  /// The `rows×cols` zero operator.
  public static func zero(_ rows: Int, _ cols: Int) -> StructuredMatrix {
    StructuredMatrix(.zero(rows: rows, cols: cols))
  }

  /// `K(m,n)`, with `K(m,n)·vec(A) = vec(Aᵀ)` for A m×n. `K(1,n) = K(m,1) = I`.
  public static func commutation(_ m: Int, _ n: Int) -> StructuredMatrix {
    if m == 1 || n == 1 { return identity(m * n) }
    return StructuredMatrix(.commutation(Commutation(m, n)))
  }

  /// `A ⊗ B`, simplified: `I ⊗ I = I`, scalars hoisted, zeros absorbed.
  public static func kronecker(_ a: StructuredMatrix, _ b: StructuredMatrix) -> StructuredMatrix {
    StructuredMatrix(Storage.kron(a.storage, b.storage))
  }

  /// The dense matrix if this operator is stored densely (without materialising anything).
  public var denseMatrix: Matrix? {
    if case .dense(let m, _) = storage { return m }
    return nil
  }

  /// The diagonal if this operator is a diagonal or scaled identity.
  public var diagonalEntries: [Double]? {
    switch storage {
    case .diagonal(let d): return d
    case .identity(let n, let s): return [Double](repeating: s, count: n)
    default: return nil
    }
  }

  /// The Kronecker factors `(A, B)` if this is `A ⊗ B`.
  public var kroneckerFactors: (StructuredMatrix, StructuredMatrix)? {
    if case .kronecker(let a, let b) = storage { return (StructuredMatrix(a), StructuredMatrix(b)) }
    return nil
  }

  /// The terms of a sum, the factors of a product (mathematical order), or `[self]`.
  public var terms: [StructuredMatrix] {
    if case .sum(let t) = storage { return t.map(StructuredMatrix.init) }
    return [self]
  }

  public var factors: [StructuredMatrix] {
    if case .product(let f) = storage { return f.map(StructuredMatrix.init) }
    return [self]
  }

  /// The scale and operand of a scaled operator (`(1, self)` otherwise).
  public var scaleAndBase: (Double, StructuredMatrix) {
    if case .scaled(let s, let a) = storage { return (s, StructuredMatrix(a)) }
    return (1, self)
  }
}
