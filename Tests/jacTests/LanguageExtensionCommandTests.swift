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
    (["derive", "x^2", "--wrt", "x", "--values", "x=[1 2"], "--values x: the matrix literal '[1 2' has a '['"),
    (["derive", "A*x", "--wrt", "x", "--values", "A=[1 2; 3],x=[1;1]"], "--values A: the matrix literal"),
    (["derive", "A*x", "--wrt", "x", "--values", "A=[1 a]"], "--values A: the matrix literal '[1 a]' has the entry 'a'"),
    (
      ["derive", "A*x", "--wrt", "x", "--dims", "x=2x1", "--values", "A=[1 2],x=[1;2;3]"],
      "--values gives x the shape 3×1 from the literal [1;2;3], but --dims says 2×1"
    ),
  ])
  func badLiteralsExitTwoNamingTheVariable(_ arguments: [String], _ message: String) throws {
    let r = try JacRunner.run(arguments)
    #expect(r.status == 2)
    #expect(r.stdout.isEmpty)
    #expect(r.stderr.contains(message), "\(r.stderr)")
    #expect(r.stderr.split(separator: "\n").count == 1)
  }
}
