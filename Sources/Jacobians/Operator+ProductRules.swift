import MatrixCore

// Every structure-preserving product rule, written once for numbers and shapes. Each operation
// is one ordered `switch` that ends in a lazy fallback: a product whose sizes agree never fails
// and never densifies a structured operand. Each rule returns its result, its cost
// (`ProductCost`, from sizes alone) and the kernel it runs; the kernels are the carrier's
// (`Operator+Numbers.swift` computes, `Operator+Shapes.swift` only sizes the result).
//
// Counting convention (what `ProductCost.multiplyAdds` counts):
// - a dense `m×k · k×n` product (one GEMM) is `m·k·n` multiply-adds;
// - a lone multiplication (scaling, a diagonal times a vector) or a lone addition (the terms of
//   a sum, through daxpy) counts as one multiply-add;
// - permutations and transposed copies cost no multiply-adds; the entries they move are counted
//   separately in `entriesMoved` (a commutation applied to k columns of length n moves n·k).
// A lazy product (the fallback when no rule applies, e.g. diagonal·Kronecker) costs nothing to
// form; its factors are applied later, when it meets a dense operand, and that application is
// charged to the product that performs it.

extension Operator {
  private static func d(_ x: Int) -> Double { Double(x) }

  // MARK: Scaling

  /// `s·A`: zero and one absorbed, nested scales multiplied, identity and diagonal scaled in place.
  static func scale(_ s: Double, _ a: Self) -> Ruled<Self> {
    if s == 1 { return Ruled(result: a, cost: .zero, kernel: .none) }
    if s == 0 { return Ruled(result: .zero(rows: a.rows, cols: a.cols), cost: .zero, kernel: .none) }
    switch a {
    case .zero: return Ruled(result: a, cost: .zero, kernel: .none)
    case .identity(let n, let t): return Ruled(result: .identity(n: n, scale: s * t), cost: .zero, kernel: .scale)
    case .diagonal(let e): return Ruled(result: .diagonal(C.scaled(s, e)), cost: .mul(d(C.count(e))), kernel: .scale)
    case .scaled(let t, let b): return scale(s * t, b)
    default: return Ruled(result: .scaled(s, a), cost: .zero, kernel: .scale)
    }
  }

  /// `s·(rule)`: the rule's result scaled, costs added.
  private static func scale(_ s: Double, _ r: Ruled<Self>, kernel: ProductKernel) -> Ruled<Self> {
    let t = scale(s, r.result)
    return Ruled(result: t.result, cost: r.cost + t.cost, kernel: kernel)
  }

  // MARK: Kronecker products

  /// `A ⊗ B`: `0 ⊗ B = 0`, `sI ⊗ tI = stI`, `I₁ ⊗ B = B`, scalars hoisted out of both factors,
  /// a 1×1 dense factor becomes a scalar.
  static func kron(_ a: Self, _ b: Self) -> Ruled<Self> {
    let rows = a.rows * b.rows
    let cols = a.cols * b.cols
    switch (a, b) {
    case (.zero, _), (_, .zero):
      return Ruled(result: .zero(rows: rows, cols: cols), cost: .zero, kernel: .none)
    case let (.identity(m, s), .identity(n, t)):
      return Ruled(result: .identity(n: m * n, scale: s * t), cost: .zero, kernel: .none)
    case let (.identity(1, s), x), let (x, .identity(1, s)):
      return scale(s, x)
    case let (.dense(m, _), x) where C.rows(m) == 1 && C.cols(m) == 1:
      return scale(C.scalar(m), x)
    case let (x, .dense(m, _)) where C.rows(m) == 1 && C.cols(m) == 1:
      return scale(C.scalar(m), x)
    case let (.scaled(s, x), y):
      return scale(s, kron(x, y), kernel: .scale)
    case let (x, .scaled(s, y)):
      return scale(s, kron(x, y), kernel: .scale)
    case let (.identity(m, s), x) where s != 1:
      return scale(s, kron(.identity(n: m, scale: 1), x), kernel: .scale)
    case let (x, .identity(n, s)) where s != 1:
      return scale(s, kron(x, .identity(n: n, scale: 1)), kernel: .scale)
    default:
      return Ruled(result: .kronecker(a, b), cost: .zero, kernel: .none)
    }
  }

  // MARK: Products

  /// `A·B` by the first rule that applies; nil when no rule applies and the product stays lazy.
  /// - Precondition: `A.cols == B.rows`.
  static func combine(_ l: Self, _ r: Self) -> Ruled<Self>? {
    switch (l, r) {
    case (.zero, _), (_, .zero):
      return Ruled(result: .zero(rows: l.rows, cols: r.cols), cost: .zero, kernel: .none)
    case let (.identity(_, s), x), let (x, .identity(_, s)):
      let t = scale(s, x)
      return Ruled(result: t.result, cost: t.cost, kernel: s == 1 ? .none : .scale)
    case let (.scaled(s, x), y), let (x, .scaled(s, y)):
      return scale(s, multiply(x, y), kernel: .scale)
    case let (.diagonal(d), .diagonal(e)):
      return Ruled(result: .diagonal(C.product(d, e)), cost: .mul(Self.d(C.count(d))), kernel: .diagonalProduct)
    case let (.kronecker(a, b), .kronecker(c, e)) where a.cols == c.rows:
      // Mixed product: (A⊗B)(C⊗D) = AC ⊗ BD when the factor sizes agree.
      let ac = multiply(a, c)
      let bd = multiply(b, e)
      let k = kron(ac.result, bd.result)
      return Ruled(result: k.result, cost: ac.cost + bd.cost + k.cost, kernel: .mixedKronecker)
    case let (.commutation(k1), .commutation(k2)) where k1.m == k2.n && k1.n == k2.m:
      // K(n,m)·K(m,n) = I.
      return Ruled(result: .identity(n: k1.size, scale: 1), cost: .zero, kernel: .commutationsCancel)
    case let (.dense(a, _), .dense(b, _)):
      return Ruled(
        result: .dense(C.gemm(a, b), label: C.noLabel),
        cost: .gemm(d(C.rows(a)), d(C.cols(a)), d(C.cols(b))), kernel: .gemm)
    case let (x, .dense(b, _)):
      // A structured operator times a dense matrix is dense: apply it to the columns.
      let y = x.apply(b)
      return Ruled(result: .dense(y.result, label: C.noLabel), cost: y.cost, kernel: .applyToDense)
    case let (.dense(a, _), x):
      // A dense matrix times a structured operator: (xᵀ·aᵀ)ᵀ, applied without materialising x;
      // aᵀ and the result are transposed copies.
      let xt = x.transposed
      let y = xt.result.apply(C.transposed(a))
      let moved = ProductCost.moves(d(C.rows(a)) * d(C.cols(a)) + d(C.rows(a)) * d(r.cols))
      return Ruled(
        result: .dense(C.transposed(y.result), label: C.noLabel), cost: moved + xt.cost + y.cost,
        kernel: .applyTransposedToDense)
    default:
      return nil
    }
  }

  /// `A·B` with every rule applied; a lazy, flattened product otherwise.
  static func multiply(_ l: Self, _ r: Self) -> Ruled<Self> {
    precondition(
      l.cols == r.rows, "cannot multiply operators \(l.rows)×\(l.cols) and \(r.rows)×\(r.cols): inner sizes differ")
    if let c = combine(l, r) { return c }
    var stack: [Self] = []
    var cost = ProductCost.zero
    for f in flattenProduct(l) + flattenProduct(r) { pushFactor(f, onto: &stack, cost: &cost) }
    if stack.count == 1 { return Ruled(result: stack[0], cost: cost, kernel: .lazyProduct) }
    return Ruled(result: .product(stack), cost: cost, kernel: .lazyProduct)
  }

  private static func flattenProduct(_ a: Self) -> [Self] {
    if case .product(let f) = a { return f }
    return [a]
  }

  /// Pushes a factor on a product under construction, combining with the factors before it
  /// while a rule applies, including `K(p,m)·(A⊗B)·K(n,q) = B⊗A` for A m×n, B p×q.
  private static func pushFactor(_ f: Self, onto stack: inout [Self], cost: inout ProductCost) {
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
        cost = cost + c.cost
        stack.removeLast(2)
        if case .product(let inner) = c.result {
          for g in inner { pushFactor(g, onto: &stack, cost: &cost) }
        } else {
          stack.append(c.result)
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
      let t = scale(s, .product(rest))
      cost = cost + t.cost
      stack = [t.result]
    }
  }

  // MARK: Transpose

  /// `Aᵀ` of every kind: `(A⊗B)ᵀ = Aᵀ⊗Bᵀ`, `K(m,n)ᵀ = K(n,m)`, `(AB)ᵀ = BᵀAᵀ`; dense blocks
  /// are copied transposed (their entries moved).
  var transposed: Ruled<Self> {
    switch self {
    case .dense(let m, let label):
      return Ruled(
        result: .dense(C.transposed(m), label: C.transposed(label)),
        cost: .moves(Double(C.rows(m)) * Double(C.cols(m))), kernel: .none)
    case .diagonal, .identity: return Ruled(result: self, cost: .zero, kernel: .none)
    case .zero(let r, let c): return Ruled(result: .zero(rows: c, cols: r), cost: .zero, kernel: .none)
    case .kronecker(let a, let b):
      let (x, y) = (a.transposed, b.transposed)
      return Ruled(result: .kronecker(x.result, y.result), cost: x.cost + y.cost, kernel: .none)
    case .commutation(let k): return Ruled(result: .commutation(k.transposed), cost: .zero, kernel: .none)
    case .scaled(let s, let a):
      let x = a.transposed
      return Ruled(result: .scaled(s, x.result), cost: x.cost, kernel: .none)
    case .sum(let t):
      let parts = t.map(\.transposed)
      return Ruled(result: .sum(parts.map(\.result)), cost: parts.reduce(.zero) { $0 + $1.cost }, kernel: .none)
    case .product(let f):
      let parts = f.reversed().map(\.transposed)
      return Ruled(result: .product(parts.map(\.result)), cost: parts.reduce(.zero) { $0 + $1.cost }, kernel: .none)
    }
  }
}
