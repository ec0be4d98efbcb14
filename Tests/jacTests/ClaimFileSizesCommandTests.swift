import Foundation
import Testing

/// `jac check --claim-file` with size symbols (docs/check.md, "Claim files and size symbols"): a
/// file holds the claim at one size; the symbols come from `--values` and from the files' shapes.
@Suite struct ClaimFileSizesCommandTests {
  /// The Gram Jacobian (Iₙ ⊗ Rᵀ) + (Rᵀ ⊗ Iₙ)K(m,n) built in NumPy by definition at R of
  /// `--values`: it holds; its row-major look-alike does not.
  @Test func sizesFromValuesAgainstNumPyByDefinition() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { JacRunner.removeTemporaryDirectory(dir) }
    try JacRunner.python(
      """
      import numpy as np
      rng = np.random.default_rng(5); m, n = 4, 3
      R = rng.standard_normal((m, n)); np.save('\(dir)/R.npy', R)
      K = np.zeros((m * n, m * n))
      for i in range(m):
          for j in range(n):
              K[j + i * n, i + j * m] = 1   # K vec(A) = vec(A') for A m×n, vec stacking columns
      np.save('\(dir)/right.npy', np.kron(np.eye(n), R.T) + np.kron(R.T, np.eye(n)) @ K)
      np.save('\(dir)/rowmajor.npy', np.kron(np.eye(n), R.T) @ K.T + np.kron(R.T, np.eye(n)))
      """)
    let base = ["check", "R'*R", "--wrt", "R", "--dims", "R=mxn", "--values", "R=\(dir)/R.npy"]
    let right = try JacRunner.run(base + ["--claim-file", "\(dir)/right.npy"])
    #expect(right.status == 0, "\(right.stdout)\(right.stderr)")
    #expect(right.stdout.contains("sizes inferred from --values (m=4, n=3): R 4×3"), "\(right.stdout)")
    let wrong = try JacRunner.run(base + ["--claim-file", "\(dir)/rowmajor.npy"])
    #expect(wrong.status == 1, "\(wrong.stdout)\(wrong.stderr)")
    #expect(wrong.stdout.contains("row-major"), "\(wrong.stdout)")
  }

  /// Without --values the sizes are read off the file's shape (4×6 in numerator layout for R'R:
  /// n² = 4, mn = 6), and the point is the one numeric --dims would draw from the seed.
  @Test func sizesFromTheFilesShape() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { JacRunner.removeTemporaryDirectory(dir) }
    let made = try JacRunner.run(["derive", "R'*R", "--wrt", "R", "--dims", "R=3x2", "--seed", "4", "--jacobian-out", "\(dir)/J.npy"])
    #expect(made.status == 0, "\(made.stderr)")
    let r = try JacRunner.run(["check", "R'*R", "--wrt", "R", "--dims", "R=mxn", "--seed", "4", "--claim-file", "\(dir)/J.npy"])
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.contains("sizes inferred from the claim file's shape (m=3, n=2): R 3×2"), "\(r.stdout)")
    // At another seed the same numbers are a claim at another point: wrong.
    let other = try JacRunner.run(["check", "R'*R", "--wrt", "R", "--dims", "R=mxn", "--seed", "5", "--claim-file", "\(dir)/J.npy"])
    #expect(other.status == 1, "\(other.stdout)")
    // Denominator layout reads the transposed shape (6×4), so this 4×6 file fits no sizes there.
    let denominator = try JacRunner.run([
      "check", "R'*R", "--wrt", "R", "--dims", "R=mxn", "--layout", "denominator", "--claim-file", "\(dir)/J.npy",
    ])
    #expect(denominator.status == 2)
    #expect(denominator.stderr.contains("fits no sizes of R m×n in denominator layout"), "\(denominator.stderr)")
  }

  /// A shape that more than one assignment of sizes explains is bad input naming two of them.
  @Test func ambiguousSizesExitTwo() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { JacRunner.removeTemporaryDirectory(dir) }
    try JacRunner.python("import numpy as np; np.save('\(dir)/S.npy', np.ones((1, 6)))")
    let r = try JacRunner.run(["check", "sum(X)", "--wrt", "X", "--dims", "X=mxn", "--claim-file", "\(dir)/S.npy"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("fits more than one size: m=1, n=6 and m=2, n=3"), "\(r.stderr)")
    #expect(r.stdout.isEmpty)
  }
}
