import Foundation
import Testing

let threeLayerSource = """
  # three-layer network, squared-error loss
  const y
  h1 = W1*x; z1 = tanh(h1)
  h2 = W2*z1; z2 = tanh(h2)
  yhat = W3*z2
  f = norm(yhat - y)^2/2
  """
let threeLayerDimsFlag = "x=4x1,W1=5x4,W2=3x5,W3=2x3,y=2x1"

@Suite struct ProgramCommandTests {
  @Test func deriveProgramFilePrintsOneLinePerStage() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/net.jac"
    try threeLayerSource.write(toFile: path, atomically: true, encoding: .utf8)
    let r = try JacRunner.run(["derive", "--program", path, "--wrt", "all", "--dims", threeLayerDimsFlag, "--check"])
    #expect(r.status == 0, "\(r.stderr)")
    let lines = r.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    for expected in ["dz2 = W3ᵀdyhat", "dz1 = W2ᵀdh2", "dW1 = dh1 xᵀ", "dW2 = dh2 z1ᵀ", "dW3 = dyhat z2ᵀ", "dx = W1ᵀdh1"] {
      #expect(lines.contains { $0.hasPrefix(expected + " ") }, "\(expected) in\n\(r.stdout)")
    }
    #expect(!lines.contains { $0.hasPrefix("dy ") }, "y is const")
    #expect(lines.filter { $0.hasPrefix("check d") && $0.hasSuffix("passed") }.count == 4, "\(r.stdout)")
  }

  @Test func inlineProgramJSONAndNumeratorLayout() throws {
    let r = try JacRunner.run([
      "derive", "h = W*x; f = sum(tanh(h))", "--wrt", "W", "--dims", "W=3x2,x=2x1", "--layout", "numerator",
      "--format", "json",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    #expect(json["layout"] as? String == "numerator")
    let gradients = json["gradients"] as! [[String: Any]]
    #expect(gradients.first?["adjoint"] as? String == "∂F/∂W")
    #expect(gradients.first?["shape"] as? [Int] == [1, 6])
  }

  @Test func badProgramsExitTwoWithOneSentence() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let many = dir + "/many.jac"
    try (0..<100_000).map { "a\($0) = x" }.joined(separator: "\n").write(toFile: many, atomically: true, encoding: .utf8)
    let wide = dir + "/wide.jac"
    try ("f = " + String(repeating: "x+", count: 500_000) + "x").write(toFile: wide, atomically: true, encoding: .utf8)
    let cases: [([String], String)] = [
      (["derive", "a = b; b = a", "--wrt", "x", "--dims", "x=2x1"], "line 1: b is used before it is defined (it is defined on line 2, later)"),
      // Sizes left out are inferred (docs/programs.md); sizes that contradict each other are named.
      (["derive", "h = A*x; f = sum(h)", "--wrt", "A", "--dims", "A=mxm,x=n"], "in A*x, A is m×m and x is n×1: m ≠ n"),
      (["derive", "h = W*x; h = sum(h)", "--wrt", "W", "--dims", "W=2x3,x=3x1"], "line 2: h is defined twice"),
      (["derive", "h = W*x\nsum = 2*h", "--wrt", "W", "--dims", "W=2x3,x=3x1"], "line 2: sum is a function"),
      (["derive", "--program", many, "--wrt", "x", "--dims", "x=1x1"], "more than 10000 statements"),
      (["derive", "--program", wide, "--wrt", "x", "--dims", "x=1x1"], "line 1: the line is 1000005 bytes long"),
      (["derive", "--program", dir + "/absent.jac", "--wrt", "x", "--dims", "x=1x1"], "cannot read the program file"),
      (["derive", "h = W*x; f = sum(h)", "--wrt", "h", "--dims", "W=2x3,x=3x1"], "--wrt h names a statement"),
    ]
    for (arguments, message) in cases {
      let r = try JacRunner.run(arguments)
      #expect(r.status == 2, "\(arguments): \(r.stdout)")
      #expect(r.stderr.contains(message), "\(arguments): \(r.stderr)")
      #expect(r.stderr.split(separator: "\n").count == 1, "one sentence: \(r.stderr)")
      #expect(r.stdout.isEmpty)
    }
  }

  @Test func unusedStatementIsAWarning() throws {
    let r = try JacRunner.run(["derive", "h = W*x; g = 2*h; f = sum(h)", "--wrt", "W", "--dims", "W=2x3,x=3x1"])
    #expect(r.status == 0)
    #expect(r.stderr == "jac: warning: line 2: g is never used\n")
  }

  @Test func checkClaimProgramReportsTheFirstWrongLine() throws {
    let program = "sigy = sigmoid(y); num = x + sigy; sigx = sigmoid(x); xpy = x + y; xpysqr = xpy^2; den = sigx + xpysqr; invden = 1/den; f = num*invden"
    let right = "dnum = invden; dinvden = num; dden = (-1/den^2)*dinvden; dsigx = dden; dxpysqr = dden; dxpy = 2*xpy*dxpysqr; dx = dxpy; dy = dxpy; dx += (1-sigx)*sigx*dsigx; dx += dnum; dsigy = dnum; dy += (1-sigy)*sigy*dsigy"
    let ok = try JacRunner.run(["check", program, "--claim-program", right, "--values", "x=3,y=-4"])
    #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
    #expect(ok.stdout.contains("verdict: every line holds"))
    let wrong = right.replacingOccurrences(of: "dxpy = 2*xpy*dxpysqr", with: "dxpy = xpy*dxpysqr")
    let r = try JacRunner.run(["check", program, "--claim-program", wrong, "--values", "x=3,y=-4", "--format", "json"])
    #expect(r.status == 1, "\(r.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    let first = json["firstWrong"] as! [String: Any]
    #expect(first["text"] as? String == "dxpy = xpy*dxpysqr")
    #expect(first["expected"] as? String == "dxpy = 2*dxpysqr*xpy")
    #expect((first["diagnoses"] as? [String])?.first?.contains("0.5 times") == true)
    let bad = try JacRunner.run(["check", program, "--claim-program", "dq = 1", "--values", "x=3,y=-4"])
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("line 1: dq is not the adjoint of a name of the program"), "\(bad.stderr)")
  }

  /// A program whose local Jacobians only scale and permute costs no multiply-adds in either
  /// order (the product stays structured): the sentence says so, never "0× one evaluation".
  @Test func chainOfScalingsSaysNoMultiplyAdds() throws {
    let r = try JacRunner.run(["chain", "y = W*x; z = 3*y", "--wrt", "x", "--dims", "W=3x2,x=2x1"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("backpropagation is the left-to-right order (reverse mode): no multiply-adds (its products stay structured), where one forward evaluation of F takes 9"), "\(r.stdout)")
    #expect(r.stdout.contains("forward mode (right-to-left) takes none either"))
    #expect(!r.stdout.contains("0×"))
  }

  @Test func chainOfAProgramSaysWhichOrderIsBackpropagation() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/net.jac"
    try threeLayerSource.write(toFile: path, atomically: true, encoding: .utf8)
    let r = try JacRunner.run(["chain", "--program", path, "--wrt", "W1", "--dims", threeLayerDimsFlag])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("J3 = ∂z2/∂h2"))
    #expect(r.stdout.contains("3×3 diag"))
    #expect(r.stdout.contains("backpropagation is the left-to-right order (reverse mode)"))
    let json = try JacRunner.run(["chain", "--program", path, "--wrt", "W1", "--dims", threeLayerDimsFlag, "--format", "json"])
    let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
    #expect((object["factors"] as? [Any])?.count == 6)
    let branching = try JacRunner.run(["chain", "--program", path, "--wrt", "x", "--dims", threeLayerDimsFlag])
    #expect(branching.status == 0)
    let bad = try JacRunner.run(["chain", "--program", path, "--dims", threeLayerDimsFlag])
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("give the input of the chain with --wrt"))
  }

  /// `--layout denominator`: stages (∂F/∂v)ᵀ, each gradient checked against central differences.
  @Test func denominatorLayoutForPrograms() throws {
    let r = try JacRunner.run([
      "derive", threeLayerSource, "--wrt", "all", "--dims", threeLayerDimsFlag, "--layout", "denominator", "--check",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let lines = r.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    for expected in ["(∂F/∂z2)ᵀ = W3ᵀ(∂F/∂yhat)ᵀ", "(∂F/∂W1)ᵀ = (x ⊗ I₅)(∂F/∂h1)ᵀ", "(∂F/∂W3)ᵀ = (z2 ⊗ I₂)(∂F/∂yhat)ᵀ"] {
      #expect(lines.contains { $0.hasPrefix(expected + " ") }, "\(expected) in\n\(r.stdout)")
    }
    #expect(lines.filter { $0.hasPrefix("check (∂F/∂") && $0.hasSuffix("passed") }.count == 4, "\(r.stdout)")
    let json = try JacRunner.run([
      "derive", "h = W*x; F = tanh(h)*x'", "--wrt", "W", "--dims", "W=3x2,x=2x1", "--layout", "denominator", "--format", "json",
    ])
    #expect(json.status == 0, "\(json.stderr)")
    let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
    #expect(object["layout"] as? String == "denominator")
    let gradients = object["gradients"] as! [[String: Any]]
    #expect(gradients.first?["adjoint"] as? String == "(∂F/∂W)ᵀ")
    #expect(gradients.first?["shape"] as? [Int] == [6, 6])
    let latex = try JacRunner.run([
      "derive", "h = W*x; f = sum(tanh(h))", "--wrt", "W", "--dims", "W=3x2,x=2x1", "--layout", "denominator", "--format", "latex",
    ])
    #expect(latex.status == 0 && latex.stdout.contains("\\left(\\frac{\\partial F}{\\partial W}\\right)^{\\top}"), "\(latex.stdout)")
  }

  /// `jac chain PROGRAM` (inline, as derive and check take it) prints what `--program FILE`
  /// prints for the same program, except the origin in the first line.
  @Test func chainTakesAProgramInline() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/net.jac"
    try threeLayerSource.write(toFile: path, atomically: true, encoding: .utf8)
    for format in ["text", "json"] {
      let file = try JacRunner.run(["chain", "--program", path, "--wrt", "W1", "--dims", threeLayerDimsFlag, "--format", format])
      let inline = try JacRunner.run(["chain", threeLayerSource, "--wrt", "W1", "--dims", threeLayerDimsFlag, "--format", format])
      #expect(file.status == 0 && inline.status == 0, "\(inline.stderr)")
      let strip = { (s: String) in s.split(separator: "\n").filter { !$0.hasPrefix("program (") } }
      #expect(strip(file.stdout) == strip(inline.stdout), "\(format):\n\(inline.stdout)")
    }
    let oneLine = try JacRunner.run(["chain", "h = W*x; z = tanh(h); f = sum(z)", "--wrt", "W", "--dims", "W=3x2,x=2x1"])
    #expect(oneLine.status == 0, "\(oneLine.stderr)")
    #expect(oneLine.stdout.contains("program (inline, 3 statements)"))
    #expect(oneLine.stdout.contains("J3 = ∂h/∂W"))
    // Local Jacobians the factor syntax has no text for (a scaled identity when x is 1×1, a
    // commutation, a scaled row) go to the report as they are: they used to be written out as
    // factor text and read back, which refused them (exit 2).
    for (program, wrt, dims, structures) in [
      ("h = W*x; f = sum(tanh(h))", "W", "W=10x1,x=1x1", ["dense", "identity(scale "]),
      ("h = X'; f = sum(h.*h)", "X", "X=3x2", ["scaled(2,1x6)", "commutation(3,2)"]),
    ] {
      let r = try JacRunner.run(["chain", program, "--wrt", wrt, "--dims", dims, "--format", "json"])
      #expect(r.status == 0, "\(program): \(r.stderr)")
      let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
      let factors = try #require(object?["factors"] as? [[String: Any]], "\(r.stdout)")
      #expect(factors.count == structures.count, "\(r.stdout)")
      for (factor, structure) in zip(factors, structures) {
        #expect((factor["structure"] as? String)?.hasPrefix(structure) == true, "\(program): \(factor)")
      }
      let text = try JacRunner.run(["chain", program, "--wrt", wrt, "--dims", dims])
      #expect(text.status == 0 && text.stdout.contains("backpropagation is the left-to-right order"), "\(text.stderr)")
    }
    let cases: [([String], String)] = [
      (["chain", "h = W*x; f = sum(h)", "3x4", "--dims", "W=2x3,x=3x1"], "give either factors or one program, not both"),
      (["chain", "h = W*x; h = sum(h)", "--wrt", "W", "--dims", "W=2x3,x=3x1"], "line 2: h is defined twice"),
      (["chain", "3x4", "4x5", "--wrt", "W"], "--wrt and --dims go with a program"),
    ]
    for (arguments, message) in cases {
      let r = try JacRunner.run(arguments)
      #expect(r.status == 2, "\(arguments)")
      #expect(r.stderr.contains(message), "\(arguments): \(r.stderr)")
      #expect(r.stderr.split(separator: "\n").count == 1, "one sentence: \(r.stderr)")
    }
  }
}
