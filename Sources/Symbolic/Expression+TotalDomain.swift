/// Whether an expression is defined at every point where its shapes match: built only of
/// operations with no domain restriction (sums, products, transposes, traces, Kronecker and
/// Hadamard products, `vec`/`diag`/`reshape`/blocks, determinants, norms, max/min, non-negative
/// integer powers, and the elementwise functions that are finite for every finite argument:
/// sin, cos, tanh, sigmoid, relu, abs, heaviside, sign, arctan). Inverses, divisions, logarithms,
/// `logdet`, `sqrt`, `exp` (which overflows), negative or fractional powers, softmax and
/// log-sum-exp are not. Used to skip evaluating F only to learn that a point is in its domain
/// (the Hessian-vector product of `tr(XᵀAX)` needs one GEMM, F two).
extension Expression {
  public var isDefinedEverywhere: Bool {
    switch self {
    case .variable, .constant, .identity, .commutation, .zeros, .ones:
      return true
    case .transpose(let a), .negate(let a), .trace(let a), .sum(let a), .vec(let a), .diag(let a), .diagonal(let a),
      .determinant(let a), .norm(let a), .norm1(let a), .reshape(let a, _, _):
      return a.isDefinedEverywhere
    case .add(let a, let b), .subtract(let a, let b), .product(let a, let b), .hadamard(let a, let b),
      .kronecker(let a, let b), .maximum(let a, let b), .minimum(let a, let b):
      return a.isDefinedEverywhere && b.isDefinedEverywhere
    case .power(let a, let p), .elementwisePower(let a, let p):
      guard case .constant(let k) = p, k >= 0, k == k.rounded() else { return false }
      return a.isDefinedEverywhere
    case .elementwise(let f, let a):
      switch f {
      case .sin, .cos, .tanh, .sigmoid, .relu, .abs, .heaviside, .sign, .arctan: return a.isDefinedEverywhere
      default: return false
      }
    case .concatenation(let rows):
      return rows.allSatisfy { $0.allSatisfy(\.isDefinedEverywhere) }
    default:
      return false
    }
  }
}
