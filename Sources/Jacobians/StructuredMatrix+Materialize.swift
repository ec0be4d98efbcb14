import Dispatch
import Foundation
import MatrixCore

// Dense materialisation that follows the structure, panel by panel: the output's columns are cut
// into panels of about `panelBytes`, and each panel is zeroed and then receives every stored entry
// of every term that falls in its columns (`EntryGenerator` enumerates entries for a range of
// columns without sorting anything), so a panel is faulted in, zeroed and filled while it is in
// cache instead of the whole buffer being zeroed first and then hit by scattered additions. A
// Kronecker product writes the products of its factors' entries, a commutation moves entries
// instead of multiplying by a permutation matrix, so ∂(RᵀR)/∂R = (Iₙ⊗Rᵀ) + (Rᵀ⊗Iₙ)K(n,n) costs
// one write of zeros and 2n³ additions, not n⁵ multiply-adds. Large outputs are filled by several
// threads, each taking one contiguous run of panels (the first touch of fresh memory, the
// kernel's zeroing of the page, is most of the time, and it runs in parallel on separate pages).

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

  /// Outputs below this many bytes are written by one thread (starting threads costs more).
  static let threadedBytes = LargeBuffer.hugePageThresholdBytes

  /// The number of threads for a rows×cols output: `requested` when given, else
  /// `StructuredMatrix.materializationThreads`; never more than the panels.
  static func threadCount(rows: Int, cols: Int, panelColumns: Int, requested: Int?) -> Int {
    let panels = cols == 0 ? 0 : (cols + panelColumns - 1) / panelColumns
    let wanted = requested ?? StructuredMatrix.materializationThreads(rows: rows, cols: cols)
    return max(1, min(wanted, panels))
  }

  /// The columns per panel for `rows` rows (at least one).
  static func panelColumns(rows: Int, panelBytes: Int = panelBytes) -> Int {
    max(1, panelBytes / max(1, rows * 8))
  }

  /// Zeroes (unless `alreadyZero`) and fills `p` (rows×cols, column-major) panel by panel from
  /// `generator`, on `threads` threads (nil: `threadCount`'s choice), each taking one contiguous
  /// run of the panels.
  static func write(
    _ generator: EntryGenerator, rows: Int, cols: Int, into p: UnsafeMutableBufferPointer<Double>,
    threads: Int?, panelBytes: Int = panelBytes, alreadyZero: Bool = false
  ) {
    let width = panelColumns(rows: rows, panelBytes: panelBytes)
    let panels = cols == 0 ? 0 : (cols + width - 1) / width
    let t = threadCount(rows: rows, cols: cols, panelColumns: width, requested: threads)
    let base = Int(bitPattern: p.baseAddress)  // an address is Sendable, a pointer is not
    let fill: @Sendable (Int, Int) -> Void = { firstPanel, endPanel in
      guard let out = UnsafeMutablePointer<Double>(bitPattern: base) else { return }
      for panel in firstPanel..<endPanel {
        let (c0, c1) = (panel * width, min(cols, (panel + 1) * width))
        if !alreadyZero { (out + c0 * rows).update(repeating: 0, count: (c1 - c0) * rows) }
        generator.forEach(inColumns: c0..<c1) { i, j, v in out[i + j * rows] += v }
      }
    }
    if t == 1 {
      fill(0, panels)
      return
    }
    // Each thread takes one contiguous run of panels, so the threads fault separate huge pages
    // (runs handed out in turn put both threads on the same 2 MiB page at every run boundary,
    // where one waits for the other's fault: measured 1.5× slower than one thread at n = 48).
    DispatchQueue.concurrentPerform(iterations: t) { k in fill(k * panels / t, (k + 1) * panels / t) }
  }
}

extension StructuredMatrix {
  /// How many threads `materialized` and `materialize(into:)` use for a rows×cols output when
  /// not told: one. Two threads faulting fresh huge pages were erratic on this machine even when
  /// idle (∂(RᵀR)/∂R at n = 48: 8.9 and 61.8 ms on two threads against 8.1 and 8.3 on one; the
  /// two-thread write reference did the same), and a second thread on a busy machine only waits
  /// for a core (`Benchmarks/README.md`, "Materialisation"); pass `threads:` to use more.
  public static func materializationThreads(rows: Int, cols: Int) -> Int { 1 }

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
