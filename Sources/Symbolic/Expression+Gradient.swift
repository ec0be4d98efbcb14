import MatrixCore

/// Reverse symbolic differentiation of a scalar (1×1) expression into its gradient in matrix
/// form (the shape convention: `G[i,j] = ∂F/∂X[i,j]`, G shaped like X).
///
/// Adjoints are matrices shaped like their node and are propagated from the output to the
/// leaves by the rules of backpropagation (`Ā += G·Bᵀ`, `B̄ += Aᵀ·G` for `A·B`, …). Equal
/// subexpressions are one node (the tree is treated as a DAG), so `x'*A*x` gives
/// `A'*x + A*x` before simplification.
struct ReverseDifferentiator {
  let variable: String
  let dims: [String: Shape]
  /// Subtrees by id (`ExpressionTable`): the DAG's bookkeeping is keyed by Int, and shapes are
  /// computed once per distinct subtree.
  let table: ExpressionTable

  init(variable: String, dims: [String: Shape]) {
    self.variable = variable
    self.dims = dims
    table = ExpressionTable(dims: dims)
  }

  func shape(_ e: Expression) throws -> Shape { try table.shape(of: e) }

  /// The gradient of the 1×1 `output` with respect to the variable, or nil when it is zero.
  func gradient(of output: Expression) throws -> Expression? {
    // Unique subexpressions that depend on the variable, parents before children. Ids are
    // assigned children first, so an id's children have smaller ids.
    let root = table.id(output)
    var height = [Int](repeating: 0, count: table.count)
    var depends = [Bool](repeating: false, count: table.count)
    var discovered: [Int] = []  // first-visit order, so that ties are broken the same way every run
    var visited = [Bool](repeating: false, count: table.count)
    func visit(_ i: Int) {
      if visited[i] { return }
      visited[i] = true
      for c in table.childIDs[i] { visit(c) }
      height[i] = 1 + (table.childIDs[i].map { height[$0] }.max() ?? 0)
      if case .variable(let name) = table.nodes[i] {
        depends[i] = name == variable
      } else {
        depends[i] = table.childIDs[i].contains { depends[$0] }
      }
      discovered.append(i)
    }
    visit(root)
    guard depends[root] else { return nil }
    var adjoint: [Int: Expression] = [root: 1]
    let order = discovered.enumerated().filter { depends[$0.element] }.sorted { l, r in
      let (hl, hr) = (height[l.element], height[r.element])
      return hl != hr ? hl > hr : l.offset < r.offset
    }.map(\.element)
    for i in order {
      let node = table.nodes[i]
      guard let g = adjoint[i] else { continue }
      if case .variable = node { continue }
      for (child, contribution) in try contributions(node, g) {
        let c = table.id(child)
        guard depends[c] else { continue }
        adjoint[c] = adjoint[c].map { $0 + contribution } ?? contribution
      }
    }
    return adjoint[table.id(.variable(variable))]
  }

  /// `(child, adjoint contribution)` pairs of a node with adjoint G.
  func contributions(_ e: Expression, _ g: Expression) throws -> [(Expression, Expression)] {
    switch e {
    case .variable, .constant, .identity, .commutation, .zeros, .ones:
      return []
    case .transpose(let a):
      return [(a, .transpose(g))]
    case .negate(let a):
      return [(a, -g)]
    case .add(let a, let b), .subtract(let a, let b):
      // Broadcasting: an expanded operand's adjoint sums the repeated entries back.
      let (sa, sb, s) = (try shape(a), try shape(b), try shape(e))
      let gb: Expression = .reduced(g, from: sb, to: s)
      if case .subtract = e { return [(a, .reduced(g, from: sa, to: s)), (b, -gb)] }
      return [(a, .reduced(g, from: sa, to: s)), (b, gb)]
    case .product(let a, let b):
      let (sa, sb) = (try shape(a), try shape(b))
      if sa.isScalar && !sb.isScalar { return [(a, .sum(.hadamard(g, b))), (b, a * g)] }
      if sb.isScalar && !sa.isScalar { return [(a, b * g), (b, .sum(.hadamard(g, a)))] }
      if sa.isScalar && sb.isScalar { return [(a, g * b), (b, a * g)] }
      return [(a, g * .transpose(b)), (b, .transpose(a) * g)]
    case .hadamard(let a, let b):
      let (sa, sb) = (try shape(a), try shape(b))
      if sa.isScalar != sb.isScalar { return try contributions(.product(a, b), g) }
      let s = try shape(e)
      return [(a, .reduced(.hadamard(g, b), from: sa, to: s)), (b, .reduced(.hadamard(a, g), from: sb, to: s))]
    case .hadamardQuotient(let a, let b), .divide(let a, let b):
      let (sa, sb) = (try shape(a), try shape(b))
      if sb.isScalar {
        // F = A/b: Ā = G/b, b̄ = −Σ(G⊙A)/b²
        return [(a, g / b), (b, -(.sum(.hadamard(g, a)) / .elementwisePower(b, 2)))]
      }
      let gOverB: Expression = .hadamardQuotient(g, b)
      let db: Expression = -.hadamardQuotient(.hadamard(g, a), .elementwisePower(b, 2))
      if sa.isScalar { return [(a, .sum(gOverB)), (b, db)] }
      let s = try shape(e)
      return [(a, .reduced(gOverB, from: sa, to: s)), (b, .reduced(db, from: sb, to: s))]
    case .power(let a, let k):
      let sa = try shape(a)
      if sa.isScalar {
        return [(a, g * k * .power(a, k - 1)), (k, g * .power(a, k) * .log(a))]
      }
      guard let power = k.integerConstant, abs(power) <= 64 else {
        throw DerivativeError("the matrix power \(e.plainText) needs an integer exponent with |k| ≤ 64")
      }
      if power == 0 { return [] }
      let n = sa.rows
      let base: Expression = power > 0 ? a : .inv(a)
      let j = abs(power)
      func pow(_ p: Int) -> Expression { p == 0 ? .identity(n) : (p == 1 ? base : .power(base, .constant(Double(p)))) }
      // B̄ = Σᵢ (Bⁱ)ᵀ·G·(B^(k−1−i))ᵀ
      var total: Expression? = nil
      for i in 0..<j { total = sum(total, .transpose(pow(i)) * g * .transpose(pow(j - 1 - i))) }
      guard let baseAdjoint = total else { return [] }
      if power > 0 { return [(a, baseAdjoint)] }
      return [(a, -(.transpose(.inv(a)) * baseAdjoint * .transpose(.inv(a))))]
    case .elementwisePower(let a, let p):
      return [
        (a, .hadamard(g, p * .elementwisePower(a, p - 1))),
        (p, .sum(.hadamard(g, .hadamard(.elementwisePower(a, p), .log(a))))),
      ]
    case .inverse(let a):
      return [(a, -(.transpose(.inv(a)) * g * .transpose(.inv(a))))]
    case .determinant(let a):
      if try shape(a).isScalar { return [(a, g)] }
      return [(a, g * .det(a) * .transpose(.inv(a)))]
    case .logDeterminant(let a):
      return [(a, g * .transpose(.inv(a)))]
    case .trace(let a):
      return [(a, g * .identity(try shape(a).rows))]
    case .sum(let a):
      let s = try shape(a)
      return [(a, s.isScalar ? g : g * .ones(s.rows, s.cols))]
    case .norm(let a):
      return [(a, g * (a / .norm(a)))]
    case .kronecker(let a, let b):
      // No matrix form: Ā = reshape(J_Aᵀ·vec G), with J_A the forward Jacobian of A⊗B in A.
      let (sa, sb) = (try shape(a), try shape(b))
      let (m, n, p, q) = (sa.rows, sa.cols, sb.rows, sb.cols)
      let permutation: Expression = .kron(.identity(n), .kron(.commutation(q, m), .identity(p)))
      let ja = permutation * .kron(.identity(m * n), .vec(b))
      let jb = permutation * .kron(.vec(a), .identity(p * q))
      return [
        (a, .reshape(.transpose(ja) * .vec(g), m, n)),
        (b, .reshape(.transpose(jb) * .vec(g), p, q)),
      ]
    case .vec(let a):
      let s = try shape(a)
      return [(a, s.cols == 1 ? g : .reshape(g, s.rows, s.cols))]
    case .reshape(let a, _, _):
      let s = try shape(a)
      return [(a, .reshape(g, s.rows, s.cols))]
    case .diag(let v):
      let s = try shape(v)
      return [(v, s.cols == 1 ? .diagonal(g) : .transpose(.diagonal(g)))]
    case .diagonal(let a):
      return [(a, .diag(g))]
    case .elementwise(let f, let a):
      let d = ForwardDifferentiator.derivative(of: f, at: a, shape: try shape(a))
      return [(a, .hadamard(g, d))]
    case .softmax(let x):
      // x̄ = (diag(s) − s·sᵀ)·G = s ⊙ G − s·(sᵀG)
      let s = Expression.softmax(x)
      return [(x, .hadamard(s, g) - s * (.transpose(s) * g))]
    case .maximum(let a, let b), .minimum(let a, let b):
      var isMax = false
      if case .maximum = e { isMax = true }
      let (sa, sb, s) = (try shape(a), try shape(b), try shape(e))
      let (ia, ib) = Expression.extremumIndicators(a, b, maximum: isMax)
      return [
        (a, .reduced(.hadamard(g, ia), from: sa, to: s)), (b, .reduced(.hadamard(g, ib), from: sb, to: s)),
      ]
    case .norm1(let a):
      return [(a, g * .elementwise(.sign, a))]
    case .concatenation(let blockRows):
      // The adjoint of a block is its part of G: E_rᵀ·G·E_c.
      let layout = try Expression.blockLayout(blockRows, shape: shape)
      return layout.blocks.map { block, r0, c0, s in
        let er = Expression.selection(total: layout.rows, start: r0, count: s.rows)
        let ec = Expression.selection(total: layout.cols, start: c0, count: s.cols)
        return (block, .transpose(er) * g * ec)
      }
    case .logSumExp(let a):
      let sa = try shape(a)
      let weights: Expression = sa.cols == 1 ? .softmax(a) : .reshape(.softmax(.vec(a)), sa.rows, sa.cols)
      return [(a, g * weights)]
    }
  }
}
