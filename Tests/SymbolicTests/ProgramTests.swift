import Foundation
import Jacobians
import MatrixCore
import TestSupport
import Testing

@testable import Symbolic

/// The lecture notes' three-layer network (no biases), squared-error loss.
let threeLayerProgram = """
  # three-layer network
  const y
  h1 = W1*x; z1 = tanh(h1)
  h2 = W2*z1; z2 = tanh(h2)
  yhat = W3*z2
  f = norm(yhat - y)^2/2
  """
let threeLayerDims: [String: Shape] = [
  "x": Shape(4, 1), "W1": Shape(5, 4), "W2": Shape(3, 5), "W3": Shape(2, 3), "y": Shape(2, 1),
]

/// CS231n's f(x,y) = (x + σ(y))/(σ(x) + (x+y)²), staged as in the notes.
let cs231nProgram = """
  sigy = sigmoid(y)
  num = x + sigy
  sigx = sigmoid(x)
  xpy = x + y
  xpysqr = xpy^2
  den = sigx + xpysqr
  invden = 1/den
  f = num*invden
  """

/// The sigmoid neuron of CS231n with the bias as a separate input.
let neuronProgram = """
  z = w'*x + b
  f = sigmoid(z)
  """

func standardNormalPoint(_ dims: [String: Shape], seed: UInt64) -> [String: Matrix] {
  var random = SeededGenerator(seed: seed)
  var point: [String: Matrix] = [:]
  for name in dims.keys.sorted() { point[name] = Matrix.randomNormal(dims[name]!.rows, dims[name]!.cols, using: &random) }
  return point
}

/// The staged adjoints of `program` against two independent references at `point`: the forward
/// (Kronecker/vec) Jacobian of the inlined single expression, and central finite differences of
/// the program. Returns a failure message, "skipped" when central differences cannot judge the
/// case (a kink, rounding), or nil when everything agrees.
func compareWithReferences(_ program: Program, dims: [String: Shape], point: [String: Matrix], layout: ProgramBackward.Layout)
  throws -> String?
{
  let wrt = program.variableInputs
  let backward = try program.backward(wrt: wrt, dims: dims, layout: layout)
  let forward = try program.evaluate(point)
  let inlined = try program.inlined()
  let adjoints: [String: Matrix]
  do {
    adjoints = try backward.values(forward: forward)
  } catch {
    // det(A) with A singular at the point: the closed form det(A)·A⁻ᵀ needs A⁻¹ (the same skip
    // as DifferentialTests).
    let c = DifferentialCase(expression: inlined, variable: wrt[0], dims: dims, point: point)
    if try c.singularDeterminantArgument() { return "skipped (singular det)" }
    // norm(A) at A = 0 (its corner, as DifferentialCase's kink rule): the closed form A/norm(A)
    // divides by zero.
    for a in inlined.normArguments where try a.evaluate(point).storage.allSatisfy({ $0 == 0 }) {
      return "skipped (norm at 0)"
    }
    throw error
  }
  var skipped = false
  for w in wrt {
    let stage = backward.gradients.first { $0.name == w }!
    var mine = adjoints[stage.adjointName]!
    if layout == .shape {
      guard mine.shape == dims[w]! else { return "d\(w) is \(mine.shape), not shaped like \(w)" }
      mine = Matrix(rows: 1, cols: mine.count, columnMajor: mine.storage)
    }
    if layout == .denominator {
      // (∂F/∂w)ᵀ: compared, transposed, with the numerator-layout references.
      guard mine.rows == dims[w]!.count else { return "(∂F/∂\(w))ᵀ is \(mine.shape), not (count of \(w))×(mn)" }
      mine = mine.transposed
    }
    let single = try SymbolicDerivative(of: inlined, wrt: w, dims: dims)
    let truth = try single.jacobian(at: point).materialized()
    guard mine.shape == truth.shape else { return "∂F/∂\(w) is \(mine.shape), the inlined Jacobian \(truth.shape)" }
    if distance(mine, truth) > 1e-8 * max(1, truth.frobeniusNorm) {
      return "∂F/∂\(w) = \(mine.storage) differs from the inlined expression's \(truth.storage)"
    }
    let c = DifferentialCase(expression: inlined, variable: w, dims: dims, point: point)
    if try c.straddlesKink() {
      skipped = true
      continue
    }
    let f = { (x: Matrix) throws -> Matrix in
      var v = point
      v[w] = x
      return try program.value(at: v)
    }
    let fd = try TestSupport.Reference.finiteDifferenceJacobian(f, at: point[w]!, h: DifferentialCase.step)
    let f0 = forward[program.output]!
    let floor = 1e-16 * (1 + f0.frobeniusNorm) / DifferentialCase.step * Double(point[w]!.count).squareRoot()
    if distance(mine, fd) > DifferentialCase.tolerance * max(fd.frobeniusNorm, mine.frobeniusNorm) + 10 * floor {
      let coarse = try TestSupport.Reference.finiteDifferenceJacobian(f, at: point[w]!, h: 10 * DifferentialCase.step)
      if distance(fd, coarse) > DifferentialCase.tolerance * max(fd.frobeniusNorm, coarse.frobeniusNorm) + 10 * floor {
        skipped = true
        continue
      }
      return "∂F/∂\(w) = \(mine.storage) differs from central differences \(fd.storage)"
    }
  }
  return skipped ? "skipped" : nil
}

/// A random program: 2–5 statements over 2–3 random inputs, each statement a random expression
/// (every operator and function of the language) of the inputs and earlier names, the last one a
/// 1×1 loss (or, when `scalar` is false, of a random shape) that also sums `sin` of every
/// earlier name, so that names are reused and branches meet.
func randomProgram(seed: UInt64, scalar: Bool = true) -> (source: String, dims: [String: Shape]) {
  var random = SeededGenerator(seed: seed)
  let inputs = differentialVariables(&random)
  var shapes = inputs
  var lines: [String] = []
  let count = Int.random(in: 2...5, using: &random)
  for k in 0..<count {
    var generator = RandomExpressionGenerator(
      seed: seed &* 6_364_136_223_846_793_005 &+ UInt64(k), maxDepth: Int.random(in: 1...3, using: &random),
      variables: shapes)
    let name = k == count - 1 ? "f" : "t\(k)"
    if k == count - 1 {
      let shape = scalar ? Shape(1, 1) : generator.next().shape
      var e = generator.expression(of: shape)
      for j in 0..<(count - 1) {
        let t = "t\(j)"
        e = e + (shape.isScalar ? .sum(.sin(.variable(t))) : .sum(.sin(.variable(t))) * .ones(shape.rows, shape.cols))
      }
      lines.append("\(name) = \(e.plainText)")
      shapes[name] = shape
    } else {
      let (e, shape) = generator.next()
      lines.append("\(name) = \(e.plainText)")
      shapes[name] = shape
    }
  }
  return (lines.joined(separator: "\n"), inputs)
}

@Suite struct ProgramTests {
  // MARK: Parsing

  @Test func statementsCommentsAndConstants() throws {
    let p = try Program("const y  # the target\nh = W*x; z = tanh(h)  # hidden\n\nf = sum((z-y).^2)")
    #expect(p.statements.map(\.name) == ["h", "z", "f"])
    #expect(p.statements.map(\.line) == [2, 2, 4])
    #expect(p.output == "f")
    #expect(p.inputs == ["W", "x", "y"])
    #expect(p.constants == ["y"])
    #expect(p.variableInputs == ["W", "x"])
    #expect(p.warnings.isEmpty)
    #expect(try Program("a = x*2\nb = a'", output: "a").output == "a")
  }

  @Test func errorsNameTheLine() {
    func message(_ source: String, output: String? = nil) -> String {
      do {
        _ = try Program(source, output: output)
        return "no error"
      } catch {
        return error.description
      }
    }
    #expect(message("a = b*2\nb = x") == "line 1: b is used before it is defined (it is defined on line 2, later); a program runs top to bottom and cannot be cyclic")
    #expect(message("a = x\nb = a\na = b").hasPrefix("line 3: a is defined twice (first on line 1)"))
    #expect(message("a = a + x").hasPrefix("line 1: a is used before it is defined (it is defined on its own definition"))
    #expect(message("x = 1\ntanh = x").hasPrefix("line 2: tanh is a function of the language"))
    #expect(message("a = x*(y\nb = a").hasPrefix("line 1: in a = x*(y: missing ')'"))
    #expect(message("a = x\nb x").hasPrefix("line 2: 'b x' is not an assignment"))
    #expect(message("a += x").hasPrefix("line 1: += is only for backward passes"))
    #expect(message("# nothing") .hasPrefix("the program has no statement"))
    #expect(message("a = x", output: "b") == "--output b names no statement of the program")
    #expect(message("const y\na = x").hasPrefix("line 1: the const input y is not used"))
    #expect(message("2a = x").hasPrefix("line 1: '2a' cannot be assigned"))
  }

  @Test func unusedStatementsAreWarnings() throws {
    let p = try Program("a = x*2\nb = x'\nc = a+1")
    #expect(p.warnings == ["line 2: b is never used"])
    let q = try Program("a = x*2\nb = a'\nc = a+1")
    #expect(q.warnings == ["line 2: b is never used"])
    let r = try Program("a = x*2\nb = a'\nc = a+1", output: "a")
    #expect(r.warnings == ["line 2: b is never used", "line 3: c is never used"])
  }

  @Test func limitsAreRefusedWithOneSentence() {
    let long = "a = " + String(repeating: "x+", count: 600_000) + "x"
    #expect(throws: ProgramError.self) { try Program(long) }
    let many = (0..<100_000).map { "a\($0) = x" }.joined(separator: "\n")
    do {
      _ = try Program(many)
      Issue.record("100,000 statements accepted")
    } catch {
      #expect(error.description.contains("more than \(Program.maximumStatements) statements"))
    }
  }

  @Test func shapesPropagateAndMismatchesNameTheLine() throws {
    let p = try Program(threeLayerProgram)
    let shapes = try p.shapes(inputs: threeLayerDims)
    #expect(shapes["h1"] == Shape(5, 1) && shapes["z2"] == Shape(3, 1) && shapes["f"] == Shape(1, 1))
    var bad = threeLayerDims
    bad["W2"] = Shape(3, 4)
    do {
      _ = try p.shapes(inputs: bad)
      Issue.record("mismatch accepted")
    } catch {
      #expect(error.line == 4, "\(error)")
    }
  }

  // MARK: The lecture notes' programs

  @Test func threeLayerBackwardIsOneLinePerStage() throws {
    let p = try Program(threeLayerProgram)
    let b = try p.backward(wrt: ["W1", "W2", "W3"], dims: threeLayerDims)
    #expect(b.stages.map(\.adjointName) == ["df", "dyhat", "dz2", "dh2", "dz1", "dh1"])
    let text = Dictionary(uniqueKeysWithValues: b.allStages.map { ($0.adjointName, $0.expression.plainText) })
    #expect(text["dz2"] == "W3'*dyhat")
    #expect(text["dh1"] == "dz1.*(1-z1.^2)")
    #expect(text["dW1"] == "dh1*x'")
    #expect(text["dW2"] == "dh2*z1'")
    #expect(text["dW3"] == "dyhat*z2'")
    for seed in [1, 2, 3] as [UInt64] {
      let point = standardNormalPoint(threeLayerDims, seed: seed)
      #expect(try compareWithReferences(p, dims: threeLayerDims, point: point, layout: .shape) == nil)
      #expect(try compareWithReferences(p, dims: threeLayerDims, point: point, layout: .numerator) == nil)
      #expect(try compareWithReferences(p, dims: threeLayerDims, point: point, layout: .denominator) == nil)
    }
  }

  /// Denominator layout: every stage is the transpose of the numerator layout's at the point,
  /// and reads as the transpose of the chain rule, (∂F/∂u)ᵀ = (∂s/∂u)ᵀ(∂F/∂s)ᵀ.
  @Test func denominatorLayoutIsTheTransposeOfNumerator() throws {
    for (source, dims, seed) in [
      (threeLayerProgram, threeLayerDims, 5 as UInt64),
      (cs231nProgram, ["x": Shape(1, 1), "y": Shape(1, 1)], 6),
      ("h = W*x; F = tanh(h)*x'", ["W": Shape(3, 2), "x": Shape(2, 1)], 7),
    ] {
      let p = try Program(source)
      let point = standardNormalPoint(dims, seed: seed)
      let forward = try p.evaluate(point)
      let numerator = try p.backward(wrt: p.variableInputs, dims: dims, layout: .numerator)
      let denominator = try p.backward(wrt: p.variableInputs, dims: dims, layout: .denominator)
      let (n, d) = (try numerator.values(forward: forward), try denominator.values(forward: forward))
      #expect(numerator.allStages.map(\.name) == denominator.allStages.map(\.name))
      for (a, b) in zip(numerator.allStages, denominator.allStages) {
        #expect(b.adjointName == "(∂F/∂\(b.name))ᵀ" && b.shape == Shape(a.shape.cols, a.shape.rows))
        let (x, y) = (n[a.adjointName]!, d[b.adjointName]!)
        #expect(distance(x.transposed, y) <= 1e-12 * max(1, x.frobeniusNorm), "seed \(seed): \(b.adjointName)")
      }
      #expect(try compareWithReferences(p, dims: dims, point: point, layout: .denominator) == nil, "seed \(seed)")
    }
    let b = try Program(threeLayerProgram).backward(wrt: ["W1"], dims: threeLayerDims, layout: .denominator)
    let text = Dictionary(uniqueKeysWithValues: b.allStages.map { ($0.adjointName, $0.expression.unicodeText) })
    #expect(text["(∂F/∂z2)ᵀ"] == "W3ᵀ(∂F/∂yhat)ᵀ")
    #expect(text["(∂F/∂h1)ᵀ"] == "diag(1 − z1.^2)(∂F/∂z1)ᵀ")
    #expect(text["(∂F/∂W1)ᵀ"] == "(x ⊗ I₅)(∂F/∂h1)ᵀ")
  }

  /// CS231n's code writes σ out (`sigx = 1.0 / (1 + exp(-x))`, Python's `**`): the gradient reads
  /// in the program's names as the notes' `dx += ((1 - sigx) * sigx) * dsigx` does, and its values
  /// are the notes' numbers.
  @Test func sigmoidWrittenOutIsNamed() throws {
    let source = """
      sigy = 1.0 / (1 + exp(-y)); num = x + sigy; sigx = 1.0 / (1 + exp(-x)); xpy = x + y
      xpysqr = xpy**2; den = sigx + xpysqr; invden = 1.0 / den; f = num * invden
      """
    let p = try Program(source)
    let dims: [String: Shape] = ["x": Shape(1, 1), "y": Shape(1, 1)]
    let b = try p.backward(wrt: ["x", "y"], dims: dims)
    #expect(b.gradients[0].expression.unicodeText.contains("dsigx sigx·(1 − sigx)"), "\(b.gradients[0].expression.unicodeText)")
    #expect(b.gradients[1].expression.unicodeText.contains("dsigy sigy·(1 − sigy)"), "\(b.gradients[1].expression.unicodeText)")
    let point = ["x": Matrix(rows: 1, cols: 1, columnMajor: [3]), "y": Matrix(rows: 1, cols: 1, columnMajor: [-4])]
    let adjoints = try b.values(forward: try p.evaluate(point))
    #expect(abs(adjoints["dx"]!.storage[0] - 2.0595697955721652) < 1e-14)
    #expect(abs(adjoints["dy"]!.storage[0] - 1.5922327514838093) < 1e-14)
  }

  @Test func cs231nBranchesSum() throws {
    let p = try Program(cs231nProgram)
    let dims: [String: Shape] = ["x": Shape(1, 1), "y": Shape(1, 1)]
    let b = try p.backward(wrt: ["x", "y"], dims: dims)
    let dx = b.gradients[0]
    #expect(Set(dx.contributions.map(\.from)) == ["num", "sigx", "xpy"])
    let point = ["x": Matrix(rows: 1, cols: 1, columnMajor: [3]), "y": Matrix(rows: 1, cols: 1, columnMajor: [-4])]
    let adjoints = try b.values(forward: try p.evaluate(point))
    // The notes' double-precision values.
    #expect(abs(adjoints["dx"]!.storage[0] - 2.0595697955721652) < 1e-14)
    #expect(abs(adjoints["dy"]!.storage[0] - 1.5922327514838093) < 1e-14)
    #expect(abs(adjoints["dden"]!.storage[0] - -0.7915934) < 1e-7)
    #expect(try compareWithReferences(p, dims: dims, point: point, layout: .shape) == nil)
    #expect(try compareWithReferences(p, dims: dims, point: point, layout: .numerator) == nil)
  }

  @Test func sigmoidNeuron() throws {
    let p = try Program(neuronProgram)
    let dims: [String: Shape] = ["w": Shape(2, 1), "x": Shape(2, 1), "b": Shape(1, 1)]
    let point = [
      "w": Matrix(rows: 2, cols: 1, columnMajor: [2, -3]), "x": Matrix(rows: 2, cols: 1, columnMajor: [-1, -2]),
      "b": Matrix(rows: 1, cols: 1, columnMajor: [-3]),
    ]
    let b = try p.backward(wrt: ["w", "x", "b"], dims: dims)
    let a = try b.values(forward: try p.evaluate(point))
    // CS231n: dw = [-0.20, -0.39], dx = [0.39, -0.59], db = 0.20 (σ'(1) = 0.19661193324148185).
    let s = 0.19661193324148185
    #expect(distance(a["dw"]!, Matrix(rows: 2, cols: 1, columnMajor: [-s, -2 * s])) < 1e-15)
    #expect(distance(a["dx"]!, Matrix(rows: 2, cols: 1, columnMajor: [2 * s, -3 * s])) < 1e-15)
    #expect(abs(a["db"]!.storage[0] - s) < 1e-15)
    #expect(try compareWithReferences(p, dims: dims, point: point, layout: .shape) == nil)
  }

  @Test func wrtMustBeAnInputAndAdjointNamesMustNotClash() throws {
    let p = try Program(threeLayerProgram)
    #expect(throws: ProgramError.self) { try p.backward(wrt: ["h1"], dims: threeLayerDims) }
    #expect(throws: ProgramError.self) { try p.backward(wrt: ["q"], dims: threeLayerDims) }
    let clash = try Program("dx = x*2\nf = sum(dx)")
    #expect(throws: ProgramError.self) { try clash.backward(wrt: ["x"], dims: ["x": Shape(2, 1)]) }
    let nonScalar = try Program("h = W*x")
    #expect(throws: ProgramError.self) { try nonScalar.backward(wrt: ["W"], dims: ["W": Shape(2, 3), "x": Shape(3, 1)]) }
  }

  // MARK: The chain of local Jacobians

  @Test func chainOfLocalJacobiansMultipliesToTheJacobian() throws {
    let p = try Program(threeLayerProgram)
    let point = standardNormalPoint(threeLayerDims, seed: 4)
    let links = try p.jacobianChain(wrt: "W1", dims: threeLayerDims, at: point)
    #expect(links.map(\.name) == ["f", "yhat", "z2", "h2", "z1", "h1"])
    #expect(links.map { "\(FactorSignature($0.matrix).rows)x\(FactorSignature($0.matrix).cols)" } == ["1x2", "2x3", "3x3", "3x5", "5x5", "5x20"])
    #expect(FactorSignature(links[2].matrix).kind == .diagonal)
    #expect(FactorSignature(links[5].matrix).kind == .kronecker, "J6 is not a Kronecker form")
    // The product of the dense links, by definition, is the inlined expression's Jacobian.
    var product = try links[0].matrix.materialized()
    for link in links.dropFirst() { product = TestSupport.Reference.product(product, try link.matrix.materialized()) }
    let truth = try SymbolicDerivative(of: try p.inlined(), wrt: "W1", dims: threeLayerDims).jacobian(at: point).materialized()
    #expect(distance(product, truth) <= 1e-12 * max(1, truth.frobeniusNorm))
    // A branching program has no single chain.
    #expect(throws: ProgramError.self) {
      try Program(cs231nProgram).jacobianChain(
        wrt: "x", dims: ["x": Shape(1, 1), "y": Shape(1, 1)],
        at: ["x": Matrix(rows: 1, cols: 1, columnMajor: [3]), "y": Matrix(rows: 1, cols: 1, columnMajor: [-4])])
    }
    // One forward evaluation: 5·4 + 3·5 + 2·3 products, plus one per entry of the other operations.
    let cost = try p.forwardMultiplyAdds(dims: threeLayerDims)
    #expect(cost == 20 + 5 + 15 + 3 + 6 + (2 + 1 + 1 + 1))
  }

  // MARK: Random programs

  /// 500 random programs with a 1×1 loss (shape, numerator and denominator layouts) and 150 with
  /// a matrix output (numerator and denominator layouts): every gradient equals the inlined
  /// expression's forward Jacobian and central finite differences (denominator: transposed).
  @Test func randomProgramsAgreeWithReferences() throws {
    let environment = ProcessInfo.processInfo.environment
    let base = environment["PROGRAM_SEED"].flatMap { UInt64($0) } ?? 20_261_130
    let total = environment["PROGRAM_COUNT"].flatMap { Int($0) } ?? 500
    var failures: [String] = []
    var skipped = 0
    var compared = 0
    for k in 0..<(total + total * 3 / 10) {
      let seed = base &+ UInt64(k)
      let scalar = k < total
      let (source, dims) = randomProgram(seed: seed, scalar: scalar)
      let point = standardNormalPoint(dims, seed: seed)
      do {
        let p = try Program(source)
        guard !p.variableInputs.isEmpty else { continue }
        for layout in scalar ? [ProgramBackward.Layout.shape, .numerator, .denominator] : [.numerator, .denominator] {
          compared += 1
          if let failure = try compareWithReferences(p, dims: dims, point: point, layout: layout) {
            if failure.hasPrefix("skipped") { skipped += 1 } else {
              failures.append("seed \(seed) (\(layout)): \(failure)\n\(source)")
            }
          }
        }
      } catch {
        failures.append("seed \(seed): threw \(error)\n\(source)")
      }
    }
    for f in failures.prefix(20) { Issue.record(Comment(rawValue: f)) }
    #expect(failures.isEmpty, "\(failures.count) of \(compared) failed (base seed \(base))")
    #expect(skipped <= compared / 10, "\(skipped) of \(compared) skipped")
    print("ProgramTests: \(compared) random program comparisons, \(skipped) skipped, \(failures.count) failed (base seed \(base))")
  }
}
