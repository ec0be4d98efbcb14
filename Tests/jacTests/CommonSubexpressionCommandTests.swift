import Foundation
import MatrixCore
import Symbolic
import Testing

/// `jac derive` prints repeated subexpressions named once (LetForm): checked against the
/// closed form written here and, numerically, against central finite differences of F.
@Suite struct CommonSubexpressionCommandTests {
  let threeLayer = "norm(W3*tanh(W2*tanh(W1*x)) - y)^2/2"
  let dims: [String: Shape] = ["x": Shape(4, 1), "W1": Shape(5, 4), "W2": Shape(3, 5), "W3": Shape(2, 3), "y": Shape(2, 1)]
  let dimsFlag = "x=4x1,W1=5x4,W2=3x5,W3=2x3,y=2x1"

  @Test func threeLayerGradientIsAFewShortLines() throws {
    let r = try JacRunner.run(["derive", threeLayer, "--wrt", "W1", "--dims", dimsFlag])
    #expect(r.status == 0, "\(r.stderr)")
    let lines = r.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    #expect(lines.contains("(W3 t2 − y)ᵀW3 diag(1 − t2.^2)W2 diag(1 − t1.^2)(xᵀ ⊗ I₅)"), "\(r.stdout)")
    #expect(lines.contains("(W2ᵀ(W3ᵀ(W3 t2 − y) ⊙ (1 − t2.^2)) ⊙ (1 − t1.^2))xᵀ"), "\(r.stdout)")
    #expect(lines.contains("where (common subexpressions, each written once):"))
    #expect(lines.contains("t1 = tanh(W1 x)") && lines.contains("t2 = tanh(W2 t1)"), "\(r.stdout)")
    // Nothing repeats in u'*tanh(W*x+b): printed as before, no names.
    let plain = try JacRunner.run(["derive", "u'*tanh(W*x+b)", "--wrt", "W", "--dims", "u=3x1,W=3x2,x=2x1,b=3x1"])
    #expect(plain.status == 0 && !plain.stdout.contains("where (common"), "\(plain.stdout)")
    // A form of at most 80 characters is printed inline even when something repeats in it.
    let short = try JacRunner.run(["derive", "sqrt(x^2 + exp(x^2)) + cos(x^2 + exp(x^2))", "--wrt", "x", "--dims", "x=1x1"])
    #expect(short.status == 0 && !short.stdout.contains("where (common"), "\(short.stdout)")
    #expect(short.stdout.contains("x·(1 + exp(x²))(1 / sqrt(x² + exp(x²)) − 2 sin(x² + exp(x²)))"))
  }

  @Test func latexAndMathMLNameTheRepeats() throws {
    let latex = try JacRunner.run(["derive", threeLayer, "--wrt", "W1", "--dims", dimsFlag, "--format", "latex"])
    #expect(latex.status == 0)
    #expect(latex.stdout.contains("\\intertext{where} t_{1} &= \\tanh(W_{1} x) \\\\\nt_{2} &= \\tanh(W_{2} t_{1})"), "\(latex.stdout)")
    let mathml = try JacRunner.run(["derive", threeLayer, "--wrt", "W1", "--dims", dimsFlag, "--format", "mathml"])
    #expect(mathml.status == 0)
    #expect(mathml.stdout.contains("where (common subexpressions, each written once):"))
    #expect(mathml.stdout.contains("<msub><mi>t</mi><mn>2</mn></msub>"), "\(mathml.stdout)")
  }

  /// The JSON's named forms, evaluated binding by binding at the point, equal central finite
  /// differences of F (rtol 1e-6), for the gradient and the numerator Jacobian, at several depths.
  @Test func jsonNamedFormsEqualFiniteDifferences() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { JacRunner.removeTemporaryDirectory(dir) }
    for layers in [3, 6] {
      var f = "x"
      var dims: [String: Shape] = ["x": Shape(3, 1)]
      for k in 1...layers {
        f = "tanh(W\(k)*\(f))"
        dims["W\(k)"] = Shape(3, 3)
      }
      f = "norm(\(f))^2/2"
      var random = SeededGenerator(seed: UInt64(40 + layers))
      var point: [String: Matrix] = [:]
      var values: [String] = []
      for (name, s) in dims.sorted(by: { $0.key < $1.key }) {
        point[name] = Matrix.randomNormal(s.rows, s.cols, using: &random)
        try point[name]!.writeNPY(to: "\(dir)/\(name).npy")
        values.append("\(name)=\(dir)/\(name).npy")
      }
      let r = try JacRunner.run(["derive", f, "--wrt", "W1", "--values", values.joined(separator: ","), "--format", "json"])
      #expect(r.status == 0, "\(r.stderr)")
      let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
      let bindings = json["commonSubexpressions"] as! [[String: Any]]
      #expect(bindings.count == layers, "seed \(40 + layers): \(bindings)")
      var env = point
      for b in bindings { env[b["name"] as! String] = try Expression(b["plain"] as! String).evaluate(env) }
      let gradient = try Expression(((json["gradient"] as! [String: Any])["named"] as! [String: Any])["plain"] as! String)
        .evaluate(env)
      let jacobian = try Expression(((json["jacobian"] as! [String: Any])["named"] as! [String: Any])["plain"] as! String)
        .evaluate(env)
      // Central differences of F in every entry of W1, step 1e-6.
      let F = try Expression(f)
      let w = point["W1"]!
      var fd = [Double](repeating: 0, count: w.count)
      for i in 0..<w.count {
        var plus = point, minus = point
        var s = w.storage
        s[i] += 1e-6
        plus["W1"] = Matrix(rows: w.rows, cols: w.cols, columnMajor: s)
        s[i] -= 2e-6
        minus["W1"] = Matrix(rows: w.rows, cols: w.cols, columnMajor: s)
        fd[i] = (try F.evaluate(plus).storage[0] - F.evaluate(minus).storage[0]) / 2e-6
      }
      let scale = max(1e-300, fd.map(abs).max()!)
      #expect(gradient.shape == w.shape && jacobian.rows == 1 && jacobian.cols == w.count)
      for i in 0..<w.count {
        #expect(abs(gradient.storage[i] - fd[i]) <= 1e-6 * scale, "layers \(layers), entry \(i)")
        #expect(abs(jacobian.storage[i] - fd[i]) <= 1e-6 * scale, "layers \(layers), entry \(i)")
      }
    }
  }

  /// With size symbols (inferred, or given with `--dims`), the three-layer gradient is named
  /// as at numeric sizes: short lines in text, the same bindings in LaTeX, MathML and JSON.
  @Test func symbolicSizesNameTheRepeatsInEveryFormat() throws {
    let symbolic = "W3=mxn,W2=nxp,W1=pxq,x=q,y=m"
    for extra in [[], ["--dims", symbolic]] {
      let r = try JacRunner.run(["derive", threeLayer, "--wrt", "W1"] + extra)
      #expect(r.status == 0, "\(r.stderr)")
      let lines = r.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
      #expect(lines.contains("(W3 t2 − y)ᵀW3 diag(1 − t2.^2)W2 diag(1 − t1.^2)(xᵀ ⊗ Iₚ)"), "\(r.stdout)")
      #expect(lines.contains("(W2ᵀ(W3ᵀ(W3 t2 − y) ⊙ (1 − t2.^2)) ⊙ (1 − t1.^2))xᵀ"), "\(r.stdout)")
      #expect(lines.contains("t1 = tanh(W1 x)") && lines.contains("t2 = tanh(W2 t1)"), "\(r.stdout)")
      // Every line of the result is short (the inlined gradient alone is over 130 characters).
      let result = lines.drop { !$0.hasPrefix("∂vec F") }.prefix { !$0.hasPrefix("structure") }
      #expect(result.allSatisfy { $0.count <= 70 }, "\(r.stdout)")
    }
    let latex = try JacRunner.run(["derive", threeLayer, "--wrt", "W1", "--dims", symbolic, "--format", "latex"])
    #expect(latex.stdout.contains("\\intertext{where} t_{1} &= \\tanh(W_{1} x) \\\\\nt_{2} &= \\tanh(W_{2} t_{1})"), "\(latex.stdout)")
    #expect(latex.stdout.contains("I_{p}"), "\(latex.stdout)")
    let mathml = try JacRunner.run(["derive", threeLayer, "--wrt", "W1", "--dims", symbolic, "--format", "mathml"])
    #expect(mathml.stdout.contains("where (common subexpressions, each written once):"), "\(mathml.stdout)")
    #expect(mathml.stdout.contains("<msub><mi>t</mi><mn>2</mn></msub>"), "\(mathml.stdout)")
  }

  /// The JSON of a symbolic-size derivative: its named forms, the bindings evaluated in order,
  /// equal the unnamed forms and central finite differences of F (rtol 1e-6) at random sizes
  /// (the symbols read with `SizeSymbols.values`) and random values.
  @Test func symbolicNamedFormsEqualTheUnnamedDerivativeAtRandomSizes() throws {
    let r = try JacRunner.run([
      "derive", threeLayer, "--wrt", "W1", "--dims", "W3=mxn,W2=nxp,W1=pxq,x=q,y=m", "--format", "json",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stdout)")
    #expect(json["sizeSymbols"] as? [String] == ["m", "n", "p", "q"])
    let bindings = try #require(json["commonSubexpressions"] as? [[String: Any]])
    #expect(bindings.map { $0["name"] as? String } == ["t1", "t2"])
    let jacobian = try #require(json["jacobian"] as? [String: Any])
    let gradient = try #require(json["gradient"] as? [String: Any])
    let forms = [
      (try #require(jacobian["plain"] as? String), try #require((jacobian["named"] as? [String: Any])?["plain"] as? String)),
      (try #require(gradient["plain"] as? String), try #require((gradient["named"] as? [String: Any])?["plain"] as? String)),
    ]
    #expect(forms.allSatisfy { $0.1.contains("t1") && $0.1.count < $0.0.count }, "\(forms)")
    let F = try Expression(threeLayer)
    for seed in UInt64(1)...6 {
      var random = SeededGenerator(seed: seed)
      let sizes = ["m", "n", "p", "q"].reduce(into: [String: Int]()) { $0[$1] = Int.random(in: 1...5, using: &random) }
      let (m, n, p, q) = (sizes["m"]!, sizes["n"]!, sizes["p"]!, sizes["q"]!)
      let shapes = ["W3": Shape(m, n), "W2": Shape(n, p), "W1": Shape(p, q), "x": Shape(q, 1), "y": Shape(m, 1)]
      var point: [String: Matrix] = [:]
      for (name, s) in shapes.sorted(by: { $0.key < $1.key }) { point[name] = Matrix.randomNormal(s.rows, s.cols, using: &random) }
      try SizeSymbols.$values.withValue(sizes) {
        var env = point
        for b in bindings { env[b["name"] as! String] = try Expression(b["plain"] as! String).evaluate(env) }
        let values = try forms.map { (try Expression($0.0).evaluate(point), try Expression($0.1).evaluate(env)) }
        // Central differences of F in every entry of W1, step 1e-6.
        let w = point["W1"]!
        var fd = [Double](repeating: 0, count: w.count)
        for i in 0..<w.count {
          var plus = point, minus = point
          var s = w.storage
          s[i] += 1e-6
          plus["W1"] = Matrix(rows: w.rows, cols: w.cols, columnMajor: s)
          s[i] -= 2e-6
          minus["W1"] = Matrix(rows: w.rows, cols: w.cols, columnMajor: s)
          fd[i] = (try F.evaluate(plus).storage[0] - F.evaluate(minus).storage[0]) / 2e-6
        }
        let scale = max(1e-8, fd.map(abs).max()!)
        for (k, (unnamed, named)) in values.enumerated() {
          #expect(named.count == w.count && unnamed.count == w.count, "seed \(seed) \(sizes) form \(k)")
          for i in 0..<min(w.count, named.count, unnamed.count) {
            #expect(abs(named.storage[i] - unnamed.storage[i]) <= 1e-10 * scale, "seed \(seed) \(sizes) form \(k) entry \(i)")
            #expect(abs(named.storage[i] - fd[i]) <= 1e-6 * scale, "seed \(seed) \(sizes) form \(k) entry \(i)")
          }
        }
      }
    }
  }
}
