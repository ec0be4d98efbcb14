import MatrixCore

// Every structure-preserving rule, in one place. Each operation is one ordered `switch` that
// ends in a lazy fallback: a product or sum whose sizes agree never fails and never densifies a
// structured operand. The cost model (`CostModel.swift`) follows the same cases.

extension StructuredMatrix.Storage {
  // MARK: Scaling

  /// `s·A`: zero and one absorbed, nested scales multiplied, identity and diagonal scaled in place.
  static func scale(_ s: Double, _ a: Self) -> Self {
    if s == 1 { return a }
    if s == 0 { return .zero(rows: a.rows, cols: a.cols) }
    switch a {
    case .zero: return a
    case .identity(let n, let t): return .identity(n: n, scale: s * t)
    case .diagonal(let d): return .diagonal(d.map { s * $0 })
    case .scaled(let t, let b): return scale(s * t, b)
    default: return .scaled(s, a)
    }
  }

  // MARK: Kronecker products

  /// `A ⊗ B`: `0 ⊗ B = 0`, `sI ⊗ tI = stI`, `I₁ ⊗ B = B`, scalars hoisted out of both factors,
  /// a 1×1 dense factor becomes a scalar.
  static func kron(_ a: Self, _ b: Self) -> Self {
    let rows = a.rows * b.rows
    let cols = a.cols * b.cols
    switch (a, b) {
    case (.zero, _), (_, .zero):
      return .zero(rows: rows, cols: cols)
    case let (.identity(m, s), .identity(n, t)):
      return .identity(n: m * n, scale: s * t)
    case let (.identity(1, s), x), let (x, .identity(1, s)):
      return scale(s, x)
    case let (.dense(m, _), x) where m.rows == 1 && m.cols == 1:
      return scale(m.storage[0], x)
    case let (x, .dense(m, _)) where m.rows == 1 && m.cols == 1:
      return scale(m.storage[0], x)
    case let (.scaled(s, x), y):
      return scale(s, kron(x, y))
    case let (x, .scaled(s, y)):
      return scale(s, kron(x, y))
    case let (.identity(m, s), x) where s != 1:
      return scale(s, kron(.identity(n: m, scale: 1), x))
    case let (x, .identity(n, s)) where s != 1:
      return scale(s, kron(x, .identity(n: n, scale: 1)))
    default:
      return .kronecker(a, b)
    }
  }

  // MARK: Products

  /// `A·B` by the first rule that applies; nil when no rule applies and the product stays lazy.
  /// - Precondition: `A.cols == B.rows`.
  static func combine(_ l: Self, _ r: Self) -> Self? {
    switch (l, r) {
    case (.zero, _), (_, .zero):
      return .zero(rows: l.rows, cols: r.cols)
    case let (.identity(_, s), x), let (x, .identity(_, s)):
      return scale(s, x)
    case let (.scaled(s, x), y), let (x, .scaled(s, y)):
      return scale(s, multiply(x, y))
    case let (.diagonal(d), .diagonal(e)):
      return .diagonal(zip(d, e).map(*))
    case let (.kronecker(a, b), .kronecker(c, d)) where a.cols == c.rows:
      // Mixed product: (A⊗B)(C⊗D) = AC ⊗ BD when the factor sizes agree.
      return kron(multiply(a, c), multiply(b, d))
    case let (.commutation(k1), .commutation(k2)) where k1.m == k2.n && k1.n == k2.m:
      // K(n,m)·K(m,n) = I.
      return .identity(n: k1.size, scale: 1)
    case let (.dense(a, _), .dense(b, _)):
      return .dense(a * b, label: nil)
    case let (x, .dense(b, _)):
      // A structured operator times a dense matrix is dense: apply it to the columns.
      return .dense(StructuredMatrix(x).apply(b), label: nil)
    case let (.dense(a, _), x):
      // A dense matrix times a structured operator: (xᵀ·aᵀ)ᵀ, applied without materialising x.
      return .dense(StructuredMatrix(x).applyTransposed(a.transposed).transposed, label: nil)
    default:
      return nil
    }
  }

  /// `A·B` with every rule applied; a lazy, flattened product otherwise.
  static func multiply(_ l: Self, _ r: Self) -> Self {
    precondition(
      l.cols == r.rows, "cannot multiply operators \(l.rows)×\(l.cols) and \(r.rows)×\(r.cols): inner sizes differ")
    if let c = combine(l, r) { return c }
    var stack: [Self] = []
    for f in flattenProduct(l) + flattenProduct(r) { pushFactor(f, onto: &stack) }
    if stack.count == 1 { return stack[0] }
    return .product(stack)
  }

  private static func flattenProduct(_ a: Self) -> [Self] {
    if case .product(let f) = a { return f }
    return [a]
  }

  /// Pushes a factor on a product under construction, combining with the factors before it
  /// while a rule applies, including `K(p,m)·(A⊗B)·K(n,q) = B⊗A` for A m×n, B p×q.
  private static func pushFactor(_ f: Self, onto stack: inout [Self]) {
    stack.append(f)
    while stack.count >= 2 {
      let n = stack.count
      if n >= 3, case .commutation(let k2) = stack[n - 1], case .kronecker(let a, let b) = stack[n - 2],
        case .commutation(let k1) = stack[n - 3],
        k1.m == b.rows, k1.n == a.rows, k2.m == a.cols, k2.n == b.cols
      {
        stack.removeLast(3)
        stack.append(.kronecker(b, a))
        continue
      }
      if let c = combine(stack[n - 2], stack[n - 1]) {
        stack.removeLast(2)
        if case .product(let inner) = c {
          for g in inner { pushFactor(g, onto: &stack) }
        } else {
          stack.append(c)
        }
        continue
      }
      break
    }
    // A scaled factor that appeared by combining is hoisted to the front.
    if stack.count >= 2, let i = stack.firstIndex(where: { if case .scaled = $0 { return true } else { return false } }),
      case .scaled(let s, let x) = stack[i]
    {
      stack[i] = x
      let rest = stack
      stack = [scale(s, .product(rest))]
    }
  }

  // MARK: Sums

  /// `A + B`: sums flattened, zeros dropped, diagonals and identities merged into one diagonal,
  /// dense terms added into one dense matrix. - Precondition: equal sizes.
  static func add(_ l: Self, _ r: Self) -> Self {
    precondition(
      l.rows == r.rows && l.cols == r.cols,
      "cannot add operators \(l.rows)×\(l.cols) and \(r.rows)×\(r.cols): the sizes must be equal")
    var terms: [Self] = []
    var diagonal: [Double]? = nil
    var dense: Matrix? = nil
    for t in flattenSum(l) + flattenSum(r) {
      switch t {
      case .zero:
        continue
      case .identity(let n, let s):
        diagonal = (diagonal ?? [Double](repeating: 0, count: n)).map { $0 + s }
      case .diagonal(let d):
        diagonal = zip(diagonal ?? [Double](repeating: 0, count: d.count), d).map(+)
      case .dense(let m, _):
        if dense == nil { dense = m } else { dense!.addInPlace(m) }
      case .scaled(let s, .dense(let m, _)):
        if dense == nil { dense = m.scaled(by: s) } else { dense!.addInPlace(m, scaledBy: s) }
      default:
        terms.append(t)
      }
    }
    if let d = diagonal {
      if let first = d.first, d.allSatisfy({ $0 == first }) {
        terms.insert(first == 0 ? .zero(rows: d.count, cols: d.count) : .identity(n: d.count, scale: first), at: 0)
      } else {
        terms.insert(.diagonal(d), at: 0)
      }
    }
    if let m = dense { terms.insert(.dense(m, label: nil), at: 0) }
    terms.removeAll { if case .zero = $0 { return true } else { return false } }
    if terms.isEmpty { return .zero(rows: l.rows, cols: l.cols) }
    if terms.count == 1 { return terms[0] }
    return .sum(terms)
  }

  private static func flattenSum(_ a: Self) -> [Self] {
    if case .sum(let t) = a { return t }
    return [a]
  }

  // MARK: Transpose

  /// `Aᵀ` of every kind: `(A⊗B)ᵀ = Aᵀ⊗Bᵀ`, `K(m,n)ᵀ = K(n,m)`, `(AB)ᵀ = BᵀAᵀ`.
  var transposed: Self {
    switch self {
    case .dense(let m, let label):
      return .dense(m.transposed, label: label.map { StructuredMatrix.Label(text: "(\($0.text))ᵀ", latex: "\\left(\($0.latex)\\right)^{\\top}") })
    case .diagonal, .identity: return self
    case .zero(let r, let c): return .zero(rows: c, cols: r)
    case .kronecker(let a, let b): return .kronecker(a.transposed, b.transposed)
    case .commutation(let k): return .commutation(k.transposed)
    case .scaled(let s, let a): return .scaled(s, a.transposed)
    case .sum(let t): return .sum(t.map(\.transposed))
    case .product(let f): return .product(f.reversed().map(\.transposed))
    }
  }
}

extension StructuredMatrix {
  /// `A·B`, keeping structure (see the rules in this file). - Precondition: inner sizes agree.
  public static func * (lhs: StructuredMatrix, rhs: StructuredMatrix) -> StructuredMatrix {
    StructuredMatrix(Storage.multiply(lhs.storage, rhs.storage))
  }

  /// `A + B`, keeping structure. - Precondition: equal sizes.
  public static func + (lhs: StructuredMatrix, rhs: StructuredMatrix) -> StructuredMatrix {
    StructuredMatrix(Storage.add(lhs.storage, rhs.storage))
  }

  public static func - (lhs: StructuredMatrix, rhs: StructuredMatrix) -> StructuredMatrix {
    lhs + (-1) * rhs
  }

  public static prefix func - (a: StructuredMatrix) -> StructuredMatrix { (-1) * a }

  /// `s·A`, hoisted: `s·(t·A) = (st)·A`, `s·I` stays an identity.
  public static func * (s: Double, a: StructuredMatrix) -> StructuredMatrix {
    StructuredMatrix(Storage.scale(s, a.storage))
  }

  /// `Aᵀ`, structurally.
  public var transposed: StructuredMatrix { StructuredMatrix(storage.transposed) }

  /// Checked product for sizes that come from input: throws a shape mismatch naming both sizes.
  public func multiplied(by other: StructuredMatrix) throws -> StructuredMatrix {
    guard cols == other.rows else {
      throw MatrixError.shapeMismatch(
        operation: "multiply", lhs: shape, rhs: other.shape, detail: "inner sizes \(cols) and \(other.rows) differ")
    }
    return self * other
  }

  /// Checked sum for sizes that come from input.
  public func adding(_ other: StructuredMatrix) throws -> StructuredMatrix {
    guard shape == other.shape else {
      throw MatrixError.shapeMismatch(
        operation: "add", lhs: shape, rhs: other.shape, detail: "the sizes must be equal")
    }
    return self + other
  }
}
