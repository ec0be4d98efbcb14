import Foundation
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

  /// `zeroed` hands `initialize` zeros even when the allocator reuses memory that held other
  /// values (a freed buffer of the same size, first filled with NaN: from the second round on the
  /// allocator hands that memory out again), on both sides of the threshold and at sizes whose
  /// ends are not page-aligned; what `initialize` writes stays.
  @Test func zeroedIsZeroInReusedMemory() {
    let threshold = (4 << 20) / 8
    for n in [0, 1, 1000, threshold - 1, threshold, threshold + 3, (6 << 20) / 8 + 5, (40 << 20) / 8 + 1] {
      for round in 0..<3 {
        do {
          let dirty = LargeBuffer.repeating(.nan, count: n)
          #expect(dirty.count == n)
        }
        var sawOnlyZeros = true
        let z = LargeBuffer.zeroed(count: n) { p in
          sawOnlyZeros = allZero(UnsafeBufferPointer(p))
          if n > 0 { p[n / 2] = 7 }
        }
        #expect(sawOnlyZeros, "zeroed(\(n)), round \(round): initialize saw a non-zero")
        #expect(z.count == n, "zeroed(\(n)), round \(round)")
        z.withUnsafeBufferPointer { p in
          #expect(n == 0 || (p[n / 2] == 7 && allZero(UnsafeBufferPointer(rebasing: p[..<(n / 2)]))
            && allZero(UnsafeBufferPointer(rebasing: p[(n / 2 + 1)...]))), "zeroed(\(n)), round \(round)")
        }
        let zeros = LargeBuffer.zeros(count: n)
        #expect(zeros.withUnsafeBufferPointer { allZero($0) }, "zeros(\(n)), round \(round)")
      }
    }
  }

  /// Whether every byte is 0 (memcmp against a zero block: fast in a debug build).
  private func allZero(_ p: UnsafeBufferPointer<Double>) -> Bool {
    let block = [UInt8](repeating: 0, count: 1 << 16)
    let raw = UnsafeRawBufferPointer(p)
    var offset = 0
    return block.withUnsafeBytes { zero in
      while offset < raw.count {
        let k = min(zero.count, raw.count - offset)
        if memcmp(raw.baseAddress! + offset, zero.baseAddress!, k) != 0 { return false }
        offset += k
      }
      return true
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
