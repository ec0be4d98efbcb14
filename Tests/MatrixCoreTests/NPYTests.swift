import Foundation
import PropertyBased
import TestSupport
import Testing

@testable import MatrixCore

/// `.npy` files against NumPy itself: NumPy writes, we read; we write, NumPy reads.
@Suite struct NPYTests {
  // MARK: NumPy writes, we read

  @Test(arguments: [
    ("np.arange(6.0).reshape(3, 2) / 7", "None"),
    ("np.asfortranarray(np.arange(12.0).reshape(3, 4) / 7 - 0.5)", "None"),
    ("np.linspace(-1, 1, 5)", "None"),
    ("np.array(3.25)", "None"),
    ("np.random.default_rng(1).standard_normal((2, 3, 4, 5))", "None"),
    ("np.asfortranarray(np.random.default_rng(2).standard_normal((2, 3, 4)))", "None"),
    (
      "np.array([[0.0, -0.0, np.inf], [-np.inf, np.nan, 5e-324], [1.7976931348623157e308, 1e-300, -2.5]])",
      "None"
    ),
    ("np.zeros((0, 3))", "None"),
    ("np.random.default_rng(3).standard_normal((4, 3))", "(2, 0)"),
    ("np.asfortranarray(np.random.default_rng(4).standard_normal((3, 5)))", "(3, 0)"),
  ])
  func readsWhatNumPyWrites(expression: String, version: String) throws {
    try inTemporaryDirectory { dir in
      let path = dir + "/a.npy"
      let (shape, bits) = try numpySave(expression, to: path, version: version)
      let array = try NPYArray(contentsOf: path)
      #expect(array.shape == shape)
      #expect(array.values.map(\.bitPattern) == bits)
      if expression.contains("asfortranarray") {
        let raw = try #require(FileManager.default.contents(atPath: path))
        #expect(String(decoding: raw.prefix(128), as: UTF8.self).contains("'fortran_order': True"))
      }
      if shape.count == 2 {
        let m = try Matrix(npyFile: path)
        #expect(m.shape == Shape(shape[0], shape[1]))
        for i in 0..<shape[0] {
          for j in 0..<shape[1] { #expect(m[i, j].bitPattern == bits[i * shape[1] + j]) }
        }
      }
    }
  }

  @Test func oneDimensionalArrayIsReadAsAColumn() throws {
    try inTemporaryDirectory { dir in
      let path = dir + "/v.npy"
      let (_, bits) = try numpySave("np.array([1.5, -2.0, 0.1])", to: path)
      let m = try Matrix(npyFile: path)
      #expect(m.shape == Shape(3, 1))
      #expect(m.storage.map(\.bitPattern) == bits)
    }
  }

  @Test(arguments: [
    ("np.arange(6).reshape(2, 3)", "'<i8'"),
    ("np.ones(3, dtype=np.float32)", "'<f4'"),
    ("np.ones(2, dtype='>f8')", "'>f8'"),
    ("np.ones(2, dtype=np.complex128)", "'<c16'"),
  ])
  func rejectsOtherDtypes(expression: String, descr: String) throws {
    try inTemporaryDirectory { dir in
      let path = dir + "/x.npy"
      _ = try numpySave(expression, to: path)
      let reason = "holds \(descr) values; jac reads only float64 ('<f8'): convert with a.astype(np.float64)"
      #expect(throws: MatrixError.file(path: path, reason: reason)) { try NPYArray(contentsOf: path) }
      #expect(throws: MatrixError.file(path: path, reason: reason)) { try Matrix(npyFile: path) }
      #expect(
        MatrixError.file(path: "x.npy", reason: reason).description
          == "x.npy holds \(descr) values; jac reads only float64 ('<f8'): convert with a.astype(np.float64)")
    }
  }

  @Test func rejectsTruncatedAndPaddedFiles() throws {
    try inTemporaryDirectory { dir in
      let path = dir + "/x.npy"
      _ = try numpySave("np.arange(6.0).reshape(3, 2)", to: path)
      let bytes = try #require(FileManager.default.contents(atPath: path)).map { $0 }
      #expect(
        throws: MatrixError.file(
          path: "x.npy", reason: "is truncated: the header promises 6 values (48 bytes) but 40 bytes follow")
      ) {
        try NPYArray(data: Array(bytes.dropLast(8)), name: "x.npy")
      }
      #expect(
        throws: MatrixError.file(
          path: "x.npy",
          reason: "has 3 bytes of trailing data after the 6 values (48 bytes) its header promises")
      ) {
        try NPYArray(data: bytes + [1, 2, 3], name: "x.npy")
      }
      #expect(
        throws: MatrixError.file(
          path: "x.npy",
          reason: "is truncated: its header should be 118 bytes long but only 20 bytes follow the preamble")
      ) {
        try NPYArray(data: Array(bytes.prefix(30)), name: "x.npy")
      }
      for n in [7, 9] {
        #expect(
          throws: MatrixError.file(path: "x.npy", reason: "is truncated: it ends inside the .npy preamble")
        ) {
          try NPYArray(data: Array(bytes.prefix(n)), name: "x.npy")
        }
      }
    }
  }

  @Test func rejectsFilesThatAreNotNPY() throws {
    try inTemporaryDirectory { dir in
      let path = dir + "/x.npy"
      try Data("a,b\n1,2\n".utf8).write(to: URL(fileURLWithPath: path))
      let notNPY = "is not a NumPy .npy file: it does not start with the magic string \\x93NUMPY"
      #expect(throws: MatrixError.file(path: path, reason: notNPY)) { try NPYArray(contentsOf: path) }
      #expect(throws: MatrixError.file(path: "e", reason: "is not a NumPy .npy file: it is empty")) {
        try NPYArray(data: [], name: "e")
      }
      #expect(throws: MatrixError.file(path: "z", reason: notNPY)) {
        try NPYArray(data: [0x93, 0x4E], name: "z")
      }
      // A NumPy .npz archive is a zip file, not an .npy file.
      _ = try python("import numpy as np, sys; np.savez(sys.argv[1], a=np.ones(2))", [dir + "/z.npz"])
      #expect(throws: MatrixError.file(path: dir + "/z.npz", reason: notNPY)) {
        try NPYArray(contentsOf: dir + "/z.npz")
      }
    }
  }

  @Test func rejectsUnsupportedVersions() {
    for (major, minor) in [(0, 0), (1, 1), (4, 0), (255, 255)] as [(UInt8, UInt8)] {
      var bytes = npy(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", values: [1])
      bytes[6] = major
      bytes[7] = minor
      #expect(
        throws: MatrixError.file(
          path: "v.npy",
          reason: "uses .npy format version \(major).\(minor); only versions 1.0, 2.0 and 3.0 are supported")
      ) {
        try NPYArray(data: bytes, name: "v.npy")
      }
    }
  }

  @Test(arguments: [
    ("{'descr': '<f8', 'fortran_order': False}", "it lacks 'shape'"),
    ("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'extra': 1}", "unexpected key 'extra'"),
    (
      "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'shape': (2,)}",
      "the key 'shape' appears twice"
    ),
    ("{'descr': '<f8', 'fortran_order': False, 'shape': (2)}", "'shape' is 2, not a tuple of sizes"),
    ("{'descr': '<f8', 'fortran_order': False, 'shape': [2]}", "'shape' is [2], not a tuple of sizes"),
    ("{'descr': '<f8', 'fortran_order': False, 'shape': (3, -2)}", "'shape' (3, -2) has a negative size"),
    ("{'descr': '<f8', 'fortran_order': False, 'shape': ('2',)}", "'shape' ('2',) holds '2', not a size"),
    (
      "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}",
      "the size 99999999999999999999 in 'shape' is too large"
    ),
    (
      "{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4)}",
      "has more entries than fit in memory"
    ),
    (
      "{'descr': '<f8', 'fortran_order': False, 'shape': (1152921504606846976,)}",
      "has more entries than fit in memory"
    ),
    ("{'descr': '<f8', 'fortran_order': 0, 'shape': (2,)}", "'fortran_order' is 0, not True or False"),
    (
      "{'descr': '<f8' 'fortran_order': False, 'shape': (2,)}",
      "expected ',' or '}' after the value of 'descr'"
    ),
    ("{'descr' '<f8', 'fortran_order': False, 'shape': (2,)}", "expected ':' after the key 'descr'"),
    (
      "{'descr': '<f8, 'fortran_order': False, 'shape': (2,)}",
      "expected ',' or '}' after the value of 'descr'"
    ),
    (
      "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)",
      "expected ',' or '}' after the value of 'shape'"
    ),
    ("{'descr': '<f8', ", "expected a quoted key or '}'"),
    ("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x", "a string is not closed"),
    ("{'descr': '<f8', 'fortran_order': false, 'shape': (2,)}", "unexpected name 'false'"),
    ("{'descr': '<f8', 'fortran_order': False, 'shape': (2,)} x", "unexpected text after the closing '}'"),
    ("['descr', '<f8']", "it does not start with '{'"),
    ("", "it does not start with '{'"),
    ("{'descr': '<f8', 'fortran_order': False, 'shape': (2, -)}", "a sign without digits"),
    ("{'descr': " + String(repeating: "(", count: 5000) + "}", "values are nested more than 32 deep"),
  ])
  func rejectsMalformedHeaders(header: String, fragment: String) {
    do {
      _ = try NPYArray(data: npy(header: header, values: [1, 2]), name: "h.npy")
      Issue.record("accepted the header \(header)")
    } catch let MatrixError.file(path, reason) {
      #expect(path == "h.npy")
      #expect(reason.hasPrefix("has a malformed header: "), "\(reason)")
      #expect(reason.contains(fragment), "\(reason)")
    } catch {
      Issue.record("wrong error \(error)")
    }
  }

  @Test func malformedHeaderMessageIsOneSentenceNamingTheFile() {
    #expect(
      throws: MatrixError.file(
        path: "h.npy", reason: "has a malformed header: unexpected name 'false' at character 34")
    ) {
      try NPYArray(
        data: npy(header: "{'descr': '<f8', 'fortran_order': false, 'shape': (2,)}", values: [1, 2]),
        name: "h.npy")
    }
    var bytes = npy(
      header: "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", values: [1, 2], version: 3)
    bytes[14] = 0xFF
    #expect(
      throws: MatrixError.file(
        path: "u.npy",
        reason: "has a malformed header: a version 3.0 header must be UTF-8, and this one is not")
    ) {
      try NPYArray(data: bytes, name: "u.npy")
    }
  }

  @Test(arguments: [
    "{\"shape\":(2,3),\"fortran_order\":False,\"descr\":\"<f8\"}",
    "{ 'descr' : '<f8' ,\n 'fortran_order' : False , 'shape' : ( 2 , 3 , ) , }\n",
    "{'descr':'=f8','fortran_order':False,'shape':(+2,3),}   \t\n",
    "{'descr': 'f8', 'fortran_order': False, 'shape': ((2), 3), }",
  ])
  func acceptsAnyPythonSpelling(header: String) throws {
    for version in [1, 2, 3] as [UInt8] {
      let a = try NPYArray(
        data: npy(header: header, values: [1, 2, 3, 4, 5, 6], version: version), name: "s.npy")
      #expect(a == NPYArray(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]))
    }
    let fortran = header.replacingOccurrences(of: "False", with: "True")
    let f = try NPYArray(data: npy(header: fortran, values: [1, 4, 2, 5, 3, 6]), name: "s.npy")
    #expect(f == NPYArray(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]))
    #expect(try f.matrix() == Matrix([[1, 2, 3], [4, 5, 6]]))
  }

  @Test func readErrorsNameTheFileAndTheReason() throws {
    try inTemporaryDirectory { dir in
      #expect(
        throws: MatrixError.file(path: dir + "/none.npy", reason: "cannot be read: No such file or directory")
      ) {
        try NPYArray(contentsOf: dir + "/none.npy")
      }
      #expect(
        throws: MatrixError.file(path: dir, reason: "cannot be read as a .npy file: it is a directory, not a regular file")
      ) {
        try Matrix(npyFile: dir)
      }
    }
  }

  /// Mutated and truncated versions of valid files: each is read or rejected, never a trap.
  @Test func arbitraryBytesNeverTrap() throws {
    var rng = SeededGenerator(seed: 7)
    let seeds = [
      NPYArray(shape: [3, 2], values: [1, 2, 3, 4, 5, 6]).encoded(),
      npy(
        header: "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 1, 2), }", values: [1, 2, 3, 4],
        version: 2),
      npy(
        header: "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (), }", values: [1], version: 3),
    ]
    var outcomes = (read: 0, rejected: 0)
    for k in 0..<6000 {
      var bytes = seeds[k % seeds.count]
      for _ in 0...(Int(rng.next() % 4)) {
        let p = Int(rng.next() % UInt64(bytes.count))
        switch rng.next() % 4 {
        case 0: bytes[p] = UInt8(truncatingIfNeeded: rng.next())
        case 1: bytes[p] = Array("(),:'-0123456789{}[]TF \n".utf8)[Int(rng.next() % 24)]
        case 2: bytes = Array(bytes.prefix(p))
        default: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: p)
        }
        if bytes.isEmpty { break }
      }
      do {
        let a = try NPYArray(data: bytes, name: "fuzz")
        #expect(a.values.count == NPYArray.count(of: a.shape))
        outcomes.read += 1
      } catch is MatrixError {
        outcomes.rejected += 1
      }
    }
    #expect(outcomes.read > 0 && outcomes.rejected > 0)
  }

  // MARK: We write, NumPy reads

  @Test(arguments: [
    NPYArray(matrix: Matrix.randomNormal(3, 2, seed: 1)),
    NPYArray(shape: [5], values: [0.1, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude]),
    NPYArray(shape: [], values: [.pi]),
    NPYArray(shape: [2, 3, 4, 2], values: (0..<48).map { Double($0) / 3 }),
    NPYArray(shape: [0, 4], values: []),
    NPYArray(shape: [1, 1, 1], values: [.nan]),
  ])
  func numPyReadsWhatWeWrite(array: NPYArray) throws {
    try inTemporaryDirectory { dir in
      let path = dir + "/out.npy"
      try array.write(to: path)
      let bytes = try #require(FileManager.default.contents(atPath: path)).map { $0 }
      let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
      #expect(bytes[6] == 1 && bytes[7] == 0)
      #expect((10 + headerLength) % 64 == 0)
      #expect(bytes[10 + headerLength - 1] == 0x0A)
      let report = try python(
        """
        import sys, numpy as np
        with open(sys.argv[1], 'rb') as f:
            version = np.lib.format.read_magic(f)
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
        a = np.load(sys.argv[1])
        print(version, dtype.str, fortran, a.dtype.str, a.flags.c_contiguous)
        print(' '.join(map(str, a.shape)))
        print(' '.join(map(str, a.reshape(-1).view(np.uint64))))
        """, [path]
      ).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      #expect(report[0] == "(1, 0) <f8 False <f8 True")
      #expect(report[1] == array.shape.map(String.init).joined(separator: " "))
      #expect(report[2] == array.values.map { String($0.bitPattern) }.joined(separator: " "))
    }
  }

  @Test func matrixIsWrittenInCOrderWithExactValues() throws {
    try inTemporaryDirectory { dir in
      let path = dir + "/m.npy"
      let m = try Matrix([[1, 2, 3], [4, 5, 6.000000000000001]])
      #expect(NPYArray(matrix: m) == NPYArray(shape: [2, 3], values: [1, 2, 3, 4, 5, 6.000000000000001]))
      try m.writeNPY(to: path)
      let out = try python(
        "import sys, numpy as np; a = np.load(sys.argv[1]); "
          + "print(a.shape, repr(a[1, 2]), a[0, 1], a.flags.c_contiguous)",
        [path])
      #expect(out == "(2, 3) np.float64(6.000000000000001) 2.0 True\n")
      #expect(try Matrix(npyFile: path) == m)
    }
  }

  @Test func hugeHeadersUseVersionTwo() throws {
    let shape = [Int](repeating: 1, count: 22_000)  // more axes than NumPy allows, but a valid file
    let bytes = NPYArray(shape: shape, values: [2.5]).encoded()
    #expect(bytes[6] == 2 && bytes[7] == 0)
    let headerLength = bytes[8..<12].reversed().reduce(0) { $0 << 8 | Int($1) }
    #expect(headerLength > 65535 && (12 + headerLength) % 64 == 0)
    #expect(try NPYArray(data: bytes, name: "big") == NPYArray(shape: shape, values: [2.5]))
  }

  @Test func roundTripOverRandomShapes() async {
    await seededPropertyCheck(count: 80, input: Gen.int(in: 0...4), Gen.int(in: 0...4), Gen.int(in: 1...1000)) {
      rank, size, seed in
      var rng = SeededGenerator(seed: UInt64(seed))
      let shape = (0..<rank).map { _ in Int(rng.next() % UInt64(size + 1)) }
      let count = shape.reduce(1, *)
      // Every bit pattern, NaNs included.
      let values = (0..<count).map { _ in Double(bitPattern: rng.next()) }
      let a = NPYArray(shape: shape, values: values)
      let back = try NPYArray(data: a.encoded(), name: "round trip")
      #expect(back.shape == shape)
      #expect(back.values.map(\.bitPattern) == values.map(\.bitPattern))
      if rank == 2 {
        #expect(
          try back.matrix().storage.map(\.bitPattern)
            == Matrix(rows: shape[0], cols: shape[1], rowMajor: values).storage.map(\.bitPattern))
      }
    }
  }

  @Test func matrixRoundTripThroughFiles() throws {
    try inTemporaryDirectory { dir in
      for (r, c) in [(1, 1), (1, 4), (4, 1), (3, 2), (7, 3), (0, 2)] {
        let m = Matrix.randomNormal(r, c, seed: UInt64(r * 10 + c))
        try m.writeNPY(to: dir + "/m.npy")  // overwrites the previous one
        #expect(try Matrix(npyFile: dir + "/m.npy") == m)
      }
      #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["m.npy"])
    }
  }

  @Test func otherRanksAreNotMatrices() throws {
    try inTemporaryDirectory { dir in
      let path = dir + "/t.npy"
      try NPYArray(shape: [2, 2, 3, 2], values: (0..<24).map(Double.init)).write(to: path)
      #expect(
        throws: MatrixError.file(
          path: path,
          reason: "holds an array of shape (2, 2, 3, 2); a matrix needs a 1-D (read as a column) or 2-D array"
        )
      ) {
        try Matrix(npyFile: path)
      }
      #expect(
        throws: MatrixError.invalidArgument(
          "an array of shape () is not a matrix: only 1-D arrays (read as a column) and 2-D arrays are")
      ) {
        try NPYArray(shape: [], values: [1]).matrix()
      }
      #expect(try NPYArray(shape: [3], values: [1, 2, 3]).matrix() == Matrix(column: [1, 2, 3]))
    }
  }

  @Test func failedWritesLeaveNothingBehind() throws {
    try inTemporaryDirectory { dir in
      let a = NPYArray(shape: [2], values: [1, 2])
      #expect(
        throws: MatrixError.file(
          path: dir + "/missing/a.npy", reason: "cannot be written: No such file or directory")
      ) {
        try a.write(to: dir + "/missing/a.npy")
      }
      try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: false)
      #expect(throws: MatrixError.file(path: dir + "/sub", reason: "cannot be written: Is a directory")) {
        try a.write(to: dir + "/sub")
      }
      #expect(
        throws: MatrixError.file(path: dir + "/sub/", reason: "cannot be written: the path names a directory")
      ) {
        try a.write(to: dir + "/sub/")
      }
      #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["sub"])
      #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/sub") == [])
      // A failed write keeps the old file.
      try a.write(to: dir + "/sub/keep.npy")
      try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: dir + "/sub")
      defer { try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dir + "/sub") }
      if getuid() != 0 {  // root ignores permissions
        #expect(
          throws: MatrixError.file(
            path: dir + "/sub/keep.npy", reason: "cannot be written: Permission denied")
        ) {
          try NPYArray(shape: [1], values: [9]).write(to: dir + "/sub/keep.npy")
        }
        #expect(try NPYArray(contentsOf: dir + "/sub/keep.npy") == a)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/sub") == ["keep.npy"])
      }
    }
  }
}

// MARK: Helpers

/// Runs `body` with the path of a new directory of its own, removed afterwards.
private func inTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
  let path = FileManager.default.temporaryDirectory.path + "/npy-tests-\(UUID().uuidString)"
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
  defer { try? FileManager.default.removeItem(atPath: path) }
  return try body(path)
}

private struct PythonUnavailable: Error, CustomStringConvertible {
  var description: String
}

/// Runs `python3 -c script args…` and returns its standard output. Throws, failing the test with
/// a clear message, when python3 or numpy is missing or the script fails.
private func python(_ script: String, _ arguments: [String] = []) throws -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["python3", "-c", script] + arguments
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = out
  process.standardError = err
  do { try process.run() } catch {
    throw PythonUnavailable(
      description: "these tests need python3 with numpy, and /usr/bin/env python3 cannot run: \(error)")
  }
  let output = out.fileHandleForReading.readDataToEndOfFile()
  let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  process.waitUntilExit()
  guard process.terminationStatus == 0 else {
    throw PythonUnavailable(
      description: "these tests need python3 with numpy; the script exited with status "
        + "\(process.terminationStatus): \(errors)")
  }
  return String(decoding: output, as: UTF8.self)
}

/// Has NumPy write the array `expression` to `path` (with `version`, a Python tuple or `None`);
/// returns its shape and, in C order, the bit patterns of its values as float64.
private func numpySave(_ expression: String, to path: String, version: String = "None") throws -> (
  shape: [Int], bits: [UInt64]
) {
  let lines = try python(
    """
    import sys, numpy as np
    a = eval(sys.argv[1])
    with open(sys.argv[2], 'wb') as f:
        np.lib.format.write_array(f, a, version=eval(sys.argv[3]))
    print(' '.join(map(str, a.shape)))
    print(' '.join(map(str, np.ascontiguousarray(a.real, dtype=np.float64).reshape(-1).view(np.uint64))))
    """, [expression, path, version]
  ).split(separator: "\n", omittingEmptySubsequences: false)
  guard lines.count >= 2 else {
    throw PythonUnavailable(description: "NumPy printed \(lines) instead of a shape and values")
  }
  return (
    lines[0].split(separator: " ").compactMap { Int($0) },
    lines[1].split(separator: " ").compactMap { UInt64($0) }
  )
}

/// An `.npy` file with the given header text (padded as NumPy pads) and little-endian values.
private func npy(header: String, values: [Double], version: UInt8 = 1) -> [UInt8] {
  let preamble = version == 1 ? 10 : 12
  let text = Array(header.utf8)
  let pad = (64 - (preamble + text.count + 1) % 64) % 64
  let body = text + [UInt8](repeating: 0x20, count: pad) + [0x0A]
  var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
  for k in 0..<(preamble - 8) { out.append(UInt8(truncatingIfNeeded: body.count >> (8 * k))) }
  return out + body + values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
}
