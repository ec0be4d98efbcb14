import CLapack

#if canImport(Glibc)
  import Glibc
#endif

// Which way round a GEMM is handed to BLAS.
//
// `C = op(A)·op(B)` (m×n) can be computed as it stands, or as `Cᵀ = op(B)ᵀ·op(A)ᵀ` (n×m, the same
// multiply-adds with the transpose flags swapped) followed by one transposed copy of the n×m
// result into C. The two differ only in how the BLAS splits the work over its threads. OpenBLAS
// (0.3.21, Debian's, which this package links) divides the rows of its C among its threads and
// hands a product with fewer than 64 rows to its threads badly: on two threads, 50×k·k×n
// products ran 10–25% faster the other way round, copy included, for k ≥ 256 and n ≥ 2m
// (measured on this machine over m = 16…160, k = 120…2000, n = 2m…1600; `Benchmarks/README.md`,
// "GEMM orientation"). For m ≥ 64, for k < 256 (where the copy and the repacking cost more than
// they save) and on one thread the product is computed as it stands.

/// How a product is handed to BLAS (`Matrix.product(_:_:_:_:alpha:orientation:)`); the result
/// is the same m×n column-major matrix either way, up to rounding.
public enum GemmOrientation: Sendable, Equatable, CaseIterable {
  /// `C = op(A)·op(B)` into C.
  case direct
  /// `Cᵀ = op(B)ᵀ·op(A)ᵀ` into a temporary n×m matrix, then copied transposed into C.
  case transposed

  /// Products with fewer rows than this are computed the other way round when that gives the
  /// BLAS at least twice as many rows to split.
  public static let fewRows = 64
  /// Inner sizes below this keep the direct orientation (the copy is not paid back).
  public static let minimumInner = 256

  /// The orientation `Matrix` products use for an m×k·k×n product on `threads` BLAS threads:
  /// `.transposed` when `threads ≥ 2`, `m < fewRows`, `n ≥ max(2m, 128)` and
  /// `k ≥ minimumInner`, `.direct` otherwise (see the file's comment for the measurements).
  public static func choose(m: Int, n: Int, k: Int, threads: Int) -> GemmOrientation {
    threads >= 2 && m < fewRows && n >= max(2 * m, 128) && k >= minimumInner ? .transposed : .direct
  }
}

/// The number of threads the linked BLAS multiplies with, read from OpenBLAS's
/// `openblas_get_num_threads` when the BLAS is OpenBLAS (looked up at run time, so another BLAS
/// links too); 1 when the BLAS does not say.
public enum BLASThreads {
  private typealias Getter = @convention(c) () -> Int32

  private static let getter: Getter? = {
    #if os(Linux)
      guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "openblas_get_num_threads") else { return nil }
      return unsafeBitCast(symbol, to: Getter.self)
    #else
      return nil
    #endif
  }()

  /// Whether the linked BLAS says how many threads it uses (OpenBLAS does).
  public static var isKnown: Bool { getter != nil }

  /// The current thread count (it can change at run time through `openblas_set_num_threads`).
  public static var current: Int { getter.map { Int($0()) } ?? 1 }
}

extension Matrix {
  /// `alpha · op(A) · op(B)` (m×n) computed as `(op(B)ᵀ · op(A)ᵀ)ᵀ`: one GEMM into an n×m
  /// temporary, then its transpose written into the result (column-major, like every Matrix).
  @usableFromInline
  static func gemmTransposed(
    _ a: Matrix, _ ta: Transposition, _ b: Matrix, _ tb: Transposition, m: Int, n: Int, k: Int,
    alpha: Double
  ) -> [Double] {
    let flip: (Transposition) -> CBLAS_TRANSPOSE = { $0 == .none ? CblasTrans : CblasNoTrans }
    let t = [Double](unsafeUninitializedCapacity: n * m) { buffer, initialized in
      a.storage.withUnsafeBufferPointer { pa in
        b.storage.withUnsafeBufferPointer { pb in
          cblas_dgemm(
            CblasColMajor, flip(tb), flip(ta), Int32(n), Int32(m), Int32(k), alpha,
            pb.baseAddress, Int32(max(b.rows, 1)), pa.baseAddress, Int32(max(a.rows, 1)), 0,
            buffer.baseAddress, Int32(n))
        }
      }
      initialized = n * m
    }
    return LargeBuffer.doubles(count: m * n) { c in
      t.withUnsafeBufferPointer { Matrix.transpose($0, rows: n, cols: m, into: c) }
    }
  }
}
