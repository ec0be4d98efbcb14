import Foundation
import JacCommands
import MatrixCore
import Symbolic
import Testing

/// Programs with size symbols (docs/programs.md, "Sizes as symbols"): sizes inferred or given as
/// symbols, the backward pass printed once for every size, and its gradients instantiated at
/// random sizes against central finite differences of a forward pass written in this file.
@Suite struct ProgramSymbolicSizesTests {
  static let threeLayerExpression = "norm(W3*tanh(W2*tanh(W1*x)) - y)^2/2"
  /// A two-layer network over a batch X, biases broadcast across the batch (db = dh·1ₖ).
  static let batchSource = "h1 = W1*X + b1; z1 = tanh(h1); s = W2*z1 + b2; f = sum(s.*s)/2"

  static func decode(_ json: String) throws -> ProgramDeriveRecord {
    try JSONDecoder().decode(ProgramDeriveRecord.self, from: Data(json.utf8))
  }

  static func symbol(_ s: JSONSize) -> String? {
    if case .symbol(let t) = s { return t }
    return nil
  }

  /// With no --dims the program infers the same shapes as F written as one expression, and they
  /// are the network's: W1 a×b, x b×1, W2 c×a, W3 d×c, y d×1, four distinct symbols.
  @Test func threeLayerWithoutDimsInfersTheExpressionsSizes() throws {
    let program = try JacRunner.run(["derive", threeLayerSource, "--wrt", "all", "--format", "json"])
    #expect(program.status == 0, "\(program.stderr)")
    let record = try Self.decode(program.stdout)
    let single = try JacRunner.run(["derive", Self.threeLayerExpression, "--wrt", "W1", "--format", "json"])
    #expect(single.status == 0, "\(single.stderr)")
    let expression = try JSONDecoder().decode(DeriveRecord.self, from: Data(single.stdout.utf8))
    let inferred = try #require(record.inferredShapes)
    #expect(inferred == expression.inferredShapes, "program \(inferred) vs expression \(String(describing: expression.inferredShapes))")
    #expect(Set(inferred.keys) == ["W1", "W2", "W3", "x", "y"])
    // The closed form of the sizes, written here.
    let s = inferred.mapValues { $0.map { Self.symbol($0) ?? "1" } }
    #expect(s["x"]![1] == "1" && s["y"]![1] == "1")
    #expect(s["W1"]![1] == s["x"]![0] && s["W2"]![1] == s["W1"]![0] && s["W3"]![1] == s["W2"]![0])
    #expect(s["y"]![0] == s["W3"]![0])
    #expect(Set([s["x"]![0], s["W1"]![0], s["W2"]![0], s["W3"]![0]]).count == 4)
    #expect(record.sizeSymbols?.count == 4)
    #expect(record.instantiations?.count == 2 && record.instantiations?[0] != record.instantiations?[1])
    // Stage shapes are symbolic: dh1 is shaped like h1, W1's rows by 1.
    let dh1 = try #require(record.stages.first { $0.name == "h1" })
    #expect(dh1.shape == [.symbol(s["W1"]![0]), .number(1)] || dh1.shape == [.symbol(s["W1"]![0]), .symbol("1")], "\(dh1.shape)")
    // The text form names the symbols and prints symbolic shapes.
    let text = try JacRunner.run(["derive", threeLayerSource, "--wrt", "W1"])
    #expect(text.status == 0, "\(text.stderr)")
    #expect(text.stdout.contains("size symbols"), "\(text.stdout)")
    #expect(text.stdout.contains("dW1 = dh1 xᵀ"), "\(text.stdout)")
    #expect(text.stdout.contains("(\(s["W1"]![0])×\(s["x"]![0]))"), "\(text.stdout)")
  }

  /// `--check` with symbols: every gradient at two different instantiations, each named.
  @Test func checkAtTwoInstantiations() throws {
    let r = try JacRunner.run(["derive", Self.batchSource, "--wrt", "all", "--check", "--dims", "W1=mxn"])
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    let checks = r.stdout.split(separator: "\n").filter { $0.hasPrefix("check d") }
    #expect(checks.count == 10 && checks.allSatisfy { $0.hasSuffix(": passed") }, "\(r.stdout)")
    let at = Set(
      checks.compactMap { line -> Substring? in
        guard let start = line.range(of: "(Richardson-extrapolated) at "), let end = line.range(of: ", at a random point") else {
          return nil
        }
        return line[start.upperBound..<end.lowerBound]
      })
    #expect(at.count == 2, "\(at)")
    #expect(r.stdout.contains("[size symbols m, n, p, q;"), "\(r.stdout)")
    #expect(r.stdout.contains("db1 = dh1·1_{q}"), "\(r.stdout)")
    for format in ["latex", "mathml"] {
      let m = try JacRunner.run(["derive", Self.batchSource, "--wrt", "b1", "--check", "--format", format])
      #expect(m.status == 0, "\(m.stderr)")
      #expect(m.stdout.contains("at m="), "\(m.stdout)")
    }
  }

  /// A program's chain needs numbers (its costs are numbers, and the cheapest order depends on
  /// them): size symbols are refused with one sentence that says why and gives numbers to try.
  @Test func numericOnlyCommandsRefuseSymbols() throws {
    let chain = try JacRunner.run(["chain", "h = W*x; z = tanh(h); f = sum(z)", "--wrt", "W"])
    #expect(chain.status == 2)
    #expect(chain.stderr.contains("jac chain on a program needs numeric sizes, since the costs of the orders"), "\(chain.stderr)")
    #expect(chain.stderr.contains("(W m×n, x n×1)"), "\(chain.stderr)")
    // The example --dims it gives is accepted as it stands.
    let example = try #require(chain.stderr.range(of: "for example --dims ")).upperBound
    let dims = chain.stderr[example...].trimmingCharacters(in: .whitespacesAndNewlines)
    let numeric = try JacRunner.run(["chain", "h = W*x; z = tanh(h); f = sum(z)", "--wrt", "W", "--dims", dims])
    #expect(numeric.status == 0, "\(dims): \(numeric.stderr)")
    // Numeric --dims keep working, and sizes inferred as numbers fill the rest.
    let completed = try JacRunner.run(["derive", "h = W*x; f = sum(tanh(h))", "--wrt", "W", "--dims", "W=3x2"])
    #expect(completed.status == 0, "\(completed.stderr)")
    #expect(completed.stdout.contains("inputs W 3×2, x 2×1"), "\(completed.stdout)")
  }

  /// `--claim-program` with size symbols: the claim is read and judged at each of the two
  /// instantiations (the symbols in it standing for that instantiation's sizes), and holds only
  /// where every line holds at both; the report of a wrong claim names the instantiation it
  /// failed at, and a claim that hard-codes one instantiation's size fails at the other.
  @Test func claimProgramAtTheInstantiations() throws {
    let program = "h = W*x; z = tanh(h); f = sum(z)"
    let right = try JacRunner.run([
      "check", program, "--wrt", "W", "--claim-program", "dz = ones(m,1); dh = dz.*(1-z.^2); dW = dh*x'; dx = W'*dh",
    ])
    #expect(right.status == 0, "\(right.stdout)\(right.stderr)")
    #expect(right.stdout.hasPrefix("verdict: every line holds at m="), "\(right.stdout)")
    #expect(right.stdout.contains("inputs W m×n, x n×1   [size symbols m, n; inferred from the expression: W m×n, x n×1]"), "\(right.stdout)")
    let json = try JacRunner.run([
      "check", program, "--wrt", "W", "--claim-program", "dz = ones(m,1); dh = dz.*(1-z.^2); dW = dh*x'", "--format", "json",
    ])
    #expect(json.status == 0, "\(json.stderr)")
    let record = try JSONDecoder().decode(ProgramCheckRecord.self, from: Data(json.stdout.utf8))
    #expect(record.holds && record.sizeSymbols == ["m", "n"], "\(json.stdout)")
    let at = try #require(record.instantiations)
    #expect(at.count == 2 && at[0].sizes != at[1].sizes && at.allSatisfy(\.holds), "\(json.stdout)")
    #expect(record.notComputed == ["dx"], "\(json.stdout)")

    // dz = 1 is 1×1 where dz is m×1: wrong at the first instantiation, named in the header.
    let scalar = try JacRunner.run(["check", program, "--wrt", "W", "--claim-program", "dz = 1; dh = dz.*(1-z.^2); dW = dh*x'"])
    #expect(scalar.status == 1, "\(scalar.stdout)\(scalar.stderr)")
    #expect(scalar.stdout.hasPrefix("verdict: the backward pass is WRONG; the first wrong line is line 1: dz = 1"), "\(scalar.stdout)")
    #expect(scalar.stdout.contains("checked stage by stage at m="), "\(scalar.stdout)")

    // The rows of h written as the number they have at the first instantiation: right there,
    // wrong at the second, which the report names.
    let first = try #require(at.first?.sizes["m"])
    let second = try #require(at.last?.sizes["m"])
    #expect(first != second)
    let fixed = try JacRunner.run([
      "check", program, "--wrt", "W", "--claim-program", "dz = ones(\(first),1); dh = dz.*(1-z.^2); dW = dh*x'",
      "--format", "json",
    ])
    #expect(fixed.status == 1, "\(fixed.stdout)\(fixed.stderr)")
    let wrong = try JSONDecoder().decode(ProgramCheckRecord.self, from: Data(fixed.stdout.utf8))
    #expect(!wrong.holds && wrong.instantiations?.map(\.holds) == [true, false], "\(fixed.stdout)")
    #expect(wrong.firstWrong?.line == 1, "\(fixed.stdout)")
  }

  /// The symbolic gradients of the JSON (their `plain` forms), instantiated at random sizes by
  /// reading the sizes through the symbols' values, evaluated stage by stage, against central
  /// finite differences of the forward pass written in this file.
  @Test(arguments: [0, 1])
  func symbolicGradientsAtRandomSizesAgreeWithFiniteDifferences(_ which: Int) throws {
    let source = which == 0 ? threeLayerSource : Self.batchSource
    let r = try JacRunner.run(["derive", source, "--wrt", "all", "--format", "json"])
    #expect(r.status == 0, "\(r.stderr)")
    let record = try Self.decode(r.stdout)
    let symbols = try #require(record.sizeSymbols)
    let seed: UInt64 = 20_261_130 &+ UInt64(which)
    var generator = SeededGenerator(seed: seed)
    for round in 0..<4 {
      var sizes: [String: Int] = [:]
      for s in symbols { sizes[s] = Int.random(in: 2...6, using: &generator) }
      func size(_ t: JSONSize) -> Int {
        switch t {
        case .number(let n): return n
        case .symbol(let s): return sizes[s] ?? Int(s)!
        }
      }
      var inputs: [String: Matrix] = [:]
      for input in record.program.inputs {
        var m = Matrix.zeros(size(input.shape[0]), size(input.shape[1]))
        for i in 0..<m.rows { for j in 0..<m.cols { m[i, j] = Double.random(in: -1...1, using: &generator) } }
        inputs[input.name] = m
      }
      let forward = which == 0 ? Self.threeLayer : Self.batch
      var values = forward(inputs).named
      try SizeSymbols.$values.withValue(sizes) {
        for stage in record.stages + record.gradients {
          values[stage.adjoint] = try Expression(stage.plain).evaluate(values)
        }
      }
      for g in record.gradients {
        let x = inputs[g.name]!
        let analytic = try #require(values[g.adjoint])
        #expect(analytic.rows == x.rows && analytic.cols == x.cols, "seed \(seed) round \(round) sizes \(sizes): \(g.adjoint)")
        var worst = 0.0
        var scale = 1e-12
        let h = 1e-6
        for i in 0..<x.rows {
          for j in 0..<x.cols {
            var plus = inputs
            var minus = inputs
            plus[g.name]![i, j] += h
            minus[g.name]![i, j] -= h
            let fd = (forward(plus).f - forward(minus).f) / (2 * h)
            worst = max(worst, abs(fd - analytic[i, j]))
            scale = max(scale, abs(fd))
          }
        }
        #expect(worst <= 1e-6 * scale, "seed \(seed) round \(round) sizes \(sizes): \(g.adjoint) = \(g.plain) off by \(worst)")
      }
    }
  }

  // MARK: Forward passes written out entry by entry

  static func product(_ a: Matrix, _ b: Matrix) -> Matrix {
    var c = Matrix.zeros(a.rows, b.cols)
    for i in 0..<a.rows { for j in 0..<b.cols { for k in 0..<a.cols { c[i, j] += a[i, k] * b[k, j] } } }
    return c
  }

  static func map(_ a: Matrix, _ f: (Double) -> Double) -> Matrix {
    var c = a
    for i in 0..<a.rows { for j in 0..<a.cols { c[i, j] = f(a[i, j]) } }
    return c
  }

  /// Adds b (a column, broadcast across columns, or the same shape).
  static func add(_ a: Matrix, _ b: Matrix, sign: Double = 1) -> Matrix {
    var c = a
    for i in 0..<a.rows { for j in 0..<a.cols { c[i, j] += sign * b[i, b.cols == 1 ? 0 : j] } }
    return c
  }

  static func scalar(_ x: Double) -> Matrix {
    var m = Matrix.zeros(1, 1)
    m[0, 0] = x
    return m
  }

  static func threeLayer(_ v: [String: Matrix]) -> (f: Double, named: [String: Matrix]) {
    let h1 = product(v["W1"]!, v["x"]!)
    let z1 = map(h1, tanh)
    let h2 = product(v["W2"]!, z1)
    let z2 = map(h2, tanh)
    let yhat = product(v["W3"]!, z2)
    let r = add(yhat, v["y"]!, sign: -1)
    var f = 0.0
    for i in 0..<r.rows { f += r[i, 0] * r[i, 0] }
    f /= 2
    var named = v
    for (k, m) in [("h1", h1), ("z1", z1), ("h2", h2), ("z2", z2), ("yhat", yhat), ("f", scalar(f))] { named[k] = m }
    return (f, named)
  }

  static func batch(_ v: [String: Matrix]) -> (f: Double, named: [String: Matrix]) {
    let h1 = add(product(v["W1"]!, v["X"]!), v["b1"]!)
    let z1 = map(h1, tanh)
    let s = add(product(v["W2"]!, z1), v["b2"]!)
    var f = 0.0
    for i in 0..<s.rows { for j in 0..<s.cols { f += s[i, j] * s[i, j] } }
    f /= 2
    var named = v
    for (k, m) in [("h1", h1), ("z1", z1), ("s", s), ("f", scalar(f))] { named[k] = m }
    return (f, named)
  }
}
