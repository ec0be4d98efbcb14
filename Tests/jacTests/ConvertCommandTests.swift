import Foundation
import Testing

@Suite struct ConvertCommandTests {
  @Test func tensorFromNumPyBecomesTheFortranReshape() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { JacRunner.removeTemporaryDirectory(dir) }
    // A JAX-style (m,n,a,b) tensor written by NumPy.
    try JacRunner.python(
      """
      import numpy as np
      rng = np.random.default_rng(3)
      np.save('\(dir)/t.npy', rng.standard_normal((2, 3, 4, 2)))
      """)
    let r = try JacRunner.run([
      "convert", "\(dir)/t.npy", "\(dir)/j.npy", "--from", "tensor", "--to", "numerator",
      "--output-shape", "2,3", "--input-shape", "4,2",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let same = try JacRunner.python(
      """
      import numpy as np
      T = np.load('\(dir)/t.npy'); J = np.load('\(dir)/j.npy')
      print(J.shape == (6, 8) and J.dtype == np.float64 and np.array_equal(J, T.reshape(6, 8, order='F')))
      """)
    #expect(same == "True")
    // And every layout round-trips through the command line exactly.
    for layout in ["denominator", "numerator-rowmajor", "tensor", "sympy"] {
      let a = try JacRunner.run([
        "convert", "\(dir)/j.npy", "\(dir)/x.npy", "--from", "numerator", "--to", layout,
        "--output-shape", "2,3", "--input-shape", "4,2",
      ])
      let b = try JacRunner.run([
        "convert", "\(dir)/x.npy", "\(dir)/y.npy", "--from", layout, "--to", "numerator",
        "--output-shape", "2,3", "--input-shape", "4,2",
      ])
      #expect(a.status == 0 && b.status == 0)
      let eq = try JacRunner.python(
        "import numpy as np; print(np.array_equal(np.load('\(dir)/j.npy'), np.load('\(dir)/y.npy')))")
      #expect(eq == "True", "round trip through \(layout)")
    }
    // numerator-rowmajor is NumPy's C-order reshape of the tensor.
    _ = try JacRunner.run([
      "convert", "\(dir)/t.npy", "\(dir)/rm.npy", "--from", "tensor", "--to", "numerator-rowmajor",
      "--output-shape", "2,3", "--input-shape", "4,2",
    ])
    let rm = try JacRunner.python(
      "import numpy as np; print(np.array_equal(np.load('\(dir)/rm.npy'), np.load('\(dir)/t.npy').reshape(6, 8)))")
    #expect(rm == "True")
  }

  @Test func badInputExitsTwoWithOneSentenceAndNoOutputFile() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { JacRunner.removeTemporaryDirectory(dir) }
    try JacRunner.python(
      "import numpy as np; np.save('\(dir)/j.npy', np.ones((4, 6)))")
    let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/j.npy"))
    try bytes.prefix(bytes.count - 10).write(to: URL(fileURLWithPath: "\(dir)/trunc.npy"))
    let truncated = try JacRunner.run([
      "convert", "\(dir)/trunc.npy", "\(dir)/out.npy", "--from", "numerator", "--to", "tensor",
      "--output-shape", "2,2", "--input-shape", "3,2",
    ])
    #expect(truncated.status == 2)
    #expect(truncated.stderr.contains("truncated"))
    #expect(truncated.stderr.split(separator: "\n").count == 1)
    #expect(!FileManager.default.fileExists(atPath: "\(dir)/out.npy"))

    let wrongShape = try JacRunner.run([
      "convert", "\(dir)/j.npy", "\(dir)/out.npy", "--from", "numerator", "--to", "tensor",
      "--output-shape", "2,2", "--input-shape", "3,3",
    ])
    #expect(wrongShape.status == 2)
    #expect(wrongShape.stderr.contains("has shape 4×9, but the array has shape 4×6"))
    let notScalar = try JacRunner.run([
      "convert", "\(dir)/j.npy", "\(dir)/out.npy", "--from", "numerator", "--to", "shape",
      "--output-shape", "2,2", "--input-shape", "3,2",
    ])
    #expect(notScalar.status == 2)
    #expect(notScalar.stderr.contains("only for a scalar function"))
    let badFlag = try JacRunner.run(["convert", "a.npy", "b.npy", "--from", "nonsense"])
    #expect(badFlag.status == 2)
    let missing = try JacRunner.run([
      "convert", "\(dir)/nope.npy", "\(dir)/out.npy", "--from", "numerator", "--to", "tensor",
      "--output-shape", "2,2", "--input-shape", "3,2",
    ])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("nope.npy"))
    #expect(!FileManager.default.fileExists(atPath: "\(dir)/out.npy"))
    let badShape = try JacRunner.run([
      "convert", "\(dir)/j.npy", "\(dir)/out.npy", "--from", "numerator", "--to", "tensor",
      "--output-shape", "2,-2", "--input-shape", "3,2",
    ])
    #expect(badShape.status == 2)
    #expect(badShape.stderr.contains("--output-shape"))
    #expect(try JacRunner.run(["convert", "--help"]).status == 0)
  }
}
