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
      ["derive", "x'*A*y", "--wrt", "x,x", "--dims", "x=3x1,y=3x1,A=3x3", "--order", "2"], "--wrt names x twice")
    try expectBad(
      ["derive", "x'*A*y", "--wrt", "x,z", "--dims", "x=3x1,y=3x1,A=3x3", "--order", "2"], "--wrt z names no variable")
    try expectBad(["derive", "y = x'*x; z = y*y", "--wrt", "x", "--dims", "x=3x1", "--order", "2"], "not for a program")
  }

  /// `--wrt x,y`: the blocks, their layout, the check; the stacked H written by --jacobian-out is
  /// compared by NumPy with [0 A; Aᵀ 0] built from the values.
  @Test func mixedBlocks() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { JacRunner.removeTemporaryDirectory(dir) }
    _ = try JacRunner.python(
      """
      import numpy as np
      rng = np.random.default_rng(7)
      np.save('\(dir)/x.npy', rng.standard_normal((3, 1)))
      np.save('\(dir)/y.npy', rng.standard_normal((4, 1)))
      np.save('\(dir)/A.npy', rng.standard_normal((3, 4)))
      """)
    let r = try JacRunner.run([
      "derive", "x'*A*y + x'*x", "--wrt", "x,y", "--values", "x=\(dir)/x.npy,y=\(dir)/y.npy,A=\(dir)/A.npy", "--order", "2",
      "--check", "--jacobian-out", "\(dir)/H.npy",
    ])
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.contains("Hessian over (vec x; vec y) [numerator layout over column-major vec, 7×7]"), "\(r.stdout)")
    #expect(r.stdout.contains("  (x, y) 3×4:  A\n") && r.stdout.contains("  (y, x) 4×3:  Aᵀ\n"), "\(r.stdout)")
    #expect(r.stdout.contains("of the gradients, block by block") && r.stdout.contains(": passed"), "\(r.stdout)")
    let error = try JacRunner.python(
      """
      import numpy as np
      A = np.load('\(dir)/A.npy'); H = np.load('\(dir)/H.npy')
      R = np.block([[2 * np.eye(3), A], [A.T, np.zeros((4, 4))]])
      print(np.abs(H - R).max() / np.abs(R).max() if H.shape == R.shape else 1.0)
      """)
    #expect((Double(error) ?? 1) <= 1e-12, "relative error \(error)")
    let j = try JacRunner.run([
      "derive", "u'*tanh(W*x)", "--wrt", "W,x", "--dims", "W=3x2,x=2x1,u=3x1", "--order", "2", "--check", "--format", "json",
    ])
    #expect(j.status == 0, "\(j.stderr)")
    let object = try #require(JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any])
    #expect(object["wrt"] as? [String] == ["W", "x"])
    let h = try #require(object["hessian"] as? [String: Any])
    #expect(h["rows"] as? Int == 8 && h["layout"] as? String == "numerator")
    let blocks = try #require(h["blocks"] as? [[String: Any]])
    #expect(blocks.map { "\($0["row"]!),\($0["column"]!)" } == ["W,W", "W,x", "x,W", "x,x"])
    #expect(blocks[1]["rows"] as? Int == 6 && blocks[1]["cols"] as? Int == 2 && blocks[1]["colOffset"] as? Int == 6)
    #expect((h["symmetry"] as? [String: Any])?["symmetric"] as? Bool == true)
    #expect((object["check"] as? [String: Any])?["passed"] as? Bool == true)
  }

  /// --steps, LaTeX and MathML with --order 2 (the LaTeX compiles in MarkupFormatTests' corpus).
  @Test func stepsAndMarkup() throws {
    let t = try JacRunner.run(["derive", "tr(X'*A*X)", "--wrt", "X", "--dims", "X=3x2,A=3x3", "--order", "2", "--steps"])
    #expect(t.status == 0, "\(t.stderr)")
    #expect(t.stdout.contains("stage 1: the gradient of f with respect to X"), "\(t.stdout)")
    #expect(t.stdout.contains("so ∂vec F/∂(vec X)ᵀ = J = I₂ ⊗ (A + Aᵀ)"), "\(t.stdout)")
    let l = try JacRunner.run(["derive", "x'*A*y", "--wrt", "x,y", "--dims", "x=3x1,y=4x1,A=3x4", "--order", "2", "--format", "latex"])
    #expect(l.status == 0, "\(l.stderr)")
    #expect(
      l.stdout.contains("\\frac{\\partial^{2} f}{\\partial \\operatorname{vec} x \\, \\partial (\\operatorname{vec} y)^{\\top}} &= A"),
      "\(l.stdout)")
    let m = try JacRunner.run(["derive", "logdet(X)", "--wrt", "X", "--dims", "X=3x3", "--order", "2", "--format", "mathml", "--steps"])
    #expect(m.status == 0, "\(m.stderr)")
    #expect(m.stdout.hasPrefix("<div xmlns=\"http://www.w3.org/1999/xhtml\" class=\"jac-derive-hessian\">"))
  }

  /// `spy --order 2` draws H, and with two variables the mixed block.
  @Test func spyDrawsAHessian() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { JacRunner.removeTemporaryDirectory(dir) }
    let r = try JacRunner.run(["spy", "tr(X'*A*X)", "--wrt", "X", "--dims", "X=3x2,A=3x3", "--order", "2", "-o", "\(dir)/h.svg"])
    #expect(r.status == 0, "\(r.stderr)")
    // I₂ ⊗ (A + Aᵀ): two dense 3×3 diagonal blocks, 18 nonzero entries.
    #expect(r.stdout.contains("the 6×6 Hessian block ∂vec(∇_X F)/∂(vec X)ᵀ = I₂ ⊗ (A + Aᵀ)") && r.stdout.contains("18 nonzero"))
    let svg = try String(contentsOfFile: "\(dir)/h.svg", encoding: .utf8)
    #expect(svg.hasPrefix("<?xml") || svg.hasPrefix("<svg"))
    let m = try JacRunner.run(["spy", "x'*A*y", "--wrt", "x,y", "--dims", "x=3x1,y=4x1,A=3x4", "--order", "2", "-o", "\(dir)/m.svg"])
    #expect(m.status == 0 && m.stdout.contains("the 3×4 Hessian block ∂vec(∇_x F)/∂(vec y)ᵀ = A"), "\(m.stdout)\(m.stderr)")
    for (args, message) in [
      (["--wrt", "x", "--order", "3"], "--order 3 is not available"),
      (["--wrt", "x,y,A", "--order", "2"], "give one variable or two"),
    ] {
      let b = try JacRunner.run(["spy", "x'*A*y", "--dims", "x=3x1,y=4x1,A=3x4", "-o", "\(dir)/b.svg"] + args)
      #expect(b.status == 2 && b.stderr.contains(message), "\(b.stderr)")
      #expect(!FileManager.default.fileExists(atPath: "\(dir)/b.svg"))
    }
  }

  /// Sizes missing from --dims: inferred as numbers they complete it (checked against central
  /// differences of the gradient); left as symbols, the sentence names each variable, its
  /// inferred shape and a --dims that fits, exit 2.
  @Test func missingSizesAreInferredOrNamed() throws {
    let r = try JacRunner.run(["derive", "x'*A*x", "--wrt", "x", "--dims", "x=3x1", "--order", "2", "--check", "--format", "json"])
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    let object = try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let h = try #require(object["hessian"] as? [String: Any])
    #expect(h["rows"] as? Int == 3 && h["cols"] as? Int == 3)
    #expect((object["check"] as? [String: Any])?["passed"] as? Bool == true, "\(r.stdout)")
    try expectBad(
      ["derive", "x'*x", "--wrt", "x", "--order", "2"],
      "--order 2 needs every size in numbers, but x has none (known only as x n×1; size symbols are for first derivatives): "
        + "give it with --dims, e.g. --dims x=3x1")
    try expectBad(["derive", "x'*A*x", "--wrt", "x", "--order", "2"], "but A and x have none (known only as A n×n, x n×1;")
    try expectBad(["derive", "x'*W*y", "--wrt", "x,y", "--order", "2"], "e.g. --dims W=3x4,x=3x1,y=4x1")
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
