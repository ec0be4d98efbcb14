import Foundation
import Testing

/// `--dims` with size symbols (docs/language.md): the closed form printed with the symbols, the
/// numbers at three small instantiations, JSON shapes as strings, conflicts named.
@Suite struct SymbolicSizesCommandTests {
  @Test func gramJacobianWithSymbols() throws {
    let text = try JacRunner.run(["derive", "R'*R", "--wrt", "R", "--dims", "R=mxn", "--check"])
    #expect(text.status == 0, "\(text.stderr)")
    #expect(text.stdout.contains("(Iₙ ⊗ Rᵀ) + (Rᵀ ⊗ Iₙ)Kₘ,ₙ"), "\(text.stdout)")
    #expect(text.stdout.contains("R m×n"))
    // Three different instantiations, each checked and printed.
    let checks = text.stdout.split(separator: "\n").filter { $0.hasPrefix("check at m=") && $0.hasSuffix(": passed") }
    #expect(checks.count == 3 && Set(checks).count == 3, "\(text.stdout)")
    let latex = try JacRunner.run(["derive", "R'*R", "--wrt", "R", "--dims", "R=mxn", "--format", "latex"])
    #expect(latex.stdout.contains("(I_{n} \\otimes R^{\\top}) + (R^{\\top} \\otimes I_{n}) K_{m,n}"), "\(latex.stdout)")
    // Concrete --dims keep working exactly as before.
    let concrete = try JacRunner.run(["derive", "R'*R", "--wrt", "R", "--dims", "R=3x2"])
    #expect(concrete.stdout.contains("(I₂ ⊗ Rᵀ) + (Rᵀ ⊗ I₂)K₃,₂"))
  }

  /// Products of sizes in reading order (docs/language.md): the symbols as they appear in the
  /// variables' shapes, `--dims` first, then the expression; not alphabetical.
  @Test func productsOfSizesInReadingOrder() throws {
    let given = try JacRunner.run(["derive", "A*X*B", "--wrt", "X", "--dims", "A=pxn,X=nxk,B=kxq"])
    #expect(given.status == 0, "\(given.stderr)")
    #expect(given.stdout.contains("[numerator layout, pq×nk]"), "\(given.stdout)")
    #expect(given.stdout.contains("Bᵀ ⊗ A"), "\(given.stdout)")
    // w is inferred k×1; X's n×k fixes the order n, k.
    let inferred = try JacRunner.run(["derive", "sum(X*w)", "--wrt", "X", "--dims", "X=nxk"])
    #expect(inferred.status == 0, "\(inferred.stderr)")
    #expect(inferred.stdout.contains("[numerator layout, 1×nk]"), "\(inferred.stdout)")
    // Plain text (JSON) writes the product so that it parses back, in the same order.
    let json = try JacRunner.run(["derive", "vec(X')", "--wrt", "X", "--dims", "X=nxk", "--format", "json"])
    #expect(json.status == 0, "\(json.stderr)")
    #expect(json.stdout.contains("K(n,k)"), "\(json.stdout)")
    #expect(json.stdout.contains("\"rows\":\"nk\""), "\(json.stdout)")
  }

  /// JSON shapes are strings; `--jacobian-out` is the Jacobian at the stated instantiation,
  /// compared with NumPy's 1ₙ ⊗ I_m built from the sizes it names.
  @Test func jsonAndJacobianOutAtAnInstantiation() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let json = try JacRunner.run([
      "derive", "W*X+b", "--wrt", "b", "--dims", "W=mxk,X=kxn,b=m", "--format", "json",
    ])
    #expect(json.status == 0, "\(json.stderr)")
    try json.stdout.write(toFile: "\(dir)/d.json", atomically: true, encoding: .utf8)
    let fields = try JacRunner.python(
      """
      import json
      d = json.load(open('\(dir)/d.json', encoding='utf-8'))
      print(d['outputShape'], d['inputShape'], d['jacobian']['text'], d['jacobian']['rows'], len(d['instantiations']))
      """)
    #expect(fields == "['m', 'n'] ['m', '1'] 1ₙ ⊗ Iₘ mn 3")
    let out = try JacRunner.run([
      "derive", "W*X+b", "--wrt", "b", "--dims", "W=mxk,X=kxn,b=m", "--jacobian-out", "\(dir)/j.npy",
    ])
    #expect(out.status == 0, "\(out.stderr)")
    let line = try #require(out.stdout.split(separator: "\n").first { $0.hasPrefix("wrote ") })
    func size(_ s: String) -> Int? {
      guard let r = line.range(of: "\(s)=") else { return nil }
      return Int(line[r.upperBound...].prefix { $0.isNumber })
    }
    let (m, n) = (try #require(size("m")), try #require(size("n")))
    let verdict = try JacRunner.python(
      "import numpy as np; print(np.array_equal(np.load('\(dir)/j.npy'), np.kron(np.ones((\(n), 1)), np.eye(\(m)))))")
    #expect(verdict == "True", "\(line)")
  }

  @Test func claimsWithSymbolsAtEachInstantiation() throws {
    let base = ["check", "R'*R", "--wrt", "R", "--dims", "R=mxn"]
    let right = try JacRunner.run(base + ["--claim", "kron(I(n),R')+kron(R',I(n))*K(m,n)"])
    #expect(right.status == 0, "\(right.stdout)\(right.stderr)")
    #expect(right.stdout.contains("the claim holds at all 3 instantiations"))
    let rowMajor = try JacRunner.run(base + ["--claim", "kron(I(n),R')*K(n,m)+kron(R',I(n))"])
    #expect(rowMajor.status == 1, "\(rowMajor.stdout)")
    #expect(rowMajor.stdout.contains("row-major"))
    let quadratic = try JacRunner.run([
      "check", "x'*A*x", "--wrt", "x", "--dims", "x=n,A=nxn", "--layout", "shape", "--claim", "(A+A')*x",
    ])
    #expect(quadratic.status == 0, "\(quadratic.stdout)\(quadratic.stderr)")
  }

  @Test func conflictingSymbolsExitTwo() throws {
    let r = try JacRunner.run(["derive", "A*x", "--wrt", "x", "--dims", "x=n,A=mxm"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("in A*x, A is m×m and x is n×1: m ≠ n"), "\(r.stderr)")
    #expect(r.stdout.isEmpty)
  }

  /// `--steps` with size symbols: the derivation by differentials printed with the symbols in
  /// text, LaTeX, MathML (one root for two variables) and JSON (the steps' values are checked
  /// in DerivationStepsTests).
  @Test func stepsWithSymbols() throws {
    let base = ["derive", "u'*tanh(W*x)", "--wrt", "W", "--dims", "u=m,W=mxn,x=n", "--steps"]
    let text = try JacRunner.run(base)
    #expect(text.status == 0, "\(text.stderr)")
    #expect(text.stdout.contains("derivation by differentials"), "\(text.stdout)")
    #expect(text.stdout.contains("vec d(W x) = (xᵀ ⊗ Iₘ) vec dW"), "\(text.stdout)")
    let latex = try JacRunner.run(base + ["--format", "latex"])
    #expect(latex.stdout.contains("\\operatorname{vec} \\mathrm{d}(W x) &= (x^{\\top} \\otimes I_{m}) \\operatorname{vec} \\mathrm{d}W"), "\(latex.stdout)")
    let json = try JacRunner.run(base + ["--format", "json"])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let steps = try #require(object["steps"] as? [[String: Any]], "\(json.stdout)")
    #expect(steps.count == 4 && (steps.last?["conclusion"] as? [String])?.joined().contains("Iₘ") == true, "\(steps)")
    let two = try JacRunner.run(["derive", "u'*tanh(W*x+b)", "--wrt", "W,b", "--dims", "u=m,W=mxn,x=n,b=m", "--steps", "--format", "mathml"])
    #expect(two.status == 0 && two.stdout.hasPrefix("<div xmlns=\"http://www.w3.org/1999/xhtml\" class=\"jac-derivatives\">"))
    #expect(two.stdout.components(separatedBy: "Derivation by differentials").count == 3, "\(two.stdout)")
  }
}
