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

private let npyMagic: [UInt8] = [0x93] + Array("NUMPY".utf8)

/// The descr strings that mean little-endian float64 here.
private let npyFloat64Descrs: Set<String> = {
  #if _endian(little)
    return ["<f8", "=f8", "f8"]
  #else
    return ["<f8"]
  #endif
}()

/// The three entries of an `.npy` header dictionary.
struct NPYHeader {
  var descr: PyLiteral
  var fortranOrder: Bool
  var shape: [Int]
}

/// The Python literals an `.npy` header can hold.
indirect enum PyLiteral: Equatable {
  case string(String), int(String), bool(Bool), none, tuple([PyLiteral]), list([PyLiteral])

  /// The literal as Python's `repr` writes it.
  var repr: String {
    switch self {
    case .string(let s): return "'\(s)'"
    case .int(let digits): return digits
    case .bool(let b): return b ? "True" : "False"
    case .none: return "None"
    case .tuple(let items):
      return items.count == 1 ? "(\(items[0].repr),)" : "(\(items.map(\.repr).joined(separator: ", ")))"
    case .list(let items): return "[\(items.map(\.repr).joined(separator: ", "))]"
    }
  }
}

/// A parser for the header dictionary, a Python literal such as
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }`.
struct NPYHeaderParser {
  struct Malformed: Error { var what: String }

  private let text: [Unicode.Scalar]
  private var i = 0
  private static let maxDepth = 32

  init(_ text: [Unicode.Scalar]) { self.text = text }

  mutating func header() throws -> NPYHeader {
    skipSpace()
    try expect("{", "it does not start with '{'")
    var entries: [String: PyLiteral] = [:]
    while true {
      skipSpace()
      if peek == nil { throw fail("expected a quoted key or '}'") }
      if take("}") { break }
      guard case .string(let key) = try value(depth: 1) else { throw fail("a key is not a quoted string") }
      skipSpace()
      try expect(":", "expected ':' after the key '\(key)'")
      skipSpace()
      guard entries.updateValue(try value(depth: 1), forKey: key) == nil else {
        throw Malformed(what: "the key '\(key)' appears twice")
      }
      skipSpace()
      if take("}") { break }
      try expect(",", "expected ',' or '}' after the value of '\(key)'")
    }
    skipSpace()
    guard i == text.count else { throw fail("unexpected text after the closing '}'") }
    let keys = ["descr", "fortran_order", "shape"]
    if let extra = entries.keys.sorted().first(where: { !keys.contains($0) }) {
      throw Malformed(
        what: "unexpected key '\(extra)'; the keys must be exactly 'descr', 'fortran_order' and 'shape'")
    }
    guard let descr = entries["descr"], let fortran = entries["fortran_order"], let shape = entries["shape"]
    else {
      let missing = keys.filter { entries[$0] == nil }.map { "'\($0)'" }.joined(separator: ", ")
      throw Malformed(what: "it lacks \(missing)")
    }
    guard case .bool(let fortranOrder) = fortran else {
      throw Malformed(what: "'fortran_order' is \(fortran.repr), not True or False")
    }
    guard case .tuple(let items) = shape else {
      throw Malformed(what: "'shape' is \(shape.repr), not a tuple of sizes")
    }
    var sizes: [Int] = []
    for item in items {
      guard case .int(let digits) = item else {
        throw Malformed(what: "'shape' \(shape.repr) holds \(item.repr), not a size")
      }
      guard let n = Int(digits) else { throw Malformed(what: "the size \(digits) in 'shape' is too large") }
      guard n >= 0 else { throw Malformed(what: "'shape' \(shape.repr) has a negative size") }
      sizes.append(n)
    }
    return NPYHeader(descr: descr, fortranOrder: fortranOrder, shape: sizes)
  }

  private var peek: Unicode.Scalar? { i < text.count ? text[i] : nil }

  private func fail(_ what: String) -> Malformed { Malformed(what: "\(what) at character \(i)") }

  private mutating func take(_ c: Unicode.Scalar) -> Bool {
    guard peek == c else { return false }
    i += 1
    return true
  }

  private mutating func expect(_ c: Unicode.Scalar, _ what: String) throws {
    guard take(c) else { throw fail(what) }
  }

  private mutating func skipSpace() {
    while let c = peek, c == " " || c == "\t" || c == "\n" || c == "\r" { i += 1 }
  }

  private mutating func value(depth: Int) throws -> PyLiteral {
    guard depth <= Self.maxDepth else { throw fail("values are nested more than \(Self.maxDepth) deep") }
    guard let c = peek else { throw fail("the header ends where a value should be") }
    switch c {
    case "'", "\"":
      i += 1
      var s = String.UnicodeScalarView()
      while let d = peek, d != c {
        i += 1
        if d == "\\", let e = peek {
          s.append(e)
          i += 1
        } else {
          s.append(d)
        }
      }
      try expect(c, "a string is not closed")
      return .string(String(s))
    case "(", "[":
      i += 1
      let close: Unicode.Scalar = c == "(" ? ")" : "]"
      var items: [PyLiteral] = []
      var sawComma = false
      while true {
        skipSpace()
        if take(close) { break }
        items.append(try value(depth: depth + 1))
        skipSpace()
        if take(close) { break }
        try expect(",", "expected ',' or '\(close)'")
        sawComma = true
      }
      if c == "[" { return .list(items) }
      if items.count == 1 && !sawComma { return items[0] }  // (5) is 5, not a tuple
      return .tuple(items)
    case "-", "+", "0"..."9":
      let start = i
      i += 1
      while let d = peek, ("0"..."9").contains(d) { i += 1 }
      guard ("0"..."9").contains(text[i - 1]) else { throw fail("a sign without digits") }
      return .int(String(String.UnicodeScalarView(text[(c == "+" ? start + 1 : start)..<i])))
    default:
      let start = i
      while let d = peek, d.properties.isAlphabetic || d == "_" || ("0"..."9").contains(d) { i += 1 }
      switch String(String.UnicodeScalarView(text[start..<i])) {
      case "True": return .bool(true)
      case "False": return .bool(false)
      case "None": return .none
      case "": throw fail("unexpected character '\(c)'")
      case let name:
        i = start
        throw fail("unexpected name '\(name)'")
      }
    }
  }
}

/// File access through POSIX calls, with `strerror` reasons in the errors.
enum POSIXFile {
  static func failure(_ path: String, _ verb: String, _ code: Int32) -> MatrixError {
    .file(path: path, reason: "cannot be \(verb): \(String(cString: strerror(code)))")
  }

  /// The bytes of the regular file at `path`, at most `limit` of them. The size comes from
  /// `fstat` before anything is allocated; devices (`/dev/zero`), pipes, sockets and directories
  /// are refused, as are files larger than `limit`. Opening does not block on a FIFO.
  static func contents(of path: String, limit: Int) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
    guard fd >= 0 else { throw failure(path, "read", errno) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw failure(path, "read", errno) }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
      let kind: String
      switch info.st_mode & S_IFMT {
      case S_IFDIR: kind = "a directory"
      case S_IFCHR, S_IFBLK: kind = "a device"
      case S_IFIFO: kind = "a pipe"
      case S_IFSOCK: kind = "a socket"
      default: kind = "not a regular file"
      }
      throw MatrixError.file(path: path, reason: "cannot be read as a .npy file: it is \(kind), not a regular file")
    }
    let size = Int(info.st_size)
    guard size <= limit else {
      throw MatrixError.file(
        path: path, reason: "is too large to read: \(size) bytes, above the limit of \(limit) bytes")
    }
    var out = [UInt8](repeating: 0, count: size)
    var filled = 0
    while filled < size {
      let n = out.withUnsafeMutableBytes { buffer -> Int in
        guard let base = buffer.baseAddress else { return 0 }
        return read(fd, base + filled, size - filled)
      }
      if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
      guard n >= 0 else { throw failure(path, "read", errno) }
      if n == 0 { break }  // the file shrank while being read: decode what is there
      filled += n
    }
    if filled < size { out.removeSubrange(filled...) }
    return out
  }

  /// Writes `bytes` to `path` whole or not at all, and so that no temporary file lingers.
  ///
  /// The bytes go first to an unnamed file in the target's directory (Linux `O_TMPFILE`): a
  /// process killed while writing, even by SIGKILL, leaves nothing behind. The finished file is
  /// then linked as `.NAME.tmp-PID-RANDOM` and renamed over `path` at once. Only a kill in the
  /// instant between those two calls, or a file system without `O_TMPFILE` (where the named
  /// temporary is written directly), can leave a `.NAME.tmp-PID-*` file; every later write to
  /// the same `path` removes such files whose process no longer runs.
  /// `mode`, when given, is the file's permission bits (applied before it is named); otherwise
  /// the process's umask decides, as for a new file.
  static func replace(_ path: String, with bytes: [UInt8], mode: mode_t? = nil) throws {
    let slash = path.lastIndex(of: "/")
    let directory = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    guard !name.isEmpty else {
      throw MatrixError.file(path: path, reason: "cannot be written: the path names a directory")
    }
    let stem = String(decoding: name.utf8.prefix(100), as: UTF8.self)  // stay within NAME_MAX
    let prefix = ".\(stem).tmp-"
    removeStaleTemporaries(in: directory, prefix: prefix)
    let temporary =
      "\(directory)\(prefix)\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
    var code: Int32 = 0
    if let fd = openUnnamed(in: directory) {
      code = writeAll(fd, bytes)
      if code == 0, let mode, fchmod(fd, mode) != 0 { code = errno }
      if code == 0 && linkat(AT_FDCWD, "/proc/self/fd/\(fd)", AT_FDCWD, temporary, AT_SYMLINK_FOLLOW) != 0 {
        code = errno
      }
      close(fd)
      if code == 0 {
        if rename(temporary, path) != 0 {
          code = errno
          unlink(temporary)
        }
        if code != 0 { throw failure(path, "written", code) }
        return
      }
      // Fall back to a named temporary (e.g. /proc is not mounted).
      unlink(temporary)
    }
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    guard fd >= 0 else { throw failure(path, "written", errno) }
    code = writeAll(fd, bytes)
    if code == 0, let mode, fchmod(fd, mode) != 0 { code = errno }
    if close(fd) != 0 && code == 0 { code = errno }
    if code == 0 && rename(temporary, path) != 0 { code = errno }
    if code != 0 {
      unlink(temporary)
      throw failure(path, "written", code)
    }
  }

  /// An unnamed, writable file in `directory` (`O_TMPFILE`), or nil where that is not supported.
  private static func openUnnamed(in directory: String) -> Int32? {
    #if os(Linux)
      let oTmpfile: Int32 = 0o20000000 | O_DIRECTORY  // __O_TMPFILE | O_DIRECTORY, as <fcntl.h>
      let fd = open(directory.isEmpty ? "." : directory, oTmpfile | O_WRONLY | O_CLOEXEC, 0o666)
      return fd >= 0 ? fd : nil
    #else
      return nil
    #endif
  }

  /// Writes every byte and syncs; 0 or the `errno` of the failure.
  private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32 {
    var code: Int32 = 0
    let written = bytes.withUnsafeBytes { buffer -> Bool in
      var offset = 0
      while offset < buffer.count {
        let n = write(fd, buffer.baseAddress?.advanced(by: offset), buffer.count - offset)
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else {
          code = n == 0 ? EIO : errno
          return false
        }
        offset += n
      }
      return true
    }
    if written && fsync(fd) != 0 { code = errno }
    return code
  }

  /// Removes `PREFIX<pid>-<random>` files in `directory` whose process `pid` has ended: what a
  /// write killed at the wrong instant left behind. Files of running processes, and names of
  /// any other form, are left alone.
  private static func removeStaleTemporaries(in directory: String, prefix: String) {
    guard let dir = opendir(directory.isEmpty ? "." : directory) else { return }
    defer { closedir(dir) }
    var stale: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
      guard name.hasPrefix(prefix) else { continue }
      let rest = name.dropFirst(prefix.count).split(separator: "-", omittingEmptySubsequences: false)
      guard rest.count == 2, let pid = Int32(rest[0]), pid > 0, pid != getpid(),
        !rest[1].isEmpty, rest[1].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
      else { continue }
      if kill(pid, 0) != 0 && errno == ESRCH { stale.append(name) }
    }
    for name in stale { unlink(directory + name) }
  }
}
