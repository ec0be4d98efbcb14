/// Rule 2a of size inference (docs/language.md, "Sizes inferred from the expression"): names of
/// Greek letters that textbooks use for scalars are 1×1.
///
/// `norm(A*x-b)^2 + lambda*norm(x)^2` is ridge regression: λ is a number. Read by rule 2 alone
/// (a lowercase name is a column), lambda would be p×1 and F p×1 by broadcasting.
extension SizeSolver {
  /// The Greek letters that step sizes, rates, weights of penalties, discount factors,
  /// temperatures, standard deviations and small constants are named by, in textbooks and in the
  /// lecture notes (α the step size, η the learning rate, λ the weight of a penalty and a convex
  /// combination's coefficient), with `eps` and Python's `lam` (`lambda` is a keyword there).
  ///
  /// Not in the list, because textbooks (and the lecture notes) use them for vectors or
  /// functions: theta (θ, the parameter vector), delta (δ, the error signal of a layer, n×1), mu
  /// (μ, a mean vector: (x − μ)ᵀΣ⁻¹(x − μ)), phi and psi (φ, activations and feature maps), xi
  /// (ξ, slack variables), omega (ω, often weights), pi (a constant or a policy), and the rare
  /// zeta, iota, upsilon, chi.
  static let textbookScalarNames: Set<String> = [
    "alpha", "beta", "gamma", "epsilon", "eps", "eta", "kappa", "lambda", "lam", "nu", "rho", "sigma", "tau",
  ]

  /// Whether `name` is a textbook scalar: a name of the list, alone or followed by digits
  /// (`beta1`, `lambda2`) or by `_` and a subscript (`alpha_k`, `eta_0`).
  static func isTextbookScalarName(_ name: String) -> Bool {
    var base = Substring(name)
    if let underscore = base.firstIndex(of: "_") {
      guard base.index(after: underscore) < base.endIndex else { return false }
      base = base[..<underscore]
    } else {
      while let last = base.last, last.isASCIIDigit { base = base.dropLast() }
    }
    return textbookScalarNames.contains(String(base))
  }

  /// Makes every textbook scalar 1×1 that the expression does not use as a vector or matrix:
  /// - both its sizes are still open after rule 1 (no equation fixed them, and it is not square);
  /// - it is never transposed, nor the argument of `sum`, `norm`, `norm1`, `logsumexp`, `vec`,
  ///   `diag`;
  /// - it never stands right of a product whose left side is not 1×1 (`X*beta` is regression's
  ///   coefficient vector; `lambda*x`, `2*alpha`, `norm(x)^2*lambda` are scalars).
  /// Repeated until nothing moves, since a scalar made 1×1 can make a left side 1×1
  /// (`lambda*alpha*x`).
  mutating func applyTextbookScalars(_ whole: Expression) throws(ShapeInferenceError) {
    var pending = order.filter { known[$0] == nil && !vectorUses.contains($0) && Self.isTextbookScalarName($0) }
    var moved = true
    while moved && !pending.isEmpty {
      moved = false
      var waiting: [String] = []
      for name in pending {
        guard let s = variableShapes[name], case .unknown = resolve(s.0), case .unknown = resolve(s.1),
          resolve(s.0) != resolve(s.1)
        else { continue }
        if rightFactors.contains(where: { $0.name == name && !isScalar($0.left) }) {
          waiting.append(name)
          continue
        }
        _ = unify(s.0, .number(1))
        _ = unify(s.1, .number(1))
        try settle(whole)
        moved = true
      }
      pending = waiting
    }
  }
}
