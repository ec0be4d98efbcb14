import Foundation
import Testing

/// The input-language extensions of issue 10 as the command line sees them: arguments that start
/// with `-`, inline `--values`. Numbers are compared with NumPy's, computed from closed forms
/// written here, with a stated relative tolerance.
@Suite struct LanguageExtensionCommandTests {
  /// `jac derive` with EXPR, `--claim` and option values that start with `-`, with no `--` or `=`.
  @Test func leadingMinusIsAValue() throws {
    let derive = try JacRunner.run(["derive", "-x'*x", "--wrt", "x", "--dims", "x=3x1", "--check"])
    #expect(derive.status == 0, "\(derive.stderr)")
    #expect(derive.stdout.contains("F = -x'*x"))
    #expect(derive.stdout.contains(": passed"))
    // Anywhere among the options, and with the user's own `--` still accepted.
    let middle = try JacRunner.run(["derive", "--wrt", "x", "-x'*x", "--dims", "x=3x1"])
    #expect(middle.status == 0, "\(middle.stderr)")
    let terminated = try JacRunner.run(["derive", "--wrt", "x", "--dims", "x=3x1", "--", "-x'*x"])
    #expect(terminated.status == 0 && terminated.stdout == middle.stdout)

    let holds = try JacRunner.run([
      "check", "logdet(inv(X))", "--wrt", "X", "--dims", "X=3x3", "--layout", "shape", "--claim", "-inv(X)'",
    ])
    #expect(holds.status == 0, "\(holds.stdout)\(holds.stderr)")
    #expect(holds.stdout.contains("the claim holds"))
    let wrong = try JacRunner.run([
      "check", "-y'*log(softmax(z))", "--wrt", "z", "--dims", "y=4x1,z=4x1", "--layout", "shape",
      "--claim", "-y",
    ])
    #expect(wrong.status == 1, "\(wrong.stdout)\(wrong.stderr)")
    #expect(wrong.stdout.contains("WRONG"))
  }

  /// `--dims z=3` is the column z 3×1, as `z=n` is n×1 with a size symbol: the Jacobian of
  /// sum(1 − tanh(z).^2) is −2 (tanh z ⊙ (1 − tanh² z))ᵀ, compared with NumPy's closed form at the
  /// values given; a trailing or leading separator (`3x`, `x3`, `nx`) is still not a shape.
  @Test func singleSizeIsAColumn() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let r = try JacRunner.run([
      "derive", "sum(1 - tanh(z).^2)", "--wrt", "z", "--dims", "z=3", "--values", "z=[0.3;-1.2;2]",
      "--jacobian-out", "\(dir)/j.npy",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("z 3×1"), "\(r.stdout)")
    let verdict = try JacRunner.python("""
      import numpy as np
      z = np.array([0.3, -1.2, 2.0]); t = np.tanh(z)
      j = np.load('\(dir)/j.npy')
      print(j.shape == (1, 3) and np.allclose(j, (-2 * t * (1 - t**2))[None, :], rtol=1e-12, atol=0))
      """)
    #expect(verdict == "True")
    for bad in ["z=3x", "z=x3", "z=nx", "z=0"] {
      let refused = try JacRunner.run(["derive", "sum(z)", "--wrt", "z", "--dims", bad])
      #expect(refused.status == 2, "\(bad): \(refused.stdout)")
      #expect(refused.stderr.contains("is not a shape"), "\(bad): \(refused.stderr)")
    }
  }

  /// The notation of papers: ‖·‖, σ(·) and ∘ read as norm, sigmoid and .*; the derivative of
  /// ‖A x − b‖² + σ(c)∘σ(c) summed, compared with NumPy's closed form 2Aᵀ(Ax − b).
  @Test func paperNotationDerives() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let r = try JacRunner.run([
      "derive", "‖A x − b‖² + sum(σ(c) ∘ σ(c))", "--wrt", "x", "--values", "A=[1 2; 3 4; 5 -6],b=[1;0;2],x=[0.5;-1],c=[0.2;0.3]",
      "--jacobian-out", "\(dir)/j.npy",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let verdict = try JacRunner.python("""
      import numpy as np
      A = np.array([[1, 2], [3, 4], [5, -6.0]]); b = np.array([1, 0, 2.0]); x = np.array([0.5, -1.0])
      print(np.allclose(np.load('\(dir)/j.npy'), (2 * A.T @ (A @ x - b))[None, :], rtol=1e-13, atol=0))
      """)
    #expect(verdict == "True")
  }

  /// NumPy's spelling: the gradient of `x.T @ A @ x + sum(x**3)` is (A + Aᵀ)x + 3x.^2, compared
  /// with NumPy at the values given.
  @Test func numpyNotationDerives() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let r = try JacRunner.run([
      "derive", "x.T @ A @ x + sum(x**3)", "--wrt", "x", "--values", "A=[1 2; -3 4],x=[0.5;-2]", "--jacobian-out",
      "\(dir)/j.npy",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let verdict = try JacRunner.python("""
      import numpy as np
      A = np.array([[1, 2], [-3, 4.0]]); x = np.array([0.5, -2.0])
      print(np.allclose(np.load('\(dir)/j.npy'), ((A + A.T) @ x + 3 * x**2)[None, :], rtol=1e-13, atol=0))
      """)
    #expect(verdict == "True")
  }

  /// A missing option value is still reported (the next option is not swallowed as a value),
  /// and a misspelt option is an unknown option, not an expression.
  @Test func leadingMinusKeepsOptionErrors() throws {
    let missing = try JacRunner.run(["derive", "x", "--wrt", "--dims", "x=2x1"])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("Missing value for '--wrt"), "\(missing.stderr)")
    let unknown = try JacRunner.run(["derive", "-x", "--wrt", "x", "--dimz", "x=2x1"])
    #expect(unknown.status == 2)
    #expect(unknown.stderr.contains("--dimz"), "\(unknown.stderr)")
  }

  /// Broadcasting at the command line: `W*X + b` with b a column; the Jacobian with respect to b
  /// is 1ₙ ⊗ I_m, compared with NumPy's `np.kron(np.ones((n,1)), np.eye(m))`.
  @Test func broadcastingDerivesAndChecks() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let r = try JacRunner.run([
      "derive", "W*X + b", "--wrt", "b", "--dims", "W=3x2,X=2x4,b=3x1", "--check", "--jacobian-out", "\(dir)/j.npy",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("⊗ I₃"), "\(r.stdout)")
    let verdict = try JacRunner.python(
      "import numpy as np; print(np.array_equal(np.load('\(dir)/j.npy'), np.kron(np.ones((4, 1)), np.eye(3))))")
    #expect(verdict == "True")
    let claim = try JacRunner.run([
      "check", "u'*tanh(W*x+b)", "--wrt", "W", "--dims", "u=5x1,W=5x3,x=3x1,b=5x1", "--layout", "shape",
      "--claim", "(u.*(1 - tanh(W*x+b).^2))*x'",
    ])
    #expect(claim.status == 0, "\(claim.stdout)\(claim.stderr)")
  }

  /// `--wrt W1,W2`: one derivative per variable (text and JSON), each checked against finite
  /// differences; `jac check` with one claim per variable (closed forms written here).
  @Test func severalVariables() throws {
    let dims = "x=3x1,W1=4x3,W2=2x4,y=2x1"
    let text = try JacRunner.run([
      "derive", "norm(W2*tanh(W1*x) - y)^2", "--wrt", "W1,W2", "--dims", dims, "--check",
    ])
    #expect(text.status == 0, "\(text.stderr)")
    #expect(text.stdout.components(separatedBy: ": passed").count == 3, "\(text.stdout)")
    #expect(text.stdout.contains("W1 4×3") && text.stdout.contains("W2 2×4"))
    let dir = try JacRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let json = try JacRunner.run([
      "derive", "norm(W2*tanh(W1*x) - y)^2", "--wrt", "W1,W2", "--dims", dims, "--check", "--format", "json",
    ])
    #expect(json.status == 0, "\(json.stderr)")
    try json.stdout.write(toFile: "\(dir)/d.json", atomically: true, encoding: .utf8)
    let fields = try JacRunner.python(
      """
      import json
      d = json.load(open('\(dir)/d.json', encoding='utf-8'))
      e = d['derivatives']
      print(d['wrt'], len(e), [x['wrt'] for x in e], [x['inputShape'] for x in e],
            all(x['check']['passed'] for x in e), all('gradient' in x for x in e))
      """)
    #expect(fields == "['W1', 'W2'] 2 ['W1', 'W2'] [[4, 3], [2, 4]] True True")

    let both = ["check", "x'*A*y", "--wrt", "x,y", "--dims", "x=3x1,A=3x3,y=3x1", "--layout", "shape"]
    let holds = try JacRunner.run(both + ["--claim", "A*y", "--claim", "A'*x"])
    #expect(holds.status == 0, "\(holds.stdout)\(holds.stderr)")
    #expect(holds.stdout.components(separatedBy: "the claim holds").count == 3)
    let secondWrong = try JacRunner.run(both + ["--claim", "A*y", "--claim", "A*x"])
    #expect(secondWrong.status == 1, "\(secondWrong.stdout)")
    #expect(secondWrong.stdout.contains("the claim holds") && secondWrong.stdout.contains("WRONG"))
    let jsonCheck = try JacRunner.run(both + ["--claim", "A*y", "--claim", "A*x", "--format", "json"])
    try jsonCheck.stdout.write(toFile: "\(dir)/c.json", atomically: true, encoding: .utf8)
    let verdicts = try JacRunner.python(
      """
      import json
      c = json.load(open('\(dir)/c.json', encoding='utf-8'))
      print(c['holds'], [x['wrt'] for x in c['checks']], [x['holds'] for x in c['checks']])
      """)
    #expect(verdicts == "False ['x', 'y'] [True, False]")
    let missing = try JacRunner.run(both + ["--claim", "A*y"])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("--wrt names 2 variables but 1 claim was given"), "\(missing.stderr)")
  }

  /// Block concatenation and max at the command line: the bias trick `w'*[x; 1]` and a
  /// hinge `sum(max(1 - y.*(X*w), 0))`, checked against gradients written here.
  @Test func concatenationAndMaxClaims() throws {
    let bias = try JacRunner.run([
      "check", "sigmoid(w'*[x; 1])", "--wrt", "x", "--values", "w=[2;-3;-3],x=[-1;-2]", "--layout", "shape",
      "--claim", "sigmoid(w'*[x; 1])*(1-sigmoid(w'*[x; 1]))*[I(2), zeros(2,1)]*w",
    ])
    #expect(bias.status == 0, "\(bias.stdout)\(bias.stderr)")
    let hinge = try JacRunner.run([
      "check", "sum(max(1 - y.*(X*w), 0))", "--wrt", "w", "--dims", "X=6x3,w=3x1",
      "--values", "y=[1;-1;1;1;-1;-1]", "--layout", "shape",
      "--claim", "-X'*(y.*heaviside(1 - y.*(X*w)))",
    ])
    #expect(hinge.status == 0, "\(hinge.stdout)\(hinge.stderr)")
  }

  /// `--values` with MATLAB literals mixed with `.npy` paths: the Jacobian of `A*x + c*b` with
  /// respect to x is A, with respect to c is b, at the literal point.
  @Test func inlineValuesAreThePoint() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try JacRunner.python("import numpy as np; np.save('\(dir)/b.npy', np.array([[1.0], [-2.0]]))")
    let values = "A=[1 2 3; -4 5 6],x=[1;2;3],c=-2,b=\(dir)/b.npy"
    let r = try JacRunner.run([
      "derive", "A*x + c*b", "--wrt", "x", "--values", values, "--jacobian-out", "\(dir)/jx.npy",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("at the point of --values"))
    let c = try JacRunner.run([
      "derive", "A*x + c*b", "--wrt", "c", "--values", values, "--jacobian-out", "\(dir)/jc.npy",
    ])
    #expect(c.status == 0, "\(c.stderr)")
    let verdict = try JacRunner.python(
      """
      import numpy as np
      A = np.array([[1, 2, 3], [-4, 5, 6]], dtype=float)
      jx, jc = np.load('\(dir)/jx.npy'), np.load('\(dir)/jc.npy')
      print(np.allclose(jx, A, rtol=1e-15, atol=0), np.allclose(jc, [[1.0], [-2.0]], rtol=1e-15, atol=0))
      """)
    #expect(verdict == "True True")
  }

  @Test(arguments: [
    (["derive", "A + b", "--wrt", "b", "--dims", "A=3x2,b=2x1"], "in A+b, A is 3×2 and b is 2×1: a sum needs"),
    (["derive", "x^2", "--wrt", "x", "--values", "x=[1 2"], "--values x: the matrix literal '[1 2' has a '['"),
    (["derive", "A*x", "--wrt", "x", "--values", "A=[1 2; 3],x=[1;1]"], "--values A: the matrix literal"),
    (["derive", "A*x", "--wrt", "x", "--values", "A=[1 a]"], "--values A: the matrix literal '[1 a]' has the entry 'a'"),
    (
      ["derive", "A*x", "--wrt", "x", "--dims", "x=2x1", "--values", "A=[1 2],x=[1;2;3]"],
      "--values gives x the shape 3×1 from the literal [1;2;3], but --dims says 2×1"
    ),
    // Paper notation that is not the language's, answered with how to write it.
    (
      ["derive", "tr(XᵀAX)", "--wrt", "X", "--dims", "X=3x3,A=3x3"],
      "A is not a variable of the expression (its variables: AX, X); AX is one name: write A*X for the product"
    ),
    (["derive", "x^T*x", "--wrt", "x", "--dims", "x=3"], "in x^T, T is read as an exponent; for the transpose write x' or xᵀ"),
    (["derive", "A^T", "--wrt", "A", "--dims", "A=3x3,T=1x1"], "in A^T, T is read as an exponent; for the transpose write A' or Aᵀ"),
  ])
  func badInputExitsTwoInOneSentence(_ arguments: [String], _ message: String) throws {
    let r = try JacRunner.run(arguments)
    #expect(r.status == 2)
    #expect(r.stdout.isEmpty)
    #expect(r.stderr.contains(message), "\(r.stderr)")
    #expect(r.stderr.split(separator: "\n").count == 1)
  }
}
