import MatrixCore

/// The shortest known form of a product of Kronecker products and commutation matrices.
///
/// The simplifier's greedy pass merges adjacent factors where a rule shortens at once (the mixed
/// product, `K(n,m)K(m,n) = I`, `K(p,m)(A ⊗ B)K(n,q) = B ⊗ A`). Some products only shorten after
/// a commutation matrix has been moved through a Kronecker product, which is no shorter by itself:
/// `(A ⊗ B)K(n,q)(C ⊗ D)K(r,s) = K(m,p)(BC ⊗ AD)K(r,s) = AD ⊗ BC`. This search applies the rules
/// below to a chain of factors in both directions, breadth-first over at most `searchLimit`
/// distinct chains, and keeps the shortest (characters of the plain text, then fewer factors):
///
/// | rule | for |
/// | --- | --- |
/// | `(A ⊗ B)(C ⊗ D) = (AC) ⊗ (BD)` | A m×n, C n×r (the mixed product) |
/// | `K(p,m)(A ⊗ B) = (B ⊗ A)K(q,n)` | A m×n, B p×q |
/// | `(A ⊗ B)K(n,q) = K(m,p)(B ⊗ A)` | A m×n, B p×q |
/// | `K(m,n)K(n,m) = I` | |
/// | `K(1,n) = K(n,1) = I`, `Iₘ ⊗ Iₙ = Iₘₙ`, `(cA) ⊗ B = c(A ⊗ B)`, `(A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ` | (rules of `rewrite`, applied to every new factor) |
///
/// Each is an identity of matrix algebra (`KroneckerRuleTests` checks every rule and the searched
/// forms against dense references built by definition), so the value never changes.
extension Simplifier {
  /// How many distinct chains the search visits at most (a chain of k factors has fewer than 3k
  /// neighbours; the chains of derivatives have a handful of factors).
  static let searchLimit = 96

  /// Whether a chain has both a commutation matrix and a Kronecker product, the only chains the
  /// search can shorten beyond the greedy pass.
  func needsKroneckerSearch(_ chain: [Expression]) -> Bool {
    guard chain.count >= 2 else { return false }
    var commutation = false
    var kronecker = false
    for f in chain {
      if case .commutation = f { commutation = true }
      if case .kronecker = f { kronecker = true }
    }
    return commutation && kronecker
  }

  /// The shortest chain found equal to `chain` (the chain itself when none is shorter).
  mutating func shortestKroneckerChain(_ chain: [Expression]) throws -> [Expression] {
    func cost(_ c: [Expression]) -> (Int, Int) {
      (c.reduce(0) { $0 + $1.plainText.count + 1 }, c.count)
    }
    var best = chain
    var bestCost = cost(chain)
    var seen: Set<[Expression]> = [chain]
    var queue = [chain]
    var head = 0
    while head < queue.count && seen.count < Simplifier.searchLimit {
      let current = queue[head]
      head += 1
      for next in try kroneckerNeighbours(current) where !seen.contains(next) {
        seen.insert(next)
        queue.append(next)
        let c = cost(next)
        if c < bestCost {
          best = next
          bestCost = c
        }
        if seen.count >= Simplifier.searchLimit { break }
      }
    }
    return best
  }

  /// Every chain one rule away from `chain`.
  mutating func kroneckerNeighbours(_ chain: [Expression]) throws -> [[Expression]] {
    var out: [[Expression]] = []
    for i in 0..<(chain.count - 1) {
      guard let replacement = try kroneckerMoves(chain[i], chain[i + 1]) else { continue }
      for r in replacement {
        var next = chain
        next.replaceSubrange(i...(i + 1), with: r.filter { if case .identity = $0 { return false } else { return true } })
        // A chain that became empty was the identity; the caller's shape restores it.
        out.append(next)
      }
    }
    return out
  }

  /// The rules for two adjacent factors: each alternative replaces the pair.
  private mutating func kroneckerMoves(_ x: Expression, _ y: Expression) throws -> [[Expression]]? {
    switch (x, y) {
    case (.kronecker(let a, let b), .kronecker(let c, let d)) where try shape(a).cols == shape(c).rows:
      let ac = try simplifyProduct(.product(a, c))
      let bd = try simplifyProduct(.product(b, d))
      return [[try rewrite(.kronecker(ac, bd))]]
    case (.commutation(let m, let n), .commutation(let p, let q)) where m == q && n == p:
      return [[]]
    case (.commutation(let p, let m), .kronecker(let a, let b)):
      let (sa, sb) = (try shape(a), try shape(b))
      guard sa.rows == m, sb.rows == p else { return nil }
      // K(p,m)(A ⊗ B) = (B ⊗ A)K(q,n).
      return [[try rewrite(.kronecker(b, a)), try rewrite(.commutation(sb.cols, sa.cols))]]
    case (.kronecker(let a, let b), .commutation(let n, let q)):
      let (sa, sb) = (try shape(a), try shape(b))
      guard sa.cols == n, sb.cols == q else { return nil }
      // (A ⊗ B)K(n,q) = K(m,p)(B ⊗ A).
      return [[try rewrite(.commutation(sa.rows, sb.rows)), try rewrite(.kronecker(b, a))]]
    default:
      return nil
    }
  }
}
