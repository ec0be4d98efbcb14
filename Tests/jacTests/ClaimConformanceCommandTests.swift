import Foundation
import Testing

/// A claim whose own products or sums do not fit (`2*A*(A*x-b)` for the gradient of ‖Ax − b‖²):
/// exit 2 with one sentence that names the misfit and, when one transpose makes the claim both fit
/// and hold, which one; in numbers and in size symbols; without the place under `--hide-answer`.
@Suite struct ClaimConformanceCommandTests {
  private let leastSquares = ["check", "norm(A*x-b)^2", "--wrt", "x", "--layout", "shape"]

  @Test func oneTransposeMendsTheClaim() throws {
    let r = try JacRunner.run(leastSquares + ["--dims", "A=3x2,b=3", "--claim", "2*A*(A*x-b)"])
    #expect(r.status == 2)
    #expect(r.stdout.isEmpty)
    #expect(
      r.stderr
        == "jac: the claim does not conform: in 2*A*(A*x-b), 2*A is 3×2 and A*x-b is 3×1: 2 ≠ 3; "
        + "with A' in place of the first A it conforms and holds: a transpose is missing\n", "\(r.stderr)")
    // The mended claim is right by an independent check: jac itself says it holds, and so does
    // NumPy's closed form 2Aᵀ(Ax − b) against central differences (below).
    let mended = try JacRunner.run(leastSquares + ["--dims", "A=3x2,b=3", "--claim", "2*A'*(A*x-b)"])
    #expect(mended.status == 0, "\(mended.stdout)")
    let fd = try JacRunner.python("""
      import numpy as np
      rng = np.random.default_rng(7); A = rng.normal(size=(3, 2)); b = rng.normal(size=3); x = rng.normal(size=2)
      f = lambda x: np.sum((A @ x - b)**2); h = 1e-6
      g = np.array([(f(x + h*e) - f(x - h*e)) / (2*h) for e in np.eye(2)])
      print(np.allclose(g, 2 * A.T @ (A @ x - b), rtol=1e-6))
      """)
    #expect(fd == "True")

    let window = try JacRunner.run([
      "check", "u'*tanh(W*x+b)", "--wrt", "W", "--dims", "u=5,W=5x3,x=3,b=5", "--layout", "shape",
      "--claim", "(u.*(1-tanh(W*x+b).^2))*x",
    ])
    #expect(window.status == 2)
    #expect(window.stderr.contains("with x' in place of the second x it conforms and holds"), "\(window.stderr)")
  }

  @Test func sizeSymbolsAndHiddenAnswer() throws {
    let symbolic = try JacRunner.run(leastSquares + ["--dims", "A=mxn,b=m", "--claim", "2*A*(A*x-b)"])
    #expect(symbolic.status == 2)
    #expect(
      symbolic.stderr.contains("in 2*A*(A*x-b), 2*A is m×n and A*x-b is m×1: n ≠ m; with A' in place of the first A"),
      "\(symbolic.stderr)")
    let hidden = try JacRunner.run(leastSquares + ["--dims", "A=3x2,b=3", "--claim", "2*A*(A*x-b)", "--hide-answer"])
    #expect(hidden.status == 2)
    #expect(hidden.stderr.hasSuffix("2 ≠ 3; one transpose in it would make it conform and hold\n"), "\(hidden.stderr)")
  }

  /// The gradient written with a transpose missing, checked in the default numerator layout:
  /// the mend makes it the gradient (n×1), which holds only read as the gradient, so the hint
  /// says so and names the flag; in size symbols and under `--hide-answer` too. The mended claim
  /// in that reading is checked again (jac says it holds, exit 0), and the closed form 2Aᵀ(Ax − b)
  /// against central differences above.
  @Test func aRepairThatHoldsInAnotherReadingNamesIt() throws {
    let base = ["check", "norm(A*x-b)^2", "--wrt", "x", "--claim", "2*A*(A*x-b)"]
    let r = try JacRunner.run(base + ["--dims", "A=3x2,b=3"])
    #expect(r.status == 2)
    #expect(
      r.stderr
        == "jac: the claim does not conform: in 2*A*(A*x-b), 2*A is 3×2 and A*x-b is 3×1: 2 ≠ 3; "
        + "with A' in place of the first A it conforms and holds as the gradient (shape convention; "
        + "read it with --layout shape): a transpose is missing\n", "\(r.stderr)")
    let symbolic = try JacRunner.run(base)
    #expect(symbolic.status == 2)
    #expect(symbolic.stderr.contains("n ≠ m; with A' in place of the first A it conforms and holds as the gradient"), "\(symbolic.stderr)")
    let hidden = try JacRunner.run(base + ["--dims", "A=3x2,b=3", "--hide-answer"])
    #expect(hidden.stderr.hasSuffix("one transpose in it would make it conform and hold as the gradient (shape convention; read it with --layout shape)\n"), "\(hidden.stderr)")
    let read = try JacRunner.run(["check", "norm(A*x-b)^2", "--wrt", "x", "--dims", "A=3x2,b=3", "--layout", "shape", "--claim", "2*A'*(A*x-b)"])
    #expect(read.status == 0, "\(read.stdout)")
    // A matrix F has no gradient: for ∂vec(A X)/∂(vec X)ᵀ = I₄ ⊗ A (12×8), the claim
    // I(8)*kron(I(4),A) fits only with the Kronecker factor transposed, 8×12, which is the
    // denominator layout, and holds there.
    let matrix = try JacRunner.run(["check", "A*X", "--wrt", "X", "--dims", "A=3x2,X=2x4", "--claim", "I(8)*kron(I(4),A)"])
    #expect(matrix.status == 2)
    #expect(
      matrix.stderr.hasSuffix("it conforms and holds in denominator layout (read it with --layout denominator): a transpose is missing\n"),
      "\(matrix.stderr)")
    let mended = try JacRunner.run(["check", "A*X", "--wrt", "X", "--dims", "A=3x2,X=2x4", "--layout", "denominator", "--claim", "I(8)*kron(I(4),A)'"])
    #expect(mended.status == 0, "\(mended.stdout)")
  }

  /// The one transpose that makes `x*A*x` (x 3×1) fit gives xᵀAx, 1×1, which is not the 1×3
  /// Jacobian: no hint, the sentence names the misfit and nothing more.
  @Test func noRepairNoHint() throws {
    let r = try JacRunner.run(["check", "x'*A*x", "--wrt", "x", "--dims", "x=3,A=3x3", "--claim", "x*A*x"])
    #expect(r.status == 2)
    #expect(r.stderr == "jac: the claim does not conform: in x*A, x is 3×1 and A is 3×3: 1 ≠ 3\n", "\(r.stderr)")
  }
}
