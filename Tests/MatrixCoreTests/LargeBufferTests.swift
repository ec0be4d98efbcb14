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

  /// A GEMM result is not zeroed before BLAS writes it (beta = 0 sets C without reading it): in
  /// memory the allocator reuses after it held NaN and infinities, large (8 MiB) and small, every
  /// entry is the product by definition.
  @Test func gemmResultsInDirtyReusedMemoryAreTheProduct() {
    for (m, k, n) in [(1024, 3, 1024), (37, 5, 29), (1500, 60, 1200)] {
      for round in 0..<2 {
        do {
          let dirty = LargeBuffer.repeating(round == 0 ? .nan : .infinity, count: m * n)
          #expect(dirty.count == m * n)
        }
        let a = Matrix.randomNormal(m, k, seed: UInt64(10 + round))
        let b = Matrix.randomNormal(k, n, seed: UInt64(20 + round))
        let c = a * b
        var wrong = 0
        for j in stride(from: 0, to: n, by: max(1, n / 97)) {
          for i in 0..<m {
            var expected = 0.0
            for l in 0..<k { expected += a[i, l] * b[l, j] }
            if !(abs(c[i, j] - expected) <= 1e-12 * max(1, abs(expected))) { wrong += 1 }
          }
        }
        #expect(wrong == 0, "\(m)×\(k)·\(k)×\(n), round \(round): \(wrong) entries differ from the product")
      }
    }
  }

  /// The padded capacity: at least the count, at most 2 MiB more, and the block the allocator
  /// then maps (when it maps one: in a busy process glibc may serve even a large request from
  /// free memory of its heap, so where a buffer lands is not asserted here; `jacbench
  /// materialize` prints it for the buffers it times, `hugePageOffsetBytes`) (glibc's rule, written out here: the request of 32 bytes of array header plus the
  /// doubles, plus 8 bytes of chunk header, rounded up to 16, plus 8, rounded up to a 4 KiB page)
  /// is a whole number of 2 MiB pages; below the threshold the count itself.
  @Test func paddedCapacityMakesTheAllocatorsBlockWholeHugePages() {
    let mib2 = 2 << 20
    for count in [0, 1, 1000, (4 << 20) / 8 - 1] {
      #expect(LargeBuffer.paddedCapacity(count) == count, "paddedCapacity(\(count))")
    }
    var g = SeededGenerator(seed: 20_261_130)
    var counts = [(4 << 20) / 8, (4 << 20) / 8 + 1, 48 * 48 * 48 * 48, 64 * 64 * 64 * 64, (6 << 20) / 8 - 6, (6 << 20) / 8 - 24]
    for _ in 0..<200 { counts.append(Int.random(in: (4 << 20) / 8...(300 << 20) / 8, using: &g)) }
    for count in counts {
      let capacity = LargeBuffer.paddedCapacity(count)
      #expect(capacity >= count && capacity - count <= mib2 / 8, "paddedCapacity(\(count)) = \(capacity)")
      let request = 32 + capacity * 8
      let chunk = (request + 8 + 15) & ~15
      let mapped = (chunk + 8 + 4095) & ~4095
      #expect(mapped % mib2 == 0, "paddedCapacity(\(count)) = \(capacity): a block of \(mapped) bytes")
    }
  }

  /// The advised range, on addresses written out: the whole 2 MiB pages inside, and the end
  /// pages when only `slack` bytes separate the buffer from a boundary.
  @Test func theAdvisedRangeTakesTheEndPagesOnlyWithinTheSlack() {
    let m = 2 << 20
    let base = 1000 * m
    // Starting 48 bytes after a boundary and ending 80 bytes before one: every page.
    #expect(LargeBuffer.adviceRange(address: base + 48, bytes: 21 * m - 128) == base..<(base + 21 * m))
    // Starting 5,000 bytes after a boundary: not the first page.
    #expect(LargeBuffer.adviceRange(address: base + 5000, bytes: 21 * m - 5000) == (base + m)..<(base + 21 * m))
    // Ending 5,000 bytes before a boundary: not the last page.
    #expect(LargeBuffer.adviceRange(address: base, bytes: 21 * m - 5000) == base..<(base + 20 * m))
    // Exactly on boundaries.
    #expect(LargeBuffer.adviceRange(address: base, bytes: 3 * m) == base..<(base + 3 * m))
    // Below the threshold, or no whole page and no end page within the slack.
    #expect(LargeBuffer.adviceRange(address: base + 48, bytes: m) == nil)
    #expect(LargeBuffer.adviceRange(address: base + m / 2, bytes: 4 << 20) == (base + m)..<(base + 2 * m))
  }
}
