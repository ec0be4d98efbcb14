import MatrixCore
import Symbolic

/// The small instantiations of the size symbols where `jac check` and `derive --check` compute
/// numbers (docs/language.md).
///
/// A check at an instantiation can only see a slip that changes the numbers there. When two
/// different sizes happen to be equal (m = n), a transposed factor, `K(n,m)` for `K(m,n)` or `Xᵀ`
/// for `X` may be the same matrix and the slip invisible. So, in each instantiation, the open
/// symbols are distinct small primes (2, 3, 5, 7, 11, …) that divide no size written in the
/// expression, the claims, `--dims` or fixed by `--values`; sizes that differ as terms (m, n, n+1,
/// 2m, the numbers of `--dims`) and their products two by two (mn, n², m(n+1)) have different
/// values, unless `--values` fixed them equal. The second instantiation reverses the first one's
/// order of the symbols (m < n, then m > n) where that keeps the sizes apart; every
/// instantiation differs from the others.
///
/// The primes also let a size at an instantiation be said again with the symbols
/// (`genericSize`): a diagnosis found at m=3, n=2 that names `K₃,₂` and `I₆` reads `Kₘ,ₙ` and
/// `I_{mn}`, like the rest of the report.
extension SymbolicSizes {
  /// How many instantiations a check uses (when `--values` does not fix every symbol).
  static let checkInstantiations = 3

  /// The sizes written in the shapes and their products two by two, as terms (without the size 1).
  private var terms: [SizeTerm] {
    var base: [SizeTerm] = []
    for name in shapes.keys.sorted() {
      for t in [shapes[name]!.rows, shapes[name]!.cols] where !base.contains(t) { base.append(t) }
    }
    var out = base
    for (i, a) in base.enumerated() {
      for b in base[i...] where !out.contains(.product(a, b)) { out.append(.product(a, b)) }
    }
    return out
  }

  /// Whether sizes that differ as terms (at `generic`) differ at `values` too, unless none of the
  /// two has an open symbol in it (then `--values` or the numbers of `--dims` forced them).
  private func separates(_ values: [String: Int], terms: [SizeTerm], generic: [String: Int], open: Set<String>) -> Bool {
    var seen: [Int: (generic: Int, forced: Bool)] = [:]
    for t in terms {
      let (v, g) = (t.value(values), t.value(generic))
      let forced = t.symbols.isDisjoint(with: open)
      if let other = seen[v], other.generic != g, !(forced && other.forced) { return false }
      seen[v] = (g, forced)
    }
    return true
  }

  /// `count` instantiations of the symbols at small sizes, drawn from `seed` (see above); symbols
  /// fixed by `--values` keep their values, and when every symbol is fixed there is one
  /// instantiation. `generic` is the generic instantiation (distinct large primes), which tells
  /// which terms are equal; `literalSizes` the sizes written in the expression and the claims.
  func instantiations(count: Int, seed: UInt64, generic: [String: Int], literalSizes: Set<Int> = []) -> [[String: Int]] {
    let open = symbols.filter { fixed[$0] == nil }
    if open.isEmpty { return [fixed] }
    let openSet = Set(open)
    let terms = self.terms
    // A prime that divides a written or fixed size would make that size look like a symbol.
    let written = literalSizes.union(fixed.values).union(terms.filter { $0.symbols.isEmpty }.map { $0.value([:]) })
    let primes = SymbolicSizes.primes.filter { p in !written.contains { $0 > 1 && $0 % p == 0 } }
    var generator = SeededGenerator(seed: seed &+ 0x5151)
    var out: [[String: Int]] = []
    func accept(_ v: [String: Int]) -> Bool {
      guard !out.contains(v), separates(v, terms: terms, generic: generic, open: openSet) else { return false }
      out.append(v)
      return true
    }
    // The smallest primes first; more of them only when the terms need more room.
    var available = min(primes.count, max(4, open.count + 1))
    var attempts = 0
    while out.count < count && attempts < 2_000 && open.count <= primes.count {
      attempts += 1
      if attempts % 40 == 0 { available = min(primes.count, available + 1) }
      var v = fixed
      let pool = Array(primes.prefix(available)).shuffled(using: &generator)
      guard pool.count >= open.count else { continue }
      for (s, p) in zip(open, pool) { v[s] = p }
      guard accept(v) else { continue }
      if out.count == 1 && count > 1 {
        // The same sizes in the reverse order of the symbols, so that every two symbols appear
        // both ways round (m < n and m > n).
        let ranked = open.sorted { (v[$0]!, $0) < (v[$1]!, $1) }
        var reversed = v
        for (s, r) in zip(ranked, ranked.reversed()) { reversed[s] = v[r]! }
        _ = accept(reversed)
      }
    }
    // Never reached with the sizes of real expressions: distinct draws whatever they separate.
    attempts = 0
    while out.count < count && attempts < 200 {
      attempts += 1
      var v = fixed
      for s in open { v[s] = Int.random(in: 2...13, using: &generator) }
      if !out.contains(v) { out.append(v) }
    }
    return out
  }

  static let primes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47]

  /// A size at the instantiation `values` said at `generic` (so that `SizeSymbols` prints it with
  /// the symbols): a written size or product of two, whose value there is unique; else the product
  /// of the open symbols' primes it is, times what is left (`2·3` at m=3 reads 2m); else itself
  /// (a size written in the expression).
  func genericSize(_ size: Int, at values: [String: Int], generic: [String: Int]) -> Int {
    var table: [Int: Int?] = [:]
    for t in terms {
      let (v, g) = (t.value(values), t.value(generic))
      if let known = table[v], known != g { table[v] = .some(nil) } else if table[v] == nil { table[v] = g }
    }
    if size > 1, let known = table[size], let g = known { return g }
    var rest = size
    var result = 1
    for s in symbols where fixed[s] == nil {
      guard let p = values[s], let g = generic[s], p > 1 else { continue }
      while rest % p == 0 {
        rest /= p
        result *= g
      }
    }
    return result == 1 ? size : result * rest
  }
}
