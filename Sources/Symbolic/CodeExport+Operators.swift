/// Structured linear operators in exported code: the factors that the exports apply by vec
/// tricks instead of materialising (identity, commutation, Kronecker products, diagonal
/// matrices, and transposes, sums, negations and products that contain one).
///
/// The rules the printers use (column-major vec, `docs/export.md`):
/// - `I·M = M`; `diag(d)·M = d ⊙ M` row by row;
/// - `K(m,n)·M`: each column of M is vec A (A m×n) and becomes vec Aᵀ, a reshape and a swap of axes;
/// - `(A ⊗ B)·M` (A m×n, B p×q): each column of M is vec V (V q×n) and becomes `vec(B·V·Aᵀ)`,
///   computed as A applied along one axis and B along the other (identity factors skipped), so
///   `(I ⊗ B)·vec V = vec(B·V)` and `(A ⊗ I)·vec V = vec(V·Aᵀ)` are one product each;
/// - `(S₁·S₂)·M = S₁·(S₂·M)`, `(S₁ + S₂)·M = S₁·M + S₂·M`, `Sᵀ` pushed inside (`(A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ`,
///   `K(m,n)ᵀ = K(n,m)`, `(S₁S₂)ᵀ = S₂ᵀS₁ᵀ`), and `M·S = (Sᵀ·Mᵀ)ᵀ`.
extension Expression {
  /// Whether the exports apply this node as an operator (it is materialised only when it stands
  /// alone as a value).
  var isStructuredOperator: Bool {
    switch self {
    case .identity(let n): return n > 1
    case .commutation(let m, let n): return m * n > 1
    case .kronecker, .diag: return true
    case .transpose(let a), .negate(let a): return a.isStructuredOperator
    case .product(let a, let b), .add(let a, let b), .subtract(let a, let b):
      return a.isStructuredOperator || b.isStructuredOperator
    default: return false
    }
  }

  /// The transpose of an operator with the transposition pushed to its leaves.
  var operatorTransposed: Expression {
    switch self {
    case .identity, .diag: return self
    case .commutation(let m, let n): return .commutation(n, m)
    case .kronecker(let a, let b): return .kronecker(a.operatorTransposed, b.operatorTransposed)
    case .transpose(let a): return a
    case .negate(let a): return .negate(a.operatorTransposed)
    case .product(let a, let b): return .product(b.operatorTransposed, a.operatorTransposed)
    case .add(let a, let b): return .add(a.operatorTransposed, b.operatorTransposed)
    case .subtract(let a, let b): return .subtract(a.operatorTransposed, b.operatorTransposed)
    case .constant: return self
    default: return .transpose(self)
    }
  }
}
