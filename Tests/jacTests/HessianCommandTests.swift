import Foundation
import Testing

/// `jac derive --order 2` on the built binary (docs/hessians.md).
@Suite struct HessianCommandTests {
  @Test func textShowsKroneckerAndMatrixForms() throws {
    let r = try JacRunner.run(["derive", "tr(X'*A*X)", "--wrt", "X", "--dims", "X=3x2,A=3x3", "--order", "2", "--check"])
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.contains("Hessian ∂vec(∇F)/∂(vec X)ᵀ [numerator layout over column-major vec, 6×6]:"))
    #expect(r.stdout.contains("  I₂ ⊗ (A + Aᵀ)\n"))
    #expect(r.stdout.contains("  (A + Aᵀ)V\n"))
    #expect(r.stdout.contains("symmetric to 1e-10"))
    #expect(r.stdout.contains("of the gradient") && r.stdout.contains(": passed"))
    let l = try JacRunner.run(["derive", "logdet(X)", "--wrt", "X", "--dims", "X=3x3", "--order", "2", "--format", "latex"])
    #expect(l.status == 0, "\(l.stderr)")
    #expect(l.stdout.contains("\\otimes"), "\(l.stdout)")
  }

  @Test func jsonHasAHessianObject() throws {
    let r = try JacRunner.run([
      "derive", "logsumexp(W*x)-y'*W*x", "--wrt", "W", "--dims", "W=3x4,x=4x1,y=3x1", "--order", "2", "--check",
      "--format", "json",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let object = try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    #expect(object["order"] as? Int == 2)
    let h = try #require(object["hessian"] as? [String: Any])
    #expect(h["rows"] as? Int == 12 && h["cols"] as? Int == 12)
    #expect(h["layout"] as? String == "numerator")
    let symmetry = try #require(h["symmetry"] as? [String: Any])
    #expect(symmetry["symmetric"] as? Bool == true)
    #expect((symmetry["relativeAsymmetry"] as? Double ?? 1) <= 1e-10)
    let directional = try #require(h["directional"] as? [String: Any])
    #expect(directional["direction"] as? String == "V")
    let check = try #require(object["check"] as? [String: Any])
    #expect(check["passed"] as? Bool == true)
    #expect((check["maxRelError"] as? Double ?? 1) <= 1e-6)
  }

  /// `--jacobian-out` writes H at the given point; NumPy builds I ⊗ (A + Aᵀ) and compares.
  @Test func jacobianOutWritesTheHessian() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { JacRunner.removeTemporaryDirectory(dir) }
    _ = try JacRunner.python(
      """
      import numpy as np
      rng = np.random.default_rng(14)
      np.save('\(dir)/X.npy', rng.standard_normal((3, 2)))
      np.save('\(dir)/A.npy', rng.standard_normal((3, 3)))
      """)
    let r = try JacRunner.run([
      "derive", "tr(X'*A*X)", "--wrt", "X", "--values", "X=\(dir)/X.npy,A=\(dir)/A.npy", "--order", "2",
      "--jacobian-out", "\(dir)/H.npy",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let error = try JacRunner.python(
      """
      import numpy as np
      A = np.load('\(dir)/A.npy'); H = np.load('\(dir)/H.npy')
      R = np.kron(np.eye(2), A + A.T)
      print(np.abs(H - R).max() / np.abs(R).max() if H.shape == R.shape else 1.0)
      """)
    #expect((Double(error) ?? 1) <= 1e-12, "relative error \(error)")
  }

  @Test(arguments: [
    (["--order", "3"], "--order 3 is not available"),
    (["--order", "0"], "--order 0 is not available"),
    (["--order", "2", "--layout", "shape"], "--layout shape has no meaning for a Hessian"),
  ])
  func badOrderExitsTwo(_ extra: [String], _ message: String) throws {
    try expectBad(["derive", "x'*A*x", "--wrt", "x", "--dims", "x=3x1,A=3x3"] + extra, message)
  }

  @Test func nonScalarAndSeveralVariablesExitTwo() throws {
    try expectBad(
      ["derive", "X'*A*X", "--wrt", "X", "--dims", "X=3x2,A=3x3", "--order", "2"],
      "--order 2 needs a 1×1 expression, but X'*A*X is 2×2")
    try expectBad(
      ["derive", "x'*A*x", "--wrt", "x,A", "--dims", "x=3x1,A=3x3", "--order", "2"],
      "--order 2 differentiates with respect to one variable")
    try expectBad(["derive", "y = x'*x; z = y*y", "--wrt", "x", "--dims", "x=3x1", "--order", "2"], "not for a program")
  }

  private func expectBad(_ arguments: [String], _ message: String) throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { JacRunner.removeTemporaryDirectory(dir) }
    let r = try JacRunner.run(arguments + ["--jacobian-out", "\(dir)/H.npy"])
    #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.isEmpty)
    #expect(r.stderr.hasPrefix("jac: ") && r.stderr.contains(message), "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: "\(dir)/H.npy"))
  }
}
