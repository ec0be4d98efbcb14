import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Large `[Double]` buffers whose first touch is cheap.
///
/// A fresh buffer of many megabytes costs more in page faults than in writing: on these machines
/// the kernel hands out 4 KiB pages one fault at a time, and writing 42 MB into fresh memory ran
/// at about 1.5 GB/s where the same writes into memory already touched run at 10–25 GB/s
/// (`Benchmarks/README.md`, "Materialisation"). Transparent huge pages are in `madvise` mode
/// (`/sys/kernel/mm/transparent_hugepage/enabled`), so a program gets 2 MiB pages only where it
/// asks. `LargeBuffer` asks: for a buffer of at least `hugePageThresholdBytes`, the 2 MiB-aligned
/// part inside it is advised `MADV_HUGEPAGE` before anything is written, so it faults in 2 MiB
/// at a time (512 times fewer faults).
///
/// Only whole 2 MiB pages of one mapping can be huge, so the ends of a buffer that starts or ends
/// inside a 2 MiB page would fault 4 KiB at a time: up to 1,024 small faults, about 1 ms at 42 MB.
/// The kernel puts an anonymous mapping whose length is a multiple of 2 MiB on a 2 MiB boundary
/// (Linux 6.7 and later), and glibc maps a block of its own for every request above 32 MiB (and
/// for smaller ones above its mapping threshold), so a large buffer asks for a capacity whose
/// block is a whole number of 2 MiB pages (`paddedCapacity`: at most 2 MiB more, never written,
/// so nothing beyond the last page is faulted in) and the pages it starts and ends in are advised
/// too when it lies within a few headers of a boundary (`adviceRange`). Where that does not hold
/// (another allocator or kernel, memory from the heap), only the interior is advised, as before.
/// The storage stays an ordinary Swift `Array` (what
/// `Matrix.storage` is): only the pages under it change. Elsewhere than Linux, or when the kernel
/// refuses the advice, the buffer is an ordinary array.
public enum LargeBuffer {
  /// Buffers of at least this many bytes are advised to use huge pages (4 MiB: at least one whole
  /// 2 MiB page lies inside, whatever the alignment the allocator chose).
  public static let hugePageThresholdBytes = 4 << 20
  /// The size of a transparent huge page on x86-64 and of the units that materialisation hands to
  /// threads.
  public static let hugePageBytes = 2 << 20

  /// An array of `count` doubles, each set by `initialize` (which must set every one of them),
  /// with huge pages advised first when the buffer is large (see the type's description).
  /// - Precondition: `count >= 0`.
  @inlinable
  public static func doubles(
    count: Int, _ initialize: (UnsafeMutableBufferPointer<Double>) throws -> Void
  ) rethrows -> [Double] {
    try [Double](unsafeUninitializedCapacity: paddedCapacity(count)) { buffer, initialized in
      adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
      try initialize(UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
      initialized = count
    }
  }

  /// An array of `count` doubles that are all zero when `initialize` is called (which may then
  /// change any of them), huge pages advised when large.
  ///
  /// A large buffer is not written to zero: on Linux the whole pages inside it are handed back to
  /// the kernel first (`MADV_DONTNEED`), after which they read as zero and are zeroed by the
  /// kernel at their first touch, the zeroing every fresh page gets anyway; only the partial
  /// pages at either end are written. So zeros that `initialize` leaves alone cost no pass of
  /// writes, and pages it never touches are never faulted in by this call. This holds whatever
  /// memory the allocator hands out (new or reused), because the allocator's memory is private
  /// and anonymous. Elsewhere, and below `hugePageThresholdBytes`, the buffer is written to zero.
  /// - Precondition: `count >= 0`.
  @inlinable
  public static func zeroed(
    count: Int, _ initialize: (UnsafeMutableBufferPointer<Double>) throws -> Void
  ) rethrows -> [Double] {
    try [Double](unsafeUninitializedCapacity: paddedCapacity(count)) { buffer, initialized in
      let p = UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
      adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
      zeroCheaply(p)
      try initialize(p)
      initialized = count
    }
  }

  /// `count` zeros (huge pages advised when large; large buffers zeroed by the kernel at first
  /// touch, see `zeroed`).
  public static func zeros(count: Int) -> [Double] {
    zeroed(count: count) { _ in }
  }

  /// Makes every element of `p` zero: the whole pages inside a buffer of at least
  /// `hugePageThresholdBytes` by `MADV_DONTNEED` (they read as zero afterwards, for private
  /// anonymous memory, which is what the allocator hands out), the rest by writing.
  @usableFromInline
  static func zeroCheaply(_ p: UnsafeMutableBufferPointer<Double>) {
    guard let base = p.baseAddress, p.count > 0 else { return }
    #if os(Linux)
      let bytes = p.count * MemoryLayout<Double>.stride
      let page = Int(sysconf(Int32(_SC_PAGESIZE)))
      if bytes >= hugePageThresholdBytes, page > 0, page % MemoryLayout<Double>.stride == 0 {
        let address = Int(bitPattern: base)
        let start = (address + page - 1) & ~(page - 1)
        let end = (address + bytes) & ~(page - 1)
        if end > start, let first = UnsafeMutableRawPointer(bitPattern: start),
          madvise(first, end - start, Int32(MADV_DONTNEED)) == 0
        {
          let head = (start - address) / MemoryLayout<Double>.stride
          let tail = (end - address) / MemoryLayout<Double>.stride
          base.update(repeating: 0, count: head)
          (base + tail).update(repeating: 0, count: p.count - tail)
          return
        }
      }
    #endif
    p.update(repeating: 0)
  }

  /// `count` copies of `value` (huge pages advised when large).
  public static func repeating(_ value: Double, count: Int) -> [Double] {
    doubles(count: count) { $0.update(repeating: value) }
  }

  /// The capacity to allocate for `count` doubles: `count` below `hugePageThresholdBytes`;
  /// above it, the largest count whose allocation (Swift's array header, 32 bytes, and the
  /// allocator's, 16) leaves a block of whole 2 MiB pages with room to spare (at least `count`;
  /// at most 2 MiB more), so that the kernel places it on a 2 MiB boundary (see the type).
  @usableFromInline
  static func paddedCapacity(_ count: Int) -> Int {
    let stride = MemoryLayout<Double>.stride
    guard count >= hugePageThresholdBytes / stride, count <= Int.max / (2 * stride) else { return count }
    let pages = (count * stride + 192 + hugePageBytes - 1) / hugePageBytes
    return max(count, (pages * hugePageBytes - 128) / stride)
  }

  /// The 2 MiB-aligned address range to advise for a buffer at `address` of `bytes` bytes: the
  /// whole 2 MiB pages inside it, and also the page it starts in when it starts at most `slack`
  /// bytes after a 2 MiB boundary, and the page it ends in when it ends at most `slack` bytes
  /// before one. Those few bytes are the allocator's and the array's headers and the block's
  /// rounding: memory of the same mapping when the kernel placed the block on a boundary (see
  /// the type). Nil when no 2 MiB page qualifies or the buffer is below the threshold.
  static func adviceRange(address: Int, bytes: Int, slack: Int = 4096) -> Range<Int>? {
    guard bytes >= hugePageThresholdBytes, address > 0, address <= Int.max - bytes - hugePageBytes else { return nil }
    let mask = hugePageBytes - 1
    let floor = address & ~mask
    let start = address - floor <= slack ? floor : floor + hugePageBytes
    let endAddress = address + bytes
    let ceiling = (endAddress + mask) & ~mask
    let end = ceiling - endAddress <= slack ? ceiling : endAddress & ~mask
    return end > start ? start..<end : nil
  }

  /// Advises `MADV_HUGEPAGE` for `adviceRange` of `buffer` (its whole 2 MiB pages, and the end
  /// pages that only headers separate from a boundary) when it is at least
  /// `hugePageThresholdBytes` long. Harmless on memory already touched (the advice then only
  /// lets the kernel's background collapsing use huge pages there); errors are ignored (the
  /// advice is only a hint).
  @usableFromInline
  static func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
    #if os(Linux)
      guard let base = buffer.baseAddress,
        let range = adviceRange(address: Int(bitPattern: base), bytes: buffer.count),
        let p = UnsafeMutableRawPointer(bitPattern: range.lowerBound)
      else { return }
      _ = madvise(p, range.count, Int32(MADV_HUGEPAGE))
    #endif
  }
}
