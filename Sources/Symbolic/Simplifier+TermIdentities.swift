import MatrixCore

/// Identities between the terms of a sum that shorten it:
///
/// | input form | printed | rule |
/// | --- | --- | --- |
/// | `diag(a) - diag(b)` | `diag(a - b)` | `diag` is linear: diagonal matrices of vectors of one shape join |
/// | `1 - sigmoid(-t)` | `sigmoid(t)` | `σ(−t) = 1 − σ(t)` (also transposed, and entrywise with a broadcast 1) |
///
/// Each is an identity wherever the input is defined, so the value never changes
/// (`ScalarAlgebraRuleTests`).
extension Simplifier {
  /// `Σ cₖ diag(vₖ) = diag(Σ cₖ vₖ)` for two or more terms that are diagonal matrices of vectors of
  /// one shape; the joined term takes the place of the first of them.
  mutating func combinedDiagonals(_ terms: [(Double, Expression)]) throws -> [(Double, Expression)] {
    guard terms.count >= 2 else { return terms }
    var members: [Int] = []
    var vectorShape: Shape? = nil
    for (k, (_, t)) in terms.enumerated() {
      guard case .diag(let v) = t else { continue }
      let sv = try shape(v)
      if let known = vectorShape, known != sv { continue }
      vectorShape = sv
      members.append(k)
    }
    guard members.count >= 2 else { return terms }
    var inner: Expression? = nil
    for k in members {
      guard case .diag(let v) = terms[k].1 else { continue }
      let c = terms[k].0
      let scaled: Expression = c == 1 ? v : .product(.constant(c), v)
      inner = inner.map { .add($0, scaled) } ?? scaled
    }
    guard let sum = inner else { return terms }
    let joined = try rewrite(.diag(try simplifySum(sum)))
    var parts: [(Double, Expression)] = []
    try collectTerms(joined, sign: 1, into: &parts)
    let set = Set(members)
    var out: [(Double, Expression)] = []
    for (k, term) in terms.enumerated() {
      if k == members[0] { out += parts } else if !set.contains(k) { out.append(term) }
    }
    return out
  }

  /// `c·1 − c·σ(−t) = c·σ(t)`: the complement of a sigmoid of a negation is the sigmoid (a
  /// transposed one, `1 − σ(−t)ᵀ = σ(t)ᵀ`, too); the constant term is used up.
  func sigmoidComplements(_ terms: [(Double, Expression)]) -> [(Double, Expression)] {
    func complement(_ t: Expression) -> Expression? {
      switch t {
      case .elementwise(.sigmoid, .negate(let u)): return .elementwise(.sigmoid, u)
      case .transpose(.elementwise(.sigmoid, .negate(let u))): return .transpose(.elementwise(.sigmoid, u))
      default: return nil
      }
    }
    var out = terms
    var k = 0
    while k < out.count {
      guard let flipped = complement(out[k].1),
        let one = out.firstIndex(where: { $0.1 == .constant(1) && $0.0 == -out[k].0 })
      else {
        k += 1
        continue
      }
      out[k] = (-out[k].0, flipped)
      out.remove(at: one)
      k = 0
    }
    return out
  }
}
