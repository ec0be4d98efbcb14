import Foundation
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The derivatives of the LaTeX and MathML corpus: expression, variable, dims.
let markupCorpus: [(String, String, String)] = [
  ("R'*R", "R", "R=3x3"), ("X'*X", "X", "X=3x2"), ("X*X'", "X", "X=3x2"), ("A*X*B", "X", "A=2x3,X=3x4,B=4x2"),
  ("u'*tanh(W*x+b)", "W", "u=5x1,W=5x3,x=3x1,b=5x1"), ("tanh(W*x+b)", "W", "W=4x3,x=3x1,b=4x1"),
  ("sigmoid(W*x+b)", "x", "W=4x3,x=3x1,b=4x1"), ("relu(W*x)", "W", "W=4x3,x=3x1"),
  ("logdet(X)", "X", "X=3x3"), ("det(A*X*B)", "X", "A=3x3,X=3x3,B=3x3"), ("inv(X)", "X", "X=3x3"),
  ("tr(inv(X)*A)", "X", "X=3x3,A=3x3"), ("softmax(W*x)", "W", "W=4x3,x=3x1"),
  ("p'*log(softmax(z))", "z", "p=4x1,z=4x1"), ("logsumexp(W*x)", "x", "W=4x3,x=3x1"),
  ("kron(X,A)", "X", "X=2x3,A=2x2"), ("norm(A*x-b)^2", "x", "A=4x3,x=3x1,b=4x1"),
  ("x'*A*x", "x", "x=3x1,A=3x3"), ("(x-m)'*inv(S)*(x-m)/2", "m", "x=3x1,m=3x1,S=3x3"),
  ("sqrt(x^2+exp(x^2))+cos(x^2+exp(x^2))", "x", "x=1x1"), ("log(x)", "x", "x=1x1"), ("x'*x/15", "x", "x=3x1"),
  ("X^3", "X", "X=3x3"), ("X^-2", "X", "X=2x2"), ("exp(X).*sin(X)", "X", "X=2x3"), ("X./(1+X.^2)", "X", "X=2x2"),
  ("diag(x)*A*diag(x)", "x", "x=3x1,A=3x3"), ("diagonal(X*X')", "X", "X=3x2"), ("vec(X')", "X", "X=2x3"),
  ("sum(abs(X))", "X", "X=2x3"), ("reshape(X,3,2)", "X", "X=2x3"),
  ("W3*tanh(W2*tanh(W1*x+b1)+b2)+b3", "W1", "W3=2x3,W2=3x3,W1=3x4,x=4x1,b1=3x1,b2=3x1,b3=2x1"),
  ("u'*(A*X*B+C*X'*D+X*E*X+F*X*G*X')*v", "X", "u=3x1,A=3x3,B=3x3,C=3x3,D=3x3,E=3x3,F=3x3,G=3x3,X=3x3,v=3x1"),
  ("tr(A*X*B*X'*C)+tr(X'*D*X)+det(X'*X)+logdet(X*X'+E)", "X", "A=3x3,B=3x3,C=3x3,D=3x3,E=3x3,X=3x3"),
  ("kron(X,X)*vec(A)", "X", "X=2x2,A=2x2"), ("max(W*x,x)", "W", "W=3x3,x=3x1"), ("[x; y]'*[x; y]", "x", "x=2x1,y=2x1"),
  ("arctan(X).*tan(X)", "X", "X=2x2"), ("alpha*x_1'*W_out*theta2", "W_out", "alpha=1x1,x_1=3x1,W_out=3x2,theta2=2x1"),
]

/// Every `jac` invocation of the corpus, formats and layouts included.
func markupInvocations(format: String) -> [[String]] {
  var runs: [[String]] = []
  for (k, (e, x, dims)) in markupCorpus.enumerated() {
    let base = ["derive", e, "--wrt", x, "--dims", dims, "--format", format]
    runs.append(base + (k % 3 == 0 ? ["--check"] : []))
    runs.append(base + ["--layout", "denominator"])
    runs.append(base + ["--layout", "shape"])  // exits 2 for non-scalar F; those are skipped
    if k % 4 == 1 { runs.append(base + ["--steps"]) }
  }
  let checks: [[String]] = [
    ["R'*R", "R", "R=3x2", "kron(I(2),R')+kron(R',I(2))*K(3,2)"],
    ["R'*R", "R", "R=3x2", "kron(I(2),R')*K(2,3) + kron(R',I(2))"],
    ["R'*R", "R", "R=3x2", "kron(I(2),R')*K(3,2) + kron(R',I(2))"],
    ["R'*R", "R", "R=3x2", "kron(I(2),R')"],
    ["x'*A*x", "x", "x=3x1,A=3x3", "2*x'*A"], ["x'*A*x", "x", "x=3x1,A=3x3", "x'*(A+A')"],
    ["u'*tanh(W*x+b)", "W", "u=5x1,W=5x3,x=3x1,b=5x1", "kron(x',u')"],
    ["X*A", "X", "X=3x2,A=2x4", "kron(A,I(3))"], ["X*A", "X", "X=3x2,A=2x4", "kron(I(3),A)"],
  ]
  for c in checks {
    let base = ["check", c[0], "--wrt", c[1], "--dims", c[2], "--claim", c[3], "--format", format]
    runs.append(base)
    runs.append(base + ["--hide-answer"])
  }
  runs.append(["derive", "W2*tanh(W1*x)", "--wrt", "W1,W2", "--dims", "W2=2x3,W1=3x2,x=2x1", "--format", format])
  runs.append([
    "check", "W2*tanh(W1*x)", "--wrt", "W1,W2", "--dims", "W2=2x3,W1=3x2,x=2x1", "--claim", "kron(x',W2)",
    "--claim", "kron(tanh(W1*x)',I(2))", "--format", format,
  ])
  // Hessians (--order 2): one variable and mixed blocks, with steps and checks.
  for (e, x, dims) in [
    ("tr(X'*A*X)", "X", "X=3x2,A=3x3"), ("logdet(X)", "X", "X=3x3"), ("x'*A*y", "x,y", "x=3x1,y=4x1,A=3x4"),
    ("u'*tanh(W*x)", "W,x", "W=3x2,x=2x1,u=3x1"), ("sum(log(1+exp(-y.*(X*w))))", "w", "X=6x3,w=3x1,y=6x1"),
  ] {
    runs.append(["derive", e, "--wrt", x, "--dims", dims, "--order", "2", "--check", "--format", format])
  }
  // With --steps, the long derivations included (wide d(…) left-hand sides, stage-2 gradients).
  for (e, x, dims) in [
    ("tr(X'*A*X)", "X", "X=3x2,A=3x3"), ("logdet(X)", "X", "X=3x3"), ("x'*A*y", "x,y", "x=3x1,y=4x1,A=3x4"),
    ("norm(A*x-b)^2", "x", "A=4x3,x=3x1,b=4x1"), ("u'*tanh(W*x)", "W,x", "W=3x2,x=2x1,u=3x1"),
    ("norm(W2*tanh(W1*x)-y)^2", "W1,W2", "W2=2x3,W1=3x4,x=4x1,y=2x1"),
  ] {
    runs.append(["derive", e, "--wrt", x, "--dims", dims, "--order", "2", "--steps", "--format", format])
  }
  // Size symbols: derive and check (claims right and wrong, answer shown and hidden).
  runs.append(["derive", "X'*X", "--wrt", "X", "--dims", "X=mxn", "--format", format, "--check"])
  runs.append(["derive", "u'*tanh(W*x+b)", "--wrt", "W", "--dims", "u=m,W=mxn,x=n,b=m", "--format", format])
  runs.append(["derive", "u'*tanh(W*x+b)", "--wrt", "W,b", "--dims", "u=m,W=mxn,x=n,b=m", "--format", format, "--steps"])
  for claim in ["kron(I(n),X')+kron(X',I(n))*K(m,n)", "kron(I(n),X')*K(n,m)+kron(X',I(n))", "kron(I(n),X')"] {
    let base = ["check", "X'*X", "--wrt", "X", "--dims", "X=mxn", "--claim", claim, "--format", format]
    runs.append(base)
    runs.append(base + ["--hide-answer"])
  }
  // Programs: derive in both layouts, and staged claims of the backward pass.
  let program = "z = W*x + b; h = tanh(z); f = u'*h"
  let programDims = ["--dims", "W=3x2,x=2x1,b=3x1,u=3x1"]
  runs.append(["derive", program, "--wrt", "W,b"] + programDims + ["--format", format, "--check"])
  for layout in ["numerator", "denominator"] {
    runs.append(["derive", program, "--wrt", "W", "--layout", layout] + programDims + ["--format", format])
  }
  for backward in stagedClaims {
    let base = ["check", program, "--claim-program", backward] + programDims + ["--format", format]
    runs.append(base)
    runs.append(base + ["--hide-answer"])
  }
  // The program's own chain (its local Jacobians in closed form, then the orders' table).
  runs.append(["chain", program, "--wrt", "W"] + programDims + ["--format", format])
  for factors in [
    ["10x100", "100x5", "5x50"], ["4x4:diag", "4x6", "6x6:kron(2x2,3x3)", "6x1"],
    ["10x100", "100x5", "5x50", "50x200", "200x3", "3x40", "40x40:diag", "40x7"],
  ] {
    runs.append(["chain"] + factors + ["--format", format])
    runs.append(["chain"] + factors + ["--format", format, "--measure"])
  }
  return runs
}

/// Backward passes of `z = W*x + b; h = tanh(z); f = u'*h`: right, a missing local derivative,
/// a transposed gradient.
let stagedClaims = [
  "dh = u; dz = dh.*(1 - h.^2); dW = dz*x'; db = dz",
  "dh = u; dz = dh; dW = dz*x'; db = dz",
  "dh = u; dz = dh.*(1 - h.^2); dW = x*dz'; db = dz",
]

/// Runs the corpus: the outputs of runs that succeeded or whose check failed (exit 0 or 1).
func markupOutputs(format: String) throws -> [(arguments: [String], output: String)] {
  try markupInvocations(format: format).compactMap { args in
    let r = try JacRunner.run(args)
    if r.status == 2 { return nil }
    return (args, r.stdout)
  }
}

@Suite struct MarkupFormatTests {
  /// Every MathML report is one well-formed XHTML `<div>` with MathML `<math>` elements.
  @Test func mathMLReportsAreWellFormedXML() throws {
    let outputs = try markupOutputs(format: "mathml")
    #expect(outputs.count >= 100, "only \(outputs.count) outputs")
    var formulas = 0
    for (args, out) in outputs {
      do {
        let document = try XMLDocument(xmlString: out, options: [])
        let root = try #require(document.rootElement())
        #expect(root.name == "div" && root.uri == "http://www.w3.org/1999/xhtml", "\(args)")
        let math = try root.nodes(forXPath: "//*[local-name()='math']").compactMap { $0 as? XMLElement }
        #expect(math.allSatisfy { $0.uri == "http://www.w3.org/1998/Math/MathML" }, "\(args)")
        if args[0] != "chain" { #expect(!math.isEmpty, "\(args)") }
        formulas += math.count
      } catch {
        Issue.record("\(args): \(error)\n\(out)")
      }
    }
    #expect(formulas >= 200)
  }

  /// LaTeX output is ASCII only (no `∂`, `ᵀ`, `×` anywhere) and has its left-hand side.
  @Test func latexReportsAreASCIIWithALeftHandSide() throws {
    let outputs = try markupOutputs(format: "latex")
    #expect(outputs.count >= 100, "only \(outputs.count) outputs")
    for (args, out) in outputs {
      let bad = out.unicodeScalars.filter { !$0.isASCII }
      #expect(bad.isEmpty, "\(args): non-ASCII \(String(String.UnicodeScalarView(bad)))\n\(out)")
      if args[0] == "derive" {
        #expect(out.contains("\\frac{\\partial"), "\(args)")
        #expect(out.contains("\\begin{align*}") && out.contains("\\end{align*}"), "\(args)")
      }
    }
    let rtr = try JacRunner.run(["derive", "R'*R", "--wrt", "R", "--dims", "R=3x3", "--format", "latex"])
    #expect(
      rtr.stdout.contains(
        "\\frac{\\partial \\operatorname{vec} F}{\\partial (\\operatorname{vec} R)^{\\top}} &= "
          + "(I_{3} \\otimes R^{\\top}) + (R^{\\top} \\otimes I_{3}) K_{3,3}"))
    let gradient = try JacRunner.run(["derive", "x'*A*x", "--wrt", "x", "--dims", "x=3x1,A=3x3", "--format", "latex"])
    #expect(gradient.stdout.contains("\\frac{\\partial f}{\\partial x} &= "))
  }

  static let pdflatex: String? = {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
      let path = "\(dir)/pdflatex"
      if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
  }()

  /// The whole LaTeX corpus compiles with pdflatex (article, amsmath only): no error, and no
  /// formula or table runs off the page (no overfull box).
  @Test(
    .enabled(
      if: pdflatex != nil,
      "pdflatex is not installed (scripts/ensure-deps.sh installs texlive-latex-base; it may have failed)"))
  func latexCorpusCompilesWithPdflatex() throws {
    let outputs = try markupOutputs(format: "latex")
    #expect(outputs.count > 150, "only \(outputs.count) outputs")
    let problems = try Self.pdflatexProblems(outputs)
    #expect(problems.isEmpty, "\(problems.count) problems in \(outputs.count) fragments:\n\(problems.joined(separator: "\n"))")
  }

  /// Long derivations by differentials (`--steps`), whose rows have wide left-hand sides
  /// `d(…)`, long fractions and Kronecker products, and second-derivative stages, break within
  /// the column: pdflatex reports no overfull box for any of them.
  @Test(
    .enabled(
      if: pdflatex != nil,
      "pdflatex is not installed (scripts/ensure-deps.sh installs texlive-latex-base; it may have failed)"))
  func longStepDerivationsStayWithinThePage() throws {
    let threeLayer = "norm(W3*tanh(W2*tanh(W1*x)) - y)^2/2"
    let runs: [[String]] = [
      ["u'*tanh(W*x)", "--wrt", "W", "--dims", "u=3x1,W=3x4,x=4x1"],
      ["u'*tanh(W*x)", "--wrt", "x", "--dims", "u=3x1,W=3x4,x=4x1"],
      ["u'*tanh(W*x)", "--wrt", "W", "--dims", "u=m,W=mxn,x=n"],
      ["u'*tanh(W*x)", "--wrt", "W,x", "--dims", "W=3x2,x=2x1,u=3x1", "--order", "2"],
      ["norm(W2*tanh(W1*x)-y)^2", "--wrt", "W1,W2", "--dims", "W2=2x3,W1=3x4,x=4x1,y=2x1", "--order", "2"],
      [threeLayer, "--wrt", "W1", "--dims", "W3=2x3,W2=3x3,W1=3x4,x=4x1,y=2x1"],
      [threeLayer, "--wrt", "W1"],
      ["kron(X,X)*vec(A)", "--wrt", "X", "--dims", "X=2x2,A=2x2"],
      ["u'*(A*X*B+C*X'*D+X*E*X+F*X*G*X')*v", "--wrt", "X"],
      ["tr(A*X*B*X'*C)+tr(X'*D*X)+det(X'*X)+logdet(X*X'+E)", "--wrt", "X", "--dims", "A=3x3,B=3x3,C=3x3,D=3x3,E=3x3,X=3x3"],
    ]
    var outputs: [(arguments: [String], output: String)] = []
    for run in runs {
      let args = ["derive"] + run + ["--steps", "--format", "latex"]
      let r = try JacRunner.run(args)
      #expect(r.status == 0, "\(args): \(r.stderr)")
      #expect(r.stdout.contains("\\operatorname{vec} \\mathrm{d}"), "\(args): no derivation steps")
      outputs.append((args, r.stdout))
    }
    let problems = try Self.pdflatexProblems(outputs)
    #expect(problems.isEmpty, "\(problems.count) problems:\n\(problems.joined(separator: "\n"))")
  }

  /// Compiles the fragments in one article (amsmath only) and returns pdflatex's errors and
  /// overfull boxes (`Overfull \hbox`: a row runs off the right edge; `Overfull \vbox`: an
  /// unbreakable block runs off the page), each with the `jac` arguments of its fragment.
  static func pdflatexProblems(_ outputs: [(arguments: [String], output: String)]) throws -> [String] {
    var document = "\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n"
    var starts: [(line: Int, arguments: [String])] = []
    for (args, out) in outputs {
      starts.append((document.split(separator: "\n", omittingEmptySubsequences: false).count, args))
      document += out + "\n\\par\\bigskip\n"
    }
    document += "\\end{document}\n"
    let dir = try JacRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try document.write(toFile: "\(dir)/corpus.tex", atomically: true, encoding: .utf8)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: Self.pdflatex!)
    p.arguments = ["-interaction=nonstopmode", "-no-shell-escape", "corpus.tex"]
    p.currentDirectoryURL = URL(fileURLWithPath: dir)
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    let log = try String(contentsOfFile: "\(dir)/corpus.log", encoding: .isoLatin1)
    func fragment(atLine n: Int) -> String {
      (starts.last { $0.line <= n }?.arguments).map { $0.joined(separator: " ") } ?? "preamble"
    }
    let lines = log.split(separator: "\n").map(String.init)
    var problems: [String] = []
    for (k, line) in lines.enumerated() {
      if line.hasPrefix("!") {
        let at = lines[k...].prefix(8).first { $0.hasPrefix("l.") }
        let n = at.flatMap { Int($0.dropFirst(2).prefix { $0.isNumber }) } ?? 0
        problems.append("error \(line) in: \(fragment(atLine: n))")
      }
      if line.hasPrefix("Overfull \\hbox") || line.hasPrefix("Overfull \\vbox") {
        let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        problems.append("\(line) in: \(fragment(atLine: numbers.last ?? 0))")
      }
    }
    if p.terminationStatus != 0 { problems.append("pdflatex exit \(p.terminationStatus)") }
    if !FileManager.default.fileExists(atPath: "\(dir)/corpus.pdf") { problems.append("no corpus.pdf") }
    return problems
  }

  /// `--hide-answer`: the verdict first, the worst entries, no text of the true derivative in
  /// any format.
  @Test func hideAnswerPrintsNoPartOfTheTruth() throws {
    let cases: [[String]] = [
      ["R'*R", "R", "R=3x2", "kron(I(2),R')*K(2,3) + kron(R',I(2))"],
      ["R'*R", "R", "R=3x2", "kron(I(2),R')"],
      ["x'*A*x", "x", "x=3x1,A=3x3", "2*x'*A"],
      ["u'*tanh(W*x+b)", "W", "u=5x1,W=5x3,x=3x1,b=5x1", "kron(x',u')"],
    ]
    for c in cases {
      let truth = try JacRunner.run(["derive", c[0], "--wrt", c[1], "--dims", c[2], "--format", "json"])
      let object = try #require(
        try JSONSerialization.jsonObject(with: Data(truth.stdout.utf8)) as? [String: Any], "\(truth.stdout)")
      var forms: [String] = []
      for key in ["jacobian", "gradient"] {
        if let o = object[key] as? [String: Any] {
          forms += ["text", "latex", "plain"].compactMap { o[$0] as? String }
          // The formula inside the <math> element, as the reports embed it.
          if let m = o["mathml"] as? String, let open = m.firstIndex(of: ">"), let close = m.range(of: "</math>") {
            forms.append(String(m[m.index(after: open)..<close.lowerBound]))
          }
        }
      }
      #expect(forms.count >= 4)
      for format in ["text", "latex", "mathml", "json"] {
        let r = try JacRunner.run(
          ["check", c[0], "--wrt", c[1], "--dims", c[2], "--claim", c[3], "--format", format, "--hide-answer"])
        #expect(r.status == 1, "\(c) \(format): \(r.stderr)")
        for form in forms {
          #expect(!r.stdout.contains(form), "\(c) \(format) shows the truth \(form):\n\(r.stdout)")
        }
        let shown = try JacRunner.run(["check", c[0], "--wrt", c[1], "--dims", c[2], "--claim", c[3], "--format", format])
        // Without the flag the same report does show the truth (so the check above can fail).
        #expect(forms.contains { shown.stdout.contains($0) }, "\(c) \(format)")
        if format == "text" {
          #expect(r.stdout.hasPrefix("verdict: the claim is WRONG"))
          #expect(shown.stdout.hasPrefix("verdict: the claim is WRONG"))
          #expect(r.stdout.contains("∂F["), "worst entries are shown")
        }
      }
    }
  }

  @Test func convertRefusesMarkupFormatsWithASentence() throws {
    for format in ["latex", "mathml"] {
      let dir = try JacRunner.temporaryDirectory()
      defer { try? FileManager.default.removeItem(atPath: dir) }
      let r = try JacRunner.run([
        "convert", "\(dir)/in.npy", "\(dir)/out.npy", "--from", "numerator", "--to", "denominator",
        "--output-shape", "2,2", "--input-shape", "2,2", "--format", format,
      ])
      #expect(r.status == 2)
      #expect(r.stderr.contains("--format \(format) does not apply to jac convert"), "\(r.stderr)")
      #expect(!FileManager.default.fileExists(atPath: "\(dir)/out.npy"))
    }
  }
}
