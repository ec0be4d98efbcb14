import Foundation
import Testing

/// Sizes inferred from the expression when `--dims` leaves them out (docs/language.md): the
/// header names the inferred shapes, numbers at stated instantiations are checked against
/// references built here, `--values` fixes the symbols they determine, and ambiguities and
/// contradictions are bad input in one sentence.
@Suite struct SizeInferenceCommandTests {
  @Test func noDimsAtAll() throws {
    let r = try JacRunner.run(["derive", "u'*tanh(W*x+b)", "--wrt", "W", "--check"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("[size symbols m, n; inferred from the expression: u m×1, W m×n, x n×1, b m×1]"), "\(r.stdout)")
    #expect(r.stdout.contains("(u ⊙ (1 − tanh²(W x + b)))xᵀ"), "\(r.stdout)")
    let checks = r.stdout.split(separator: "\n").filter { $0.hasPrefix("check at m=") && $0.hasSuffix(": passed") }
    #expect(checks.count == 3 && Set(checks).count == 3, "\(r.stdout)")
  }

  /// `--jacobian-out` at the instantiation it names: ∂vec(W*X+b)/∂bᵀ = 1ₚ ⊗ I_m built by NumPy.
  @Test func jsonAndJacobianOut() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let json = try JacRunner.run(["derive", "W*X+b", "--wrt", "b", "--format", "json"])
    #expect(json.status == 0, "\(json.stderr)")
    try json.stdout.write(toFile: "\(dir)/d.json", atomically: true, encoding: .utf8)
    let fields = try JacRunner.python(
      """
      import json
      d = json.load(open('\(dir)/d.json', encoding='utf-8'))
      print(d['inferredShapes'], d['outputShape'], d['jacobian']['rows'], d['sizeSymbols'])
      """)
    #expect(fields == "{'W': ['m', 'n'], 'X': ['n', 'p'], 'b': ['m', '1']} ['m', 'p'] mp ['m', 'n', 'p']", "\(fields)")
    let out = try JacRunner.run(["derive", "W*X+b", "--wrt", "b", "--jacobian-out", "\(dir)/j.npy"])
    #expect(out.status == 0, "\(out.stderr)")
    let line = try #require(out.stdout.split(separator: "\n").first { $0.hasPrefix("wrote ") })
    func size(_ s: String) -> Int? {
      guard let r = line.range(of: "\(s)=") else { return nil }
      return Int(line[r.upperBound...].prefix { $0.isNumber })
    }
    let (m, p) = (try #require(size("m")), try #require(size("p")))
    let verdict = try JacRunner.python(
      "import numpy as np; print(np.array_equal(np.load('\(dir)/j.npy'), np.kron(np.ones((\(p), 1)), np.eye(\(m)))))")
    #expect(verdict == "True", "\(line)")
  }

  /// Ridge regression without `--dims` (docs/language.md, rule 2a): λ is 1×1 and F 1×1; the
  /// checks at the instantiations pass; at a point given by `--values` (as λ and as lambda) the
  /// gradient is NumPy's 2Aᵀ(Ax − b) + 2λx; and `jac check` holds for that claim at every size.
  @Test func ridgeRegressionLambdaIsAScalar() throws {
    let r = try JacRunner.run(["derive", "norm(A*x-b)^2 + lambda*norm(x)^2", "--wrt", "x", "--check"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(
      r.stdout.hasPrefix(
        "F = norm(A*x-b)^2 + lambda*norm(x)^2   (1×1),  x n×1   [size symbols m, n; inferred from the expression: A m×n, x n×1, b m×1, lambda 1×1]"
      ), "\(r.stdout)")
    #expect(r.stdout.contains("2 (Aᵀ(A x − b) + lambda x)"), "\(r.stdout)")
    let checks = r.stdout.split(separator: "\n").filter { $0.hasPrefix("check at m=") && $0.hasSuffix(": passed") }
    #expect(checks.count == 3, "\(r.stdout)")

    let dir = try JacRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for expression in ["norm(A*x-b)^2 + lambda*norm(x)^2", "‖A x − b‖² + λ‖x‖²"] {
      let out = try JacRunner.run([
        "derive", expression, "--wrt", "x", "--values", "A=[1 2; 3 4; 5 -6],b=[1;0;2],x=[0.5;-1],lambda=0.3",
        "--layout", "shape", "--jacobian-out", "\(dir)/g.npy",
      ])
      #expect(out.status == 0, "\(out.stderr)")
      let verdict = try JacRunner.python(
        """
        import numpy as np
        A = np.array([[1, 2], [3, 4], [5, -6.]]); b = np.array([[1], [0], [2.]]); x = np.array([[.5], [-1]])
        g = np.load('\(dir)/g.npy')
        print(g.shape == (2, 1) and np.allclose(g, 2 * A.T @ (A @ x - b) + 2 * 0.3 * x, rtol=1e-12, atol=0))
        """)
      #expect(verdict == "True", "\(expression)")
    }
    let claim = try JacRunner.run([
      "check", "‖A x − b‖² + λ‖x‖²", "--wrt", "x", "--layout", "shape", "--claim", "2*A'*(A*x-b) + 2*lambda*x",
    ])
    #expect(claim.status == 0, "\(claim.stdout)\(claim.stderr)")
    #expect(claim.stdout.contains("the claim holds at all 3 instantiations"), "\(claim.stdout)")
  }

  @Test func checkWithInferredSizes() throws {
    let right = try JacRunner.run(["check", "x'*A*x", "--wrt", "x", "--layout", "shape", "--claim", "(A+A')*x"])
    #expect(right.status == 0, "\(right.stdout)\(right.stderr)")
    #expect(right.stdout.contains("inferred from the expression: x n×1, A n×n"))
    #expect(right.stdout.contains("the claim holds at all 3 instantiations"))
    let wrong = try JacRunner.run(["check", "x'*A*x", "--wrt", "x", "--layout", "shape", "--claim", "2*A*x"])
    #expect(wrong.status == 1, "\(wrong.stdout)")
    let assumed = try JacRunner.run(
      ["check", "x'*A*x", "--wrt", "x", "--layout", "shape", "--claim", "2*A*x", "--assume", "A=symmetric"])
    #expect(assumed.status == 0, "\(assumed.stdout)\(assumed.stderr)")
    #expect(assumed.stdout.contains("under A symmetric"), "\(assumed.stdout)")
  }

  /// Some sizes given as numbers, the rest inferred as numbers: the ordinary report, which says
  /// what it inferred.
  @Test func partlyGivenSizes() throws {
    let r = try JacRunner.run(["derive", "x'*A*x", "--wrt", "x", "--dims", "x=3x1", "--check"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("x 3×1   [inferred from the expression: A 3×3]"), "\(r.stdout)")
    let json = try JacRunner.run(["derive", "x'*A*x", "--wrt", "x", "--dims", "x=3x1", "--format", "json"])
    #expect(json.stdout.contains("\"inferredShapes\":{\"A\":[3,3]}"), "\(json.stdout)")
    let mixed = try JacRunner.run(["derive", "W*x+b", "--wrt", "x", "--dims", "W=kx4"])
    #expect(mixed.stdout.contains("inferred from the expression: x 4×1, b k×1"), "\(mixed.stdout)")
  }

  /// `--values` fixes the symbols its shapes determine: the closed form keeps n, the numbers are
  /// at the given point; the gradient there is (A + Aᵀ)x, computed here.
  @Test func valuesFixTheSymbols() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let r = try JacRunner.run([
      "derive", "x'*A*x", "--wrt", "x", "--dims", "x=n,A=nxn", "--values", "x=[1;2;3],A=[1 2 0; 3 4 1; 0 1 2]",
      "--layout", "shape", "--check", "--jacobian-out", "\(dir)/g.npy",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("n=3 from --values"), "\(r.stdout)")
    #expect(r.stdout.contains("(A + Aᵀ)x"), "\(r.stdout)")
    #expect(r.stdout.split(separator: "\n").filter { $0.hasPrefix("check at n=3") }.count == 1, "\(r.stdout)")
    let g = try JacRunner.python("import numpy as np; print(' '.join('%g' % v for v in np.load('\(dir)/g.npy').ravel()))")
    // (A + Aᵀ)x with A + Aᵀ = [2 5 0; 5 8 2; 0 2 4].
    #expect(g == "12 27 16", "\(g)")
    let inferred = try JacRunner.run(["derive", "x'*A*x", "--wrt", "x", "--values", "x=[1;2;3]", "--check"])
    #expect(inferred.status == 0, "\(inferred.stderr)")
    #expect(inferred.stdout.contains("inferred from the expression: x n×1, A n×n; n=3 from --values"), "\(inferred.stdout)")
  }

  @Test func spyDrawsAtAnInstantiation() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let r = try JacRunner.run(["spy", "X'*X", "--wrt", "X", "-o", "\(dir)/s.svg"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("at m=2, n=3"), "\(r.stdout)")
    #expect(FileManager.default.fileExists(atPath: "\(dir)/s.svg"))
  }

  @Test(arguments: [
    (["derive", "c*x", "--wrt", "x"], "in c*x the sizes are ambiguous: either c is 1×1 and scales x, or c is n×1 and x is 1×1"),
    (["derive", "x'*A*x", "--wrt", "x", "--dims", "A=mxn"], "in x'*A*x, x'*A is 1×n and x is m×1: n ≠ m"),
    (["derive", "A*x+y", "--wrt", "x", "--dims", "A=mxm,y=n"], "in A*x+y, A*x is m×1 and y is n×1: m ≠ n"),
    (
      ["derive", "x'*A*x", "--wrt", "x", "--dims", "x=n,A=nxn", "--values", "x=[1;2;3],A=[1 2; 3 4]"],
      "--values gives A the shape 2×2 from the literal [1 2; 3 4], but its size is n×n: n = 3 from the value of x"
    ),
    (["derive", "x'*A*x", "--wrt", "x", "--assume", "A=symmetric", "--dims", "A=3x2"], "A"),
  ])
  func badInputExitsTwoInOneSentence(_ arguments: [String], _ message: String) throws {
    let r = try JacRunner.run(arguments)
    #expect(r.status == 2)
    #expect(r.stdout.isEmpty)
    #expect(r.stderr.contains(message), "\(r.stderr)")
    #expect(r.stderr.split(separator: "\n").count == 1)
  }
}
