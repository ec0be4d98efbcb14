import Foundation
import Testing

@testable import MatrixCore

#if canImport(Glibc)
  import Glibc
#endif

/// The `.npy` header bytes for `dict`, version 1.0, padded as NumPy pads.
private func npyBytes(_ dict: String, data: [UInt8] = []) -> [UInt8] {
  let d = Array(dict.utf8)
  let pad = (64 - (10 + d.count + 1) % 64) % 64
  let header = d + [UInt8](repeating: 0x20, count: pad) + [0x0A]
  return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header + data
}

/// A fresh directory removed after `body`.
private func withDirectory<T>(_ body: (String) throws -> T) throws -> T {
  let path = FileManager.default.temporaryDirectory.path + "/hostile-\(UUID().uuidString)"
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
  defer { try? FileManager.default.removeItem(atPath: path) }
  return try body(path)
}

@Suite struct HostileNPYTests {
  /// Shapes with an empty axis hold no data however large the other axis: they decode, but
  /// are not matrices (a size above 2³¹−1 cannot reach BLAS), and nothing loops over the size.
  @Test func emptyAxisWithAHugeOtherAxisIsRefusedQuickly() throws {
    for shape in ["(100000000000000000, 0)", "(0, 100000000000000000)", "(0, 4611686018427387904)"] {
      let bytes = npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': \(shape), }")
      let start = Date()
      let array = try NPYArray(data: bytes, name: "e.npy")
      #expect(array.values.isEmpty)
      #expect(throws: MatrixError.self) { try array.matrix() }
      try withDirectory { dir throws in
        let path = dir + "/e.npy"
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let error = try #require(throws: MatrixError.self) { try Matrix(npyFile: path) }
        #expect("\(error)".contains("above the largest matrix size"), "\(error)")
      }
      // A loop over the size would never end; 30 s leaves room for a loaded machine.
      #expect(Date().timeIntervalSince(start) < 30)
    }
    // An empty matrix within the limits is fine, and transposing it does not loop over its size
    // (2³¹−1 columns: seconds if it did). The best of three timings, so that a busy machine that
    // pauses the test once does not fail it.
    let wide = Matrix(rows: 0, cols: Matrix.maximumDimension, columnMajor: [])
    let best = (0..<3).map { _ -> TimeInterval in
      let start = Date()
      #expect(wide.transposed.shape == Shape(Matrix.maximumDimension, 0))
      return Date().timeIntervalSince(start)
    }.min()!
    #expect(best < 0.5, "transposing an empty 0×(2³¹−1) matrix took \(best) s")
  }

  @Test func devicesPipesAndDirectoriesAreNotRead() throws {
    for path in ["/dev/zero", "/dev/null", "/dev/urandom"] {
      let error = try #require(throws: MatrixError.self) { try NPYArray(contentsOf: path) }
      #expect("\(error)" == "\(path) cannot be read as a .npy file: it is a device, not a regular file")
    }
    try withDirectory { dir throws in
      let fifo = dir + "/pipe.npy"
      #expect(mkfifo(fifo, 0o600) == 0)
      // Opening does not block (no writer), and the pipe is refused.
      let error = try #require(throws: MatrixError.self) { try NPYArray(contentsOf: fifo) }
      #expect("\(error)".hasSuffix("it is a pipe, not a regular file"))
    }
  }

  @Test func hugeHeadersAreRefusedBeforeParsing() throws {
    // A version 2.0 header claiming 2 GiB, and a real 2 MiB one: both above the 1 MiB cap.
    let claimed: [UInt8] = [0x93] + Array("NUMPY".utf8) + [2, 0, 0, 0, 0, 0x80] + Array("{".utf8)
    let e1 = try #require(throws: MatrixError.self) { try NPYArray(data: claimed, name: "h.npy") }
    #expect("\(e1)".contains("above the limit of \(NPYArray.maximumHeaderBytes) bytes"))
    let big = 2 << 20
    var real: [UInt8] = [0x93] + Array("NUMPY".utf8) + [2, 0]
    for k in 0..<4 { real.append(UInt8(truncatingIfNeeded: big >> (8 * k))) }
    real += [UInt8](repeating: 0x20, count: big)
    let e2 = try #require(throws: MatrixError.self) { try NPYArray(data: real, name: "h.npy") }
    #expect("\(e2)".contains("above the limit"))
  }

  @Test func truncatedFilesAtEveryLengthAreErrors() throws {
    let full = NPYArray(shape: [3, 2], values: [1, 2, 3, 4, 5, 6]).encoded()
    for n in 0..<full.count {
      #expect(throws: MatrixError.self) { try NPYArray(data: Array(full.prefix(n)), name: "t.npy") }
    }
    #expect(try NPYArray(data: full, name: "t.npy").shape == [3, 2])
  }

  @Test func aHeaderPromisingMoreThanTheFileHoldsIsAnError() throws {
    // 10¹² entries promised, 16 bytes present: refused from the size, nothing allocated.
    let bytes = npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }", data: [UInt8](repeating: 0, count: 16))
    let error = try #require(throws: MatrixError.self) { try NPYArray(data: bytes, name: "p.npy") }
    #expect("\(error)".contains("is truncated"))
    let overflow = npyBytes("{'descr': '<f8', 'fortran_order': True, 'shape': (4294967296, 4294967296, 4), }")
    #expect(throws: MatrixError.self) { try NPYArray(data: overflow, name: "o.npy") }
  }
}

@Suite struct MatrixInvariantTests {
  @Test func checkedInitialiserRefusesWrongCountsAndSizes() {
    #expect(throws: MatrixError.self) { try Matrix(rows: 2, cols: 3, checkedColumnMajor: [1, 2, 3]) }
    #expect(throws: MatrixError.self) { try Matrix(rows: -1, cols: 3, checkedColumnMajor: []) }
    #expect(throws: MatrixError.self) { try Matrix(rows: Int.max, cols: 2, checkedColumnMajor: []) }
    #expect(throws: MatrixError.self) { try Matrix(rows: 1 << 40, cols: 0, checkedColumnMajor: []) }
    #expect((try? Matrix(rows: 2, cols: 1, checkedColumnMajor: [1, 2]))?.storage == [1, 2])
    #expect(Matrix.checkedCount(rows: 1 << 31, cols: 1) == nil)
    #expect(Matrix.checkedCount(rows: Matrix.maximumDimension, cols: Matrix.maximumDimension) != nil)
  }

  @Test func entriesChangeInPlaceWithoutChangingTheCount() {
    var m = Matrix.zeros(2, 3)
    m[linear: 4] = 7
    m[1, 2] += 1
    m.withUnsafeMutableEntries { buffer in for k in buffer.indices { buffer[k] += 1 } }
    #expect(m.storage == [1, 1, 1, 1, 8, 2])
    #expect(m.count == m.rows * m.cols)
    #expect(m[0, 2] == 8)
  }

  @Test func shapeCountSaturatesInsteadOfTrapping() {
    #expect(Shape(Int.max, 2).count == Int.max)
    #expect(Shape(Int.max, 2).checkedCount == nil)
    #expect(Shape(3, 4).count == 12)
  }
}

@Suite struct AtomicWriteTests {
  /// A write leaves only its target: no `.NAME.tmp-*` file, even transiently visible after it
  /// returns; and stale temporaries of ended processes (what a SIGKILL at the wrong instant
  /// leaves) are removed by the next write to the same path, while those of live processes and
  /// files of other names are kept.
  @Test func writesLeaveNoTemporaryAndCleanStaleOnes() throws {
    try withDirectory { dir throws in
      let path = dir + "/J.npy"
      // A pid far above any pid_max on Linux (2²²) belongs to no process.
      let stale = dir + "/.J.npy.tmp-99999999-abc123"
      let live = dir + "/.J.npy.tmp-\(getppid())-abc123"
      let other = dir + "/.J.npy.tmp-notes"
      let unrelated = dir + "/.K.npy.tmp-99999999-abc123"
      for p in [stale, live, other, unrelated] { _ = FileManager.default.createFile(atPath: p, contents: Data([1])) }
      try Matrix.identity(3).writeNPY(to: path)
      let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
      #expect(names == [".J.npy.tmp-\(getppid())-abc123", ".J.npy.tmp-notes", ".K.npy.tmp-99999999-abc123", "J.npy"])
      #expect(try Matrix(npyFile: path) == Matrix.identity(3))
      // Overwriting keeps exactly one file.
      try Matrix.zeros(2, 2).writeNPY(to: path)
      #expect(try Matrix(npyFile: path) == Matrix.zeros(2, 2))
      #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".J.npy.tmp-") }.count == 2)
    }
  }

  @Test func writesIntoMissingOrUnwritablePlacesAreErrors() throws {
    #expect(throws: MatrixError.self) { try Matrix.identity(2).writeNPY(to: "/nonexistent-dir/J.npy") }
    #expect(throws: MatrixError.self) { try Matrix.identity(2).writeNPY(to: "/proc/J.npy") }
    try withDirectory { dir throws in
      #expect(throws: MatrixError.self) { try Matrix.identity(2).writeNPY(to: dir + "/") }
      #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }
  }
  /// Text files (SVG pictures, notebooks) go through the same writer: whole or not at all, no
  /// temporary left, and a replaced file keeps its permission bits.
  @Test func textWritesKeepTheModeAndLeaveNoTemporary() throws {
    try withDirectory { dir throws in
      let path = dir + "/notes.md"
      try AtomicFile.write(Array("first".utf8), to: path)
      #expect(chmod(path, 0o600) == 0)
      try AtomicFile.write(Array("second".utf8), to: path)
      var info = stat()
      #expect(stat(path, &info) == 0)
      #expect(info.st_mode & 0o7777 == 0o600)
      #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
      #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["notes.md"])
    }
  }
}
