import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An n-dimensional array of `Double` as NumPy stores it in a `.npy` file.
///
/// ## Memory layout
/// `values` are in row-major (C) order, the last index varying fastest, as in NumPy's default;
/// `Matrix` is column-major, so the conversions between the two reorder the entries.
///
/// Reading accepts format versions 1.0, 2.0 and 3.0, dtype little-endian float64 (`'<f8'`), C or
/// Fortran order, any rank. Writing produces version 1.0 (2.0 for headers over 65535 bytes),
/// `'<f8'`, C order, with the data aligned to 64 bytes as NumPy does.
public struct NPYArray: Sendable, Equatable {
  /// The size of each axis; `[]` is a 0-d scalar holding one value.
  public let shape: [Int]
  /// The entries in row-major (C) order; there are as many as the product of `shape`.
  public let values: [Double]

  /// An array from its shape and its entries in row-major (C) order.
  /// - Precondition: sizes non-negative and `values.count` equal to their product.
  public init(shape: [Int], values: [Double]) {
    precondition(shape.allSatisfy { $0 >= 0 }, "NPYArray sizes must be non-negative, got \(shape)")
    precondition(
      NPYArray.count(of: shape) == values.count,
      "NPYArray of shape \(NPYArray.tuple(shape)) cannot hold \(values.count) values")
    self.shape = shape
    self.values = values
  }

  /// The 2-D array `[rows, cols]` with the entries of `matrix` in row-major (C) order.
  public init(matrix: Matrix) {
    self.init(shape: [matrix.rows, matrix.cols], values: matrix.rowMajorFlattened)
  }

  /// The array as a column-major `Matrix`: a 1-D array of length n becomes an n×1 column, a
  /// 2-D array keeps its shape. Throws `MatrixError.invalidArgument` for any other rank.
  public func matrix() throws -> Matrix {
    if let m = asMatrix() { return m }
    if shape.contains(where: { $0 > Matrix.maximumDimension }) {
      throw MatrixError.invalidArgument(
        "an array of shape \(NPYArray.tuple(shape)) is not a matrix: a size is above \(Matrix.maximumDimension)")
    }
    throw MatrixError.invalidArgument(
      "an array of shape \(NPYArray.tuple(shape)) is not a matrix: "
        + "only 1-D arrays (read as a column) and 2-D arrays are"
    )
  }

  func asMatrix() -> Matrix? {
    guard shape.allSatisfy({ $0 <= Matrix.maximumDimension }) else { return nil }
    switch shape.count {
    case 1: return Matrix(column: values)
    case 2: return Matrix(rows: shape[0], cols: shape[1], rowMajor: values)
    default: return nil
    }
  }

  /// Why this array cannot be a matrix, completing a sentence that starts with its file name.
  var notAMatrixReason: String {
    if let big = shape.first(where: { $0 > Matrix.maximumDimension }) {
      return "holds an array of shape \(NPYArray.tuple(shape)), whose size \(big) is above the largest "
        + "matrix size \(Matrix.maximumDimension)"
    }
    return "holds an array of shape \(NPYArray.tuple(shape)); a matrix needs a 1-D (read as a column) or 2-D array"
  }

  /// The longest `.npy` header dictionary that is read (1 MiB; NumPy's own default is 10,000
  /// bytes), so that a hostile header cannot make the parser allocate without bound.
  public static let maximumHeaderBytes = 1 << 20
  /// The largest `.npy` file that is read: 2 GiB (the default limit for materialising a dense
  /// Jacobian, 2²⁸ float64 values) plus room for the header. Larger files are refused before
  /// anything is allocated.
  public static let maximumFileBytes = (1 << 31) + (1 << 21)

  /// Reads the `.npy` file at `path`. Throws `MatrixError.file` naming `path` when it cannot be
  /// read or is not a float64 `.npy` file: only regular files are read (not `/dev/zero`, pipes
  /// or directories), and only up to `maximumFileBytes`; the size is taken from the file system
  /// before anything is allocated, so reading is bounded by the file's real size.
  public init(contentsOf path: String) throws {
    try self.init(data: POSIXFile.contents(of: path, limit: NPYArray.maximumFileBytes), name: path)
  }

  /// Decodes the bytes of an `.npy` file; `name` identifies it in error messages.
  /// Throws `MatrixError.file(path: name, …)` for anything but a complete, well-formed float64
  /// file (bad magic, unsupported version, malformed header, other dtype, truncated data, trailing
  /// bytes). Never traps, whatever the bytes.
  public init(data bytes: [UInt8], name: String) throws {
    func fail(_ reason: String) -> MatrixError { .file(path: name, reason: reason) }
    guard bytes.starts(with: npyMagic) else {
      throw fail(
        bytes.isEmpty
          ? "is not a NumPy .npy file: it is empty"
          : "is not a NumPy .npy file: it does not start with the magic string \\x93NUMPY")
    }
    guard bytes.count >= 8 else { throw fail("is truncated: it ends inside the .npy preamble") }
    let (major, minor) = (bytes[6], bytes[7])
    guard minor == 0, (1...3).contains(major) else {
      throw fail("uses .npy format version \(major).\(minor); only versions 1.0, 2.0 and 3.0 are supported")
    }
    let headerStart = major == 1 ? 10 : 12
    guard bytes.count >= headerStart else { throw fail("is truncated: it ends inside the .npy preamble") }
    let headerLength = bytes[8..<headerStart].reversed().reduce(0) { $0 << 8 | Int($1) }
    guard headerLength <= NPYArray.maximumHeaderBytes else {
      throw fail(
        "has a header of \(headerLength) bytes, above the limit of \(NPYArray.maximumHeaderBytes) bytes "
          + "(NumPy itself reads at most 10000 by default)")
    }
    let dataStart = headerStart + headerLength
    guard bytes.count >= dataStart else {
      throw fail(
        "is truncated: its header should be \(headerLength) bytes long "
          + "but only \(bytes.count - headerStart) bytes follow the preamble"
      )
    }
    let headerBytes = bytes[headerStart..<dataStart]
    let header: NPYHeader
    do {
      let text: [Unicode.Scalar]
      if major == 3 {
        guard let s = String(validating: headerBytes, as: UTF8.self) else {
          throw NPYHeaderParser.Malformed(what: "a version 3.0 header must be UTF-8, and this one is not")
        }
        text = Array(s.unicodeScalars)
      } else {
        text = headerBytes.map { Unicode.Scalar($0) }  // Latin-1
      }
      var parser = NPYHeaderParser(text)
      header = try parser.header()
    } catch let e as NPYHeaderParser.Malformed {
      throw fail("has a malformed header: \(e.what)")
    }
    guard case .string(let descr) = header.descr, npyFloat64Descrs.contains(descr) else {
      throw fail(
        "holds \(header.descr.repr) values; jac reads only float64 ('<f8'): convert with a.astype(np.float64)"
      )
    }
    guard let count = NPYArray.count(of: header.shape),
      case let (byteCount, false) = count.multipliedReportingOverflow(by: 8)
    else {
      throw fail(
        "has a malformed header: shape \(NPYArray.tuple(header.shape)) has more entries than fit in memory")
    }
    let available = bytes.count - dataStart
    let promise = "\(count) value\(count == 1 ? "" : "s") (\(byteCount) bytes)"
    guard available >= byteCount else {
      throw fail("is truncated: the header promises \(promise) but \(available) bytes follow")
    }
    guard available == byteCount else {
      throw fail(
        "has \(available - byteCount) bytes of trailing data after the \(promise) its header promises")
    }
    let raw = bytes.withUnsafeBytes { buffer in
      (0..<count).map { k in
        Double(
          bitPattern: UInt64(
            littleEndian: buffer.loadUnaligned(fromByteOffset: dataStart + 8 * k, as: UInt64.self)))
      }
    }
    self.init(
      shape: header.shape,
      values: header.fortranOrder ? NPYArray.cOrder(fromFortran: raw, shape: header.shape) : raw)
  }

  /// The bytes of the `.npy` file for this array: version 1.0 (2.0 if the header exceeds 65535
  /// bytes), `'<f8'`, C order, data starting at a multiple of 64 bytes.
  public func encoded() -> [UInt8] {
    let dict = Array("{'descr': '<f8', 'fortran_order': False, 'shape': \(NPYArray.tuple(shape)), }".utf8)
    func padded(after preamble: Int) -> [UInt8] {
      let pad = (64 - (preamble + dict.count + 1) % 64) % 64
      return dict + [UInt8](repeating: 0x20, count: pad) + [0x0A]
    }
    var header = padded(after: 10)
    var version: UInt8 = 1
    if header.count > 0xFFFF {
      header = padded(after: 12)
      version = 2
    }
    var out = npyMagic + [version, 0]
    out.reserveCapacity(12 + header.count + 8 * values.count)
    for k in 0..<(version == 1 ? 2 : 4) { out.append(UInt8(truncatingIfNeeded: header.count >> (8 * k))) }
    out += header
    for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
    return out
  }

  /// Writes the array to `path` as an `.npy` file (see `encoded()`), whole or not at all: the
  /// bytes go to a temporary file in the same directory, which is then renamed over `path`.
  /// Throws `MatrixError.file` naming `path` and the operating system's reason on failure, and
  /// leaves no temporary file behind.
  public func write(to path: String) throws {
    try POSIXFile.replace(path, with: encoded())
  }

  /// The number of entries of `shape`, or `nil` if it overflows `Int`.
  static func count(of shape: [Int]) -> Int? {
    if shape.contains(0) { return 0 }
    var n = 1
    for d in shape {
      let (p, overflow) = n.multipliedReportingOverflow(by: d)
      if overflow { return nil }
      n = p
    }
    return n
  }

  /// A shape written as a Python tuple: `(3, 2)`, `(5,)`, `()`.
  static func tuple(_ shape: [Int]) -> String {
    shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
  }

  /// Reorders `values` stored in Fortran order (first index fastest) into C order.
  static func cOrder(fromFortran values: [Double], shape: [Int]) -> [Double] {
    guard shape.count > 1, !values.isEmpty else { return values }
    var stride = [Int](repeating: 1, count: shape.count)
    for k in 1..<shape.count { stride[k] = stride[k - 1] * shape[k - 1] }
    var out: [Double] = []
    out.reserveCapacity(values.count)
    var index = [Int](repeating: 0, count: shape.count)
    var offset = 0
    for _ in 0..<values.count {
      out.append(values[offset])
      var k = shape.count - 1
      while k >= 0 {  // advance the C-order index, last axis fastest
        index[k] += 1
        offset += stride[k]
        if index[k] < shape[k] { break }
        offset -= stride[k] * shape[k]
        index[k] = 0
        k -= 1
      }
    }
    return out
  }
}

extension Matrix {
  /// Reads a float64 `.npy` file: a 2-D array (C or Fortran order) as is, a 1-D array of length n
  /// as an n×1 column. Throws `MatrixError.file` naming `path` for other ranks and bad files.
  public init(npyFile path: String) throws {
    try self.init(npy: NPYArray(contentsOf: path), name: path)
  }

  /// The matrix of `.npy` bytes held in memory (an upload), as `init(npyFile:)` reads a file;
  /// errors name `name`.
  public init(npyBytes bytes: [UInt8], name: String) throws {
    try self.init(npy: NPYArray(data: bytes, name: name), name: name)
  }

  private init(npy array: NPYArray, name: String) throws {
    guard let m = array.asMatrix() else {
      throw MatrixError.file(path: name, reason: array.notAMatrixReason)
    }
    self = m
  }

  /// Writes the matrix to `path` as a 2-D `'<f8'` `.npy` file in C order, exactly the numbers in
  /// the matrix, whole or not at all (see `NPYArray.write(to:)`).
  public func writeNPY(to path: String) throws {
    try NPYArray(matrix: self).write(to: path)
  }
}
