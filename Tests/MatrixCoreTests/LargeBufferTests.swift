import Testing

@testable import MatrixCore

// LargeBuffer: arrays whose 2 MiB-aligned interior is advised to use huge pages when they are at
// least 4 MiB. The advice changes only the pages under the array, never its contents: checked
// here on both sides of the threshold, against values written out in the test.

@Suite struct LargeBufferTests {
  /// Counts of doubles just below, at and above the 4 MiB threshold, and small ones.
  private let counts = [0, 1, 1000, (4 << 20) / 8 - 1, (4 << 20) / 8, (4 << 20) / 8 + 3, 3 << 20]

  @Test func contentsAreWhatWasAskedOnBothSidesOfTheThreshold() {
    for n in counts {
      let z = LargeBuffer.zeros(count: n)
      #expect(z.count == n && z.allSatisfy { $0 == 0 }, "zeros(\(n))")
      let r = LargeBuffer.repeating(-2.5, count: n)
      #expect(r.count == n && r.allSatisfy { $0 == -2.5 }, "repeating(\(n))")
      let d = LargeBuffer.doubles(count: n) { p in for k in 0..<p.count { p[k] = Double(k) } }
      #expect(d.count == n && d.enumerated().allSatisfy { $0.element == Double($0.offset) }, "doubles(\(n))")
    }
  }

  /// What allocates through it: zeros, a GEMM's result, a Kronecker product, a permutation.
  @Test func largeMatricesBuiltThroughItHoldTheRightEntries() {
    let z = Matrix.zeros(1024, 1024)  // 8 MiB
    #expect(z.storage.allSatisfy { $0 == 0 })
    let a = Matrix.randomNormal(1024, 2, seed: 1)
    let b = Matrix.randomNormal(2, 1024, seed: 2)
    let c = a * b
    for (i, j) in [(0, 0), (1023, 1023), (512, 7), (3, 1000)] {
      let expected = a[i, 0] * b[0, j] + a[i, 1] * b[1, j]
      #expect(abs(c[i, j] - expected) <= 1e-14 * max(1, abs(expected)), "(a·b)[\(i),\(j)]")
    }
    let (x, y) = (Matrix.randomNormal(32, 32, seed: 3), Matrix.randomNormal(32, 32, seed: 4))
    let k = Matrix.kronecker(x, y)  // (x⊗y)[i·32 + r, j·32 + s] = x[i,j]·y[r,s]
    #expect(k.rows == 1024 && k.cols == 1024)
    for (i, j, r, s) in [(0, 0, 0, 0), (31, 31, 31, 31), (5, 17, 30, 2), (20, 3, 0, 31)] {
      #expect(k[i * 32 + r, j * 32 + s] == x[i, j] * y[r, s], "kron at \(i),\(j),\(r),\(s)")
    }
  }
}
