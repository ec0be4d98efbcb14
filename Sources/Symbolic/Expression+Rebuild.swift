extension Expression {
  /// The same node with new children, in the order of `children`.
  /// - Precondition: `children.count` equals the node's number of children.
  public func replacingChildren(_ c: [Expression]) -> Expression {
    precondition(c.count == children.count, "replacingChildren: wrong number of children")
    switch self {
    case .variable, .constant, .identity, .commutation, .zeros, .ones: return self
    case .transpose: return .transpose(c[0])
    case .negate: return .negate(c[0])
    case .inverse: return .inverse(c[0])
    case .determinant: return .determinant(c[0])
    case .logDeterminant: return .logDeterminant(c[0])
    case .trace: return .trace(c[0])
    case .sum: return .sum(c[0])
    case .norm: return .norm(c[0])
    case .vec: return .vec(c[0])
    case .diag: return .diag(c[0])
    case .diagonal: return .diagonal(c[0])
    case .elementwise(let f, _): return .elementwise(f, c[0])
    case .softmax: return .softmax(c[0])
    case .logSumExp: return .logSumExp(c[0])
    case .reshape(_, let m, let n): return .reshape(c[0], m, n)
    case .add: return .add(c[0], c[1])
    case .subtract: return .subtract(c[0], c[1])
    case .product: return .product(c[0], c[1])
    case .hadamard: return .hadamard(c[0], c[1])
    case .hadamardQuotient: return .hadamardQuotient(c[0], c[1])
    case .divide: return .divide(c[0], c[1])
    case .power: return .power(c[0], c[1])
    case .elementwisePower: return .elementwisePower(c[0], c[1])
    case .kronecker: return .kronecker(c[0], c[1])
    case .maximum: return .maximum(c[0], c[1])
    case .minimum: return .minimum(c[0], c[1])
    case .norm1: return .norm1(c[0])
    case .concatenation(let rows):
      var k = 0
      return .concatenation(
        rows.map { row in
          row.map { _ in
            defer { k += 1 }
            return c[k]
          }
        })
    }
  }
}

extension Expression {
  /// The same expression with every size written in it (`I(n)`, `K(m,n)`, `zeros`, `ones`,
  /// `reshape`) replaced by `size(n)`: a matrix quoted at one instantiation of size symbols,
  /// rewritten at another (`Diagnosis.resized`).
  public func resized(_ size: (Int) -> Int) -> Expression {
    switch self {
    case .identity(let n): return .identity(size(n))
    case .commutation(let m, let n): return .commutation(size(m), size(n))
    case .zeros(let m, let n): return .zeros(size(m), size(n))
    case .ones(let m, let n): return .ones(size(m), size(n))
    case .reshape(let a, let m, let n): return .reshape(a.resized(size), size(m), size(n))
    default:
      let kids = children
      return kids.isEmpty ? self : replacingChildren(kids.map { $0.resized(size) })
    }
  }
}
