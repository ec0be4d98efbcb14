import Foundation
import Testing

/// A bad input to `jac derive` or `jac check` and the sentence it must produce.
struct BadInput: Sendable, CustomTestStringConvertible {
  let what: String
  let arguments: [String]
  /// A fragment of the one sentence on stderr.
  let message: String
  /// For parse errors: the 1-based position the caret must stand under.
  let caret: Int?

  init(_ what: String, _ arguments: [String], _ message: String, caret: Int? = nil) {
    self.what = what
    self.arguments = arguments
    self.message = message
    self.caret = caret
  }

  var testDescription: String { what }
}

/// Bad inputs; `DIR` in an argument is replaced by a fresh temporary directory holding
/// `singular.npy` (a singular 2×2), `negative.npy` (a 3×1 column with a negative entry),
/// `zero.npy` (a 3×1 zero column), `nan.npy` and `inf.npy` (4×6 claims with a NaN / an infinity).
let badInputs: [BadInput] = [
  // A variable without a shape is inferred now (docs/language.md); what cannot be inferred is bad input.
  BadInput(
    "ambiguous sizes", ["derive", "c*x+y", "--wrt", "y", "--dims", "y=3x1"],
    "in c*x the sizes are ambiguous"),
  BadInput(
    "sizes that cannot be inferred", ["derive", "reshape(X,6,1)", "--wrt", "X"],
    "the sizes in reshape(X,6,1) cannot be inferred: m·n = 6 has more than one solution"),
  BadInput(
    "shape mismatch", ["derive", "X'*A", "--wrt", "X", "--dims", "X=3x2,A=4x3"],
    "in X'*A, X' is 2×3 and A is 4×3: 3 ≠ 4"),
  BadInput(
    "non-square inv", ["derive", "inv(X)", "--wrt", "X", "--dims", "X=3x2"],
    "inv(X) needs a square matrix, but X is 3×2"),
  BadInput(
    "non-square det", ["derive", "det(X)", "--wrt", "X", "--dims", "X=3x2"],
    "det(X) needs a square matrix, but X is 3×2"),
  BadInput(
    "non-square tr", ["derive", "tr(X*A)", "--wrt", "X", "--dims", "X=3x2,A=2x2"],
    "tr(X*A) needs a square matrix, but X*A is 3×2"),
  BadInput(
    "singular matrix at the point", ["derive", "inv(X)", "--wrt", "X", "--values", "X=DIR/singular.npy"],
    "inv(X) is undefined because X is singular"),
  BadInput(
    "log-determinant of a singular matrix",
    ["derive", "logdet(X)", "--wrt", "X", "--values", "X=DIR/singular.npy"],
    "logdet(X) is undefined because X is singular"),
  BadInput(
    "log of a negative entry", ["derive", "sum(log(x))", "--wrt", "x", "--values", "x=DIR/negative.npy"],
    "log(x) is undefined at entry [1,0], where x = -2"),
  BadInput(
    "log of a negative entry, gradient layout",
    ["derive", "sum(log(x))", "--wrt", "x", "--values", "x=DIR/negative.npy", "--layout", "shape"],
    "log(x) is undefined at entry [1,0]"),
  BadInput(
    "malformed number", ["derive", "2.5.3*X", "--wrt", "X", "--dims", "X=2x2"], "malformed number '2.5.3'",
    caret: 1),
  BadInput(
    "malformed exponent", ["derive", "X*1e", "--wrt", "X", "--dims", "X=2x2"], "malformed number '1e'",
    caret: 3),
  BadInput(
    "unclosed parenthesis", ["derive", "(X*(X+X)", "--wrt", "X", "--dims", "X=2x2"],
    "the '(' at position 1 is never closed", caret: 9),
  BadInput(
    "unopened parenthesis", ["derive", "X*X)", "--wrt", "X", "--dims", "X=2x2"], "unexpected ')'", caret: 4),
  BadInput(
    "--layout shape for a non-scalar",
    ["derive", "X'*X", "--wrt", "X", "--dims", "X=3x2", "--layout", "shape"],
    "--layout shape needs a 1×1 expression, but X'*X is 2×2"),
  BadInput(
    "--wrt not a variable", ["derive", "X'*X", "--wrt", "Q", "--dims", "X=3x2"], "--wrt Q names no variable"),
  BadInput(
    "--wrt a function name", ["derive", "X'*X", "--wrt", "tr", "--dims", "X=3x2"],
    "--wrt tr names no variable"),
  BadInput(
    "--jacobian-out in a missing directory",
    ["derive", "X'*X", "--wrt", "X", "--dims", "X=3x2", "--jacobian-out", "DIR/missing/j.npy"],
    "cannot be written"),
  BadInput("malformed --dims", ["derive", "X'*X", "--wrt", "X", "--dims", "X=3by2"], "is not a shape"),
  BadInput(
    "--assume: unknown assumption",
    ["check", "x'*A*x", "--wrt", "x", "--dims", "x=3x1,A=3x3", "--assume", "A=hermitian", "--claim", "x'"],
    "--assume A=hermitian: unknown assumption 'hermitian'"),
  BadInput(
    "--assume: malformed",
    ["derive", "x'*A*x", "--wrt", "x", "--dims", "x=3x1,A=3x3", "--assume", "symmetric"],
    "--assume expects NAME=ASSUMPTION pairs"),
  BadInput(
    "--assume: shape that cannot carry it",
    ["derive", "x'*A*x", "--wrt", "x", "--dims", "x=3x1,A=3x3", "--assume", "x=symmetric"],
    "--assume x=symmetric does not fit x: a symmetric matrix is square, but it is 3×1"),
  BadInput(
    "--assume: not a variable",
    ["derive", "x'*A*x", "--wrt", "x", "--dims", "x=3x1,A=3x3", "--assume", "B=spd"],
    "--assume B=spd names no variable"),
  BadInput(
    "--assume: --values that violate it",
    ["derive", "sum(x)", "--wrt", "x", "--values", "x=DIR/negative.npy", "--assume", "x=probability"],
    "the value of x violates --assume x=probability: it is not a probability vector: entry 1 is -2 < 0"),
  BadInput(
    "--assume: a matrix that is not symmetric",
    ["check", "tr(A)", "--wrt", "A", "--values", "A=DIR/nonsymmetric.npy", "--assume", "A=spd", "--claim", "vec(I(2))'"],
    "the value of A violates --assume A=spd: it is not symmetric: [0,1] is 2 but [1,0] is 3"),
  BadInput(
    "check: unknown variable in the claim",
    ["check", "X'*X", "--wrt", "X", "--dims", "X=3x2", "--claim", "kron(I(2),Y)"],
    "the variable Y has no shape"),
  BadInput(
    "check: unparsable claim", ["check", "X'*X", "--wrt", "X", "--dims", "X=3x2", "--claim", "kron(I(2),X'"],
    "cannot parse the claim", caret: 13),
  BadInput(
    "check: missing claim file",
    ["check", "X'*X", "--wrt", "X", "--dims", "X=3x2", "--claim-file", "DIR/none.npy"],
    "none.npy"),
  BadInput(
    "--check of an expression without the variable", ["derive", "A*A", "--wrt", "X", "--dims", "A=2x2,X=2x2", "--check"],
    "A*A does not contain X: its Jacobian is zero everywhere"),
  BadInput(
    "norm at zero", ["derive", "norm(x)", "--wrt", "x", "--values", "x=DIR/zero.npy"],
    "norm(x) is not differentiable where x = 0"),
  BadInput(
    "norm at zero, gradient", ["derive", "2*norm(x)", "--wrt", "x", "--values", "x=DIR/zero.npy", "--layout", "shape"],
    "norm(x) is not differentiable where x = 0"),
  BadInput(
    "det at a singular matrix", ["derive", "det(X)", "--wrt", "X", "--values", "X=DIR/singular.npy"],
    "det(X) has no closed-form derivative in jac where X is singular"),
  BadInput(
    "check of det at a singular matrix",
    ["check", "det(X)", "--wrt", "X", "--values", "X=DIR/singular.npy", "--claim", "X", "--layout", "shape"],
    "det(X) has no closed-form derivative in jac where X is singular"),
  BadInput(
    "NaN in a claim file", ["check", "X'*X", "--wrt", "X", "--dims", "X=3x2", "--claim-file", "DIR/nan.npy"],
    "the claim has a non-finite entry nan"),
  BadInput(
    "infinity in a claim file", ["check", "X'*X", "--wrt", "X", "--dims", "X=3x2", "--claim-file", "DIR/inf.npy"],
    "the claim has a non-finite entry inf"),
  BadInput(
    "NaN in the values", ["check", "X'*X", "--wrt", "X", "--values", "X=DIR/nan.npy", "--claim", "X"],
    "has a non-finite entry"),
]

/// NumPy's construction of ∂vec(XᵀX)/∂(vec X)ᵀ, independent of jac: the commutation matrix by
/// its definition (K[j + i·n, i + j·m] = 1) and `np.kron`.
let numpyGramJacobian = """
  import numpy as np
  def K(m, n):
      k = np.zeros((m * n, m * n))
      for i in range(m):
          for j in range(n):
              k[j + i * n, i + j * m] = 1
      return k
  def gram_jacobian(X):
      m, n = X.shape
      return np.kron(np.eye(n), X.T) + np.kron(X.T, np.eye(n)) @ K(m, n)

  """

@Suite struct DeriveCheckCommandTests {
  /// Every bad input exits 2 with one sentence on stderr (for parse errors followed by the
  /// expression and a caret under the position), nothing on stdout and no output file.
  @Test(arguments: badInputs) func badInputExitsTwoWithOneSentence(_ input: BadInput) throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { JacRunner.removeTemporaryDirectory(dir) }
    try JacRunner.python(
      """
      import numpy as np
      np.save('\(dir)/singular.npy', np.array([[1.0, 2.0], [2.0, 4.0]]))
      np.save('\(dir)/negative.npy', np.array([1.0, -2.0, 3.0]))
      np.save('\(dir)/zero.npy', np.zeros((3, 1)))
      a = np.ones((4, 6)); a[1, 2] = np.nan; np.save('\(dir)/nan.npy', a)
      a = np.ones((4, 6)); a[3, 5] = np.inf; np.save('\(dir)/inf.npy', a)
      np.save('\(dir)/nonsymmetric.npy', np.array([[1.0, 2.0], [3.0, 4.0]]))
      """)
    var arguments = input.arguments.map { $0.replacingOccurrences(of: "DIR", with: dir) }
    let out = "\(dir)/out.npy"
    if input.arguments[0] == "derive" && !arguments.contains("--jacobian-out") {
      arguments += ["--jacobian-out", out]
    }
    let r = try JacRunner.run(arguments)
    #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.isEmpty, "\(r.stdout)")
    let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    #expect(lines.first?.contains(input.message) == true, "\(r.stderr)")
    #expect(lines.first?.hasPrefix("jac: ") == true)
    #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Backtrace"))
    if let caret = input.caret {
      // The sentence, the expression, and the caret under the 1-based position.
      #expect(lines.count == 3, "\(r.stderr)")
      if lines.count == 3 {
        // The text that failed to parse: the claim, or the expression.
        let text =
          input.arguments.firstIndex(of: "--claim").map { input.arguments[$0 + 1] } ?? input.arguments[1]
        #expect(lines[1] == "  " + text)
        #expect(lines[2] == String(repeating: " ", count: 1 + caret) + "^", "\(r.stderr)")
      }
    } else {
      #expect(lines.count == 1, "\(r.stderr)")
    }
    #expect(!FileManager.default.fileExists(atPath: out))
    #expect(!FileManager.default.fileExists(atPath: "\(dir)/missing"))
  }

  /// `--check` passes (exit 0) on correct derivatives and reports the errors it measured.
  @Test(arguments: [
    ["R'*R", "R", "R=3x3"], ["X'*X", "X", "X=3x2"], ["u'*tanh(W*x+b)", "W", "u=5x1,W=5x3,x=3x1,b=5x1"],
    ["logdet(X)", "X", "X=3x3"], ["det(A*X*B)", "X", "A=3x3,X=3x3,B=3x3"],
    ["softmax(W*x)", "W", "W=4x3,x=3x1"],
    ["kron(X,A)", "X", "X=2x3,A=2x2"], ["norm(A*x-b)^2", "x", "A=4x3,x=3x1,b=4x1"],
  ])
  func deriveCheckPasses(_ args: [String]) throws {
    let r = try JacRunner.run(["derive", args[0], "--wrt", args[1], "--dims", args[2], "--check"])
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.contains("check against central finite differences"))
    #expect(r.stdout.contains(": passed"))
    #expect(r.stderr.isEmpty)
  }

  /// `--jacobian-out` in the numerator, denominator and shape layouts equals NumPy's
  /// construction from independent formulas, at a point NumPy wrote.
  @Test func jacobianOutMatchesNumPy() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { JacRunner.removeTemporaryDirectory(dir) }
    try JacRunner.python(
      """
      import numpy as np
      rng = np.random.default_rng(11)
      np.save('\(dir)/X.npy', rng.standard_normal((3, 2)))
      np.save('\(dir)/A.npy', rng.standard_normal((3, 3)))
      for name, shape in [('u', (5, 1)), ('W', (5, 3)), ('x', (3, 1)), ('b', (5, 1))]:
          np.save('\(dir)/' + name + '.npy', rng.standard_normal(shape))
      """)
    for layout in ["numerator", "denominator"] {
      let r = try JacRunner.run([
        "derive", "X'*X", "--wrt", "X", "--values", "X=\(dir)/X.npy", "--layout", layout,
        "--jacobian-out", "\(dir)/gram-\(layout).npy",
      ])
      #expect(r.status == 0, "\(r.stderr)")
      #expect(r.stdout.contains("wrote \(dir)/gram-\(layout).npy"))
    }
    let gram = try JacRunner.python(
      numpyGramJacobian + """
        X = np.load('\(dir)/X.npy')
        J = gram_jacobian(X)
        num = np.load('\(dir)/gram-numerator.npy'); den = np.load('\(dir)/gram-denominator.npy')
        print(num.shape, den.shape, num.dtype, np.allclose(num, J, rtol=1e-13, atol=1e-13),
              np.allclose(den, J.T, rtol=1e-13, atol=1e-13))
        """)
    #expect(gram == "(4, 6) (6, 4) float64 True True")

    // Shape layout: the gradient of a scalar, shaped like the variable.
    let quadratic = try JacRunner.run([
      "derive", "tr(X'*A*X)", "--wrt", "X", "--values", "X=\(dir)/X.npy,A=\(dir)/A.npy", "--layout", "shape",
      "--jacobian-out", "\(dir)/quadratic.npy",
    ])
    #expect(quadratic.status == 0, "\(quadratic.stderr)")
    let layer = try JacRunner.run([
      "derive", "u'*tanh(W*x+b)", "--wrt", "W", "--layout", "shape", "--jacobian-out", "\(dir)/layer.npy",
      "--values", "u=\(dir)/u.npy,W=\(dir)/W.npy,x=\(dir)/x.npy,b=\(dir)/b.npy",
    ])
    #expect(layer.status == 0, "\(layer.stderr)")
    let layerNumerator = try JacRunner.run([
      "derive", "u'*tanh(W*x+b)", "--wrt", "W", "--jacobian-out", "\(dir)/layer-numerator.npy",
      "--values", "u=\(dir)/u.npy,W=\(dir)/W.npy,x=\(dir)/x.npy,b=\(dir)/b.npy",
    ])
    #expect(layerNumerator.status == 0, "\(layerNumerator.stderr)")
    let gradients = try JacRunner.python(
      """
      import numpy as np
      X, A = np.load('\(dir)/X.npy'), np.load('\(dir)/A.npy')
      g = np.load('\(dir)/quadratic.npy')
      u, W, x, b = (np.load('\(dir)/' + n + '.npy') for n in 'uWxb')
      h = np.tanh(W @ x + b)
      G = (u * (1 - h ** 2)) @ x.T
      L = np.load('\(dir)/layer.npy'); N = np.load('\(dir)/layer-numerator.npy')
      print(g.shape, np.allclose(g, (A + A.T) @ X, rtol=1e-12, atol=1e-12),
            L.shape, np.allclose(L, G, rtol=1e-12, atol=1e-14),
            N.shape, np.allclose(N, G.reshape(1, -1, order='F'), rtol=1e-12, atol=1e-14))
      """)
    #expect(gradients == "(3, 2) True (5, 3) True (1, 15) True")
  }

  /// `jac check` holds (0) for the right claim; for the row-major look-alike it fails (1) with
  /// the row-major diagnosis; with K(3,2) in that place it matches none, and the worst entries it
  /// lists carry the values of NumPy's true and claimed Jacobians at their labels.
  @Test func checkVerdictsAndDiagnoses() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { JacRunner.removeTemporaryDirectory(dir) }
    try JacRunner.python(
      "import numpy as np; np.save('\(dir)/R.npy', np.random.default_rng(5).standard_normal((3, 2)))")
    func check(_ claim: String) throws -> JacRun {
      try JacRunner.run(["check", "R'*R", "--wrt", "R", "--values", "R=\(dir)/R.npy", "--claim", claim])
    }
    let right = try check("kron(I(2),R')+kron(R',I(2))*K(3,2)")
    #expect(right.status == 0, "\(right.stdout)\(right.stderr)")
    #expect(right.stdout.contains("verdict: the claim holds"))

    let rowMajor = try check("kron(I(2),R')*K(2,3) + kron(R',I(2))")
    #expect(rowMajor.status == 1, "\(rowMajor.stderr)")
    #expect(rowMajor.stdout.contains("verdict: the claim is WRONG"))
    #expect(rowMajor.stdout.contains("diagnosis: the claim is the Jacobian under row-major flattening"))
    #expect(!rowMajor.stdout.contains("matches none"))

    let neither = try check("kron(I(2),R')*K(3,2) + kron(R',I(2))")
    #expect(neither.status == 1, "\(neither.stderr)")
    // Explained as two slips: the row-major look-alike with the indices of K swapped as well.
    #expect(neither.stdout.contains("diagnosis: two slips: the claim is the Jacobian under row-major flattening"))
    #expect(neither.stdout.contains("the claim has K₂,₃ where K₃,₂ belongs"))
    #expect(neither.stderr.isEmpty)
    // "  ∂F[p,q]/∂R[i,j]: expected e, claimed c" lines, checked entry by entry against NumPy.
    let entries = neither.stdout.split(separator: "\n").filter { $0.hasPrefix("  ∂F[") }
    #expect(entries.count >= 3, "\(neither.stdout)")
    try entries.map(String.init).joined(separator: "\n").write(
      toFile: "\(dir)/worst.txt", atomically: false, encoding: .utf8)
    let verified = try JacRunner.python(
      numpyGramJacobian + """
        import re
        R = np.load('\(dir)/R.npy')
        m, n = R.shape
        J = gram_jacobian(R)
        C = np.kron(np.eye(n), R.T) @ K(m, n) + np.kron(R.T, np.eye(n))
        ok = []
        for line in open('\(dir)/worst.txt', encoding='utf-8'):
            p, q, i, j, e, c = re.match(
                r'\\s*∂F\\[(\\d+),(\\d+)\\]/∂R\\[(\\d+),(\\d+)\\]: expected (\\S+), claimed (\\S+)', line).groups()
            r, k = int(p) + int(q) * n, int(i) + int(j) * m
            ok.append(abs(float(e) - J[r, k]) <= 1e-3 * max(1, abs(J[r, k]))
                      and abs(float(c) - C[r, k]) <= 1e-3 * max(1, abs(C[r, k])) and J[r, k] != C[r, k])
        print(all(ok), len(ok))
        """)
    #expect(verified.hasPrefix("True"), "\(verified)\n\(neither.stdout)")
  }

  /// A claim made by NumPy as a JAX-style tensor (m,n,a,b), read with `--layout tensor`: the
  /// entrywise rule holds; without its second term it does not, and the report says so.
  @Test func claimFileTensorFromNumPy() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { JacRunner.removeTemporaryDirectory(dir) }
    try JacRunner.python(
      """
      import numpy as np
      X = np.random.default_rng(8).standard_normal((3, 2))
      np.save('\(dir)/X.npy', X)
      m, n = X.shape
      first = np.zeros((n, n, m, n)); second = np.zeros((n, n, m, n))
      for p in range(n):
          for q in range(n):
              for i in range(m):
                  first[p, q, i, p] += X[i, q]   # δ(j,p)·X[i,q]
                  second[p, q, i, q] += X[i, p]  # δ(j,q)·X[i,p]
      np.save('\(dir)/T.npy', first + second)
      np.save('\(dir)/half.npy', first)
      """)
    let holds = try JacRunner.run([
      "check", "X'*X", "--wrt", "X", "--values", "X=\(dir)/X.npy", "--claim-file", "\(dir)/T.npy", "--layout",
      "tensor",
    ])
    #expect(holds.status == 0, "\(holds.stdout)\(holds.stderr)")
    #expect(holds.stdout.contains("verdict: the claim holds"))
    let half = try JacRunner.run([
      "check", "X'*X", "--wrt", "X", "--values", "X=\(dir)/X.npy", "--claim-file", "\(dir)/half.npy",
      "--layout",
      "tensor",
    ])
    #expect(half.status == 1, "\(half.stdout)\(half.stderr)")
    #expect(half.stdout.contains("verdict: the claim is WRONG"))
    #expect(half.stdout.contains("diagnosis: the claim misses the term"), "\(half.stdout)")
  }

  /// `--format json` is one object that Python's json reads, with the fields cli.md lists.
  @Test func jsonHasTheContractFields() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { JacRunner.removeTemporaryDirectory(dir) }
    let scalar = try JacRunner.run([
      "derive", "u'*tanh(W*x+b)", "--wrt", "W", "--dims", "u=5x1,W=5x3,x=3x1,b=5x1", "--check", "--format",
      "json",
    ])
    #expect(scalar.status == 0, "\(scalar.stderr)")
    try scalar.stdout.write(toFile: "\(dir)/scalar.json", atomically: false, encoding: .utf8)
    let matrix = try JacRunner.run(["derive", "X'*X", "--wrt", "X", "--dims", "X=3x2", "--format", "json"])
    #expect(matrix.status == 0, "\(matrix.stderr)")
    try matrix.stdout.write(toFile: "\(dir)/matrix.json", atomically: false, encoding: .utf8)
    let claim = try JacRunner.run([
      "check", "X'*X", "--wrt", "X", "--dims", "X=3x2", "--claim", "kron(I(2),X')*K(2,3)+kron(X',I(2))",
      "--format",
      "json",
    ])
    #expect(claim.status == 1)
    try claim.stdout.write(toFile: "\(dir)/claim.json", atomically: false, encoding: .utf8)
    let fields = try JacRunner.python(
      """
      import json
      s = json.load(open('\(dir)/scalar.json', encoding='utf-8'))
      m = json.load(open('\(dir)/matrix.json', encoding='utf-8'))
      c = json.load(open('\(dir)/claim.json', encoding='utf-8'))
      ok = [
          s['expression'] == "u'*tanh(W*x+b)", s['wrt'] == 'W', s['outputShape'] == [1, 1],
          s['inputShape'] == [5, 3], s['layout'] == 'numerator',
          set(s['jacobian']) >= {'text', 'latex', 'rows', 'cols', 'structure'},
          s['jacobian']['rows'] == 1, s['jacobian']['cols'] == 15,
          s['gradient']['text'] == '(u ⊙ (1 − tanh²(W x + b)))xᵀ', 'latex' in s['gradient'],
          s['check']['passed'] is True, s['check']['maxRelError'] < 1e-6, 'maxAbsError' in s['check'],
          m['jacobian']['text'] == '(I₂ ⊗ Xᵀ) + (Xᵀ ⊗ I₂)K₃,₂', m['outputShape'] == [2, 2],
          m['inputShape'] == [3, 2], [m['jacobian']['rows'], m['jacobian']['cols']] == [4, 6],
          'gradient' not in m, 'check' not in m,
          c['holds'] is False, any('row-major' in d['text'] and d['kind'] == 'row-major' for d in c['diagnoses']), len(c['worst']) > 0,
          set(c['worst'][0]) == {'output', 'input', 'expected', 'claimed'},
      ]
      print(all(ok), [k for k, v in enumerate(ok) if not v])
      """)
    #expect(fields == "True []", "\(scalar.stdout)\n\(matrix.stdout)\n\(claim.stdout)")
  }
}

/// The one tolerance rule through the command line: verdicts at extreme scales, the issue's
/// cases of `derive --check`, and `worst` lists that hold only entries above the tolerance.
@Suite struct ToleranceCommandTests {
  /// `jac check` at R scaled by 1e-9 and 1e12 (values written by NumPy): the right claim holds
  /// (exit 0), a factor, a sign, a missing term and the row-major look-alike do not (exit 1).
  @Test(arguments: [1e-12, 1e-9, 1.0, 1e12])
  func checkVerdictsAtScales(_ scale: Double) throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try JacRunner.python(
      "import numpy as np; np.save('\(dir)/R.npy', \(scale) * np.random.default_rng(3).standard_normal((3, 2)))")
    let right = "kron(I(2),R') + kron(R',I(2))*K(3,2)"
    for (claim, status) in [
      (right, Int32(0)), ("2*(\(right))", 1), ("-(\(right))", 1), ("kron(I(2),R')", 1),
      ("kron(I(2),R')*K(2,3) + kron(R',I(2))", 1), ("0*kron(I(2),R')", 1),
    ] {
      let r = try JacRunner.run(["check", "R'*R", "--wrt", "R", "--values", "R=\(dir)/R.npy", "--claim=\(claim)"])
      #expect(r.status == status, "scale \(scale), claim \(claim): \(r.stdout)\(r.stderr)")
    }
  }

  /// The issue's reproduction: a tiny Jacobian is not excused by an absolute floor of 1.
  @Test func tinyJacobiansAreJudgedByTheirOwnScale() throws {
    let r = try JacRunner.run([
      "check", "1e-9*R'*R", "--wrt", "R", "--dims", "R=3x2", "--claim", "0*kron(I(2),R')",
    ])
    #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.contains("verdict: the claim is WRONG"))
    let scaledRowMajor = try JacRunner.run([
      "check", "1e-9*R'*R", "--wrt", "R", "--dims", "R=3x2", "--claim", "1e-9*(kron(I(2),R')*K(2,3) + kron(R',I(2)))",
    ])
    #expect(scaledRowMajor.status == 1, "\(scaledRowMajor.stdout)")
  }

  /// `derive --check` passes right derivatives where finite differences used to fail them.
  @Test(arguments: [["sum(X.^2)", "X=40x40"], ["sum(exp(X))", "X=200x200"], ["sum(X.^2)", "X=30x30"]])
  func deriveCheckPassesAtSize(_ args: [String]) throws {
    let r = try JacRunner.run(["derive", args[0], "--wrt", "X", "--dims", args[1], "--check", "--format", "json"])
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    let verdict = try JacRunner.python(
      """
      import json
      c = json.loads(r'''\(r.stdout)''')['check']
      print(c['verdict'], c['passed'], c['maxRelError'] < 1e-7, c['estimatedFiniteDifferenceError'] >= 0)
      """)
    #expect(verdict == "passed True True True", "\(r.stdout)")
  }

  /// JSON and text `worst` lists hold only entries whose error exceeds the tolerance: a claim
  /// wrong in one entry lists exactly that entry.
  @Test func worstListsOnlyEntriesAboveTheTolerance() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try JacRunner.python(
      numpyGramJacobian + """
        X = np.random.default_rng(4).standard_normal((3, 2))
        np.save('\(dir)/X.npy', X)
        J = gram_jacobian(X)
        J = J * (1 + 1e-13)          # last-digit noise everywhere: below the tolerance
        J[2, 5] += 0.75              # one wrong entry: dF[0,1]/dX[2,1]
        np.save('\(dir)/claim.npy', J)
        """)
    let args = ["check", "X'*X", "--wrt", "X", "--values", "X=\(dir)/X.npy", "--claim-file", "\(dir)/claim.npy"]
    let json = try JacRunner.run(args + ["--format", "json"])
    #expect(json.status == 1, "\(json.stdout)\(json.stderr)")
    let listed = try JacRunner.python(
      """
      import json
      c = json.loads(r'''\(json.stdout)''')
      print(len(c['worst']), c['worst'][0]['output'], c['worst'][0]['input'], c['tolerance']['bound'] < 1e-6)
      """)
    #expect(listed == "1 [0, 1] [2, 1] True", "\(json.stdout)")
    let text = try JacRunner.run(args)
    #expect(text.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("  ∂F[") }.count == 1, "\(text.stdout)")
  }
}
