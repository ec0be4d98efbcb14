import Foundation
import PropertyBased
import Testing

@testable import MatrixCore
import TestSupport

/// `Matrix.gemm` computes C = op(A)·op(B) either as it stands or as (op(B)ᵀ·op(A)ᵀ)ᵀ
/// (`GemmOrientation`); both must equal the product by definition, and the choice must follow the
/// stated rule.
@Suite struct GemmOrientationTests {
  /// Both orientations, every pair of transpose flags and a scale, against the definition
  /// (`Reference.product`, a triple loop), over random sizes that cross the 32-column blocks of
  /// the transposed copy.
  @Test func bothOrientationsMatchTheDefinition() async {
    await seededPropertyCheck(count: 40, input: Gen.int(in: 1...70), Gen.int(in: 1...40), Gen.int(in: 1...90)) { m, k, n in
      let a = Matrix.randomNormal(m, k, seed: UInt64(7919 * m + k))
      let b = Matrix.randomNormal(k, n, seed: UInt64(104_729 * n + k))
      let expected = Reference.product(a, b).scaled(by: -1.5)
      let at = Reference.transpose(a)
      let bt = Reference.transpose(b)
      for way in [GemmOrientation.direct, .transposed] {
        for (x, tx) in [(a, Transposition.none), (at, .transposed)] {
          for (y, ty) in [(b, Transposition.none), (bt, .transposed)] {
            let c = Matrix.gemm(x, tx, y, ty, m: m, n: n, k: k, alpha: -1.5, orientation: way)
            #expect(c.shape == Shape(m, n))
            #expect(
              c.isApproximatelyEqual(to: expected, relativeTolerance: 1e-13),
              "\(way) orientation, \(m)×\(k)·\(k)×\(n), flags \(tx) \(ty)")
          }
        }
      }
    }
  }

  /// The transposed orientation writes every entry of a large result (a buffer of huge pages,
  /// never zeroed): a sentinel-free check that no entry is left from the allocator.
  @Test func transposedOrientationFillsALargeResult() {
    let (m, k, n) = (40, 300, 14_000)  // 4.5 MB of result, above LargeBuffer's huge-page threshold
    let a = Matrix.randomNormal(m, k, seed: 31)
    let b = Matrix.randomNormal(k, n, seed: 32)
    let c = Matrix.gemm(a, .none, b, .none, m: m, n: n, k: k, alpha: 1, orientation: .transposed)
    let d = Matrix.gemm(a, .none, b, .none, m: m, n: n, k: k, alpha: 1, orientation: .direct)
    #expect(c.isApproximatelyEqual(to: d, relativeTolerance: 1e-13))
    // Spot checks against the definition, column by column of the blocks' edges.
    for j in [0, 31, 32, 63, 64, n - 1] {
      for i in [0, 17, m - 1] {
        var s = 0.0
        for l in 0..<k { s += a[i, l] * b[l, j] }
        #expect(abs(c[i, j] - s) <= 1e-12 * max(1, abs(s)), "entry (\(i), \(j))")
      }
    }
  }

  /// The rule, written out: the other way round only with two or more BLAS threads, fewer than
  /// 64 rows, at least twice as many columns (and 128), and an inner size of at least 256.
  @Test(arguments: [
    (50, 1000, 700, 2, GemmOrientation.transposed),
    (50, 256, 128, 2, .transposed),
    (63, 256, 128, 4, .transposed),
    (50, 1000, 700, 1, .direct),  // one thread: nothing to split
    (64, 1000, 700, 2, .direct),  // enough rows
    (50, 255, 700, 2, .direct),  // inner size too small to pay for the copy
    (50, 1000, 99, 2, .direct),  // not twice as many columns
    (20, 1000, 127, 2, .direct),  // fewer than 128 columns
    (1200, 50, 900, 2, .direct),
    (1000, 1000, 1000, 2, .direct),
  ])
  func rule(m: Int, k: Int, n: Int, threads: Int, expected: GemmOrientation) {
    #expect(GemmOrientation.choose(m: m, n: n, k: k, threads: threads) == expected)
  }

  /// The thread count is OpenBLAS's own (the package links OpenBLAS): the lookup finds it (the
  /// rule would otherwise never turn a product round), and it honours OPENBLAS_NUM_THREADS when
  /// the environment sets it.
  @Test func blasThreadsAreReported() throws {
    #expect(BLASThreads.isKnown)
    #expect(BLASThreads.current >= 1)
    if let text = ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"], let n = Int(text), n >= 1 {
      #expect(BLASThreads.current == n)
    }
  }

  /// The shared transpose kernel (used by `transposed` and by the transposed GEMM) against the
  /// definition, over shapes that cross its 32×32 blocks.
  @Test(arguments: [(1, 1), (1, 70), (70, 1), (31, 33), (32, 32), (65, 40)])
  func transposeKernelMatchesTheDefinition(rows: Int, cols: Int) {
    let a = Matrix.randomNormal(rows, cols, seed: UInt64(rows * 100 + cols))
    let t = a.transposed
    #expect(t.shape == Shape(cols, rows))
    for i in 0..<rows {
      for j in 0..<cols { #expect(t[j, i] == a[i, j], "(\(i), \(j)) of \(rows)×\(cols)") }
    }
  }

  /// The work counted for a GEMM is m·k·n multiply-adds in either orientation (the transposed
  /// copy writes the kernel's own result, which is not counted as moves).
  @Test func countedWorkIsTheSameInBothOrientations() throws {
    try #require(WorkCount.isAvailable)
    let a = Matrix.randomNormal(30, 300, seed: 41)
    let b = Matrix.randomNormal(300, 200, seed: 42)
    for way in [GemmOrientation.direct, .transposed] {
      let (_, work) = WorkCount.measuring {
        Matrix.gemm(a, .none, b, .none, m: 30, n: 200, k: 300, alpha: 1, orientation: way)
      }
      #expect(work.multiplyAdds == 30 * 300 * 200)
      #expect(work.entriesMoved == 0)
    }
  }
}
