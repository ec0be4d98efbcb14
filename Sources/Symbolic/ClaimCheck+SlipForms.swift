import MatrixCore

/// The forms the slip catalogue reads and writes: an elementwise function's name and argument,
/// the wrong derivatives students write, commutation matrices and transposes inside a local factor.
extension SlipCatalogue {
  /// `("tanh", W*x+b)` for an elementwise function node (and softmax, logsumexp, scalar powers).
  static func functionName(_ e: Expression) -> (String, Expression)? {
    switch e {
    case .elementwise(let f, let a): return (f.name, a)
    case .softmax(let a): return ("softmax", a)
    case .logSumExp(let a): return ("logsumexp", a)
    case .elementwisePower(let a, let p): return (".^\(p.plainText)", a)
    case .power(let a, let p) where p.scalarConstant != nil: return ("^\(p.plainText)", a)
    default: return nil
    }
  }

  /// The wrong derivatives of f at a that students write, each with the reason in words: f itself
  /// (for every f whose derivative is not f); the derivative written through the output y = f(a)
  /// (tanh′ = 1 − y², σ′ = y(1 − y), exp′ = y) but with a put for y; and a part left out (the
  /// square of 1 − tanh², the factor 1 − σ of σ(1 − σ), which for σ is "f itself").
  static func wrongDerivatives(of f: ElementwiseFunction, at a: Expression) -> [(value: Expression, reason: String)] {
    let one: Expression = 1
    var wrong: [(value: Expression, reason: String)] = []
    switch f {
    case .exp, .heaviside, .sign: break
    case .sigmoid: wrong.append((.sigmoid(a), ", without its factor 1 − sigmoid(…)"))
    default: wrong.append((.elementwise(f, a), ", \(f.name) itself"))
    }
    switch f {
    case .tanh:
      wrong.append((one - .elementwisePower(a, 2), ", the rule 1 − y² applied to the argument instead of to y = tanh(…)"))
      wrong.append((one - .tanh(a), ", without the square"))
    case .sigmoid:
      wrong.append((.hadamard(a, one - a), ", the rule y(1 − y) applied to the argument instead of to y = sigmoid(…)"))
    case .exp:
      wrong.append((a, ", the rule exp′ = y applied to the argument instead of to y = exp(…)"))
    default: break
    }
    return wrong
  }

  static func commutations(in e: Expression) -> [(Int, Int)] {
    if case .commutation(let m, let n) = e { return [(m, n)] }
    var seen: [(Int, Int)] = []
    for c in e.children {
      for pair in commutations(in: c) where !seen.contains(where: { $0 == pair }) { seen.append(pair) }
    }
    return seen
  }

  static func replacingCommutation(in e: Expression, _ m: Int, _ n: Int) -> Expression {
    if case .commutation(m, n) = e { return .commutation(n, m) }
    let kids = e.children
    return kids.isEmpty ? e : e.replacingChildren(kids.map { replacingCommutation(in: $0, m, n) })
  }

  /// The factors of a product, left to right (`[e]` for anything else).
  static func productFactors(_ e: Expression) -> [Expression] {
    if case .product(let a, let b) = e { return productFactors(a) + productFactors(b) }
    return [e]
  }

  /// The square factors (not symmetric by form, not commutation or Kronecker matrices) of a
  /// product L, or of a product that is a Kronecker factor of L, each with its transpose and L
  /// with that factor transposed.
  static func productFactorTogglings(
    of l: Expression, shape: (Expression) -> Shape?
  ) -> [(factor: Expression, toggled: Expression, mutated: Expression)] {
    func togglings(_ e: Expression) -> [(Expression, Expression, Expression)] {
      guard case .product = e else { return [] }
      let factors = productFactors(e)
      var out: [(Expression, Expression, Expression)] = []
      for (i, factor) in factors.enumerated() {
        guard let fs = shape(factor), fs.isSquare, fs.rows > 1, !isSymmetricByForm(factor) else { continue }
        switch factor {
        case .commutation, .kronecker: continue
        default: break
        }
        var changed = factors
        changed[i] = toggledTranspose(factor)
        out.append((factor, changed[i], changed.dropFirst().reduce(changed[0]) { .product($0, $1) }))
      }
      return out
    }
    if case .kronecker(let p, let q) = l {
      return togglings(p).map { ($0.0, $0.1, .kronecker($0.2, q)) } + togglings(q).map { ($0.0, $0.1, .kronecker(p, $0.2)) }
    }
    return togglings(l)
  }

  static func toggledTranspose(_ e: Expression) -> Expression {
    if case .transpose(let a) = e { return a }
    return .transpose(e)
  }

  /// Identities, diagonals and the like, whose transpose is themselves whatever the point.
  static func isSymmetricByForm(_ e: Expression) -> Bool {
    switch e {
    case .identity, .diag, .zeros, .constant: return true
    case .ones(let m, let n): return m == n
    case .transpose(let a): return isSymmetricByForm(a)
    case .kronecker(let a, let b): return isSymmetricByForm(a) && isSymmetricByForm(b)
    default: return false
    }
  }
}
