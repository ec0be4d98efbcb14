import Foundation
import Testing

@testable import JacCommands
import Symbolic

/// The small instantiations where checks with size symbols compute numbers
/// (`SymbolicSizes.instantiations`, docs/language.md): sizes that differ as terms differ in every
/// instantiation, so a slip that shows only when two sizes differ is caught at every seed.
@Suite struct SymbolicInstantiationTests {
  private static func json(_ output: CheckOutput) -> String {
    (try? JacJSON.data(output)).map { String(decoding: $0, as: UTF8.self) } ?? "\(output)"
  }

  private static func sizes(_ dims: String, fixed: [String: Int] = [:]) throws -> SymbolicSizes {
    var s = try #require(try SymbolicSizes(dims))
    s.fixed = fixed
    return s
  }

  /// Every instantiation, for seeds 1…300: each symbol at least 2; sizes that are different terms
  /// (evaluated at distinct primes, the generic case) have different values unless both are fixed
  /// numbers; the instantiations differ; and the second reverses the order of the first.
  @Test(arguments: [
    ("R=mxn", [String: Int]()),
    ("W=mxn,x=n,b=m", [:]),
    ("A=mxk,B=kxn,C=nxp,D=pxq", [:]),  // five symbols: more than the sizes 2…5 hold
    ("A=mx3,x=3", [:]),  // a number in --dims
    ("X=mxn,b=n,W=mxk", ["n": 3]),  // n fixed by --values
    ("X=ax1,Y=bx1", ["a": 2]),
  ])
  func sizesThatDifferAsTermsDiffer(dims: String, fixed: [String: Int]) throws {
    let s = try Self.sizes(dims, fixed: fixed)
    let generic = s.generic(avoiding: []).values
    let open = s.symbols.filter { fixed[$0] == nil }
    let terms = s.shapes.values.flatMap { [$0.rows, $0.cols] }
    for seed in UInt64(1)...300 {
      let all = s.instantiations(count: SymbolicSizes.checkInstantiations, seed: seed, generic: generic)
      #expect(all.count == 3, "seed \(seed)")
      #expect(Set(all).count == all.count, "seed \(seed): \(all)")
      for v in all {
        #expect(open.allSatisfy { v[$0]! >= 2 }, "seed \(seed): \(v)")
        #expect(fixed.allSatisfy { v[$0.key] == $0.value }, "seed \(seed): \(v)")
        for a in terms {
          for b in terms where a.value(generic) != b.value(generic) {
            let forced = a.symbols.isSubset(of: fixed.keys) && b.symbols.isSubset(of: fixed.keys)
            #expect(forced || a.value(v) != b.value(v), "seed \(seed): \(a) = \(b) = \(a.value(v)) at \(v)")
          }
        }
      }
      // Every two open symbols both ways round.
      for (x, y) in zip(open, open.dropFirst()) {
        #expect((all[0][x]! < all[0][y]!) != (all[1][x]! < all[1][y]!), "seed \(seed): \(all)")
      }
    }
  }

  /// Sizes written as sums and products of symbols: n+1, 2n and mn stay apart from m.
  @Test func sumsAndProductsStayApart() throws {
    let s = SymbolicSizes(
      shapes: [
        "A": (.symbol("m"), .sum(.symbol("n"), .number(1))), "B": (.product(.number(2), .symbol("n")), .symbol("m")),
        "C": (.product(.symbol("m"), .symbol("n")), .symbol("n")),
      ], inferred: [])
    let generic = s.generic(avoiding: []).values
    for seed in UInt64(1)...300 {
      for v in s.instantiations(count: 3, seed: seed, generic: generic) {
        let (m, n) = (v["m"]!, v["n"]!)
        #expect(Set([m, n, n + 1, 2 * n, m * n]).count == 5, "seed \(seed): \(v)")
      }
    }
  }

  /// Claims that are right only where two sizes are equal, checked through the library at 60
  /// seeds each: never "holds". `K(n,m)` for `K(m,n)` in ∂vec(RᵀR)/∂(vec R)ᵀ equals the truth when
  /// m = n; `kron(b',I(n))` for ∂vec(Xb)/∂(vec X)ᵀ = bᵀ ⊗ Iₘ is the truth when m = n (here n is
  /// fixed to 3 by --values and a third symbol k is open, where two draws of m = 3 used to hide it).
  @Test func claimsWrongOnlyWhenSizesDifferAreCaughtAtEverySeed() throws {
    for seed in 1...60 {
      let swapped = try JacRecords.check([
        "R'*R", "--wrt", "R", "--dims", "R=mxn", "--claim", "kron(I(n),R')+kron(R',I(n))*K(n,m)", "--seed", "\(seed)",
      ])
      #expect(!swapped.holds, "seed \(seed): \(Self.json(swapped))")
      let right = try JacRecords.check([
        "R'*R", "--wrt", "R", "--dims", "R=mxn", "--claim", "kron(I(n),R')+kron(R',I(n))*K(m,n)", "--seed", "\(seed)",
      ])
      #expect(right.holds, "seed \(seed)")
      let wrongIdentity = try JacRecords.check([
        "X*b + W*y", "--wrt", "X", "--dims", "X=mxn,b=n,W=mxk,y=k", "--values", "b=[1;2;3]", "--claim", "kron(b',I(n))",
        "--seed", "\(seed)",
      ])
      #expect(!wrongIdentity.holds, "seed \(seed): \(Self.json(wrongIdentity))")
      let rightIdentity = try JacRecords.check([
        "X*b + W*y", "--wrt", "X", "--dims", "X=mxn,b=n,W=mxk,y=k", "--values", "b=[1;2;3]", "--claim", "kron(b',I(m))",
        "--seed", "\(seed)",
      ])
      #expect(rightIdentity.holds, "seed \(seed)")
    }
  }
}
