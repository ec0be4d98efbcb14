import MatrixCore

/// A linear operator of size `rows×cols` that keeps its structure: dense, diagonal, scaled
/// identity, zero, Kronecker product `A ⊗ B`, commutation `K(m,n)`, scaled, sum, and lazy product.
///
/// It is what a `Jacobian` holds (`∂vec F/∂(vec X)ᵀ`, numerator layout over column-major
/// `vec`) and what a Jacobian chain multiplies. The representation is a closed enum
/// (`Operator`, shared with `FactorSignature`, which carries sizes instead of numbers); every
/// structure-preserving product rule lives in `Operator+ProductRules.swift`, in one ordered
/// `switch` per operation that ends in a lazy fallback, so structure is never lost silently and a
/// product of operators whose outer sizes agree never fails. The same rules plan chains.
///
/// Nothing here materialises a dense matrix except `materialized(limitBytes:threads:)` and a product
/// with an operand that is already dense (whose result is dense by nature, computed by applying
/// the structured side to it).
public struct StructuredMatrix: Sendable {
  /// The operator with numbers as leaves; the cases are documented on `Operator`.
  typealias Storage = Operator<Numbers>

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

  public var kind: Kind { storage.kind }

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
    StructuredMatrix(Storage.kron(a.storage, b.storage).result)
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
