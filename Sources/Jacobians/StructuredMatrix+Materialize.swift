import Dispatch
import Foundation
import MatrixCore
import Synchronization

// Dense materialisation that follows the structure, panel by panel: the output's columns are cut
// into panels of about `panelBytes`, and each panel is zeroed and then receives every stored entry
// of every term that falls in its columns (`EntryGenerator` enumerates entries for a range of
// columns without sorting anything), so a panel is faulted in, zeroed and filled while it is in
// cache instead of the whole buffer being zeroed first and then hit by scattered additions. A
// Kronecker product writes the products of its factors' entries, a commutation moves entries
// instead of multiplying by a permutation matrix, so ∂(RᵀR)/∂R = (Iₙ⊗Rᵀ) + (Rᵀ⊗Iₙ)K(n,n) costs
// one write of zeros and 2n³ additions, not n⁵ multiply-adds. Large outputs are written by
// several threads, each taking the next free 2 MiB unit of memory in turn (the first touch of
// fresh memory, the kernel's zeroing of the page, is most of the time, and it runs in parallel
// on separate pages).

extension StructuredMatrix.Storage {
  /// The dense matrix, built from the structure (layout: the operator's own rows and columns,
  /// column-major storage).
  /// - Throws: `JacobianError.tooLargeToMaterialize` above `limitBytes` (checked before anything
  ///   is allocated), for the whole and for any product that has to be formed densely.
  /// - Complexity: O(rows·cols) writes of zeros, plus one addition per stored entry of each term
  ///   (nnz of a Kronecker product = product of its factors' nnz).
  func materializedByStructure(limitBytes: Int, threads: Int? = nil) throws -> Matrix {
    try Self.checkSize(rows, cols, limitBytes)
    if case .dense(let m, _) = self { return m }
    let generator = try EntryGenerator(self, limitBytes: limitBytes)
    let out = LargeBuffer.zeroed(count: rows * cols) { p in
      Self.write(generator, rows: rows, cols: cols, into: p, threads: threads, alreadyZero: true)
    }
    return Matrix(rows: rows, cols: cols, columnMajor: out)
  }

  /// Writes the dense matrix into `p` (rows·cols entries, column-major), every entry
  /// overwritten (what `materializedByStructure` does into a new buffer).
  func addEntries(into p: UnsafeMutableBufferPointer<Double>, limitBytes: Int, threads: Int? = nil) throws {
    precondition(p.count == rows * cols, "materialise: \(p.count) places for a \(rows)×\(cols) operator")
    if case .dense(let m, _) = self {
      m.storage.withUnsafeBufferPointer { _ = p.update(fromContentsOf: $0) }
      return
    }
    Self.write(try EntryGenerator(self, limitBytes: limitBytes), rows: rows, cols: cols, into: p, threads: threads)
  }

  /// Bytes of output per panel: a panel is zeroed and filled before the next is touched, so it
  /// should stay in the per-core cache while it is filled.
  static let panelBytes = 256 << 10

  /// The number of threads for a rows×cols output: `requested` when given, else
  /// `StructuredMatrix.materializationThreads`; never more than the units.
  static func threadCount(rows: Int, cols: Int, units: Int, requested: Int?) -> Int {
    let wanted = requested ?? StructuredMatrix.materializationThreads(rows: rows, cols: cols)
    return max(1, min(wanted, units))
  }

  /// The columns per panel for `rows` rows (at least one).
  static func panelColumns(rows: Int, panelBytes: Int = panelBytes) -> Int {
    max(1, panelBytes / max(1, rows * 8))
  }

  /// Zeroes (unless `alreadyZero`) and fills `p` (rows×cols, column-major) panel by panel from
  /// `generator`, on `threads` threads (nil: `threadCount`'s choice).
  ///
  /// The output is cut into units at the `unitBytes` boundaries of memory (2 MiB: the huge pages
  /// of `LargeBuffer`), a column belonging to the unit its first entry lies in, and each unit into
  /// panels of about `panelBytes`. Threads take the units in order, the next free one each time,
  /// so no two threads fault the same huge page at once except where a column crosses a
  /// boundary, and a thread that does not get a core leaves its share to the others instead of
  /// holding up the end (units of panels that did not follow the 2 MiB pages put two threads on
  /// the same page at every boundary).
  static func write(
    _ generator: EntryGenerator, rows: Int, cols: Int, into p: UnsafeMutableBufferPointer<Double>,
    threads: Int?, panelBytes: Int = panelBytes, alreadyZero: Bool = false,
    unitBytes: Int = LargeBuffer.hugePageBytes
  ) {
    let width = panelColumns(rows: rows, panelBytes: panelBytes)
    let base = Int(bitPattern: p.baseAddress)  // an address is Sendable, a pointer is not
    let units = unitStarts(rows: rows, cols: cols, address: base, unitBytes: unitBytes)
    let t = threadCount(rows: rows, cols: cols, units: units.count - 1, requested: threads)
    let fill: @Sendable (Int) -> Void = { unit in
      guard let out = UnsafeMutablePointer<Double>(bitPattern: base) else { return }
      var c0 = units[unit]
      while c0 < units[unit + 1] {
        let c1 = min(units[unit + 1], c0 + width)
        if alreadyZero {
          // The first touch of a fresh page must be a write: the `+=` below reads first, and a
          // read maps the kernel's shared zero page, so the write after it faults again, copies
          // (zeroes) the page and flushes the TLB of every processor running this process (an
          // interrupt to each other thread's core). `perf` showed those write-protect faults and
          // flushes as a third of the time on two threads. Writing a zero into every 4 KiB page of
          // the panel (already zero) makes the first fault the only one.
          let (first, end) = (c0 * rows, c1 * rows)
          var k = first
          while k < end {
            out[k] = 0
            k += 512 - (Int(bitPattern: out + k) & 4095) / 8
          }
        } else {
          (out + c0 * rows).update(repeating: 0, count: (c1 - c0) * rows)
        }
        generator.forEach(inColumns: c0..<c1) { i, j, v in out[i + j * rows] += v }
        c0 = c1
      }
    }
    if t == 1 {
      for unit in 0..<(units.count - 1) { fill(unit) }
      return
    }
    let next = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: t) { _ in
      while true {
        let unit = next.add(1, ordering: .relaxed).oldValue
        guard unit < units.count - 1 else { return }
        fill(unit)
      }
    }
  }

  /// The first column of each unit, then `cols`: column c belongs to the unit of `unitBytes`
  /// (counted from a multiple of `unitBytes` in memory) that holds its first entry, at
  /// `address + c·rows·8`. Units that no column starts in are left out, so every unit has at
  /// least one column; with no columns the result is `[0]` (no unit).
  static func unitStarts(rows: Int, cols: Int, address: Int, unitBytes: Int) -> [Int] {
    guard cols > 0 else { return [0] }
    let unit = max(1, unitBytes)
    let floor = address - ((address % unit) + unit) % unit
    let columnBytes = max(1, rows) * MemoryLayout<Double>.stride
    var starts = [0]
    var current = (address - floor) / unit
    for c in 1..<cols {
      let u = (address - floor + c * columnBytes) / unit
      if u != current {
        starts.append(c)
        current = u
      }
    }
    starts.append(cols)
    return starts
  }
}

extension StructuredMatrix {
  /// How many threads `materialized` and `materialize(into:)` use for a rows×cols output when
  /// not told: one below 4 MiB of output (starting threads costs more), else the active
  /// processors, at most 4. They take the 2 MiB units in turn (see `Storage.write`), so on a busy
  /// machine a thread that gets no core leaves its units to the others. (Until the first touch of
  /// every page was made a write, two threads were slower than one on fresh memory: the
  /// write-protect faults after a first read flushed the TLB of the other core at every page.)
  public static func materializationThreads(rows: Int, cols: Int) -> Int {
    let (count, o1) = rows.multipliedReportingOverflow(by: cols)
    let (bytes, o2) = count.multipliedReportingOverflow(by: MemoryLayout<Double>.stride)
    guard !o1, !o2, bytes >= LargeBuffer.hugePageThresholdBytes else { return 1 }
    return max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
  }

  /// Writes the dense matrix into `out`, a matrix of the operator's size that the caller keeps
  /// and reuses (NumPy's `out=`): no allocation, so no page faults once `out` has been written
  /// before. Layout: the operator's own rows and columns, column-major storage; every entry of
  /// `out` is overwritten.
  /// - Throws: `JacobianError.shapeMismatch` naming both sizes when `out` is not rows×cols;
  ///   `JacobianError.tooLargeToMaterialize` when a product inside has to be formed densely
  ///   above `limitBytes` (the output itself is the caller's and is not checked).
  /// `threads` is how many threads write (nil: as `materialized` chooses).
  /// - Complexity: as `materialized`, without the allocation.
  public func materialize(
    into out: inout Matrix, limitBytes: Int = StructuredMatrix.defaultMaterializationLimit, threads: Int? = nil
  ) throws {
    guard out.rows == rows, out.cols == cols else {
      throw JacobianError.shapeMismatch(
        "cannot materialise a \(rows)×\(cols) operator into a \(out.rows)×\(out.cols) matrix: the sizes differ")
    }
    try out.withUnsafeMutableEntries { p in try storage.addEntries(into: p, limitBytes: limitBytes, threads: threads) }
  }

  /// `materialized` from the structure with panels of `panelBytes` bytes of output (`Int.max`:
  /// one panel, i.e. the whole output zeroed first and then every entry added), for
  /// `jacbench materialize` to measure what the panels gain. Not for general use.
  @_spi(Benchmarks)
  public func materializedByStructure(panelBytes: Int, threads: Int?, kernelZeroes: Bool = true) throws -> Matrix {
    let limit = StructuredMatrix.defaultMaterializationLimit
    try Storage.checkSize(rows, cols, limit)
    let generator = try EntryGenerator(storage, limitBytes: limit)
    let (r, c) = (rows, cols)
    let out =
      kernelZeroes
      ? LargeBuffer.zeroed(count: r * c) { p in
        Storage.write(generator, rows: r, cols: c, into: p, threads: threads, panelBytes: panelBytes, alreadyZero: true)
      }
      : LargeBuffer.doubles(count: r * c) { p in
        Storage.write(generator, rows: r, cols: c, into: p, threads: threads, panelBytes: panelBytes)
      }
    return Matrix(rows: r, cols: c, columnMajor: out)
  }
}
