import Foundation
import Testing

/// `jac derive --emit` on the built binary (docs/export.md): the printed module is run by python3
/// and its numbers compared with closed forms written here in NumPy (1e-10 relative).
@Suite struct EmitCommandTests {
  /// Runs `jac derive … --emit numpy`, then `check` (Python using `f` and NumPy) on its output;
  /// `check` prints the largest relative error.
  func emitAndRun(_ arguments: [String], check: String) throws -> Double {
    let r = try JacRunner.run(["derive"] + arguments + ["--emit", "numpy"])
    #expect(r.status == 0, "\(r.stderr)")
    let folder = try JacRunner.temporaryDirectory()
    defer { JacRunner.removeTemporaryDirectory(folder) }
    try r.stdout.write(toFile: folder + "/exported.py", atomically: true, encoding: .utf8)
    let out = try JacRunner.python(
      "import sys; sys.path.insert(0, '\(folder)'); import numpy as np; from exported import f\n"
        + "rng = np.random.default_rng(7)\n" + check)
    return Double(out) ?? .infinity
  }

  @Test func quadraticFormGradient() throws {
    let worst = try emitAndRun(
      ["x'*A*x", "--wrt", "x,A", "--dims", "x=3x1,A=3x3"],
      check: """
        A = rng.standard_normal((3, 3)); x = rng.standard_normal((3, 1))
        F, dx, dA = f(A, x)
        rel = lambda a, e: float(np.max(np.abs(a - e)) / np.max(np.abs(e)))
        print(max(rel(F, x.T @ A @ x), rel(dx, (A + A.T) @ x), rel(dA, x @ x.T)))
        """)
    #expect(worst <= 1e-10)
  }

  /// A JVP: d(RᵀR)[V] = VᵀR + RᵀV.
  @Test func jacobianVectorProductOfRtR() throws {
    let worst = try emitAndRun(
      ["R'*R", "--wrt", "R", "--dims", "R=4x3"],
      check: """
        R = rng.standard_normal((4, 3)); V = rng.standard_normal((4, 3))
        F, dF = f(R, V)
        rel = lambda a, e: float(np.max(np.abs(a - e)) / np.max(np.abs(e)))
        print(max(rel(F, R.T @ R), rel(dF, V.T @ R + R.T @ V)))
        """)
    #expect(worst <= 1e-10)
  }

  /// A program: the three-layer network's backward pass, against backpropagation written here.
  @Test func threeLayerProgram() throws {
    let worst = try emitAndRun(
      [
        "h1 = W1*x; z1 = tanh(h1); h2 = W2*z1; z2 = tanh(h2); yhat = W3*z2; f = norm(yhat - y)^2/2", "--wrt",
        "W1,W2,W3", "--dims", "x=4x6,W1=5x4,W2=3x5,W3=2x3,y=2x6",
      ],
      check: """
        W1 = rng.standard_normal((5, 4)); W2 = rng.standard_normal((3, 5)); W3 = rng.standard_normal((2, 3))
        x = rng.standard_normal((4, 6)); y = rng.standard_normal((2, 6))
        F, d1, d2, d3 = f(W1, W2, W3, x, y)
        z1 = np.tanh(W1 @ x); z2 = np.tanh(W2 @ z1); r = W3 @ z2 - y
        g2 = (W3.T @ r) * (1 - z2**2); g1 = (W2.T @ g2) * (1 - z1**2)
        rel = lambda a, e: float(np.max(np.abs(a - e)) / np.max(np.abs(e)))
        print(max(rel(F, 0.5 * np.sum(r * r)), rel(d1, g1 @ x.T), rel(d2, g2 @ z1.T), rel(d3, r @ z2.T)))
        """)
    #expect(worst <= 1e-10)
  }

  /// Sizes left out of --dims are inferred; the Swift target prints a function over Matrix.
  @Test func inferredSizesAndSwiftTarget() throws {
    let r = try JacRunner.run(["derive", "x'*A*x", "--wrt", "x", "--dims", "x=3x1", "--emit", "swift"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("func f(A: Matrix, x: Matrix) throws -> (F: Matrix, dx: Matrix)"), "\(r.stdout)")
  }

  @Test func unknownTargetIsOneSentence() throws {
    let r = try JacRunner.run(["derive", "x'*x", "--wrt", "x", "--dims", "x=3x1", "--emit", "fortran"])
    #expect(r.status == 2)
    #expect(r.stdout.isEmpty)
    #expect(r.stderr == "jac: --emit fortran is not a target jac exports to; choose one of numpy, jax, torch, swift\n")
  }
}
